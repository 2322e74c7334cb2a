#include "services/ledger_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "services/commands.h"
#include "services/convert.h"
#include "services/status.h"

namespace ledger::services {

namespace {

using ledger::v1::LogEntry;

// How often a live Subscribe looks at cancellation and shutdown.
constexpr absl::Duration kSubscribePoll = absl::Milliseconds(100);

// Writes entries [from, from + limit) of `log`; Cancelled when the client
// went away.
absl::Status WriteEntries(const log::Log& log, uint64_t from, uint64_t limit,
                          grpc::ServerWriter<LogEntry>* writer) {
  return log.ForEachEntry(from, limit, [&](const log::StoredEntry& stored) {
    LogEntry out;
    FillLogEntry(stored, &out);
    return writer->Write(out) ? absl::OkStatus() : absl::CancelledError("client went away");
  });
}

absl::StatusOr<uint64_t> SizeOr(uint64_t requested, const log::Log& log) {
  const uint64_t size = log.Size();
  if (requested > size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tree size ", requested, " is beyond the log (size ", size, ")"));
  }
  return requested == 0 ? size : requested;
}

std::string Bytes(const log::Hash& hash) { return log::HashBytes(hash); }

}  // namespace

grpc::Status LedgerServiceImpl::Append(grpc::ServerContext* context,
                                       const ledger::v1::AppendRequest* request,
                                       ledger::v1::AppendResponse* response) {
  auto principal = access_.Check(*context, Permission::kWrite);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  auto record = FromAppend(*request);
  if (!record.ok()) return ToGrpcStatus(record.status());
  auto results = ledger_.Record({*std::move(record)}, principal->name);
  if (!results.ok()) return ToGrpcStatus(results.status());
  return ToGrpcStatus(FillAppendResponse(ledger_.log(), results->front(), response));
}

grpc::Status LedgerServiceImpl::GetEntry(grpc::ServerContext* context,
                                         const ledger::v1::GetEntryRequest* request,
                                         LogEntry* response) {
  auto principal = access_.Check(*context, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  auto stored = ledger_.log().GetEntry(request->sequence());
  if (!stored.ok()) return ToGrpcStatus(stored.status());
  FillLogEntry(*stored, response);
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::ReadLog(grpc::ServerContext* context,
                                        const ledger::v1::ReadLogRequest* request,
                                        grpc::ServerWriter<LogEntry>* writer) {
  auto principal = access_.Check(*context, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  const uint64_t size = ledger_.log().Size(), from = request->from_sequence();
  if (from > size) {
    return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "from_sequence ", from, " is beyond the end of the log (size ", size, ")")));
  }
  const uint64_t limit = request->limit() == 0 ? size - from : request->limit();
  return ToGrpcStatus(WriteEntries(ledger_.log(), from, limit, writer));
}

grpc::Status LedgerServiceImpl::ReadStream(grpc::ServerContext* context,
                                           const ledger::v1::ReadStreamRequest* request,
                                           grpc::ServerWriter<LogEntry>* writer) {
  auto principal = access_.Check(*context, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  if (request->stream().empty()) {
    return ToGrpcStatus(absl::InvalidArgumentError("stream is empty: name one, e.g. compact/<id>"));
  }
  const uint64_t limit = request->limit() == 0 ? UINT64_MAX : request->limit();
  auto entries = ledger_.log().ReadStream(request->stream(),
                                          std::max<uint64_t>(request->from_version(), 1), limit);
  if (!entries.ok()) return ToGrpcStatus(entries.status());
  if (entries->empty() && ledger_.log().StreamVersion(request->stream()).value_or(0) == 0) {
    return ToGrpcStatus(absl::NotFoundError(absl::StrCat(
        "stream \"", request->stream(), "\" has no entries; ListCompacts names the compacts")));
  }
  for (const auto& stored : *entries) {
    LogEntry out;
    FillLogEntry(stored, &out);
    if (!writer->Write(out)) break;
  }
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::Subscribe(grpc::ServerContext* context,
                                          const ledger::v1::SubscribeRequest* request,
                                          grpc::ServerWriter<LogEntry>* writer) {
  auto principal = access_.Check(*context, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  uint64_t next = request->from_sequence();
  while (!context->IsCancelled() && !stopping_) {
    const uint64_t size = ledger_.log().WaitForSize(next, absl::Now() + kSubscribePoll);
    if (size <= next) continue;
    absl::Status written = WriteEntries(ledger_.log(), next, size - next, writer);
    if (absl::IsCancelled(written)) return grpc::Status::CANCELLED;
    if (!written.ok()) return ToGrpcStatus(written);
    next = size;
  }
  if (context->IsCancelled()) return grpc::Status::CANCELLED;
  return ToGrpcStatus(absl::UnavailableError(absl::StrCat(
      "server shutting down: resubscribe with from_sequence ", next)));
}

grpc::Status LedgerServiceImpl::GetCheckpoint(grpc::ServerContext* context,
                                              const ledger::v1::GetCheckpointRequest*,
                                              ledger::v1::Checkpoint* response) {
  auto principal = access_.Check(*context, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  const log::TreeHead head = ledger_.log().Head();
  response->set_tree_size(head.tree_size);
  response->set_root_hash(Bytes(head.root));
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::GetInclusionProof(
    grpc::ServerContext* context, const ledger::v1::GetInclusionProofRequest* request,
    ledger::v1::GetInclusionProofResponse* response) {
  auto principal = access_.Check(*context, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  auto size = SizeOr(request->tree_size(), ledger_.log());
  if (!size.ok()) return ToGrpcStatus(size.status());
  auto entry = ledger_.log().GetEntry(request->sequence());
  if (!entry.ok()) return ToGrpcStatus(entry.status());
  auto proof = ledger_.log().InclusionProof(request->sequence(), *size);
  if (!proof.ok()) return ToGrpcStatus(proof.status());
  auto root = ledger_.log().RootAt(*size);
  if (!root.ok()) return ToGrpcStatus(root.status());
  response->mutable_proof()->set_leaf_index(request->sequence());
  response->mutable_proof()->set_tree_size(*size);
  for (const auto& h : *proof) response->mutable_proof()->add_hashes(Bytes(h));
  response->set_root_hash(Bytes(*root));
  response->set_leaf_hash(Bytes(entry->leaf_hash));
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::GetConsistencyProof(
    grpc::ServerContext* context, const ledger::v1::GetConsistencyProofRequest* request,
    ledger::v1::GetConsistencyProofResponse* response) {
  auto principal = access_.Check(*context, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  auto second = SizeOr(request->second_size(), ledger_.log());
  if (!second.ok()) return ToGrpcStatus(second.status());
  auto proof = ledger_.log().ConsistencyProof(request->first_size(), *second);
  if (!proof.ok()) return ToGrpcStatus(proof.status());
  auto first_root = ledger_.log().RootAt(request->first_size());
  auto second_root = ledger_.log().RootAt(*second);
  if (!first_root.ok()) return ToGrpcStatus(first_root.status());
  if (!second_root.ok()) return ToGrpcStatus(second_root.status());
  response->mutable_proof()->set_first_size(request->first_size());
  response->mutable_proof()->set_second_size(*second);
  for (const auto& h : *proof) response->mutable_proof()->add_hashes(Bytes(h));
  response->set_first_root(Bytes(*first_root));
  response->set_second_root(Bytes(*second_root));
  return grpc::Status::OK;
}

}  // namespace ledger::services
