#include "ledger/world_snapshots.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/compact_ledger.h"
#include "ledger/log/storage_format.h"

namespace ledger {

namespace {

constexpr char kSnapshotName[] = "compact/world";
constexpr size_t kSnapshotHeader = 8 + 32;

}  // namespace

absl::Status FoldRange(const log::Log& log, uint64_t from, uint64_t end,
                       std::optional<absl::Time> known_at, compact::World& world,
                       uint64_t* folded) {
  absl::Status status = log.ForEachEntry(
      from, end - std::min(from, end), [&](const log::StoredEntry& stored) {
        LEDGER_ASSIGN_OR_RETURN(HistoryItem item, DecodeEntry(stored));
        if (known_at.has_value() && item.recorded_at > *known_at) {
          return absl::CancelledError("");
        }
        absl::Status applied = world.Apply(
            item.event, compact::EventMeta{item.sequence,
                                           absl::ToUnixMicros(item.recorded_at), item.actor});
        if (!applied.ok()) {
          return absl::DataLossError(absl::StrCat("entry ", stored.sequence,
                                                  " does not fold: ", applied.message()));
        }
        if (folded != nullptr) *folded = stored.sequence + 1;
        return absl::OkStatus();
      });
  return status.code() == absl::StatusCode::kCancelled ? absl::OkStatus() : status;
}

absl::StatusOr<std::optional<WorldSnapshot>> LoadWorldSnapshot(const log::Log& log) {
  LEDGER_ASSIGN_OR_RETURN(auto bytes, log.GetSnapshot(kSnapshotName));
  if (!bytes.has_value() || bytes->size() < kSnapshotHeader) return std::nullopt;
  const auto covered = log::format::DecodeUint64(std::string_view(*bytes).substr(0, 8));
  if (!covered.has_value() || *covered == 0 || *covered > log.Size()) return std::nullopt;
  LEDGER_ASSIGN_OR_RETURN(log::StoredEntry last, log.GetEntry(*covered - 1));
  if (bytes->compare(8, 32, log::HashBytes(last.leaf_hash)) != 0) return std::nullopt;
  compact::v1::WorldState state;
  if (!state.ParseFromArray(bytes->data() + kSnapshotHeader,
                            static_cast<int>(bytes->size() - kSnapshotHeader))) {
    return std::nullopt;
  }
  auto world = compact::World::FromState(std::move(state));
  if (!world.ok()) return std::nullopt;
  return std::optional<WorldSnapshot>(WorldSnapshot{*std::move(world), *covered});
}

absl::Status StoreWorldSnapshot(log::Log& log, const compact::World& world, uint64_t covered) {
  if (log.read_only()) return absl::OkStatus();
  LEDGER_ASSIGN_OR_RETURN(log::StoredEntry last, log.GetEntry(covered - 1));
  std::string bytes = log::format::EncodeUint64(covered) + log::HashBytes(last.leaf_hash);
  world.state().AppendToString(&bytes);
  return log.PutSnapshot(kSnapshotName, bytes);
}

WorldSnapshotter::WorldSnapshotter(log::Log& log) : log_(log) {}

WorldSnapshotter::~WorldSnapshotter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WorldSnapshotter::Request(uint64_t covered) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    asked_ = std::max(asked_, covered);
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  }
  changed_.notify_all();
}

absl::Status WorldSnapshotter::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return asked_ == 0 && !taking_; });
  return last_;
}

void WorldSnapshotter::Run() {
  // Named so that operators can tell it apart in top -H, perf and gdb.
  pthread_setname_np(pthread_self(), "ledger-snapshot");
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || asked_ != 0; });
    if (asked_ == 0) return;  // stopping, and nothing left to take
    const uint64_t covered = std::exchange(asked_, 0);
    taking_ = true;
    lock.unlock();
    absl::Status taken = Take(covered);
    lock.lock();
    taking_ = false;
    last_ = std::move(taken);
    changed_.notify_all();
  }
}

absl::Status WorldSnapshotter::Take(uint64_t covered) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<WorldSnapshot> stored, LoadWorldSnapshot(log_));
  compact::World world;
  uint64_t folded = 0;
  if (stored.has_value()) {
    if (stored->covered >= covered) return absl::OkStatus();  // as new, or newer
    world = std::move(stored->world);
    folded = stored->covered;
  }
  LEDGER_RETURN_IF_ERROR(FoldRange(log_, folded, covered, std::nullopt, world, &folded));
  if (folded != covered) {
    return absl::InternalError(absl::StrCat("a snapshot of ", covered,
                                            " entries folded only ", folded));
  }
  return StoreWorldSnapshot(log_, world, covered);
}

}  // namespace ledger
