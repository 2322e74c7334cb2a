#include "services/compact_service.h"

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/compact/edtf.h"
#include "services/commands.h"
#include "services/convert.h"
#include "services/status.h"

namespace ledger::services {

namespace {

// A refused request before the ledger is reached: the status, else OK.
absl::Status RequestStatus(const absl::StatusOr<RecordRequest>& request) {
  return request.ok() ? absl::OkStatus() : request.status();
}

}  // namespace

grpc::Status CompactServiceImpl::RecordOne(const grpc::ServerContext& context,
                                           const absl::StatusOr<RecordRequest>& request,
                                           compact::v1::RecordResponse* response) {
  auto principal = access_.Check(context, Permission::kWrite);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  if (!request.ok()) return ToGrpcStatus(RequestStatus(request));
  auto results = ledger_.Record({*request}, principal->name);
  if (!results.ok()) return ToGrpcStatus(results.status());
  return ToGrpcStatus(FillRecordResponse(ledger_.log(), results->front(), response));
}

grpc::Status CompactServiceImpl::RecordEndorsement(
    grpc::ServerContext* context, const compact::v1::RecordEndorsementRequest* request,
    compact::v1::RecordResponse* response) {
  return RecordOne(*context, FromEndorsement(*request), response);
}

grpc::Status CompactServiceImpl::RecordAdoption(
    grpc::ServerContext* context, const compact::v1::RecordAdoptionRequest* request,
    compact::v1::RecordResponse* response) {
  return RecordOne(*context, FromAdoption(*request), response);
}

grpc::Status CompactServiceImpl::RecordSignature(
    grpc::ServerContext* context, const compact::v1::RecordSignatureRequest* request,
    compact::v1::RecordResponse* response) {
  return RecordOne(*context, FromSignature(*request), response);
}

grpc::Status CompactServiceImpl::RecordSupersession(
    grpc::ServerContext* context, const compact::v1::RecordSupersessionRequest* request,
    compact::v1::RecordResponse* response) {
  return RecordOne(*context, FromSupersession(*request), response);
}

grpc::Status CompactServiceImpl::RecordMediationStep(
    grpc::ServerContext* context, const compact::v1::RecordMediationStepRequest* request,
    compact::v1::RecordResponse* response) {
  return RecordOne(*context, FromMediationStep(*request), response);
}

grpc::Status CompactServiceImpl::RecordEvent(grpc::ServerContext* context,
                                             const compact::v1::RecordEventRequest* request,
                                             compact::v1::RecordResponse* response) {
  return RecordOne(
      *context, ToRecordRequest(request->event(), request->request_id(), request->expected()),
      response);
}

grpc::Status CompactServiceImpl::RecordEvents(grpc::ServerContext* context,
                                              const compact::v1::RecordEventsRequest* request,
                                              compact::v1::RecordEventsResponse* response) {
  auto principal = access_.Check(*context, Permission::kWrite);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  std::vector<RecordRequest> requests;
  for (const auto& r : request->events()) {
    auto one = ToRecordRequest(r.event(), r.request_id(), r.expected());
    if (!one.ok()) return ToGrpcStatus(one.status());
    requests.push_back(*std::move(one));
  }
  auto results = ledger_.Record(requests, principal->name);
  if (!results.ok()) return ToGrpcStatus(results.status());
  for (const auto& result : *results) {
    absl::Status filled = FillRecordResponse(ledger_.log(), result, response->add_results());
    if (!filled.ok()) return ToGrpcStatus(filled);
  }
  return grpc::Status::OK;
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
