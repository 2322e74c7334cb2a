// Log: the side store of snapshots of state derived from the log.
#include "ledger/log/log.h"

#include "ledger/base/status_macros.h"
#include "ledger/log/rocks_db.h"

namespace ledger::log {

absl::Status Log::PutSnapshot(std::string_view name, std::string_view bytes) {
  if (options_.read_only) return absl::OkStatus();  // derived data: skip, never fail
  RocksDb::Batch batch(*db_);
  batch.Put(Family::kSnapshots, name, bytes);
  return db_->Write(batch, /*sync=*/false);
}

absl::StatusOr<std::optional<std::string>> Log::GetSnapshot(std::string_view name) const {
  return db_->Get(Family::kSnapshots, name);
}

absl::StatusOr<std::optional<Log::NamedSnapshot>> Log::FindSnapshotAtOrBefore(
    std::string_view prefix, std::string_view name) const {
  RocksDb::Cursor it = db_->NewCursor(Family::kSnapshots);
  it.SeekForPrev(name);
  LEDGER_RETURN_IF_ERROR(it.status("reading snapshots"));
  if (!it.Valid() || !it.key().starts_with(prefix)) {
    return std::optional<NamedSnapshot>();
  }
  return std::optional<NamedSnapshot>(
      NamedSnapshot{std::string(it.key()), std::string(it.value())});
}

}  // namespace ledger::log
