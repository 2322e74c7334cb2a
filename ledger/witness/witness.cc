#include "ledger/witness/witness.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/proof_verify.h"
#include "ledger/witness/add_checkpoint.h"

namespace ledger::witness {

namespace {

WitnessResponse Answer(int status, absl::string_view message) {
  return {status, "text/plain; charset=utf-8", absl::StrCat(message, "\n")};
}

}  // namespace

Witness::Witness(const Cosigner& cosigner, std::vector<log::NoteVerifier> log_keys,
                 std::unique_ptr<WitnessStore> store, Clock clock)
    : cosigner_(cosigner), log_keys_(std::move(log_keys)), clock_(std::move(clock)),
      store_(std::move(store)) {}

absl::StatusOr<std::unique_ptr<Witness>> Witness::Open(const Cosigner& cosigner,
                                                       std::vector<log::NoteVerifier> log_keys,
                                                       const std::string& state_dir, Clock clock) {
  if (log_keys.empty()) {
    return absl::InvalidArgumentError("the witness knows no log: list at least one `log <vkey>`");
  }
  if (clock == nullptr) {
    clock = [] { return static_cast<uint64_t>(absl::ToUnixSeconds(absl::Now())); };
  }
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<WitnessStore> store, WitnessStore::Open(state_dir));
  LEDGER_ASSIGN_OR_RETURN(auto notes, store->Load());
  std::unique_ptr<Witness> witness(
      new Witness(cosigner, std::move(log_keys), std::move(store), std::move(clock)));
  absl::MutexLock lock(&witness->mu_);
  for (auto& [origin, note] : notes) {
    // Load() checked that the note parses.
    log::Checkpoint checkpoint = *log::ParseCheckpoint(log::ParseNote(note)->text);
    witness->states_[origin] = State{std::move(checkpoint), std::move(note)};
  }
  return witness;
}

WitnessResponse Witness::AddCheckpoint(std::string_view body) {
  absl::StatusOr<AddCheckpointRequest> request = ParseAddCheckpointRequest(body);
  if (!request.ok()) return Answer(400, request.status().message());
  absl::StatusOr<log::Note> note = log::ParseNote(request->checkpoint);
  if (!note.ok()) return Answer(400, absl::StrCat("malformed checkpoint note: ", note.status().message()));
  absl::StatusOr<log::Checkpoint> checkpoint = log::ParseCheckpoint(note->text);
  if (!checkpoint.ok()) {
    return Answer(400, absl::StrCat("malformed checkpoint: ", checkpoint.status().message()));
  }
  std::vector<log::NoteVerifier> keys;
  for (const auto& key : log_keys_) {
    if (key.name() == checkpoint->origin) keys.push_back(key);
  }
  if (keys.empty()) return Answer(404, absl::StrCat("unknown log origin \"", checkpoint->origin, "\""));
  // Signatures are checked before taking the lock: they need no state.
  absl::StatusOr<log::OpenedNote> opened = log::OpenNote(request->checkpoint, keys);
  if (!opened.ok()) {
    const int status = opened.status().code() == absl::StatusCode::kDataLoss ? 403 : 400;
    return Answer(status, opened.status().message());
  }
  if (request->old_size > checkpoint->tree_size) {
    return Answer(400, absl::StrCat("old size ", request->old_size, " is above the checkpoint's size ",
                                    checkpoint->tree_size));
  }
  return Update(*checkpoint, *opened, request->old_size, request->proof);
}

WitnessResponse Witness::Update(const log::Checkpoint& checkpoint, const log::OpenedNote& opened,
                                uint64_t old_size, const std::vector<log::Hash>& proof) {
  absl::MutexLock lock(&mu_);
  const auto it = states_.find(checkpoint.origin);
  const uint64_t stored_size = it == states_.end() ? 0 : it->second.checkpoint.tree_size;
  if (old_size != stored_size) {
    return {409, kTlogSizeContentType, absl::StrCat(stored_size, "\n")};
  }
  if (checkpoint.tree_size == 0 && checkpoint.root != log::EmptyTreeRoot()) {
    return Answer(422, "a checkpoint of size 0 must have the empty tree's root");
  }
  if (old_size == 0) {
    if (!proof.empty()) return Answer(422, "the consistency proof from size 0 must be empty");
  } else if (old_size == checkpoint.tree_size) {
    if (checkpoint.root != it->second.checkpoint.root) {
      return Answer(422, absl::StrCat("the checkpoint has the size ", old_size,
                                      " last cosigned but another root hash (",
                                      log::ToHex(checkpoint.root), ", cosigned ",
                                      log::ToHex(it->second.checkpoint.root), ")"));
    }
    if (!proof.empty()) return Answer(422, "the consistency proof between equal sizes must be empty");
  } else {
    absl::Status consistent = log::VerifyConsistency(old_size, checkpoint.tree_size, proof,
                                                     it->second.checkpoint.root, checkpoint.root);
    if (!consistent.ok()) {
      return Answer(422, absl::StrCat("the consistency proof from size ", old_size, " to ",
                                      checkpoint.tree_size, " fails: ", consistent.message()));
    }
  }
  // tlog-witness: "the timestamp MUST NOT be zero". A clock at the Epoch is
  // a machine without time, not a time to vouch for.
  const uint64_t now = clock_();
  if (now == 0) {
    return Answer(500, "the witness's clock reads 1970-01-01T00:00:00Z, and a cosignature's "
                       "timestamp must not be zero: set the system clock");
  }
  absl::StatusOr<log::NoteSignature> cosignature = cosigner_.Cosign(opened.text, now);
  if (!cosignature.ok()) return Answer(500, cosignature.status().message());
  log::Note kept{opened.text, opened.verified};
  kept.signatures.push_back(*cosignature);
  absl::StatusOr<std::string> note = log::FormatNote(kept);
  if (!note.ok()) return Answer(500, note.status().message());
  if (absl::Status stored = store_->Store(checkpoint.origin, *note); !stored.ok()) {
    return Answer(500, absl::StrCat("the witness could not store the checkpoint, so it did not "
                                    "cosign it: ", stored.message()));
  }
  states_[checkpoint.origin] = State{checkpoint, *std::move(note)};
  return {200, "text/plain; charset=utf-8", SignatureLine(*cosignature)};
}

WitnessResponse Witness::LatestCheckpoint(std::string_view origin_hash) const {
  absl::MutexLock lock(&mu_);
  for (const auto& [origin, state] : states_) {
    if (OriginHash(origin) == origin_hash) return {200, "text/plain; charset=utf-8", state.note};
  }
  return Answer(404, "this witness has cosigned no checkpoint of that log");
}

std::optional<uint64_t> Witness::CosignedSize(std::string_view origin) const {
  absl::MutexLock lock(&mu_);
  const auto it = states_.find(origin);
  if (it == states_.end()) return std::nullopt;
  return it->second.checkpoint.tree_size;
}

}  // namespace ledger::witness
