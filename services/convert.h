// Translations between the wire messages of the services and the types of
// the core (ledger/, ledger/log/). No policy lives here.
//
// Pure functions; thread-safe.
#ifndef LEDGER_SERVICES_CONVERT_H_
#define LEDGER_SERVICES_CONVERT_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "compact/v1/compact_service.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "ledger/compact_ledger.h"
#include "ledger/log/log.h"
#include "ledger/v1/ledger_service.pb.h"

namespace ledger::services {

google::protobuf::Timestamp ToTimestamp(absl::Time t);
absl::Time FromTimestamp(const google::protobuf::Timestamp& t);

// nullopt for KIND_UNSPECIFIED (the domain's default: the version the command
// was checked against). InvalidArgument for EXACT 0 or an unknown kind.
absl::StatusOr<std::optional<log::ExpectedVersion>> ToExpected(
    const ledger::v1::ExpectedVersion& expected);

// A request for CompactLedger::Record, with the wire's key and expectation.
absl::StatusOr<RecordRequest> ToRecordRequest(const compact::v1::Event& command,
                                              const std::string& request_id,
                                              const ledger::v1::ExpectedVersion& expected);

void FillLogEntry(const log::StoredEntry& stored, ledger::v1::LogEntry* out);

// The stream of entry `sequence`, for responses (the domain assigns it).
absl::StatusOr<std::string> StreamAt(const log::Log& log, uint64_t sequence);

absl::Status FillRecordResponse(const log::Log& log, const log::AppendResult& result,
                                compact::v1::RecordResponse* out);
absl::Status FillAppendResponse(const log::Log& log, const log::AppendResult& result,
                                ledger::v1::AppendResponse* out);

void FillHistoryEvent(const HistoryItem& item, compact::v1::HistoryEvent* out);

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_CONVERT_H_
