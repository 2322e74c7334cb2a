// LedgerServiceImpl: ledger.v1.LedgerService over a CompactLedger. Thin:
// authenticate, decode, call the ledger or its log, encode, map the status.
//
// Checkpoints: GetCheckpoint and ListCheckpoints serve the signed notes the
// log stores (Log::PutCheckpoint), byte for byte. When the server signs
// checkpoints, GetCheckpoint with tree size 0 is the newest signed one;
// otherwise it is the current tree head, unsigned (no origin, no note).
//
// Thread-safety: handlers run concurrently on gRPC's threads (Append's
// completion on the log's answer thread); the ledger and the policy are
// thread-safe. `ledger` and `access` must outlive the service.
#ifndef LEDGER_SERVICES_LEDGER_SERVICE_H_
#define LEDGER_SERVICES_LEDGER_SERVICE_H_

#include <atomic>

#include "ledger/compact_ledger.h"
#include "ledger/v1/ledger_service.grpc.pb.h"
#include "services/append_stream.h"
#include "services/auth.h"
#include "services/limits.h"
#include "services/write_health.h"

namespace ledger::services {

// Append and AppendStream are served on gRPC's callback API
// (services/record_reactor.h, services/append_stream.h); the reads on the
// synchronous thread pool.
class LedgerServiceImpl final
    : public ledger::v1::LedgerService::WithCallbackMethod_Append<
          ledger::v1::LedgerService::WithCallbackMethod_AppendStream<
              ledger::v1::LedgerService::Service>> {
 public:
  // `signs_checkpoints`: the server publishes signed checkpoints, so that
  // GetCheckpoint's "latest" means the newest signed one. `budget` bounds
  // the recording requests in flight (Append and each AppendStream
  // request); `read_streams` the streaming reads (Subscribe, ReadLog,
  // ReadStream, ListCheckpoints), each of which holds a thread of the
  // synchronous pool while it lasts (services/limits.h). Both must outlive
  // the service.
  // `health` learns whether recordings could be written.
  LedgerServiceImpl(CompactLedger& ledger, const AccessPolicy& access, RecordingBudget& budget,
                    ReadStreamSlots& read_streams, WriteHealth& health,
                    bool signs_checkpoints = false)
      : ledger_(ledger),
        access_(access),
        budget_(budget),
        read_streams_(read_streams),
        health_(health),
        signs_checkpoints_(signs_checkpoints),
        append_streams_(ledger, access, budget, health) {}

  // Ends every Subscribe with UNAVAILABLE (the message says where to resume)
  // within its poll interval, and every AppendStream once it has answered
  // what it has read; called before the server shuts down.
  void StopStreams() {
    stopping_ = true;
    append_streams_.StopAll();
  }

  grpc::ServerUnaryReactor* Append(grpc::CallbackServerContext* context,
                                   const ledger::v1::AppendRequest* request,
                                   ledger::v1::AppendResponse* response) override;
  grpc::ServerBidiReactor<ledger::v1::AppendRequest, ledger::v1::AppendStreamResponse>*
  AppendStream(grpc::CallbackServerContext* context) override {
    return append_streams_.Start(context);
  }
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
  grpc::Status ListCheckpoints(grpc::ServerContext* context,
                               const ledger::v1::ListCheckpointsRequest* request,
                               grpc::ServerWriter<ledger::v1::Checkpoint>* writer) override;
  grpc::Status GetInclusionProof(grpc::ServerContext* context,
                                 const ledger::v1::GetInclusionProofRequest* request,
                                 ledger::v1::GetInclusionProofResponse* response) override;
  grpc::Status GetConsistencyProof(grpc::ServerContext* context,
                                   const ledger::v1::GetConsistencyProofRequest* request,
                                   ledger::v1::GetConsistencyProofResponse* response) override;

 private:
  CompactLedger& ledger_;
  const AccessPolicy& access_;
  RecordingBudget& budget_;
  ReadStreamSlots& read_streams_;
  WriteHealth& health_;
  const bool signs_checkpoints_;
  std::atomic<bool> stopping_{false};
  AppendStreams append_streams_;
};

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_LEDGER_SERVICE_H_
