#include "services/record_reactor.h"

#include <utility>

#include "services/status.h"

namespace ledger::services {

grpc::ServerUnaryReactor* RecordAndFinish(grpc::CallbackServerContext* context,
                                          const AccessPolicy& access, CompactLedger& ledger,
                                          absl::StatusOr<std::vector<RecordRequest>> requests,
                                          FillResponse fill) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto principal = access.Check(*context, Permission::kWrite);
  if (!principal.ok()) {
    reactor->Finish(ToGrpcStatus(principal.status()));
    return reactor;
  }
  if (!requests.ok()) {
    reactor->Finish(ToGrpcStatus(requests.status()));
    return reactor;
  }
  ledger.RecordAsync(*std::move(requests), principal->name,
                     [reactor, fill = std::move(fill)](
                         absl::StatusOr<std::vector<log::AppendResult>> results) {
                       reactor->Finish(ToGrpcStatus(results.ok() ? fill(*results)
                                                                 : results.status()));
                     });
  return reactor;
}

grpc::ServerUnaryReactor* RecordAndFinish(grpc::CallbackServerContext* context,
                                          const AccessPolicy& access, CompactLedger& ledger,
                                          absl::StatusOr<RecordRequest> request, FillOne fill) {
  absl::StatusOr<std::vector<RecordRequest>> requests;
  if (request.ok()) {
    requests.emplace().push_back(*std::move(request));
  } else {
    requests = request.status();
  }
  return RecordAndFinish(context, access, ledger, std::move(requests),
                         [fill = std::move(fill)](const std::vector<log::AppendResult>& results) {
                           return fill(results.front());
                         });
}

}  // namespace ledger::services
