// LedgerServiceImpl: ledger.v1.LedgerService over a CompactLedger. Thin:
// authenticate, decode, call the ledger or its log, encode, map the status.
//
// Thread-safety: handlers run concurrently on gRPC's threads; the ledger and
// the policy are thread-safe. `ledger` and `access` must outlive the service.
#ifndef LEDGER_SERVICES_LEDGER_SERVICE_H_
#define LEDGER_SERVICES_LEDGER_SERVICE_H_

#include <atomic>

#include "ledger/compact_ledger.h"
#include "ledger/v1/ledger_service.grpc.pb.h"
#include "services/auth.h"

namespace ledger::services {

class LedgerServiceImpl final : public ledger::v1::LedgerService::Service {
 public:
  LedgerServiceImpl(CompactLedger& ledger, const AccessPolicy& access)
      : ledger_(ledger), access_(access) {}

  // Ends every Subscribe with UNAVAILABLE (the message says where to resume)
  // within its poll interval; called before the server shuts down.
  void StopSubscriptions() { stopping_ = true; }

  grpc::Status Append(grpc::ServerContext* context, const ledger::v1::AppendRequest* request,
                      ledger::v1::AppendResponse* response) override;
  grpc::Status GetEntry(grpc::ServerContext* context,
                        const ledger::v1::GetEntryRequest* request,
                        ledger::v1::LogEntry* response) override;
  grpc::Status ReadLog(grpc::ServerContext* context, const ledger::v1::ReadLogRequest* request,
                       grpc::ServerWriter<ledger::v1::LogEntry>* writer) override;
  grpc::Status ReadStream(grpc::ServerContext* context,
                          const ledger::v1::ReadStreamRequest* request,
                          grpc::ServerWriter<ledger::v1::LogEntry>* writer) override;
  grpc::Status Subscribe(grpc::ServerContext* context,
                         const ledger::v1::SubscribeRequest* request,
                         grpc::ServerWriter<ledger::v1::LogEntry>* writer) override;
  grpc::Status GetCheckpoint(grpc::ServerContext* context,
                             const ledger::v1::GetCheckpointRequest* request,
                             ledger::v1::Checkpoint* response) override;
  grpc::Status GetInclusionProof(grpc::ServerContext* context,
                                 const ledger::v1::GetInclusionProofRequest* request,
                                 ledger::v1::GetInclusionProofResponse* response) override;
  grpc::Status GetConsistencyProof(grpc::ServerContext* context,
                                   const ledger::v1::GetConsistencyProofRequest* request,
                                   ledger::v1::GetConsistencyProofResponse* response) override;

 private:
  CompactLedger& ledger_;
  const AccessPolicy& access_;
  std::atomic<bool> stopping_{false};
};

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_LEDGER_SERVICE_H_
