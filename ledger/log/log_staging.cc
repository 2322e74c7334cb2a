// Log: staging one append request into a commit group: its checks
// (name, request id, expected version), its entry, and the writes of the
// entry, its Merkle nodes, stream index and request id. On the commit
// thread only, except FindRequest.
#include "ledger/log/log.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/commit_state.h"
#include "ledger/log/rocks_db.h"
#include "ledger/log/storage_format.h"

namespace ledger::log {

namespace {


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

}  // namespace

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
  LEDGER_ASSIGN_OR_RETURN(auto value, db_->Get(Family::kRequests, request.request_id));
  if (!value.has_value()) return std::optional<AppendResult>();
  const std::optional<format::RequestRecord> record = format::DecodeRequestRecord(*value);
  if (!record.has_value()) {
    return absl::DataLossError(absl::StrCat("request id record for \"",
                                            request.request_id, "\" is malformed"));
  }
  if (record->digest != digest) return conflict(record->sequence);
  LEDGER_ASSIGN_OR_RETURN(StoredEntry first, GetEntry(record->sequence));
  return std::optional<AppendResult>(
      AppendResult{record->sequence, first.entry.stream_version(), first.leaf_hash,
                   RecordedAt(first.entry), true, first.entry.stream()});
}

absl::StatusOr<std::optional<AppendResult>> Log::FindRequest(
    const AppendRequest& request) const {
  return Deduplicate(request, RequestDigest(request), nullptr);
}

absl::StatusOr<uint64_t> Log::CommittedVersion(const std::string& stream) {
  {
    absl::MutexLock lock(&streams_mu_);
    if (auto it = stream_tips_.find(stream); it != stream_tips_.end()) {
      return it->second.version;
    }
  }
  // The commit thread owns the tail, so the index holds exactly the committed
  // entries and what it reads stays true until it writes itself.
  LEDGER_ASSIGN_OR_RETURN(const StreamTip tip, ReadStreamTip(stream, Size()));
  absl::MutexLock lock(&streams_mu_);
  if (stream_tips_.size() >= kMaxCachedStreams) stream_tips_.clear();
  stream_tips_.emplace(stream, tip);
  return tip.version;
}

absl::StatusOr<uint64_t> Log::StagedVersion(const std::string& stream, const Pending& pending) {
  if (auto it = pending.stream_versions.find(stream); it != pending.stream_versions.end()) {
    return it->second.version;
  }
  return CommittedVersion(stream);
}

absl::StatusOr<uint64_t> Log::CheckExpectedVersion(const AppendRequest& request,
                                                   const Pending& pending) {
  LEDGER_ASSIGN_OR_RETURN(const uint64_t current, StagedVersion(request.stream, pending));
  const ExpectedVersion& expected = request.expected;
  if (!expected.SatisfiedBy(current)) {
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
  return StageWrites(entry, bytes, digest, pending);
}

AppendResult Log::StageWrites(const ledger::v1::Entry& entry, const std::string& bytes,
                              const Hash& request_digest, Pending& pending) {
  const std::string& stream = entry.stream();
  const Hash leaf = LeafHash(bytes);
  pending.batch.Put(Family::kEntries, format::EntryKey(entry.sequence()), bytes);
  pending.frontier.Append(leaf, [&](const CompactRange::NewNode& node) {
    pending.batch.Put(Family::kMerkle, format::NodeKey(node.level, node.index),
                      HashBytes(node.hash));
  });
  pending.batch.Put(Family::kStreams, format::StreamKey(stream, entry.stream_version()),
                    format::EncodeUint64(entry.sequence()));
  AppendResult result{entry.sequence(), entry.stream_version(), leaf, RecordedAt(entry), false,
                      stream};
  if (!entry.request_id().empty()) {
    pending.batch.Put(Family::kRequests, entry.request_id(),
                      format::EncodeRequestRecord({entry.sequence(), request_digest}));
    pending.request_ids.emplace(entry.request_id(), std::make_pair(request_digest, result));
    pending.undo_requests.push_back(entry.request_id());
  }
  auto [it, added] = pending.stream_versions.try_emplace(stream);
  pending.undo_streams.emplace_back(stream,
                                    added ? std::nullopt : std::optional<StreamTip>(it->second));
  it->second = StreamTip{entry.stream_version(), entry.sequence()};
  pending.last_leaf = leaf;
  ++pending.next_sequence;
  return result;
}

absl::StatusOr<AppendResult> Log::StageCopied(const std::string& bytes, Pending& pending) {
  const uint64_t sequence = pending.next_sequence;
  auto refuse = [&](const auto&... why) {
    return absl::InvalidArgumentError(absl::StrCat("copied entry ", sequence, " ", why...));
  };
  if (bytes.size() > format::kMaxEntryBytes) {
    return refuse("is ", bytes.size(), " bytes; the limit is ", format::kMaxEntryBytes);
  }
  ledger::v1::Entry entry;
  if (!entry.ParseFromString(bytes)) return refuse("is not a ledger entry (ledger.v1.Entry)");
  if (entry.sequence() != sequence) {
    return refuse("says it is entry ", entry.sequence(), ": entries must be copied in order");
  }
  if (entry.previous_hash() != HashBytes(pending.last_leaf)) {
    return refuse("does not chain to the entry before it: its previous_hash is not that "
                  "entry's leaf hash ", ToHex(pending.last_leaf));
  }
  AppendRequest request;
  request.stream = entry.stream();
  request.request_id = entry.request_id();
  request.payload = entry.payload();
  if (absl::Status valid = ValidateRequest(request); !valid.ok()) return refuse(valid.message());
  const google::protobuf::Timestamp& at = entry.recorded_at();
  using google::protobuf::util::TimeUtil;
  if (at.seconds() < TimeUtil::kTimestampMinSeconds ||
      at.seconds() > TimeUtil::kTimestampMaxSeconds || at.nanos() < 0 ||
      at.nanos() > 999'999'999) {
    return refuse("has an invalid recorded_at");
  }
  const absl::Time recorded_at = RecordedAt(entry);
  if (recorded_at < pending.recorded_at) {
    return refuse("was recorded at ", absl::FormatTime(recorded_at),
                  ", before the entry before it (", absl::FormatTime(pending.recorded_at), ")");
  }
  LEDGER_ASSIGN_OR_RETURN(const uint64_t current, StagedVersion(request.stream, pending));
  if (entry.stream_version() != current + 1) {
    return refuse("is version ", entry.stream_version(), " of stream \"", request.stream,
                  "\", whose next version is ", current + 1);
  }
  if (!request.request_id.empty()) {
    bool used = pending.request_ids.contains(request.request_id);
    if (!used) {
      LEDGER_ASSIGN_OR_RETURN(auto record, db_->Get(Family::kRequests, request.request_id));
      used = record.has_value();
    }
    if (used) return refuse("reuses the request id \"", request.request_id, "\"");
  }
  pending.recorded_at = recorded_at;
  return StageWrites(entry, bytes, RequestDigest(request), pending);
}

}  // namespace ledger::log
