// WorldFollower: the one place where the log is folded into the compact
// domain's state (compact::World). Everything that needs the state of a
// prefix of the log goes through it: CompactLedger (state and history),
// the snapshotter and the admission's rebuild after a failed write. ("As
// known at T" needs no fold of its own: the folded state answers it, see
// compact::World::StateAt.)
//
// A follower owns how far it has folded (folded()), folds entries read from
// the log, and folds the events the log's commit thread hands over
// (HandOver) without reading them back and without running the domain's
// rules on them again: the admission accepted them at commit against the
// same committed prefix, and hands over each event as it was folded there.
//
// Snapshots: the state of the log's first N entries is stored in the log's
// snapshots family under "compact/world/" followed by N as 8 bytes
// big-endian, so that the newest snapshot at or before any N is one seek
// away. The value is N (8 bytes big-endian), the leaf hash of entry N-1
// (32 bytes), then the compact.v1.WorldState bytes. A snapshot is derived
// data, never trusted over the log: it is used only while entry N-1 is
// still that entry, and a missing or unusable one costs only the time to
// fold. The ledger takes them at each doubling of the log (see
// CompactLedger); older ones are kept, about the newest one's space again.
//
// Thread-safety: HandOver may be called from any thread, concurrently with
// anything. Every other method needs exclusive access (CompactLedger holds
// its lock); const methods may run concurrently with each other.
#ifndef LEDGER_WORLD_FOLLOWER_H_
#define LEDGER_WORLD_FOLLOWER_H_

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "compact/v1/compact.pb.h"
#include "ledger/compact/world.h"
#include "ledger/log/log.h"

namespace ledger {

// An event accepted at commit, as it was folded there (see
// compact::World::Accept), with the meta of the entry that holds it.
struct AcceptedEvent {
  compact::v1::Event event;
  compact::EventMeta meta;
};

class WorldFollower {
 public:
  // A follower of `log` that has folded nothing. `log` must outlive it.
  // With options.keep_facts off it checks rules only (see WorldOptions).
  explicit WorldFollower(const log::Log& log, compact::WorldOptions options = {});

  WorldFollower(const WorldFollower&) = delete;
  WorldFollower& operator=(const WorldFollower&) = delete;

  // Starts from the newest stored snapshot that covers at most `at_most`
  // entries and still matches the log, if there is one; else stays at the
  // start. Call before folding anything. Errors only when the log cannot
  // be read.
  absl::Status Resume(uint64_t at_most = std::numeric_limits<uint64_t>::max());

  // Folds every committed entry not folded yet (up to the log's Size()):
  // the handed-over events from memory, the others read from the log.
  // DataLoss, naming the entry, for one that does not fold; folded() then
  // counts the entries before it.
  absl::Status CatchUp();
  // The same, up to entry `end` (exclusive; end <= the log's Size()).
  absl::Status FoldTo(uint64_t end);

  // Folds the handed-over events that directly follow folded(), and drops
  // those folded already; reads nothing from the log.
  absl::Status FoldHandedOver();

  // Events the commit thread accepted, by sequence, for the next fold:
  // given before the log shows their entries, so a follower that has seen
  // the log's size S finds every handed-over event below S here (or has
  // folded it already). Thread-safe.
  void HandOver(std::map<uint64_t, AcceptedEvent> events);

  // The state of the log's first folded() entries.
  const compact::World& world() const { return world_; }
  uint64_t folded() const { return folded_; }
  // Entries covered by the snapshot Resume started from (0: none).
  uint64_t resumed_from() const { return resumed_from_; }

  // Moves the state out (the follower is left at the start).
  compact::World TakeWorld();

  // Stores the state as the snapshot of the log's first folded() entries
  // (folded() > 0). Nothing is stored on a read-only log.
  absl::Status StoreSnapshot(log::Log& log) const;

  // How many of the log's first entries were recorded at or before
  // `known_at`: a binary search over recorded_at.
  static absl::StatusOr<uint64_t> EntriesKnownAt(const log::Log& log, absl::Time known_at);

 private:
  // Folds entries [folded_, end) read from the log.
  absl::Status FoldFromLog(uint64_t end);

  const log::Log& log_;
  compact::WorldOptions options_;
  compact::World world_;
  uint64_t folded_ = 0;
  uint64_t resumed_from_ = 0;
  absl::Mutex handed_over_mu_;
  std::map<uint64_t, AcceptedEvent> handed_over_ ABSL_GUARDED_BY(handed_over_mu_);
};

// The name under which the snapshot of the log's first `covered` entries
// is stored ("compact/world/" and `covered` as 8 bytes big-endian).
std::string WorldSnapshotName(uint64_t covered);

}  // namespace ledger

#endif  // LEDGER_WORLD_FOLLOWER_H_
