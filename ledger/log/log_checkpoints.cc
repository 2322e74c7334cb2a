// Log: the store of signed checkpoints (the checkpoints family).
#include "ledger/base/next_step.h"
#include "ledger/log/log.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/rocks_db.h"
#include "ledger/log/signed_note.h"
#include "ledger/log/storage_format.h"

namespace ledger::log {

namespace {


// The checkpoint body of a stored or offered signed note.
absl::StatusOr<Checkpoint> CheckpointOf(std::string_view note) {
  LEDGER_ASSIGN_OR_RETURN(Note parsed, ParseNote(note));
  if (parsed.signatures.empty()) {
    return absl::InvalidArgumentError("the checkpoint note carries no signature");
  }
  return ParseCheckpoint(parsed.text);
}

}  // namespace

absl::Status Log::PutCheckpoint(std::string_view note) {
  if (options_.read_only) {
    return absl::FailedPreconditionError("the ledger was opened read-only");
  }
  LEDGER_ASSIGN_OR_RETURN(Checkpoint checkpoint, CheckpointOf(note));
  auto root = RootAt(checkpoint.tree_size);
  if (!root.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the checkpoint is for size ", checkpoint.tree_size, ", beyond the log's ", Size()));
  }
  if (*root != checkpoint.root) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the checkpoint's root ", ToHex(checkpoint.root), " is not the log's root ",
        ToHex(*root), " at size ", checkpoint.tree_size));
  }
  LEDGER_ASSIGN_OR_RETURN(auto stored, GetCheckpoint(checkpoint.tree_size));
  if (stored.has_value()) {
    if (*stored == note) return absl::OkStatus();
    return absl::AlreadyExistsError(absl::StrCat(
        "a different checkpoint is already stored for size ", checkpoint.tree_size,
        "; add signatures by cosigning the stored one"));
  }
  RocksDb::Batch batch(*db_);
  batch.Put(Family::kCheckpoints, format::EncodeUint64(checkpoint.tree_size), note);
  return db_->Write(batch, /*sync=*/true);
}

absl::StatusOr<std::optional<std::string>> Log::GetCheckpoint(uint64_t tree_size) const {
  return db_->Get(Family::kCheckpoints, format::EncodeUint64(tree_size));
}

absl::StatusOr<std::optional<std::string>> Log::LatestCheckpoint() const {
  RocksDb::Cursor it = db_->NewCursor(Family::kCheckpoints);
  it.SeekToLast();
  LEDGER_RETURN_IF_ERROR(it.status("reading checkpoints"));
  if (!it.Valid()) return std::optional<std::string>();
  return std::optional<std::string>(std::string(it.value()));
}

absl::StatusOr<Log::CheckpointNeighbours> Log::CheckpointsAround(uint64_t tree_size) const {
  CheckpointNeighbours around;
  RocksDb::Cursor it = db_->NewCursor(Family::kCheckpoints);
  auto size_here = [&]() -> absl::StatusOr<std::optional<uint64_t>> {
    LEDGER_RETURN_IF_ERROR(it.status("reading checkpoints"));
    if (!it.Valid()) return std::optional<uint64_t>();
    const auto size = format::DecodeUint64(it.key());
    if (!size.has_value()) return absl::DataLossError("a checkpoint key is malformed");
    return std::optional<uint64_t>(*size);
  };
  it.SeekToLast();
  LEDGER_ASSIGN_OR_RETURN(around.newest, size_here());
  if (tree_size > 0) {
    it.SeekForPrev(format::EncodeUint64(tree_size - 1));
    LEDGER_ASSIGN_OR_RETURN(around.below, size_here());
  }
  if (tree_size < ~uint64_t{0}) {
    it.Seek(format::EncodeUint64(tree_size + 1));
    LEDGER_ASSIGN_OR_RETURN(around.above, size_here());
  }
  return around;
}

absl::Status Log::ForEachCheckpoint(
    const std::function<absl::StatusOr<Visit>(uint64_t, const std::string&)>& visit) const {
  RocksDb::Cursor it = db_->NewCursor(Family::kCheckpoints);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    const auto size = format::DecodeUint64(it.key());
    if (!size.has_value()) return absl::DataLossError("a checkpoint key is malformed");
    LEDGER_ASSIGN_OR_RETURN(const Visit next, visit(*size, std::string(it.value())));
    if (next == Visit::kStop) return absl::OkStatus();
  }
  return it.status("reading checkpoints");
}

absl::Status Log::CheckLatestCheckpoint() const {
  LEDGER_ASSIGN_OR_RETURN(auto latest, LatestCheckpoint());
  if (!latest.has_value()) return absl::OkStatus();
  auto checkpoint = CheckpointOf(*latest);
  if (!checkpoint.ok()) {
    return absl::DataLossError(absl::StrCat("refusing to open the ledger at ", path(),
                                            ": its newest stored checkpoint is malformed: ",
                                            checkpoint.status().message()));
  }
  const uint64_t size = Size();
  if (checkpoint->tree_size > size) {
    return absl::DataLossError(absl::StrCat(
        "refusing to open the ledger at ", path(), ": truncated-tail at sequence ", size,
        ": a published checkpoint commits to ", checkpoint->tree_size,
        " entries but the log holds ", size, ". Restore the missing entries from a backup"));
  }
  LEDGER_ASSIGN_OR_RETURN(Hash root, RootAt(checkpoint->tree_size));
  if (root != checkpoint->root) {
    return WithNextStep(
        absl::DataLossError(absl::StrCat(
            "refusing to open the ledger at ", path(), ": root-mismatch at sequence ",
            checkpoint->tree_size, ": the published checkpoint of size ", checkpoint->tree_size,
            " has root ", ToHex(checkpoint->root), " but the log's entries give ", ToHex(root),
            ": the history was rewritten")),
        NextStep::kVerifyLog);
  }
  return absl::OkStatus();
}

}  // namespace ledger::log
