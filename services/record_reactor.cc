#include "services/record_reactor.h"

#include <memory>
#include <utility>

#include "services/status.h"

namespace ledger::services {

grpc::ServerUnaryReactor* RecordAndFinish(grpc::CallbackServerContext* context,
                                          const AccessPolicy& access, CompactLedger& ledger,
                                          RecordingBudget& budget, WriteHealth& health,
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
  if (absl::Status can_write = health.CheckCanWrite(); !can_write.ok()) {
    reactor->Finish(ToGrpcStatus(can_write));
    return reactor;
  }
  size_t bytes = 0;
  for (const RecordRequest& request : *requests) {
    bytes += request.command.ByteSizeLong() + request.request_id.size();
  }
  auto admitted = budget.TryAdmit(bytes);
  if (!admitted.ok()) {
    reactor->Finish(ToGrpcStatus(admitted.status()));
    return reactor;
  }
  // Shared, because the callback is copyable; released before the call
  // finishes, so a client that sends its next request on the answer finds
  // the budget already given back.
  std::shared_ptr<RecordingBudget::Ticket> ticket = *std::move(admitted);
  ledger.RecordAsync(*std::move(requests), principal->name,
                     [reactor, &health, fill = std::move(fill), ticket = std::move(ticket)](
                         absl::StatusOr<std::vector<log::AppendResult>> results) mutable {
                       const absl::Status status = results.ok() ? fill(*results)
                                                                : results.status();
                       ticket.reset();
                       health.Observe(results.status());
                       reactor->Finish(ToGrpcStatus(status));
                     });
  return reactor;
}

grpc::ServerUnaryReactor* RecordAndFinish(grpc::CallbackServerContext* context,
                                          const AccessPolicy& access, CompactLedger& ledger,
                                          RecordingBudget& budget, WriteHealth& health,
                                          absl::StatusOr<RecordRequest> request, FillOne fill) {
  absl::StatusOr<std::vector<RecordRequest>> requests;
  if (request.ok()) {
    requests.emplace().push_back(*std::move(request));
  } else {
    requests = request.status();
  }
  return RecordAndFinish(context, access, ledger, budget, health, std::move(requests),
                         [fill = std::move(fill)](const std::vector<log::AppendResult>& results) {
                           return fill(results.front());
                         });
}

}  // namespace ledger::services
