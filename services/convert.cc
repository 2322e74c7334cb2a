#include "services/convert.h"

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"

namespace ledger::services {

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  const int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000, rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  google::protobuf::Timestamp out;
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(rest * 1000));
  return out;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

absl::StatusOr<std::optional<log::ExpectedVersion>> ToExpected(
    const ledger::v1::ExpectedVersion& expected) {
  using Kind = ledger::v1::ExpectedVersion;
  switch (expected.kind()) {
    case Kind::KIND_UNSPECIFIED: return std::nullopt;
    case Kind::KIND_ANY: return log::ExpectedVersion::Any();
    case Kind::KIND_NO_STREAM: return log::ExpectedVersion::NoStream();
    case Kind::KIND_EXACT:
      if (expected.version() == 0) {
        return absl::InvalidArgumentError(
            "expected version EXACT needs version >= 1; use NO_STREAM for a new stream");
      }
      return log::ExpectedVersion::Exact(expected.version());
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("unknown expected version kind ", expected.kind()));
  }
}

absl::StatusOr<RecordRequest> ToRecordRequest(const compact::v1::Event& command,
                                              const std::string& request_id,
                                              const ledger::v1::ExpectedVersion& expected) {
  RecordRequest request;
  request.command = command;
  request.request_id = request_id;
  LEDGER_ASSIGN_OR_RETURN(request.expected, ToExpected(expected));
  return request;
}

void FillLogEntry(const log::StoredEntry& stored, ledger::v1::LogEntry* out) {
  out->set_sequence(stored.sequence);
  out->set_entry_bytes(stored.bytes);
  *out->mutable_entry() = stored.entry;
  out->set_leaf_hash(log::HashBytes(stored.leaf_hash));
}

absl::StatusOr<std::string> StreamAt(const log::Log& log, uint64_t sequence) {
  LEDGER_ASSIGN_OR_RETURN(log::StoredEntry stored, log.GetEntry(sequence));
  return stored.entry.stream();
}

namespace {

// RecordResponse and AppendResponse say the same about an append.
template <typename Response>
absl::Status FillAppendResult(const log::Log& log, const log::AppendResult& result,
                              Response* out) {
  if (!result.stream.empty()) {
    out->set_stream(result.stream);
  } else {
    LEDGER_ASSIGN_OR_RETURN(*out->mutable_stream(), StreamAt(log, result.sequence));
  }
  out->set_sequence(result.sequence);
  out->set_stream_version(result.stream_version);
  out->set_leaf_hash(log::HashBytes(result.leaf_hash));
  *out->mutable_recorded_at() = ToTimestamp(result.recorded_at);
  out->set_deduplicated(result.deduplicated);
  return absl::OkStatus();
}

}  // namespace

absl::Status FillRecordResponse(const log::Log& log, const log::AppendResult& result,
                                compact::v1::RecordResponse* out) {
  return FillAppendResult(log, result, out);
}

absl::Status FillAppendResponse(const log::Log& log, const log::AppendResult& result,
                                ledger::v1::AppendResponse* out) {
  return FillAppendResult(log, result, out);
}

void FillHistoryEvent(const HistoryItem& item, compact::v1::HistoryEvent* out) {
  out->set_sequence(item.sequence);
  out->set_stream(item.stream);
  out->set_stream_version(item.stream_version);
  *out->mutable_recorded_at() = ToTimestamp(item.recorded_at);
  out->set_actor(item.actor);
  out->set_leaf_hash(log::HashBytes(item.leaf_hash));
  *out->mutable_event() = item.event;
}

}  // namespace ledger::services
