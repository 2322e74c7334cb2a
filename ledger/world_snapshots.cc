#include "ledger/world_snapshots.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/world_follower.h"

namespace ledger {

WorldSnapshotter::WorldSnapshotter(log::Log& log) : log_(log) {}

WorldSnapshotter::~WorldSnapshotter() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void WorldSnapshotter::Request(uint64_t covered) {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    asked_ = std::max(asked_, covered);
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  }
}

absl::Status WorldSnapshotter::Wait() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(this, &WorldSnapshotter::Idle));
  return last_;
}

void WorldSnapshotter::Run() {
  // Named so that operators can tell it apart in top -H, perf and gdb.
  pthread_setname_np(pthread_self(), "ledger-snapshot");
  mu_.Lock();
  for (;;) {
    mu_.Await(absl::Condition(this, &WorldSnapshotter::AskedOrStopping));
    if (asked_ == 0) break;  // stopping, and nothing left to take
    const uint64_t covered = std::exchange(asked_, 0);
    taking_ = true;
    mu_.Unlock();
    absl::Status taken = Take(covered);
    mu_.Lock();
    taking_ = false;
    last_ = std::move(taken);  // Wait's condition is checked on unlock
  }
  mu_.Unlock();
}

absl::Status WorldSnapshotter::Take(uint64_t covered) {
  WorldFollower follower(log_);
  LEDGER_RETURN_IF_ERROR(follower.Resume(covered));
  if (follower.folded() >= covered) return absl::OkStatus();  // stored already
  LEDGER_RETURN_IF_ERROR(follower.FoldTo(covered));
  if (follower.folded() != covered) {
    return absl::InternalError(absl::StrCat("a snapshot of ", covered,
                                            " entries folded only ", follower.folded()));
  }
  return follower.StoreSnapshot(log_);
}

}  // namespace ledger
