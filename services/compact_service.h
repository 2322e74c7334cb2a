// CompactServiceImpl: compact.v1.CompactService over a CompactLedger. Thin:
// authenticate, shape the command (services/commands.h), record or query
// through the ledger, encode, map the status.
//
// Thread-safety: handlers run concurrently on gRPC's threads; the ledger and
// the policy are thread-safe. `ledger` and `access` must outlive the service.
#ifndef LEDGER_SERVICES_COMPACT_SERVICE_H_
#define LEDGER_SERVICES_COMPACT_SERVICE_H_

#include "compact/v1/compact_service.grpc.pb.h"
#include "ledger/compact_ledger.h"
#include "services/auth.h"
#include "services/limits.h"
#include "services/write_health.h"

namespace ledger::services {

// The recording methods run on gRPC's callback API
// (services/record_reactor.h); the queries on the synchronous thread pool.
using CompactServiceBase = compact::v1::CompactService::WithCallbackMethod_RecordEndorsement<
    compact::v1::CompactService::WithCallbackMethod_RecordAdoption<
        compact::v1::CompactService::WithCallbackMethod_RecordSignature<
            compact::v1::CompactService::WithCallbackMethod_RecordSupersession<
                compact::v1::CompactService::WithCallbackMethod_RecordMediationStep<
                    compact::v1::CompactService::WithCallbackMethod_RecordEvent<
                        compact::v1::CompactService::WithCallbackMethod_RecordEvents<
                            compact::v1::CompactService::Service>>>>>>>;

class CompactServiceImpl final : public CompactServiceBase {
 public:
  // `budget` bounds the recording requests in flight (services/limits.h).
  // `health` learns whether recordings could be written.
  CompactServiceImpl(CompactLedger& ledger, const AccessPolicy& access, RecordingBudget& budget,
                     WriteHealth& health)
      : ledger_(ledger), access_(access), budget_(budget), health_(health) {}

  grpc::ServerUnaryReactor* RecordEndorsement(grpc::CallbackServerContext* context,
                                 const compact::v1::RecordEndorsementRequest* request,
                                 compact::v1::RecordResponse* response) override;
  grpc::ServerUnaryReactor* RecordAdoption(grpc::CallbackServerContext* context,
                              const compact::v1::RecordAdoptionRequest* request,
                              compact::v1::RecordResponse* response) override;
  grpc::ServerUnaryReactor* RecordSignature(grpc::CallbackServerContext* context,
                               const compact::v1::RecordSignatureRequest* request,
                               compact::v1::RecordResponse* response) override;
  grpc::ServerUnaryReactor* RecordSupersession(grpc::CallbackServerContext* context,
                                  const compact::v1::RecordSupersessionRequest* request,
                                  compact::v1::RecordResponse* response) override;
  grpc::ServerUnaryReactor* RecordMediationStep(grpc::CallbackServerContext* context,
                                   const compact::v1::RecordMediationStepRequest* request,
                                   compact::v1::RecordResponse* response) override;
  grpc::ServerUnaryReactor* RecordEvent(grpc::CallbackServerContext* context,
                           const compact::v1::RecordEventRequest* request,
                           compact::v1::RecordResponse* response) override;
  grpc::ServerUnaryReactor* RecordEvents(grpc::CallbackServerContext* context,
                            const compact::v1::RecordEventsRequest* request,
                            compact::v1::RecordEventsResponse* response) override;
  grpc::Status GetCompact(grpc::ServerContext* context,
                          const compact::v1::GetCompactRequest* request,
                          compact::v1::StateReport* response) override;
  grpc::Status ListCompacts(grpc::ServerContext* context,
                            const compact::v1::ListCompactsRequest* request,
                            compact::v1::ListCompactsResponse* response) override;
  grpc::Status GetHistory(grpc::ServerContext* context,
                          const compact::v1::GetHistoryRequest* request,
                          compact::v1::GetHistoryResponse* response) override;

 private:
  // Records one shaped command as the caller: the common tail of every
  // Record* handler but RecordEvents.
  grpc::ServerUnaryReactor* RecordOne(grpc::CallbackServerContext* context,
                                      absl::StatusOr<RecordRequest> request,
                                      compact::v1::RecordResponse* response);
  // Attaches inclusion proofs against request.tree_size (0: current).
  absl::Status AddProofs(uint64_t tree_size, compact::v1::GetHistoryResponse* response) const;

  CompactLedger& ledger_;
  const AccessPolicy& access_;
  RecordingBudget& budget_;
  WriteHealth& health_;
};

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_COMPACT_SERVICE_H_
