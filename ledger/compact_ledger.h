// CompactLedger: the piece that joins the compact domain (ledger/compact)
// to the verifiable log (ledger/log).
//
// Commands (compact.v1.Event as submitted) are prepared by the domain against
// the state folded so far, then appended as one all-or-nothing batch, each to
// its stream ("compact/<id>", "body/<id>", "source/<id>") with the stream's
// expected version, so a stale decision can never be interleaved silently.
// The log's commit thread checks every batch again against the events
// committed before it (DomainAdmission), which catches what expected
// versions cannot see: a contradiction with a concurrent batch on another
// stream. An entry that does not fold is never acknowledged.
// State and history are answered from the log alone: the folded state is
// rebuilt from the entries at open, resuming from a snapshot when one
// matches the log (snapshots are checked against the entry's leaf hash and
// never trusted over the log).
//
// The state is folded by a WorldFollower (world_follower.h), the one
// follower of the log into the domain's state: the events the admission
// accepted at commit are handed over to it and folded from memory without
// running the rules again; entries of other writers are read from the log.
// "As known at T" is answered from the same folded state, leaving out the
// events recorded after T (compact::World::StateAt with a sequence limit),
// so it costs what the plain query costs, wherever T falls in the log.
//
// Thread-safety: all methods may be called concurrently. The domain checks
// of Record calls are serialised; their appends are group-committed by the
// log.
#ifndef LEDGER_COMPACT_LEDGER_H_
#define LEDGER_COMPACT_LEDGER_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "compact/v1/compact.pb.h"
#include "ledger/compact/edtf.h"
#include "ledger/compact/world.h"
#include "ledger/domain_admission.h"
#include "ledger/log/log.h"
#include "ledger/world_follower.h"
#include "ledger/world_snapshots.h"

namespace ledger {

// One event of a compact's history, as the log holds it.
struct HistoryItem {
  uint64_t sequence = 0;
  std::string stream;
  uint64_t stream_version = 0;
  absl::Time recorded_at;
  std::string actor;
  log::Hash leaf_hash{};
  compact::v1::Event event;
};

// One command to record, with what the writer expects.
struct RecordRequest {
  // The command (a compact.v1.Event as submitted).
  compact::v1::Event command;
  // Idempotency key; empty for none. A retry with the same key and the same
  // command returns the first result and appends nothing; the same key with
  // another command is AlreadyExists.
  std::string request_id;
  // What the writer expects of the command's stream. Default: the version
  // the command was checked against, so a concurrent change to the stream
  // makes this command fail with Aborted instead of interleaving silently.
  std::optional<log::ExpectedVersion> expected;
  // Names the command in errors ("line 12"); default "command K of N".
  std::string label;
};

class CompactLedger {
 public:
  // Opens the log (see log::Log::Open) and folds its events.
  static absl::StatusOr<std::unique_ptr<CompactLedger>> Open(
      const log::LogOptions& options);
  // Opens the existing ledger at `path` to read it: RocksDB's read-only
  // open, which takes no lock, so it works while a server holds the
  // database, and sees the log as committed when it opened. No commit or
  // snapshot thread is started and nothing is written; Record fails.
  static absl::StatusOr<std::unique_ptr<CompactLedger>> OpenToRead(const std::string& path);

  // Prepares and appends `commands` in order as one batch: all are recorded
  // or none. The error of the first refused command says which one and why;
  // nothing is appended then. `request_ids`, when not empty, has one
  // idempotency key per command (empty strings for none); a command whose
  // key was already recorded with the same command returns the first result
  // (deduplicated) and appends nothing. `labels`, when not empty, names each
  // command in errors (e.g. "line 12"); by default "command K of N".
  absl::StatusOr<std::vector<log::AppendResult>> Record(
      const std::vector<compact::v1::Event>& commands, const std::string& actor,
      const std::vector<std::string>& request_ids = {},
      const std::vector<std::string>& labels = {});

  // The general form: every request is checked by the domain against the
  // state folded so far, then all are appended as one batch (all or none).
  // Errors: as World::Prepare (InvalidArgument, NotFound, FailedPrecondition,
  // AlreadyExists), Aborted when a stream is not at the expected version
  // (the message gives the actual version). Concurrent calls are
  // group-committed by the log; each call stays all-or-nothing.
  absl::StatusOr<std::vector<log::AppendResult>> Record(
      const std::vector<RecordRequest>& requests, const std::string& actor);

  // Called once with the outcome of RecordAsync.
  using RecordDone = std::function<void(absl::StatusOr<std::vector<log::AppendResult>>)>;
  // Record without waiting for the append to be durable: the domain checks
  // run on this thread, then the batch is queued and `done` is called with
  // what Record would have returned. `done` runs on this thread when the
  // call is refused before anything is queued (or needs no append: every
  // command a retry), otherwise on the log's answer thread once the batch is
  // durable and visible: it must be quick and must not wait on this ledger.
  // For servers that answer from a callback instead of parking a thread per
  // call.
  void RecordAsync(std::vector<RecordRequest> requests, const std::string& actor,
                   RecordDone done);

  // The compacts registered so far, in id order.
  std::vector<compact::v1::CompactRegistered> ListCompacts() const;

  // State at day `at` of one compact (or all, with an empty id), from every
  // event recorded so far, or only from those recorded at or before
  // `known_at` (bitemporal: "as known at").
  absl::StatusOr<compact::v1::StateReport> StateAt(
      const compact::CivilDay& at, std::string_view compact_id,
      std::optional<absl::Time> known_at = std::nullopt) const;
  // The same, written to `out`, which may live on a google::protobuf::Arena
  // (a long history's report holds many messages, much cheaper to allocate
  // and free there). On error `out` is left unspecified.
  absl::Status StateAt(const compact::CivilDay& at, std::string_view compact_id,
                       std::optional<absl::Time> known_at,
                       compact::v1::StateReport* out) const;

  // The events concerning a compact, in ledger order. NotFound for an
  // unknown compact.
  absl::StatusOr<std::vector<HistoryItem>> History(std::string_view compact_id) const;
  // Their ledger sequences only (nothing is read from the log).
  absl::StatusOr<std::vector<uint64_t>> SequencesConcerning(std::string_view compact_id) const;

  // Calls `read` with the domain state folded to the end of the log, under
  // the ledger's lock: `read` must not call back into the ledger, and holds
  // up recording while it runs. For exports of the whole state.
  absl::Status ReadWorld(absl::FunctionRef<void(const compact::World&)> read) const;

  // Every event of the log, in order (the timeline).
  absl::StatusOr<std::vector<HistoryItem>> Timeline() const;

  // Waits until no world snapshot is asked for or being taken (they are
  // taken in the background, see world_snapshots.h), and returns how the
  // last one went. For tests and tools that want the snapshot stored.
  absl::Status WaitForSnapshot() const;

  // Waits for every RecordAsync in flight to be called back, and for the
  // snapshot last asked for to be stored.
  ~CompactLedger();

  log::Log& log() const { return *log_; }

 private:
  explicit CompactLedger(std::unique_ptr<log::Log> log);
  absl::Status Load();
  // When the log has doubled since the last snapshot (and is writable).
  bool SnapshotDue() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Asks snapshots_ for a snapshot of the folded state when one is due.
  void MaybeSnapshot() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Record in two steps: the domain checks (taking mu_), then the results
  // once the batch is committed. Complete folds when `fold` (Record, whose
  // caller waits anyway); called back on the log's answer thread
  // (RecordAsync) it leaves the handed-over events to the next CatchUp,
  // because answers are answered one at a time there, right behind the one
  // serial stage of every append: folding there would slow every append
  // over gRPC (docs/performance.md, Appends over gRPC).
  struct Recording;
  absl::StatusOr<std::shared_ptr<Recording>> Begin(std::vector<RecordRequest> requests,
                                                   const std::string& actor) const;
  absl::StatusOr<std::vector<log::AppendResult>> Complete(
      Recording& r, absl::StatusOr<std::vector<log::AppendResult>> batch,
      bool fold) const;
  // Turns commands into append requests checked against the folded state;
  // known[i] is set for retried ones.
  absl::StatusOr<std::vector<log::AppendRequest>> Prepare(
      const std::vector<RecordRequest>& requests, const std::string& actor,
      std::vector<bool>& known) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Folds every entry committed since the last fold (by any writer).
  absl::Status CatchUp() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::unique_ptr<log::Log> log_;
  mutable absl::Mutex mu_;
  // The state folded from the log's first follower_.folded() entries.
  // Guarded by mu_ (but for its HandOver, which the admission calls on the
  // commit thread through the pointer it was given, and which has a lock of
  // its own); mutable because readers catch up with committed entries.
  // Declared before admission_, which hands events over to it.
  mutable WorldFollower follower_ ABSL_GUARDED_BY(mu_);
  // Entries the last snapshot asked for covers.
  mutable uint64_t snapshot_size_ ABSL_GUARDED_BY(mu_) = 0;
  // Checks every batch again at commit, against the entries committed
  // before it (see domain_admission.h); none on a read-only ledger. Used
  // by log_'s commit thread, which ~CompactLedger stops (Close) first.
  std::unique_ptr<DomainAdmission> admission_;
  // Declared after log_, so destroyed (its last snapshot stored) before it.
  mutable WorldSnapshotter snapshots_;
};

// Decodes the domain event of one log entry. InvalidArgument when the
// payload is not a compact.v1.Event.
absl::StatusOr<HistoryItem> DecodeEntry(const log::StoredEntry& stored);

}  // namespace ledger

#endif  // LEDGER_COMPACT_LEDGER_H_
