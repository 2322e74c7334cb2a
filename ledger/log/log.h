// Log: the verifiable, append-only event log of Compact Ledger.
//
// Entries (ledger.v1.Entry) are hash-chained and are the leaves of an RFC
// 9162 Merkle tree. Every append is one atomic RocksDB WriteBatch across the
// entry, Merkle-node, stream-index, request-id and metadata families. The
// log knows nothing of compacts or of gRPC; payloads are opaque
// google.protobuf.Any values.
//
// Durability: Append and AppendBatch MUST NOT return OK, nor AppendBatchAsync
// call back with OK, before the batch is synced to disk (WriteOptions.sync =
// true); an OK result means the entries survive a crash or power loss. A
// failed append writes nothing.
//
// Thread-safety: all methods may be called concurrently. Concurrent appends
// are group-committed: the log's commit thread (started by Open for a
// writable log) owns the tail, takes every batch queued, and commits them
// with one synced RocksDB write; each caller's batch stays all-or-nothing
// on its own. Callers either wait (AppendBatch) or are called back
// (AppendBatchAsync, from the log's answer thread, so that answering one
// group overlaps the write and sync of the next), so a server need not park
// a thread per append. Reads never block on appends and see a committed
// prefix of the log.
//
// Memory: for each stream that an append has named since the log was
// opened, the log keeps the stream's current version and the sequence of
// its newest entry, so appends and StreamVersion need no RocksDB seek.
// Streams are compacts, bodies and sources: thousands, not millions. The
// table holds at most kMaxCachedStreams streams (about 150 bytes each with
// a 30-byte name: 10 MB when full); past that it starts over empty and
// refills from RocksDB as streams are used again, so a larger set of
// streams costs a seek per append, as before, never a wrong answer. A
// version in it changes only once the batch that changed it is durable.
#ifndef LEDGER_LOG_LOG_H_
#define LEDGER_LOG_LOG_H_

#include <thread>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/any.pb.h"
#include "ledger/log/compact_range.h"
#include "ledger/log/hash.h"
#include "ledger/log/merkle.h"
#include "ledger/v1/entry.pb.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace ledger::log {

class RocksDb;

// What a writer expects of the stream it appends to (optimistic
// concurrency).
struct ExpectedVersion {
  enum class Kind { kAny, kNoStream, kExact };
  static ExpectedVersion Any() { return {Kind::kAny, 0}; }
  static ExpectedVersion NoStream() { return {Kind::kNoStream, 0}; }
  // The stream's current version must be exactly `version` (>= 1).
  static ExpectedVersion Exact(uint64_t version) { return {Kind::kExact, version}; }
  // Whether a stream now at version `current` (0: no entries) is what the
  // writer expects, so that the append may go ahead.
  bool SatisfiedBy(uint64_t current) const {
    switch (kind) {
      case Kind::kAny: return true;
      case Kind::kNoStream: return current == 0;
      case Kind::kExact: return current == version;
    }
    return false;
  }
  Kind kind = Kind::kAny;
  uint64_t version = 0;
};

// What a visitor of a ForEach... method asks for next.
enum class Visit {
  kContinue,  // the next item, if any
  kStop,      // nothing more: the loop ends with OK
};

struct AppendRequest {
  // Non-empty, at most 256 bytes, no NUL: "compact/<id>", "body/<id>".
  std::string stream;
  ExpectedVersion expected;
  // Idempotency key; empty for none. At most 256 bytes.
  std::string request_id;
  // Authenticated principal, recorded verbatim.
  std::string actor;
  google::protobuf::Any payload;
  // What identifies the request for idempotency when it differs from the
  // payload (e.g. a command that the domain completes before storing).
  // Default: empty, meaning the stream and payload.
  std::string fingerprint;
};

struct AppendResult {
  uint64_t sequence = 0;
  uint64_t stream_version = 0;
  Hash leaf_hash{};
  // recorded_at of the entry.
  absl::Time recorded_at;
  // True when the request id had been seen with the same request: nothing
  // was appended and the first result is returned.
  bool deduplicated = false;
  // The stream of the entry (so that callers answering with it need not
  // read the entry back).
  std::string stream;
};

// One entry as stored: `bytes` are exactly the bytes that were hashed.
struct StoredEntry {
  uint64_t sequence = 0;
  std::string bytes;
  ledger::v1::Entry entry;
  Hash leaf_hash{};
};

struct TreeHead {
  uint64_t tree_size = 0;
  Hash root{};
};

struct LogOptions {
  // Directory of the RocksDB database.
  std::string path;
  // Create an empty log when `path` holds none.
  // Default: true.
  bool create_if_missing = true;
  // Open without write access (auditing a copy, or a running server's files).
  // Default: false.
  bool read_only = false;
  // Sync every append batch to disk before acknowledging it. Only benchmarks
  // measuring the cost of durability turn this off.
  // Default: true.
  bool sync = true;
  // Commit concurrent append batches together, with one synced write per
  // group. Off, every batch gets its own synced write (the baseline that
  // benchmarks compare against).
  // Default: true.
  bool group_commit = true;
  // How many of the newest entries Open re-checks (chain, leaf hashes) in
  // addition to the tree size and root. `ledgerctl verify` checks them all.
  // Default: 64.
  uint64_t tail_entries_checked_on_open = 64;
  // Source of recorded_at; tests inject a fixed clock.
  // Default: absl::Now.
  std::function<absl::Time()> clock;
  // The RocksDB environment (file system) the database lives in. Tests give
  // one that simulates power cuts and disk errors (tests/testing/fault_fs.h).
  // Default: null, RocksDB's default environment.
  std::shared_ptr<rocksdb::Env> env;
};

// The entry's recorded_at as an absl::Time.
absl::Time RecordedAt(const ledger::v1::Entry& entry);

// Rules the log does not know (the compact domain's), checked where the
// order of commits is decided. A writer checks its batch against the state
// it has seen, but a concurrent batch on another stream may commit first
// and contradict it (the same ref twice, an endorsement dated after a
// supersession): expected versions guard one stream only. An admission
// sees every batch in commit order, so it can keep the state of exactly
// the entries committed before each one.
//
// Called on the log's commit thread only, one call at a time.
class BatchAdmission {
 public:
  virtual ~BatchAdmission() = default;

  // A batch that passed the log's own checks and is about to be committed
  // after every batch admitted before it: `requests[i]` becomes the entry
  // of `results[i]`, except where results[i].deduplicated (answered from
  // its request id: nothing is appended for it). Called only when the
  // batch appends something. Non-OK refuses the whole batch: nothing of it
  // is appended and its caller gets this status. Runs on the commit
  // thread, which every append waits on: keep it quick.
  virtual absl::Status Admit(const std::vector<AppendRequest>& requests,
                             const std::vector<AppendResult>& results) = 0;

  // The write of the group holding the batches admitted since the last
  // durable write failed: they are not in the log.
  virtual void Abandon() = 0;

  // The group holding the batches admitted since the last durable write (or
  // Abandon) is durable: called after the write and before the log shows
  // its entries (before Size() counts them) and before the batches'
  // on_durable hooks. Quick, like Admit. Default: nothing.
  virtual void Committed() {}
};

class Log {
 public:
  // Opens the log and checks its tail: metadata present, stored entries match
  // the committed tree size, the newest entries chain and hash correctly, and
  // the stored tree's root equals the committed root. A log that fails is
  // refused with DataLoss naming the bad sequence. NotFound when there is no
  // log and create_if_missing is false.
  static absl::StatusOr<std::unique_ptr<Log>> Open(const LogOptions& options);
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // Appends all `requests` in order as one atomic, synced batch, or nothing.
  // Per request: InvalidArgument for a malformed stream name or request id,
  // or an entry larger than format::kMaxEntryBytes (65,535) serialized;
  // Aborted when the stream's version differs from `expected` (the message
  // gives the actual version); AlreadyExists when its request id was used
  // for a different request. A request whose id was used for the same
  // request (same stream, expected version and payload) appends nothing and
  // yields the original result with deduplicated = true.
  absl::StatusOr<std::vector<AppendResult>> AppendBatch(
      const std::vector<AppendRequest>& requests);
  absl::StatusOr<AppendResult> Append(const AppendRequest& request);

  // Told the results of a batch once they are durable.
  using DurableHook = std::function<void(const std::vector<AppendResult>&)>;
  // AppendBatch, and when the batch succeeds, `on_durable` is called with
  // the results it returns: after the batch is written (synced, unless
  // LogOptions.sync is off) and before its entries are visible (before
  // Size() counts them), so a reader that sees an entry of the batch sees
  // everything `on_durable` did. It runs on the log's commit thread while
  // this call waits: it must be quick and must not append to or wait on
  // this log. Not called when the batch fails.
  absl::StatusOr<std::vector<AppendResult>> AppendBatch(
      const std::vector<AppendRequest>& requests, const DurableHook& on_durable);

  // Called once with the outcome of an asynchronous append.
  using AppendDone = std::function<void(absl::StatusOr<std::vector<AppendResult>>)>;
  // AppendBatch without waiting: queues the batch and returns at once.
  // `on_durable` (may be empty) is called as for AppendBatch; `done` is
  // called exactly once, with what AppendBatch would have returned, after
  // the batch is durable and visible (or refused). `on_durable` runs on the
  // log's commit thread, `done` on its answer thread, one at a time and in
  // commit order: both must be quick and must not wait on this log (`done`
  // may queue further asynchronous appends), and a slow `done` delays the
  // answers after it, not the commits. A read-only log calls `done` at once
  // with FailedPrecondition. The destructor commits every queued batch and
  // calls its `done` before it returns.
  void AppendBatchAsync(std::vector<AppendRequest> requests, DurableHook on_durable,
                        AppendDone done);

  // Appends `entries`, copied byte for byte from another log with the same
  // history (a mirror of a published log, a restore from one), as one
  // atomic, synced batch, or nothing, so that this log's tree becomes the
  // source's. Each must be exactly the entry this log would hold next: a
  // ledger.v1.Entry whose sequence, previous_hash and stream_version follow
  // on from the entries before it, whose recorded_at is not before theirs,
  // within Append's limits, with a request id not used before. Copies are
  // committed on their own, never in a group with other batches.
  // InvalidArgument naming the first entry that is not; FailedPrecondition
  // when an admission is set (copied entries would bypass it) or the log is
  // read-only. Copied request ids are indexed by stream and payload, as
  // the entry holds no fingerprint: a later append reusing one of them with
  // a fingerprint gets AlreadyExists, never a second entry.
  absl::StatusOr<std::vector<AppendResult>> AppendCopied(const std::vector<std::string>& entries);

  // Every batch committed from now on is admitted by `admission` first (see
  // BatchAdmission), or none when null. Set it before the first append:
  // batches already queued may be committed without it. `admission` must
  // outlive the log, or Close() must be called before it dies.
  void SetAdmission(BatchAdmission* admission);

  // Commits every queued batch, calls back the asynchronous ones, and stops
  // the commit and answer threads; appends after it are refused with
  // FailedPrecondition. For owners whose callbacks use state that dies
  // before the log (the destructor does the same, last). Idempotent.
  void Close();

  // The result of an earlier append with `request`'s request id: nullopt
  // when the id is unknown (or empty), AlreadyExists when it was used for a
  // different request.
  absl::StatusOr<std::optional<AppendResult>> FindRequest(
      const AppendRequest& request) const;

  // Blocks until the log holds more than `known_size` entries or `deadline`
  // passes; returns the size then. For followers and Subscribe: read up to
  // the returned size, then wait again, and no entry is missed or repeated.
  uint64_t WaitForSize(uint64_t known_size, absl::Time deadline) const;

  // Committed tree size and root.
  TreeHead Head() const;
  uint64_t Size() const { return Head().tree_size; }

  // NotFound for sequence >= Size(); DataLoss when the stored bytes do not
  // parse.
  absl::StatusOr<StoredEntry> GetEntry(uint64_t sequence) const;

  // Calls `visit` for entries [from, min(from + limit, Size())) in order;
  // stops early, returning its status, when `visit` returns an error.
  absl::Status ForEachEntry(
      uint64_t from, uint64_t limit,
      const std::function<absl::Status(const StoredEntry&)>& visit) const;
  absl::StatusOr<std::vector<StoredEntry>> ReadLog(uint64_t from,
                                                   uint64_t limit) const;

  // Entries of `stream` with version >= from_version (1-based), at most
  // `limit`, in version order. Empty when the stream does not exist.
  absl::StatusOr<std::vector<StoredEntry>> ReadStream(std::string_view stream,
                                                      uint64_t from_version,
                                                      uint64_t limit) const;
  // The same, one entry at a time, without holding them all: calls `visit`
  // for each in version order and stops early, returning its status, when
  // `visit` returns an error. For servers streaming a long stream out.
  absl::Status ForEachStreamEntry(
      std::string_view stream, uint64_t from_version, uint64_t limit,
      const std::function<absl::Status(const StoredEntry&)>& visit) const;
  // Current version of `stream`; 0 when it has no entries.
  absl::StatusOr<uint64_t> StreamVersion(std::string_view stream) const;
  // Version of `stream` in the log's first `tree_size` entries: what a
  // reader that has seen exactly that prefix would expect. Answered from
  // memory when the stream's newest entry is inside the prefix and the
  // stream is in the table of stream versions (see "Memory" above); else
  // from the RocksDB stream index.
  absl::StatusOr<uint64_t> StreamVersionAt(std::string_view stream, uint64_t tree_size) const;

  // Most streams whose versions the log keeps in memory (see "Memory").
  static constexpr size_t kMaxCachedStreams = size_t{1} << 16;

  // Root of the tree over the first `tree_size` entries. InvalidArgument when
  // tree_size > Size().
  absl::StatusOr<Hash> RootAt(uint64_t tree_size) const;
  // Reads the stored hash of the complete subtree (level, index) (see
  // merkle.h). Every node complete in the tree of Size() is stored; asking
  // for another is DataLoss ("missing"). The reader borrows the log, which
  // must outlive it. For publishing the tree as tiles.
  NodeReader Nodes() const;
  // The `count` stored nodes of tree level `level` from index `first`, in
  // index order, read in one scan (a hash tile's worth costs about one
  // read, where Nodes() costs one per node). DataLoss naming the first
  // node missing.
  absl::StatusOr<std::vector<Hash>> NodesAt(uint8_t level, uint64_t first, uint64_t count) const;
  // RFC 9162 inclusion proof of entry `sequence` in the tree of `tree_size`.
  absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t sequence,
                                                   uint64_t tree_size) const;
  // RFC 9162 consistency proof between two tree sizes.
  absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t first_size,
                                                     uint64_t second_size) const;

  // Side table for data derived from the log (e.g. folded-state snapshots):
  // never hashed, never trusted over the log, written without sync because
  // it can always be rebuilt.
  absl::Status PutSnapshot(std::string_view name, std::string_view bytes);
  absl::StatusOr<std::optional<std::string>> GetSnapshot(
      std::string_view name) const;
  // A stored snapshot and its name.
  struct NamedSnapshot {
    std::string name;
    std::string bytes;
  };
  // The snapshot whose name is the greatest that starts with `prefix` and
  // is at most `name` (bytewise), if any: with names that end in a
  // big-endian number, the newest snapshot at or before that number.
  absl::StatusOr<std::optional<NamedSnapshot>> FindSnapshotAtOrBefore(
      std::string_view prefix, std::string_view name) const;

  // Signed checkpoints the log has published (C2SP signed notes over
  // tlog-checkpoint bodies), kept by tree size and synced: they are what
  // auditors compare against. InvalidArgument when `note` is not a signed
  // checkpoint of a size <= Size() whose root is the log's root at that
  // size; AlreadyExists when a different note is stored for that size. The
  // log does not check signatures (it holds no verifier keys).
  absl::Status PutCheckpoint(std::string_view note);
  // The checkpoint stored for exactly `tree_size`, if any.
  absl::StatusOr<std::optional<std::string>> GetCheckpoint(uint64_t tree_size) const;
  // The checkpoint with the largest tree size, if any.
  absl::StatusOr<std::optional<std::string>> LatestCheckpoint() const;
  // Tree sizes of stored checkpoints near `tree_size`: the largest one
  // below it, the smallest one above it and the newest, each absent when
  // there is none. Three seeks, whatever the number stored: for error
  // messages that say what is there without listing everything.
  struct CheckpointNeighbours {
    std::optional<uint64_t> below;
    std::optional<uint64_t> above;
    std::optional<uint64_t> newest;
  };
  absl::StatusOr<CheckpointNeighbours> CheckpointsAround(uint64_t tree_size) const;
  // Calls `visit` for every stored checkpoint, by increasing tree size,
  // until it returns Visit::kStop; stops early, returning its status, when
  // `visit` returns an error.
  absl::Status ForEachCheckpoint(
      const std::function<absl::StatusOr<Visit>(uint64_t tree_size, const std::string& note)>&
          visit) const;

  const std::string& path() const;
  // Opened with LogOptions.read_only: appends and snapshots are not taken.
  bool read_only() const { return options_.read_only; }

 private:
  struct Pending;
  struct Writer;
  // A stream's version in some prefix of the log and the sequence of its
  // entry of that version (meaningless for version 0: no entry).
  struct StreamTip {
    uint64_t version = 0;
    uint64_t sequence = 0;
  };
  // Lets stream_tips_ be searched with a std::string_view.
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using RequestIds =
      std::map<std::string, std::pair<Hash, AppendResult>, std::less<>>;

  Log(LogOptions options, std::unique_ptr<RocksDb> db);
  // Queues `self` (a caller's batch) for the commit thread and waits for
  // its result.
  absl::StatusOr<std::vector<AppendResult>> Wait(Writer& self) ABSL_LOCKS_EXCLUDED(queue_mu_);
  // The commit thread: commits queued writers group by group until the log
  // is destroyed and the queue is empty.
  void CommitLoop() ABSL_LOCKS_EXCLUDED(queue_mu_, answers_mu_);
  // Stages every writer's batch, has `admission` (if any) admit it, and
  // commits them with one write; sets each writer's result. Called by the
  // commit thread only.
  void CommitGroup(const std::vector<Writer*>& group, BatchAdmission* admission);
  // The answer thread: calls back committed asynchronous writers, in commit
  // order, until the commit thread has stopped and none is left.
  void AnswerLoop() ABSL_LOCKS_EXCLUDED(answers_mu_);
  absl::Status CheckTail();
  // The newest checkpoint must still describe a prefix of this log.
  absl::Status CheckLatestCheckpoint() const;
  // `staged`: request ids of batches staged but not yet written, if any.
  absl::StatusOr<std::optional<AppendResult>> Deduplicate(
      const AppendRequest& request, const Hash& digest, const RequestIds* staged) const;
  // The stream's committed version, from stream_tips_ or else read from
  // RocksDB and remembered there. Commit thread only: readers never fill the
  // table, so what it holds never lags a commit (see stream_tips_).
  absl::StatusOr<uint64_t> CommittedVersion(const std::string& stream);
  absl::StatusOr<uint64_t> CheckExpectedVersion(const AppendRequest& request,
                                                const Pending& pending);
  absl::StatusOr<AppendResult> Stage(const AppendRequest& request, Pending& pending);
  // Stages one entry copied from another log (AppendCopied).
  absl::StatusOr<AppendResult> StageCopied(const std::string& bytes, Pending& pending);
  // The stream's version in the log with the group staged so far.
  absl::StatusOr<uint64_t> StagedVersion(const std::string& stream, const Pending& pending);
  // Stages the writes of `entry` (serialized as `bytes`, the new version of
  // its stream): the entry, its Merkle nodes, stream index and request id.
  AppendResult StageWrites(const ledger::v1::Entry& entry, const std::string& bytes,
                           const Hash& request_digest, Pending& pending);
  // The stream's newest entry among the first `limit` entries, from the
  // RocksDB stream index.
  absl::StatusOr<StreamTip> ReadStreamTip(std::string_view stream, uint64_t limit) const;

  LogOptions options_;
  std::unique_ptr<RocksDb> db_;

  // Append batches waiting for the commit thread, oldest first.
  absl::Mutex queue_mu_;
  absl::CondVar queue_filled_;
  std::deque<Writer*> writers_ ABSL_GUARDED_BY(queue_mu_);
  bool closing_ ABSL_GUARDED_BY(queue_mu_) = false;
  BatchAdmission* admission_ ABSL_GUARDED_BY(queue_mu_) = nullptr;
  std::thread committer_;          // runs CommitLoop; not for read-only logs
  // Committed asynchronous writers waiting to be called back. Answering
  // (for a server: writing each caller's response, a send per caller) is
  // about a third of the per-append work; on its own thread it overlaps
  // the next group's write and sync instead of delaying it.
  absl::Mutex answers_mu_;
  absl::CondVar answers_filled_;
  std::vector<std::unique_ptr<Writer>> answers_ ABSL_GUARDED_BY(answers_mu_);
  bool committer_stopped_ ABSL_GUARDED_BY(answers_mu_) = false;
  std::thread answerer_;           // runs AnswerLoop; not for read-only logs
  // Guards the committed head, read by readers.
  mutable absl::Mutex head_mu_;
  mutable absl::CondVar head_grew_;
  TreeHead head_ ABSL_GUARDED_BY(head_mu_);
  // Committed stream versions (see "Memory" above). Every entry describes
  // the stream in the log as of the newest durable write: the commit thread
  // updates it after that write and before publishing the new head_, and
  // fills in a missing stream only while it owns the tail (nothing is being
  // written). So a reader that has seen head size H and finds a tip whose
  // sequence is below H has that stream's version in the first H entries.
  mutable absl::Mutex streams_mu_;
  std::unordered_map<std::string, StreamTip, StringHash, std::equal_to<>> stream_tips_
      ABSL_GUARDED_BY(streams_mu_);
  // Owned by the commit thread.
  CompactRange frontier_;
  Hash last_leaf_hash_{};
  absl::Time last_recorded_at_;
};

}  // namespace ledger::log

#endif  // LEDGER_LOG_LOG_H_
