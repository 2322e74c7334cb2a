// RecordAndFinish: the recording RPCs' common path on gRPC's callback API.
//
// A recording call is answered once its commit group is synced. A handler
// that waited for that would park one gRPC thread per call in flight (and
// the synchronous server starts threads to replace parked ones); instead
// the call is handed to CompactLedger::RecordAsync and finished from the
// log's answer thread, so the number of recorders in flight costs no
// threads.
//
// Thread-safety: as CompactLedger::RecordAsync. `access` and `ledger` must
// outlive the call (the server shuts down before it closes the ledger).
#ifndef LEDGER_SERVICES_RECORD_REACTOR_H_
#define LEDGER_SERVICES_RECORD_REACTOR_H_

#include <functional>
#include <vector>

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include "absl/status/statusor.h"
#include "ledger/compact_ledger.h"
#include "services/auth.h"
#include "services/limits.h"
#include "services/write_health.h"

namespace ledger::services {

// Fills the call's response from the durable results (one per request).
using FillResponse = std::function<absl::Status(const std::vector<log::AppendResult>&)>;

// Checks that the caller may write and that `budget` admits the requests,
// then records `requests` (a refusal from shaping them, when not OK) as the
// authenticated caller and finishes the call with the mapped status:
// `fill`'s once the records are durable, or the refusal, with nothing
// appended (RESOURCE_EXHAUSTED when the budget is spent: the caller retries
// later with the same request ids). The requests hold their share of the
// budget until they are answered. Their outcome goes to `health`.
// Returns the call's reactor.
grpc::ServerUnaryReactor* RecordAndFinish(grpc::CallbackServerContext* context,
                                          const AccessPolicy& access, CompactLedger& ledger,
                                          RecordingBudget& budget, WriteHealth& health,
                                          absl::StatusOr<std::vector<RecordRequest>> requests,
                                          FillResponse fill);

// The same for one command, whose response is filled from its result.
using FillOne = std::function<absl::Status(const log::AppendResult&)>;
grpc::ServerUnaryReactor* RecordAndFinish(grpc::CallbackServerContext* context,
                                          const AccessPolicy& access, CompactLedger& ledger,
                                          RecordingBudget& budget, WriteHealth& health,
                                          absl::StatusOr<RecordRequest> request, FillOne fill);

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_RECORD_REACTOR_H_
