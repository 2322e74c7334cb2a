// WorldSnapshotter: takes snapshots of the compact domain's folded state
// (see world_follower.h for how they are stored and used) on a thread of
// its own, so that recording never waits on one.
//
// Taking a snapshot serialises the whole state: about 64 ms at 135k events,
// and as long again to store it, both growing with the log. Taken under the
// ledger's lock, that stalled every recorder at each doubling of the log.
// The snapshotter takes them from a copy of the state that it rebuilds on
// its thread (the newest stored snapshot plus the entries since, through a
// WorldFollower); the price is that thread's CPU and, while it runs, a
// second copy of the state in memory. Measured over 140k endorsements
// recorded by 64 concurrent RecordAsync callers (the slowest round of 64,
// same run): 125 ms with the snapshot under the lock (at the snapshot of
// 131072 entries), 15-28 ms with the snapshotter.
#ifndef LEDGER_WORLD_SNAPSHOTS_H_
#define LEDGER_WORLD_SNAPSHOTS_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
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
  void Request(uint64_t covered);

  // Waits until no snapshot is asked for or being taken, and returns how
  // the last one taken went.
  absl::Status Wait();

 private:
  void Run();
  // Rebuilds the state of the first `covered` entries from the newest
  // stored snapshot and the log, and stores it.
  absl::Status Take(uint64_t covered);

  log::Log& log_;
  std::mutex mu_;
  std::condition_variable changed_;
  uint64_t asked_ = 0;     // guarded by mu_; 0: nothing asked
  bool taking_ = false;    // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  absl::Status last_;      // guarded by mu_
  std::thread thread_;     // runs Run; started by the first Request
};

}  // namespace ledger

#endif  // LEDGER_WORLD_SNAPSHOTS_H_
