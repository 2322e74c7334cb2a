// WorldSnapshotter: takes snapshots of the compact domain's folded state
// (see world_follower.h for how they are stored and used) on a thread of
// its own, so that recording never waits on one.
//
// Taking a snapshot serialises the whole state and stores it, both growing
// with the log; taken under the ledger's lock, that stalled every recorder
// at each doubling of the log. The snapshotter takes them from a copy of
// the state that it rebuilds on its thread (the newest stored snapshot plus
// the entries since, through a WorldFollower); the price is that thread's
// CPU and, while it runs, a second copy of the state in memory. The
// measured difference is in docs/performance.md (Snapshots).
#ifndef LEDGER_WORLD_SNAPSHOTS_H_
#define LEDGER_WORLD_SNAPSHOTS_H_

#include <cstdint>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ledger/log/log.h"

namespace ledger {

// Takes snapshots on a thread of its own (started by the first Request).
//
// Thread-safety: all methods may be called from any thread; `log` must
// outlive the snapshotter.
class WorldSnapshotter {
 public:
  explicit WorldSnapshotter(log::Log& log);
  // Takes the snapshot last asked for, if it has not been taken, and stops.
  ~WorldSnapshotter();

  WorldSnapshotter(const WorldSnapshotter&) = delete;
  WorldSnapshotter& operator=(const WorldSnapshotter&) = delete;

  // Asks for a snapshot of the log's first `covered` entries, which must
  // be committed. Returns at once; an ask not yet started is replaced by a
  // newer one.
  void Request(uint64_t covered) ABSL_LOCKS_EXCLUDED(mu_);

  // Waits until no snapshot is asked for or being taken, and returns how
  // the last one taken went.
  absl::Status Wait() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  // The conditions Wait and Run wait for.
  bool Idle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return asked_ == 0 && !taking_; }
  bool AskedOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || asked_ != 0;
  }
  // Rebuilds the state of the first `covered` entries from the newest
  // stored snapshot and the log, and stores it.
  absl::Status Take(uint64_t covered);

  log::Log& log_;
  absl::Mutex mu_;
  uint64_t asked_ ABSL_GUARDED_BY(mu_) = 0;  // 0: nothing asked
  bool taking_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status last_ ABSL_GUARDED_BY(mu_);
  // Runs Run; started by the first Request (under mu_), joined by the
  // destructor (after Request can no longer start it).
  std::thread thread_;
};

}  // namespace ledger

#endif  // LEDGER_WORLD_SNAPSHOTS_H_
