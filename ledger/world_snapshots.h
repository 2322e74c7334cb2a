// World snapshots: the compact domain's folded state as of a prefix of the
// log, kept in the log's snapshots family so that opening a ledger resumes
// from it instead of folding every entry again (see CompactLedger).
//
// Stored as "compact/world": the number of entries covered (8 bytes,
// big-endian), the leaf hash of the last of them (32 bytes), then the
// compact.v1.WorldState bytes. A snapshot is derived data, never trusted
// over the log: it is used only while the entry it ends at is still that
// entry, and a missing or unusable one costs only the time to fold.
//
// Taking a snapshot serialises the whole state: about 64 ms at 135k events,
// and as long again to store it, both growing with the log. Taken under the
// ledger's lock, that stalled every recorder at each doubling of the log.
// WorldSnapshotter takes them on a thread of its own, from a copy of the
// state that it rebuilds there (the stored snapshot plus the entries since),
// so recording never waits on one; the price is that thread's CPU and, while
// it runs, a second copy of the state in memory. Measured over 140k
// endorsements recorded by 64 concurrent RecordAsync callers (the slowest
// round of 64, same run): 125 ms with the snapshot under the lock (at the
// snapshot of 131072 entries), 15-28 ms with the snapshotter.
#ifndef LEDGER_WORLD_SNAPSHOTS_H_
#define LEDGER_WORLD_SNAPSHOTS_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ledger/compact/world.h"
#include "ledger/log/log.h"

namespace ledger {

// Folds the log's entries [from, end) into `world`, stopping before the
// first entry recorded after `known_at` (recorded_at never decreases along
// the log). `folded`, when given, follows every entry folded, so that it
// still matches `world` when a later entry fails. DataLoss for an entry
// that does not fold.
absl::Status FoldRange(const log::Log& log, uint64_t from, uint64_t end,
                       std::optional<absl::Time> known_at, compact::World& world,
                       uint64_t* folded = nullptr);

// A stored snapshot and the number of entries it covers.
struct WorldSnapshot {
  compact::World world;
  uint64_t covered = 0;
};

// The stored snapshot, or nullopt when there is none or it no longer
// matches the log. Errors only when the log cannot be read.
absl::StatusOr<std::optional<WorldSnapshot>> LoadWorldSnapshot(const log::Log& log);

// Stores `world` as the snapshot of the log's first `covered` entries
// (covered > 0, all committed). Nothing is stored on a read-only log.
absl::Status StoreWorldSnapshot(log::Log& log, const compact::World& world, uint64_t covered);

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
  // Rebuilds the state of the first `covered` entries from the stored
  // snapshot and the log, and stores it.
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
