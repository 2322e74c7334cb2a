#include "ledger/audit/entry_proof.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "compact/v1/compact.pb.h"
#include "ledger/audit/bundle_format.h"
#include "ledger/base/absl_view.h"
#include "ledger/base/next_step.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/proof_verify.h"

namespace ledger::audit {

namespace {

absl::StatusOr<std::string> Unbase64(std::string_view b64, std::string_view what) {
  std::string out;
  if (b64.empty() || b64.size() % 4 != 0 || !absl::Base64Unescape(AbslView(b64), &out) ||
      absl::Base64Escape(out) != AbslView(b64)) {
    return absl::InvalidArgumentError(absl::StrCat(AbslView(what), " is not canonical base64"));
  }
  return out;
}

absl::StatusOr<log::Checkpoint> UnverifiedCheckpoint(std::string_view note) {
  LEDGER_ASSIGN_OR_RETURN(log::Note parsed, log::ParseNote(note));
  return log::ParseCheckpoint(parsed.text);
}

// Splits off the next "\n"-terminated line; InvalidArgument when none.
absl::StatusOr<std::string_view> NextLine(std::string_view& rest, int number) {
  const size_t nl = rest.find('\n');
  if (nl == std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("tlog-proof line ", number, " is missing"));
  }
  std::string_view line = rest.substr(0, nl);
  rest.remove_prefix(nl + 1);
  return line;
}

absl::Status Tampered(std::string_view what, const absl::Status& status) {
  return absl::DataLossError(absl::StrCat(AbslView(what), ": ", status.message()));
}

}  // namespace

absl::StatusOr<EntryProof> ProveEntry(const log::Log& log, uint64_t sequence) {
  if (const uint64_t size = log.Size(); sequence >= size) {
    return absl::NotFoundError(absl::StrCat("no entry ", sequence, ": the log holds ", size,
                                            " entries, numbered from 0"));
  }
  LEDGER_ASSIGN_OR_RETURN(auto latest, log.LatestCheckpoint());
  std::optional<log::Checkpoint> checkpoint;
  if (latest.has_value()) {
    LEDGER_ASSIGN_OR_RETURN(checkpoint, UnverifiedCheckpoint(*latest));
  }
  if (!checkpoint.has_value() || checkpoint->tree_size <= sequence) {
    return WithNextStep(
        absl::FailedPreconditionError(absl::StrCat(
            "no signed checkpoint covers entry ", sequence,
            checkpoint.has_value()
                ? absl::StrCat(" (the newest is of tree size ", checkpoint->tree_size, ")")
                : " (the ledger has none)",
            ": sign a checkpoint of the log first")),
        NextStep::kSignCheckpoint);
  }
  EntryProof proof;
  LEDGER_ASSIGN_OR_RETURN(log::StoredEntry stored, log.GetEntry(sequence));
  proof.sequence = sequence;
  proof.entry_bytes = std::move(stored.bytes);
  proof.leaf_hash = stored.leaf_hash;
  proof.tree_size = checkpoint->tree_size;
  LEDGER_ASSIGN_OR_RETURN(proof.inclusion, log.InclusionProof(sequence, proof.tree_size));
  proof.checkpoint = *std::move(latest);
  return proof;
}

std::string FormatTlogProof(const EntryProof& proof) {
  std::string out = absl::StrCat(AbslView(kTlogProofHeader), "\nextra ",
                                 absl::Base64Escape(AbslView(proof.entry_bytes)), "\nindex ",
                                 proof.sequence, "\n");
  for (const auto& hash : proof.inclusion) {
    absl::StrAppend(&out, absl::Base64Escape(log::HashBytes(hash)), "\n");
  }
  absl::StrAppend(&out, "\n", AbslView(proof.checkpoint));
  return out;
}

absl::StatusOr<EntryProof> ParseTlogProof(std::string_view text) {
  std::string_view rest = text;
  EntryProof proof;
  int number = 1;
  LEDGER_ASSIGN_OR_RETURN(std::string_view line, NextLine(rest, number));
  if (line != kTlogProofHeader) {
    return absl::InvalidArgumentError("tlog-proof: the first line is not c2sp.org/tlog-proof@v1");
  }
  LEDGER_ASSIGN_OR_RETURN(line, NextLine(rest, ++number));
  if (line.substr(0, 6) != "extra ") {
    return absl::InvalidArgumentError("tlog-proof: no \"extra\" line with the entry bytes");
  }
  LEDGER_ASSIGN_OR_RETURN(proof.entry_bytes, Unbase64(line.substr(6), "tlog-proof extra data"));
  LEDGER_ASSIGN_OR_RETURN(line, NextLine(rest, ++number));
  if (line.substr(0, 6) != "index ") {
    return absl::InvalidArgumentError(absl::StrCat("tlog-proof line ", number, ": no index"));
  }
  LEDGER_ASSIGN_OR_RETURN(proof.sequence, ParseDecimal(line.substr(6)));
  for (;;) {
    LEDGER_ASSIGN_OR_RETURN(line, NextLine(rest, ++number));
    if (line.empty()) break;
    LEDGER_ASSIGN_OR_RETURN(std::string raw, Unbase64(line, absl::StrCat("tlog-proof line ", number)));
    LEDGER_ASSIGN_OR_RETURN(log::Hash hash, log::HashFromBytes(raw));
    proof.inclusion.push_back(hash);
  }
  proof.checkpoint = std::string(rest);
  LEDGER_ASSIGN_OR_RETURN(log::Checkpoint checkpoint, UnverifiedCheckpoint(proof.checkpoint));
  proof.tree_size = checkpoint.tree_size;
  proof.leaf_hash = log::LeafHash(proof.entry_bytes);
  return proof;
}

absl::StatusOr<VerifiedEntry> VerifyEntryProof(const EntryProof& proof,
                                               std::span<const log::NoteVerifier> keys,
                                               std::string_view origin) {
  std::string expected_origin(origin);
  if (expected_origin.empty()) {
    LEDGER_ASSIGN_OR_RETURN(log::Checkpoint unverified, UnverifiedCheckpoint(proof.checkpoint));
    expected_origin = unverified.origin;
  }
  VerifiedEntry out;
  auto verified = log::VerifyCheckpoint(proof.checkpoint, keys, expected_origin);
  if (!verified.ok()) return verified.status();
  out.checkpoint = *std::move(verified);
  const log::Checkpoint& checkpoint = out.checkpoint.checkpoint;
  if (checkpoint.tree_size != proof.tree_size) {
    return absl::DataLossError(absl::StrCat("the proof says tree size ", proof.tree_size,
                                            " but its checkpoint is of tree size ",
                                            checkpoint.tree_size));
  }
  const log::Hash leaf = log::LeafHash(proof.entry_bytes);
  if (leaf != proof.leaf_hash) {
    return absl::DataLossError(absl::StrCat("the entry bytes hash to ", log::ToHex(leaf),
                                            ", not to the proof's leaf hash ",
                                            log::ToHex(proof.leaf_hash)));
  }
  if (!out.entry.ParseFromString(proof.entry_bytes)) {
    return absl::DataLossError("the entry bytes do not parse as a ledger.v1.Entry");
  }
  if (out.entry.sequence() != proof.sequence) {
    return absl::DataLossError(absl::StrCat("the entry says it is entry ", out.entry.sequence(),
                                            ", not entry ", proof.sequence));
  }
  absl::Status included = log::VerifyInclusion(proof.sequence, proof.tree_size, leaf,
                                               proof.inclusion, checkpoint.root);
  if (!included.ok()) {
    return Tampered(absl::StrCat("entry ", proof.sequence, " is not proven to be in the tree "
                                 "that the checkpoint signs"), included);
  }
  compact::v1::Event event;
  if (out.entry.payload().UnpackTo(&event)) out.event = std::move(event);
  return out;
}

}  // namespace ledger::audit
