#include <algorithm>
#include "ledger/log/log.h"

#include <pthread.h>

#include <map>
#include <memory>
#include <thread>
#include <utility>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/merkle.h"
#include "ledger/log/signed_note.h"
#include "ledger/log/rocks_db.h"
#include "ledger/log/storage_format.h"
#include "ledger/log/verify.h"

namespace ledger::log {

namespace {

std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

absl::Status ValidateRequest(const AppendRequest& request) {
  if (request.stream.empty() ||
      request.stream.size() > format::kMaxStreamNameBytes ||
      request.stream.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "stream name must be 1 to ", format::kMaxStreamNameBytes,
        " bytes without NUL, e.g. \"compact/worcestershire-2006\"; got ",
        request.stream.size(), " bytes"));
  }
  if (request.request_id.size() > format::kMaxRequestIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request id is ", request.request_id.size(), " bytes; the limit is ",
        format::kMaxRequestIdBytes));
  }
  if (request.expected.kind == ExpectedVersion::Kind::kExact &&
      request.expected.version == 0) {
    return absl::InvalidArgumentError(
        "expected version 0 is not a version (versions start at 1); ask for "
        "\"no stream\" to create a stream");
  }
  return absl::OkStatus();
}

// What identifies a request for idempotency: its fingerprint, or else its
// stream and payload.
Hash RequestDigest(const AppendRequest& request) {
  if (!request.fingerprint.empty()) return Sha256(request.fingerprint);
  std::string bytes = request.stream;
  bytes.push_back('\0');
  bytes += request.payload.type_url();
  bytes.push_back('\0');
  bytes += request.payload.value();
  return Sha256(bytes);
}

std::string DescribeExpected(const ExpectedVersion& expected) {
  switch (expected.kind) {
    case ExpectedVersion::Kind::kAny: return "any version";
    case ExpectedVersion::Kind::kNoStream: return "no stream (a new stream)";
    case ExpectedVersion::Kind::kExact: return absl::StrCat("version ", expected.version);
  }
  return "";
}

// The checkpoint body of a stored or offered signed note.
absl::StatusOr<Checkpoint> CheckpointOf(std::string_view note) {
  LEDGER_ASSIGN_OR_RETURN(Note parsed, ParseNote(note));
  if (parsed.signatures.empty()) {
    return absl::InvalidArgumentError("the checkpoint note carries no signature");
  }
  return ParseCheckpoint(parsed.text);
}

absl::StatusOr<StoredEntry> ParseStored(uint64_t sequence, std::string bytes) {
  StoredEntry stored;
  stored.sequence = sequence;
  if (!stored.entry.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat(
        "entry ", sequence, " does not parse; run `ledgerctl verify`"));
  }
  stored.leaf_hash = LeafHash(bytes);
  stored.bytes = std::move(bytes);
  return stored;
}

}  // namespace

absl::Time RecordedAt(const ledger::v1::Entry& entry) {
  return absl::FromUnixMicros(
      google::protobuf::util::TimeUtil::TimestampToMicroseconds(entry.recorded_at()));
}

// The state of one commit group before it is written.
struct Log::Pending {
  rocksdb::WriteBatch batch;
  CompactRange frontier;
  Hash last_leaf{};
  uint64_t next_sequence = 0;
  absl::Time recorded_at;
  // What the batches staged so far did to each stream and request id.
  std::map<std::string, StreamTip, std::less<>> stream_versions;
  RequestIds request_ids;
  // Undo logs of the batch being staged, so a refused batch is taken out of
  // the maps above in time proportional to its own size, not the group's.
  // A stream's earlier tip (nullopt: it was not in the map), newest last.
  std::vector<std::pair<std::string, std::optional<StreamTip>>> undo_streams;
  // Request ids added (a staged id is never overwritten: a repeat is
  // deduplicated or refused before it is staged).
  std::vector<std::string> undo_requests;
};

Log::Log(LogOptions options, std::unique_ptr<RocksDb> db)
    : options_(std::move(options)), db_(std::move(db)) {
  if (!options_.clock) options_.clock = [] { return absl::Now(); };
}

Log::~Log() { Close(); }

void Log::Close() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    closing_ = true;
  }
  queue_filled_.notify_one();
  if (committer_.joinable()) committer_.join();
  {
    std::lock_guard<std::mutex> lock(answers_mu_);
    committer_stopped_ = true;
  }
  answers_filled_.notify_one();
  if (answerer_.joinable()) answerer_.join();
}

const std::string& Log::path() const { return db_->path(); }

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
  rocksdb::WriteBatch batch;
  batch.Put(db_->checkpoints(), format::EncodeUint64(checkpoint.tree_size),
            rocksdb::Slice(note.data(), note.size()));
  return db_->Write(&batch, /*sync=*/true);
}

absl::StatusOr<std::optional<std::string>> Log::GetCheckpoint(uint64_t tree_size) const {
  return db_->Get(db_->checkpoints(), format::EncodeUint64(tree_size));
}

absl::StatusOr<std::optional<std::string>> Log::LatestCheckpoint() const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db()->NewIterator(rocksdb::ReadOptions(), db_->checkpoints()));
  it->SeekToLast();
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading checkpoints"));
  if (!it->Valid()) return std::optional<std::string>();
  return std::optional<std::string>(std::string(ToView(it->value())));
}

absl::StatusOr<Log::CheckpointNeighbours> Log::CheckpointsAround(uint64_t tree_size) const {
  CheckpointNeighbours around;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db()->NewIterator(rocksdb::ReadOptions(), db_->checkpoints()));
  auto size_here = [&]() -> absl::StatusOr<std::optional<uint64_t>> {
    LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading checkpoints"));
    if (!it->Valid()) return std::optional<uint64_t>();
    const auto size = format::DecodeUint64(ToView(it->key()));
    if (!size.has_value()) return absl::DataLossError("a checkpoint key is malformed");
    return std::optional<uint64_t>(*size);
  };
  it->SeekToLast();
  LEDGER_ASSIGN_OR_RETURN(around.newest, size_here());
  if (tree_size > 0) {
    it->SeekForPrev(format::EncodeUint64(tree_size - 1));
    LEDGER_ASSIGN_OR_RETURN(around.below, size_here());
  }
  if (tree_size < ~uint64_t{0}) {
    it->Seek(format::EncodeUint64(tree_size + 1));
    LEDGER_ASSIGN_OR_RETURN(around.above, size_here());
  }
  return around;
}

absl::Status Log::ForEachCheckpoint(
    const std::function<absl::Status(uint64_t, const std::string&)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db()->NewIterator(rocksdb::ReadOptions(), db_->checkpoints()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const auto size = format::DecodeUint64(ToView(it->key()));
    if (!size.has_value()) return absl::DataLossError("a checkpoint key is malformed");
    LEDGER_RETURN_IF_ERROR(visit(*size, std::string(ToView(it->value()))));
  }
  return FromRocks(it->status(), "reading checkpoints");
}

absl::StatusOr<std::unique_ptr<Log>> Log::Open(const LogOptions& options) {
  const RocksDb::Mode mode = options.read_only ? RocksDb::Mode::kReadOnly
                             : options.create_if_missing
                                 ? RocksDb::Mode::kCreateIfMissing
                                 : RocksDb::Mode::kMustExist;
  LEDGER_ASSIGN_OR_RETURN(auto db, RocksDb::Open(options.path, mode, options.env.get()));
  std::unique_ptr<Log> log(new Log(options, std::move(db)));
  LEDGER_RETURN_IF_ERROR(log->CheckTail());
  if (!options.read_only) {
    log->committer_ = std::thread([raw = log.get()] { raw->CommitLoop(); });
    log->answerer_ = std::thread([raw = log.get()] { raw->AnswerLoop(); });
  }
  return log;
}

absl::Status Log::CheckTail() {
  LEDGER_ASSIGN_OR_RETURN(auto size, db_->Get(db_->meta(), format::kTreeSizeKey));
  const uint64_t committed = size ? format::DecodeUint64(*size).value_or(0) : 0;
  const uint64_t window = options_.tail_entries_checked_on_open;
  const uint64_t from = committed > window ? committed - window : 0;
  LEDGER_ASSIGN_OR_RETURN(VerifyReport report, VerifyStore(*db_, from));
  if (!report.ok()) {
    return absl::DataLossError(absl::StrCat(
        "refusing to open the ledger at ", path(), ": ", ProblemName(report.problem),
        " at sequence ", report.sequence, ": ", report.message,
        ". Run `ledgerctl verify --db ", path(), "` for a full report"));
  }
  LEDGER_ASSIGN_OR_RETURN(frontier_, CompactRange::FromStore(Nodes(), report.tree_size));
  head_ = {report.tree_size, report.root};
  last_recorded_at_ = absl::InfinitePast();
  if (report.tree_size > 0) {
    LEDGER_ASSIGN_OR_RETURN(StoredEntry last, GetEntry(report.tree_size - 1));
    last_leaf_hash_ = last.leaf_hash;
    last_recorded_at_ = RecordedAt(last.entry);
  }
  return CheckLatestCheckpoint();
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
    return absl::DataLossError(absl::StrCat(
        "refusing to open the ledger at ", path(), ": root-mismatch at sequence ",
        checkpoint->tree_size, ": the published checkpoint of size ", checkpoint->tree_size,
        " has root ", ToHex(checkpoint->root), " but the log's entries give ", ToHex(root),
        ": the history was rewritten. Run `ledgerctl verify --db ", path(), "`"));
  }
  return absl::OkStatus();
}

TreeHead Log::Head() const {
  std::lock_guard<std::mutex> lock(head_mu_);
  return head_;
}

absl::StatusOr<std::optional<AppendResult>> Log::Deduplicate(
    const AppendRequest& request, const Hash& digest, const RequestIds* staged) const {
  if (request.request_id.empty()) return std::optional<AppendResult>();
  auto conflict = [&](uint64_t sequence) {
    return absl::AlreadyExistsError(absl::StrCat(
        "request id \"", request.request_id, "\" was already used for a different "
        "request (entry ", sequence, "); use a fresh request id for a new request"));
  };
  if (staged != nullptr) {
    if (auto it = staged->find(request.request_id); it != staged->end()) {
      if (it->second.first != digest) return conflict(it->second.second.sequence);
      AppendResult result = it->second.second;
      result.deduplicated = true;
      return std::optional<AppendResult>(result);
    }
  }
  LEDGER_ASSIGN_OR_RETURN(auto value, db_->Get(db_->requests(), request.request_id));
  if (!value.has_value()) return std::optional<AppendResult>();
  const auto sequence = format::DecodeUint64(std::string_view(*value).substr(0, 8));
  if (value->size() != 40 || !sequence.has_value()) {
    return absl::DataLossError(absl::StrCat("request id record for \"",
                                            request.request_id, "\" is malformed"));
  }
  if (value->compare(8, 32, HashBytes(digest)) != 0) return conflict(*sequence);
  LEDGER_ASSIGN_OR_RETURN(StoredEntry first, GetEntry(*sequence));
  return std::optional<AppendResult>(
      AppendResult{*sequence, first.entry.stream_version(), first.leaf_hash,
                   RecordedAt(first.entry), true, first.entry.stream()});
}

absl::StatusOr<std::optional<AppendResult>> Log::FindRequest(
    const AppendRequest& request) const {
  return Deduplicate(request, RequestDigest(request), nullptr);
}

absl::StatusOr<uint64_t> Log::CommittedVersion(const std::string& stream) {
  {
    std::lock_guard<std::mutex> lock(streams_mu_);
    if (auto it = stream_tips_.find(stream); it != stream_tips_.end()) {
      return it->second.version;
    }
  }
  // The commit thread owns the tail, so the index holds exactly the committed
  // entries and what it reads stays true until it writes itself.
  LEDGER_ASSIGN_OR_RETURN(const StreamTip tip, ReadStreamTip(stream, Size()));
  std::lock_guard<std::mutex> lock(streams_mu_);
  if (stream_tips_.size() >= kMaxCachedStreams) stream_tips_.clear();
  stream_tips_.emplace(stream, tip);
  return tip.version;
}

absl::StatusOr<uint64_t> Log::CheckExpectedVersion(const AppendRequest& request,
                                                   const Pending& pending) {
  uint64_t current = 0;
  if (auto it = pending.stream_versions.find(request.stream);
      it != pending.stream_versions.end()) {
    current = it->second.version;
  } else {
    LEDGER_ASSIGN_OR_RETURN(current, CommittedVersion(request.stream));
  }
  const ExpectedVersion& expected = request.expected;
  const bool matches =
      expected.kind == ExpectedVersion::Kind::kAny ||
      (expected.kind == ExpectedVersion::Kind::kNoStream && current == 0) ||
      (expected.kind == ExpectedVersion::Kind::kExact && current == expected.version);
  if (!matches) {
    return absl::AbortedError(absl::StrCat(
        "stream \"", request.stream, "\" is at version ", current, ", not ",
        DescribeExpected(expected), "; read the stream again and retry against version ",
        current));
  }
  return current;
}

absl::StatusOr<AppendResult> Log::Stage(const AppendRequest& request, Pending& pending) {
  LEDGER_RETURN_IF_ERROR(ValidateRequest(request));
  const Hash digest = RequestDigest(request);
  LEDGER_ASSIGN_OR_RETURN(auto duplicate, Deduplicate(request, digest, &pending.request_ids));
  if (duplicate.has_value()) return *duplicate;
  LEDGER_ASSIGN_OR_RETURN(const uint64_t current, CheckExpectedVersion(request, pending));

  ledger::v1::Entry entry;
  entry.set_sequence(pending.next_sequence);
  entry.set_previous_hash(HashBytes(pending.last_leaf));
  *entry.mutable_recorded_at() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(pending.recorded_at));
  entry.set_stream(request.stream);
  entry.set_stream_version(current + 1);
  entry.set_request_id(request.request_id);
  entry.set_actor(request.actor);
  *entry.mutable_payload() = request.payload;
  std::string bytes;
  if (!entry.SerializeToString(&bytes)) {
    return absl::InvalidArgumentError("the entry could not be serialized (payload too large?)");
  }
  if (bytes.size() > format::kMaxEntryBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the entry would be ", bytes.size(), " bytes; the limit is ", format::kMaxEntryBytes,
        " (the C2SP tlog-tiles entry limit): shorten the event (its quotes, note or text) "
        "or split it"));
  }
  const Hash leaf = LeafHash(bytes);
  pending.batch.Put(db_->entries(), format::EntryKey(entry.sequence()), bytes);
  pending.frontier.Append(leaf, [&](const CompactRange::NewNode& node) {
    pending.batch.Put(db_->merkle(), format::NodeKey(node.level, node.index),
                      HashBytes(node.hash));
  });
  pending.batch.Put(db_->streams(), format::StreamKey(request.stream, current + 1),
                    format::EncodeUint64(entry.sequence()));
  AppendResult result{entry.sequence(), current + 1, leaf, pending.recorded_at, false,
                      request.stream};
  if (!request.request_id.empty()) {
    pending.batch.Put(db_->requests(), request.request_id,
                      format::EncodeUint64(entry.sequence()) + HashBytes(digest));
    pending.request_ids.emplace(request.request_id, std::make_pair(digest, result));
    pending.undo_requests.push_back(request.request_id);
  }
  auto [it, added] = pending.stream_versions.try_emplace(request.stream);
  pending.undo_streams.emplace_back(request.stream,
                                    added ? std::nullopt : std::optional<StreamTip>(it->second));
  it->second = StreamTip{current + 1, entry.sequence()};
  pending.last_leaf = leaf;
  ++pending.next_sequence;
  return result;
}

// One caller of AppendBatch or AppendBatchAsync, queued.
struct Log::Writer {
  const std::vector<AppendRequest>* requests = nullptr;
  const DurableHook* on_durable = nullptr;
  absl::StatusOr<std::vector<AppendResult>> result;
  // AppendBatch: the caller waits on `cv` until `done`.
  bool done = false;
  std::condition_variable cv;
  // AppendBatchAsync: the writer owns its batch and is called back (and
  // deleted) by the commit thread.
  std::vector<AppendRequest> owned_requests;
  DurableHook owned_on_durable;
  AppendDone on_done;
};

namespace {

// Most batches one group takes; bounds the commit thread's work and the
// latency of the first caller in a group.
constexpr size_t kMaxGroupBatches = 256;

absl::Status Closed() {
  return absl::FailedPreconditionError("the ledger is closing; appends are no longer taken");
}

// Prefixes a request's error with its place in a multi-request batch.
absl::Status InBatch(const absl::Status& status, size_t index, size_t count) {
  if (count == 1) return status;
  return absl::Status(status.code(),
                      absl::StrCat("request ", index + 1, " of ", count, ": ",
                                   status.message(), " (nothing was appended)"));
}

}  // namespace

void Log::CommitGroup(const std::vector<Writer*>& group, BatchAdmission* admission) {
  Pending pending;
  pending.frontier = frontier_;
  pending.last_leaf = last_leaf_hash_;
  pending.next_sequence = frontier_.size();
  // recorded_at never decreases, even when the clock steps back.
  pending.recorded_at = std::max(options_.clock(), last_recorded_at_);
  bool admitted = false;  // some batch of the group was admitted
  for (Writer* w : group) {
    // Each batch is all-or-nothing on its own: remember where it started.
    pending.batch.SetSavePoint();
    const CompactRange frontier = pending.frontier;
    const Hash last_leaf = pending.last_leaf;
    const uint64_t next_sequence = pending.next_sequence;
    pending.undo_streams.clear();
    pending.undo_requests.clear();
    std::vector<AppendResult> results;
    results.reserve(w->requests->size());
    absl::Status failed;
    for (size_t i = 0; i < w->requests->size() && failed.ok(); ++i) {
      auto result = Stage((*w->requests)[i], pending);
      if (result.ok()) results.push_back(*result);
      else failed = InBatch(result.status(), i, w->requests->size());
    }
    auto appends = [&] {
      return std::any_of(results.begin(), results.end(),
                         [](const AppendResult& r) { return !r.deduplicated; });
    };
    if (failed.ok() && admission != nullptr && appends()) {
      failed = admission->Admit(*w->requests, results);
      admitted = admitted || failed.ok();
    }
    if (failed.ok()) {
      pending.batch.PopSavePoint().PermitUncheckedError();
      w->result = std::move(results);
      continue;
    }
    pending.batch.RollbackToSavePoint().PermitUncheckedError();
    pending.frontier = frontier;
    pending.last_leaf = last_leaf;
    pending.next_sequence = next_sequence;
    for (auto it = pending.undo_streams.rbegin(); it != pending.undo_streams.rend(); ++it) {
      if (it->second.has_value()) {
        pending.stream_versions[it->first] = *it->second;
      } else {
        pending.stream_versions.erase(it->first);
      }
    }
    for (const std::string& id : pending.undo_requests) pending.request_ids.erase(id);
    w->result = failed;
  }
  // Each writer whose batch succeeded hears of it, before readers do.
  auto tell_durable = [&] {
    for (Writer* w : group) {
      if (w->result.ok() && w->on_durable != nullptr && *w->on_durable) {
        (*w->on_durable)(*w->result);
      }
    }
  };
  if (pending.next_sequence == frontier_.size()) {  // only retries or refusals
    tell_durable();
    return;
  }
  const Hash root = pending.frontier.Root();
  pending.batch.Put(db_->meta(), format::kTreeSizeKey,
                    format::EncodeUint64(pending.next_sequence));
  pending.batch.Put(db_->meta(), format::kRootKey, HashBytes(root));
  const absl::Status written = db_->Write(&pending.batch, options_.sync);
  if (!written.ok()) {
    for (Writer* w : group) {
      if (w->result.ok()) w->result = written;
    }
    if (admitted) admission->Abandon();
    return;
  }
  frontier_ = std::move(pending.frontier);
  last_leaf_hash_ = pending.last_leaf;
  last_recorded_at_ = pending.recorded_at;
  if (admitted) admission->Committed();
  tell_durable();
  {
    // Durable now; published before head_ (see stream_tips_).
    std::lock_guard<std::mutex> lock(streams_mu_);
    if (stream_tips_.size() + pending.stream_versions.size() > kMaxCachedStreams) {
      stream_tips_.clear();
    }
    for (auto& [stream, tip] : pending.stream_versions) {
      stream_tips_.insert_or_assign(stream, tip);
    }
  }
  {
    std::lock_guard<std::mutex> lock(head_mu_);
    head_ = {pending.next_sequence, root};
  }
  head_grew_.notify_all();
}

absl::StatusOr<std::vector<AppendResult>> Log::AppendBatch(
    const std::vector<AppendRequest>& requests) {
  return AppendBatch(requests, nullptr);
}

absl::StatusOr<std::vector<AppendResult>> Log::AppendBatch(
    const std::vector<AppendRequest>& requests, const DurableHook& on_durable) {
  if (options_.read_only) {
    return absl::FailedPreconditionError("the ledger was opened read-only");
  }
  Writer self;
  self.requests = &requests;
  self.on_durable = &on_durable;
  std::unique_lock<std::mutex> lock(queue_mu_);
  if (closing_) return Closed();
  writers_.push_back(&self);
  queue_filled_.notify_one();
  self.cv.wait(lock, [&] { return self.done; });
  return std::move(self.result);
}

void Log::AppendBatchAsync(std::vector<AppendRequest> requests, DurableHook on_durable,
                           AppendDone done) {
  if (options_.read_only) {
    done(absl::FailedPreconditionError("the ledger was opened read-only"));
    return;
  }
  auto writer = std::make_unique<Writer>();
  writer->owned_requests = std::move(requests);
  writer->owned_on_durable = std::move(on_durable);
  writer->requests = &writer->owned_requests;
  writer->on_durable = &writer->owned_on_durable;
  writer->on_done = std::move(done);
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    if (!closing_) {
      writers_.push_back(writer.release());
      queue_filled_.notify_one();
      return;
    }
  }
  writer->on_done(Closed());
}

void Log::CommitLoop() {
  // Named so that operators can tell it apart in top -H, perf and gdb.
  pthread_setname_np(pthread_self(), "ledger-commit");
  std::vector<Writer*> group;
  std::vector<std::unique_ptr<Writer>> finished;
  std::unique_lock<std::mutex> lock(queue_mu_);
  for (;;) {
    queue_filled_.wait(lock, [&] { return closing_ || !writers_.empty(); });
    if (writers_.empty()) return;  // closing, and every queued batch is committed
    group.clear();
    while (!writers_.empty() &&
           (group.empty() || (options_.group_commit && group.size() < kMaxGroupBatches))) {
      group.push_back(writers_.front());
      writers_.pop_front();
    }
    BatchAdmission* admission = admission_;
    lock.unlock();
    CommitGroup(group, admission);
    // Waiting callers wake first (they need queue_mu_, released below).
    lock.lock();
    for (Writer* w : group) {
      if (w->on_done) {
        finished.emplace_back(w);
        continue;
      }
      w->done = true;
      w->cv.notify_one();
    }
    lock.unlock();
    if (!finished.empty()) {
      {
        std::lock_guard<std::mutex> answers_lock(answers_mu_);
        for (auto& w : finished) answers_.push_back(std::move(w));
      }
      answers_filled_.notify_one();
      finished.clear();
    }
    lock.lock();
  }
}

void Log::AnswerLoop() {
  pthread_setname_np(pthread_self(), "ledger-answer");
  std::vector<std::unique_ptr<Writer>> answering;
  std::unique_lock<std::mutex> lock(answers_mu_);
  for (;;) {
    answers_filled_.wait(lock, [&] { return committer_stopped_ || !answers_.empty(); });
    if (answers_.empty()) return;  // the commit thread has stopped and all are answered
    answering.swap(answers_);
    // Without the lock: callbacks may queue further appends.
    lock.unlock();
    for (const auto& w : answering) w->on_done(std::move(w->result));
    answering.clear();
    lock.lock();
  }
}

uint64_t Log::WaitForSize(uint64_t known_size, absl::Time deadline) const {
  std::unique_lock<std::mutex> lock(head_mu_);
  while (head_.tree_size <= known_size) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) break;
    head_grew_.wait_for(lock, absl::ToChronoNanoseconds(left));
  }
  return head_.tree_size;
}

void Log::SetAdmission(BatchAdmission* admission) {
  std::lock_guard<std::mutex> lock(queue_mu_);
  admission_ = admission;
}

absl::StatusOr<AppendResult> Log::Append(const AppendRequest& request) {
  LEDGER_ASSIGN_OR_RETURN(auto results, AppendBatch({request}));
  return results.front();
}

absl::StatusOr<StoredEntry> Log::GetEntry(uint64_t sequence) const {
  const uint64_t size = Size();
  if (sequence >= size) {
    return absl::NotFoundError(absl::StrCat("no entry ", sequence, ": the log has ", size,
                                            " entries (0 to ", size == 0 ? 0 : size - 1, ")"));
  }
  LEDGER_ASSIGN_OR_RETURN(auto bytes, db_->Get(db_->entries(), format::EntryKey(sequence)));
  if (!bytes.has_value()) {
    return absl::DataLossError(absl::StrCat("entry ", sequence,
                                            " is missing from the store; run `ledgerctl verify`"));
  }
  return ParseStored(sequence, *std::move(bytes));
}

absl::Status Log::ForEachEntry(
    uint64_t from, uint64_t limit,
    const std::function<absl::Status(const StoredEntry&)>& visit) const {
  const uint64_t size = Size();
  const uint64_t end = limit > size - std::min(from, size) ? size : from + limit;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db()->NewIterator(rocksdb::ReadOptions(), db_->entries()));
  uint64_t expected = from;
  for (it->Seek(format::EntryKey(from)); expected < end && it->Valid(); it->Next(), ++expected) {
    if (format::DecodeUint64(ToView(it->key())) != expected) {
      return absl::DataLossError(absl::StrCat("entry ", expected,
                                              " is missing; run `ledgerctl verify`"));
    }
    LEDGER_ASSIGN_OR_RETURN(StoredEntry stored,
                            ParseStored(expected, std::string(ToView(it->value()))));
    LEDGER_RETURN_IF_ERROR(visit(stored));
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading entries"));
  if (expected < end) {
    return absl::DataLossError(absl::StrCat("entry ", expected,
                                            " is missing; run `ledgerctl verify`"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoredEntry>> Log::ReadLog(uint64_t from, uint64_t limit) const {
  std::vector<StoredEntry> out;
  LEDGER_RETURN_IF_ERROR(ForEachEntry(from, limit, [&](const StoredEntry& e) {
    out.push_back(e);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<uint64_t> Log::StreamVersion(std::string_view stream) const {
  return StreamVersionAt(stream, ~uint64_t{0});
}

absl::StatusOr<uint64_t> Log::StreamVersionAt(std::string_view stream,
                                              uint64_t tree_size) const {
  // The head first, then the table: the table is never behind a head that
  // was already published (see stream_tips_).
  const uint64_t limit = std::min(tree_size, Size());
  {
    std::lock_guard<std::mutex> lock(streams_mu_);
    if (auto it = stream_tips_.find(stream); it != stream_tips_.end()) {
      // No entry of the stream after `sequence` up to the newest write, so
      // none in the first `limit` entries either.
      if (it->second.version == 0) return uint64_t{0};
      if (it->second.sequence < limit) return it->second.version;
    }
  }
  LEDGER_ASSIGN_OR_RETURN(const StreamTip tip, ReadStreamTip(stream, limit));
  return tip.version;
}

absl::StatusOr<Log::StreamTip> Log::ReadStreamTip(std::string_view stream,
                                                 uint64_t limit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db()->NewIterator(rocksdb::ReadOptions(), db_->streams()));
  // Newest version first; step back over entries outside the prefix (an
  // index entry may even be ahead of the committed head while its batch is
  // being written).
  for (it->SeekForPrev(format::StreamKey(stream, ~uint64_t{0})); it->Valid(); it->Prev()) {
    const std::string_view key = ToView(it->key());
    if (key.size() != stream.size() + 9 || key.substr(0, stream.size()) != stream ||
        key[stream.size()] != '\0') {
      return StreamTip{};
    }
    const auto sequence = format::DecodeUint64(ToView(it->value()));
    if (sequence.has_value() && *sequence < limit) {
      return StreamTip{format::DecodeUint64(key.substr(stream.size() + 1)).value_or(0),
                       *sequence};
    }
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading the stream index"));
  return StreamTip{};
}

absl::StatusOr<std::vector<StoredEntry>> Log::ReadStream(std::string_view stream,
                                                         uint64_t from_version,
                                                         uint64_t limit) const {
  std::vector<StoredEntry> out;
  LEDGER_RETURN_IF_ERROR(
      ForEachStreamEntry(stream, from_version, limit, [&](const StoredEntry& stored) {
        out.push_back(stored);
        return absl::OkStatus();
      }));
  return out;
}

absl::Status Log::ForEachStreamEntry(
    std::string_view stream, uint64_t from_version, uint64_t limit,
    const std::function<absl::Status(const StoredEntry&)>& visit) const {
  const std::string end_key = format::StreamEndKey(stream);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db()->NewIterator(rocksdb::ReadOptions(), db_->streams()));
  uint64_t visited = 0;
  for (it->Seek(format::StreamKey(stream, std::max<uint64_t>(from_version, 1)));
       it->Valid() && ToView(it->key()) < end_key && visited < limit; it->Next()) {
    const auto sequence = format::DecodeUint64(ToView(it->value()));
    if (!sequence.has_value()) {
      return absl::DataLossError(absl::StrCat("stream index of \"", std::string(stream),
                                              "\" is malformed"));
    }
    if (*sequence >= Size()) break;  // written by a batch not yet visible
    LEDGER_ASSIGN_OR_RETURN(StoredEntry stored, GetEntry(*sequence));
    LEDGER_RETURN_IF_ERROR(visit(stored));
    ++visited;
  }
  return FromRocks(it->status(), "reading the stream index");
}

absl::StatusOr<Hash> Log::RootAt(uint64_t tree_size) const {
  const TreeHead head = Head();
  if (tree_size > head.tree_size) {
    return absl::InvalidArgumentError(absl::StrCat("tree size ", tree_size,
                                                   " is beyond the log's size ", head.tree_size));
  }
  if (tree_size == head.tree_size) return head.root;
  return ledger::log::RootAt(Nodes(), tree_size);
}

NodeReader Log::Nodes() const {
  return [this](uint8_t level, uint64_t index) -> absl::StatusOr<Hash> {
    LEDGER_ASSIGN_OR_RETURN(auto node,
                            db_->Get(db_->merkle(), format::NodeKey(level, index)));
    if (!node) {
      return absl::DataLossError(absl::StrCat("Merkle node (level ", level, ", index ",
                                              index, ") is missing; run `ledgerctl verify`"));
    }
    return HashFromBytes(*node);
  };
}

absl::StatusOr<std::vector<Hash>> Log::InclusionProof(uint64_t sequence,
                                                      uint64_t tree_size) const {
  const uint64_t size = Size();
  if (tree_size > size || sequence >= tree_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot prove entry ", sequence, " in a tree of size ", tree_size,
        ": need entry < tree size <= ", size, " (the log's size)"));
  }
  return BuildInclusionProof(Nodes(), sequence, tree_size);
}

absl::StatusOr<std::vector<Hash>> Log::ConsistencyProof(uint64_t first_size,
                                                        uint64_t second_size) const {
  const uint64_t size = Size();
  if (first_size > second_size || second_size > size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot prove consistency from size ", first_size, " to ", second_size,
        ": need first <= second <= ", size, " (the log's size)"));
  }
  return BuildConsistencyProof(Nodes(), first_size, second_size);
}

absl::Status Log::PutSnapshot(std::string_view name, std::string_view bytes) {
  if (options_.read_only) return absl::OkStatus();  // derived data: skip, never fail
  rocksdb::WriteBatch batch;
  batch.Put(db_->snapshots(), rocksdb::Slice(name.data(), name.size()),
            rocksdb::Slice(bytes.data(), bytes.size()));
  return db_->Write(&batch, /*sync=*/false);
}

absl::StatusOr<std::optional<std::string>> Log::GetSnapshot(std::string_view name) const {
  return db_->Get(db_->snapshots(), name);
}

absl::StatusOr<std::optional<Log::NamedSnapshot>> Log::FindSnapshotAtOrBefore(
    std::string_view prefix, std::string_view name) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db()->NewIterator(rocksdb::ReadOptions(), db_->snapshots()));
  it->SeekForPrev(rocksdb::Slice(name.data(), name.size()));
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading snapshots"));
  if (!it->Valid() || !ToView(it->key()).starts_with(prefix)) {
    return std::optional<NamedSnapshot>();
  }
  return std::optional<NamedSnapshot>(
      NamedSnapshot{std::string(ToView(it->key())), std::string(ToView(it->value()))});
}

}  // namespace ledger::log
