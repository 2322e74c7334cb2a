#include "ledger/audit/checkpointer.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ledger/base/absl_view.h"
#include "ledger/base/next_step.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/checkpoint.h"

namespace ledger::audit {

namespace {

// Side-table entry listing verifier key strings, one per line.
constexpr char kKeysSnapshot[] = "audit/verifier-keys";

absl::Status RememberKeys(log::Log& log, std::span<const log::NoteSigner> signers) {
  LEDGER_ASSIGN_OR_RETURN(auto stored, log.GetSnapshot(kKeysSnapshot));
  std::string keys = stored.value_or("");
  bool changed = false;
  for (const auto& signer : signers) {
    const std::string line = signer.verifier().KeyString() + "\n";
    if (keys.find(line) == std::string::npos) {
      keys += line;
      changed = true;
    }
  }
  return changed ? log.PutSnapshot(kKeysSnapshot, keys) : absl::OkStatus();
}

// True when the stored `note` carries a signature line by every signer.
bool SignedByAll(const std::string& note, std::span<const log::NoteSigner> signers) {
  auto verifiers = std::vector<log::NoteVerifier>();
  for (const auto& s : signers) verifiers.push_back(s.verifier());
  auto opened = log::OpenNote(note, verifiers);
  return opened.ok() && opened->verified.size() == signers.size();
}

// The checkpoint in a stored note, if one is stored.
absl::StatusOr<std::optional<log::Checkpoint>> ParseStored(
    const std::optional<std::string>& note) {
  if (!note.has_value()) return std::optional<log::Checkpoint>();
  LEDGER_ASSIGN_OR_RETURN(log::Note parsed, log::ParseNote(*note));
  LEDGER_ASSIGN_OR_RETURN(log::Checkpoint checkpoint, log::ParseCheckpoint(parsed.text));
  return std::optional<log::Checkpoint>(std::move(checkpoint));
}

}  // namespace

absl::StatusOr<std::optional<log::Checkpoint>> NewestCheckpoint(const log::Log& log) {
  LEDGER_ASSIGN_OR_RETURN(auto note, log.LatestCheckpoint());
  return ParseStored(note);
}

absl::StatusOr<std::string> ChooseOrigin(const std::optional<log::Checkpoint>& newest,
                                         std::string_view requested) {
  if (newest.has_value()) {
    if (!requested.empty() && requested != newest->origin) {
      return WithNextStep(absl::InvalidArgumentError(absl::StrCat(
                              "the ledger's checkpoints have origin \"", newest->origin,
                              "\", not \"", AbslView(requested),
                              "\": a log keeps one origin")),
                          NextStep::kKeepOrigin);
    }
    return newest->origin;
  }
  if (requested.empty()) {
    return WithNextStep(absl::InvalidArgumentError(
                            "the ledger has no checkpoint yet: the first one needs an origin, "
                            "the log's name (e.g. worcestershire.example/compact-ledger)"),
                        NextStep::kGiveOrigin);
  }
  // Refused now, not when the first checkpoint is formatted.
  auto formatted = log::FormatCheckpoint({std::string(requested), 0, log::Hash{}, {}});
  if (!formatted.ok()) {
    return WithNextStep(
        absl::InvalidArgumentError(absl::StrCat("the origin cannot name the log's checkpoints: ",
                                                formatted.status().message())),
        NextStep::kGiveOrigin);
  }
  return std::string(requested);
}

absl::StatusOr<PublishedCheckpoint> SignCheckpoint(const log::Log& log,
                                                   std::span<const log::NoteSigner> signers,
                                                   std::string_view origin) {
  if (signers.empty()) return absl::InvalidArgumentError("no signing key");
  LEDGER_ASSIGN_OR_RETURN(auto latest_note, log.LatestCheckpoint());
  LEDGER_ASSIGN_OR_RETURN(std::optional<log::Checkpoint> latest, ParseStored(latest_note));
  PublishedCheckpoint published;
  LEDGER_ASSIGN_OR_RETURN(published.origin, ChooseOrigin(latest, origin));
  published.head = log.Head();
  if (latest.has_value() && latest->tree_size == published.head.tree_size) {
    if (!SignedByAll(*latest_note, signers)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "a checkpoint of tree size ", latest->tree_size, " is stored already, signed by "
          "other keys; a stored checkpoint cannot gain signatures: sign again after the "
          "next entry is appended"));
    }
    published.note = *latest_note;
    return published;
  }
  LEDGER_ASSIGN_OR_RETURN(
      std::string text,
      log::FormatCheckpoint({published.origin, published.head.tree_size, published.head.root, {}}));
  LEDGER_ASSIGN_OR_RETURN(published.note, log::SignNote(text, signers));
  published.created = true;
  return published;
}

absl::Status StoreCheckpoint(log::Log& log, std::span<const log::NoteSigner> signers,
                             std::string_view note) {
  LEDGER_RETURN_IF_ERROR(RememberKeys(log, signers));
  return log.PutCheckpoint(note);
}

absl::StatusOr<PublishedCheckpoint> PublishCheckpoint(log::Log& log,
                                                      std::span<const log::NoteSigner> signers,
                                                      std::string_view origin) {
  LEDGER_ASSIGN_OR_RETURN(PublishedCheckpoint published, SignCheckpoint(log, signers, origin));
  if (published.created) LEDGER_RETURN_IF_ERROR(StoreCheckpoint(log, signers, published.note));
  return published;
}

absl::StatusOr<std::vector<log::NoteVerifier>> KnownVerifierKeys(const log::Log& log) {
  LEDGER_ASSIGN_OR_RETURN(auto stored, log.GetSnapshot(kKeysSnapshot));
  std::vector<log::NoteVerifier> keys;
  if (!stored.has_value()) return keys;
  for (absl::string_view line : absl::StrSplit(*stored, '\n', absl::SkipEmpty())) {
    auto key = log::NoteVerifier::FromKeyString(std::string_view(line.data(), line.size()));
    if (key.ok()) keys.push_back(*std::move(key));  // derived data: skip what is damaged
  }
  return keys;
}

}  // namespace ledger::audit
