#include "services/compact_service.h"

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/compact/edtf.h"
#include "services/commands.h"
#include "services/convert.h"
#include "services/record_reactor.h"
#include "services/status.h"

namespace ledger::services {

grpc::ServerUnaryReactor* CompactServiceImpl::RecordOne(grpc::CallbackServerContext* context,
                                                        absl::StatusOr<RecordRequest> request,
                                                        compact::v1::RecordResponse* response) {
  return RecordAndFinish(context, access_, ledger_, budget_, health_, std::move(request),
                         [this, response](const log::AppendResult& result) {
                           return FillRecordResponse(ledger_.log(), result, response);
                         });
}

grpc::ServerUnaryReactor* CompactServiceImpl::RecordEndorsement(
    grpc::CallbackServerContext* context, const compact::v1::RecordEndorsementRequest* request,
    compact::v1::RecordResponse* response) {
  return RecordOne(context, FromEndorsement(*request), response);
}

grpc::ServerUnaryReactor* CompactServiceImpl::RecordAdoption(
    grpc::CallbackServerContext* context, const compact::v1::RecordAdoptionRequest* request,
    compact::v1::RecordResponse* response) {
  return RecordOne(context, FromAdoption(*request), response);
}

grpc::ServerUnaryReactor* CompactServiceImpl::RecordSignature(
    grpc::CallbackServerContext* context, const compact::v1::RecordSignatureRequest* request,
    compact::v1::RecordResponse* response) {
  return RecordOne(context, FromSignature(*request), response);
}

grpc::ServerUnaryReactor* CompactServiceImpl::RecordSupersession(
    grpc::CallbackServerContext* context, const compact::v1::RecordSupersessionRequest* request,
    compact::v1::RecordResponse* response) {
  return RecordOne(context, FromSupersession(*request), response);
}

grpc::ServerUnaryReactor* CompactServiceImpl::RecordMediationStep(
    grpc::CallbackServerContext* context, const compact::v1::RecordMediationStepRequest* request,
    compact::v1::RecordResponse* response) {
  return RecordOne(context, FromMediationStep(*request), response);
}

grpc::ServerUnaryReactor* CompactServiceImpl::RecordEvent(
    grpc::CallbackServerContext* context, const compact::v1::RecordEventRequest* request,
    compact::v1::RecordResponse* response) {
  return RecordOne(
      context, ToRecordRequest(request->event(), request->request_id(), request->expected()),
      response);
}

grpc::ServerUnaryReactor* CompactServiceImpl::RecordEvents(
    grpc::CallbackServerContext* context, const compact::v1::RecordEventsRequest* request,
    compact::v1::RecordEventsResponse* response) {
  absl::StatusOr<std::vector<RecordRequest>> requests(absl::in_place);
  for (const auto& r : request->events()) {
    auto one = ToRecordRequest(r.event(), r.request_id(), r.expected());
    if (!one.ok()) {
      requests = one.status();
      break;
    }
    requests->push_back(*std::move(one));
  }
  return RecordAndFinish(context, access_, ledger_, budget_, health_, std::move(requests),
                         [this, response](const std::vector<log::AppendResult>& results) {
                           for (const auto& result : results) {
                             LEDGER_RETURN_IF_ERROR(
                                 FillRecordResponse(ledger_.log(), result, response->add_results()));
                           }
                           return absl::OkStatus();
                         });
}

grpc::Status CompactServiceImpl::GetCompact(grpc::ServerContext* context,
                                            const compact::v1::GetCompactRequest* request,
                                            compact::v1::StateReport* response) {
  auto principal = access_.Check(*context, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  auto day = compact::ParseQueryDate(request->as_of());
  if (!day.ok()) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("as_of \"", request->as_of(), "\": ", day.status().message())));
  }
  std::optional<absl::Time> known_at;
  if (request->has_as_known_at()) known_at = FromTimestamp(request->as_known_at());
  auto report = ledger_.StateAt(*day, request->compact_id(), known_at);
  if (!report.ok()) return ToGrpcStatus(report.status());
  *response = *std::move(report);
  return grpc::Status::OK;
}

grpc::Status CompactServiceImpl::ListCompacts(grpc::ServerContext* context,
                                              const compact::v1::ListCompactsRequest*,
                                              compact::v1::ListCompactsResponse* response) {
  auto principal = access_.Check(*context, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  for (auto& registered : ledger_.ListCompacts()) *response->add_compacts() = registered;
  return grpc::Status::OK;
}

grpc::Status CompactServiceImpl::GetHistory(grpc::ServerContext* context,
                                            const compact::v1::GetHistoryRequest* request,
                                            compact::v1::GetHistoryResponse* response) {
  auto principal = access_.Check(*context, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  if (request->compact_id().empty()) {
    return ToGrpcStatus(absl::InvalidArgumentError("compact_id is empty: ListCompacts names them"));
  }
  auto history = ledger_.History(request->compact_id());
  if (!history.ok()) return ToGrpcStatus(history.status());
  for (const auto& item : *history) FillHistoryEvent(item, response->add_events());
  if (!request->with_proofs()) return grpc::Status::OK;
  return ToGrpcStatus(AddProofs(request->tree_size(), response));
}

absl::Status CompactServiceImpl::AddProofs(uint64_t tree_size,
                                           compact::v1::GetHistoryResponse* response) const {
  const log::Log& log = ledger_.log();
  const uint64_t size = log.Size();
  if (tree_size > size) {
    return absl::InvalidArgumentError(
        absl::StrCat("tree_size ", tree_size, " is beyond the log (size ", size, ")"));
  }
  if (tree_size == 0) tree_size = size;
  LEDGER_ASSIGN_OR_RETURN(log::Hash root, log.RootAt(tree_size));
  response->set_tree_size(tree_size);
  response->set_root_hash(log::HashBytes(root));
  for (auto& event : *response->mutable_events()) {
    if (event.sequence() >= tree_size) continue;
    LEDGER_ASSIGN_OR_RETURN(auto hashes, log.InclusionProof(event.sequence(), tree_size));
    event.mutable_proof()->set_leaf_index(event.sequence());
    event.mutable_proof()->set_tree_size(tree_size);
    for (const auto& h : hashes) event.mutable_proof()->add_hashes(log::HashBytes(h));
  }
  return absl::OkStatus();
}

}  // namespace ledger::services
