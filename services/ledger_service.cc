#include "services/ledger_service.h"

#include <algorithm>
#include <optional>
#include <span>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/audit/checkpointer.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/checkpoint.h"
#include "services/commands.h"
#include "services/convert.h"
#include "services/record_reactor.h"
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

// `note` (a stored signed checkpoint) with its decoded fields, and the
// verifier keys among `known` that signed it.
absl::Status FillCheckpoint(const std::string& note, std::span<const log::NoteVerifier> known,
                            ledger::v1::Checkpoint* out) {
  auto parsed = log::ParseNote(note);
  auto checkpoint = parsed.ok() ? log::ParseCheckpoint(parsed->text)
                                : absl::StatusOr<log::Checkpoint>(parsed.status());
  if (!checkpoint.ok()) {
    // The log checked the note when it stored it.
    return absl::DataLossError(absl::StrCat("a stored checkpoint does not parse: ",
                                            checkpoint.status().message()));
  }
  out->set_origin(checkpoint->origin);
  out->set_tree_size(checkpoint->tree_size);
  out->set_root_hash(Bytes(checkpoint->root));
  out->set_note(note);
  for (const log::NoteSignature& signature : parsed->signatures) {
    for (const log::NoteVerifier& key : known) {
      if (key.name() == signature.name && key.key_id() == signature.key_id) {
        out->add_signer_keys(key.KeyString());
        break;
      }
    }
  }
  return absl::OkStatus();
}

// NOT_FOUND for a checkpoint that is not stored, saying which are near it
// and what to do. `wanted` 0 means the newest. A few seeks, not a scan: a
// caller asking for sizes that are not stored costs no more than one that
// asks for a stored one.
absl::Status NoCheckpoint(const log::Log& log, uint64_t wanted, bool signs) {
  LEDGER_ASSIGN_OR_RETURN(const log::Log::CheckpointNeighbours around,
                          log.CheckpointsAround(wanted));
  const uint64_t log_size = log.Size();
  std::string message =
      wanted == 0 ? std::string("no signed checkpoint is stored yet")
                  : absl::StrCat("no signed checkpoint is stored for tree size ", wanted);
  if (wanted > log_size) absl::StrAppend(&message, " (the log has ", log_size, " entries)");
  if (around.newest.has_value()) {
    std::vector<std::string> near;
    if (around.below.has_value()) near.push_back(absl::StrCat(*around.below, " below it"));
    if (around.above.has_value()) near.push_back(absl::StrCat(*around.above, " above it"));
    absl::StrAppend(&message, "; the nearest stored tree sizes are ", absl::StrJoin(near, " and "),
                    ", the newest ", *around.newest,
                    " (ListCheckpoints lists them all; tree_size 0 gives the newest)");
  } else if (signs) {
    absl::StrAppend(&message, log_size == 0
                                  ? "; the server signs one once the log has an entry"
                                  : "; the server signs one within its checkpoint interval "
                                    "of the log growing: ask again shortly");
  } else {
    absl::StrAppend(&message,
                    "; this server does not sign checkpoints: its operator can give it a "
                    "signing key (`ledgerctl serve --sign-key FILE --origin ORIGIN`) or sign "
                    "one offline (`ledgerctl checkpoint`)");
  }
  return absl::NotFoundError(message);
}

}  // namespace

grpc::ServerUnaryReactor* LedgerServiceImpl::Append(grpc::CallbackServerContext* context,
                                                    const ledger::v1::AppendRequest* request,
                                                    ledger::v1::AppendResponse* response) {
  return RecordAndFinish(context, access_, ledger_, budget_, health_, FromAppend(*request),
                         [this, response](const log::AppendResult& result) {
                           return FillAppendResponse(ledger_.log(), result, response);
                         });
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
  auto slot = read_streams_.TryEnter(principal->name);
  if (!slot.ok()) return ToGrpcStatus(slot.status());
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
  auto slot = read_streams_.TryEnter(principal->name);
  if (!slot.ok()) return ToGrpcStatus(slot.status());
  if (request->stream().empty()) {
    return ToGrpcStatus(absl::InvalidArgumentError("stream is empty: name one, e.g. compact/<id>"));
  }
  const uint64_t limit = request->limit() == 0 ? UINT64_MAX : request->limit();
  // Entry by entry, as read: a long stream is never held whole.
  uint64_t sent = 0;
  absl::Status streamed = ledger_.log().ForEachStreamEntry(
      request->stream(), std::max<uint64_t>(request->from_version(), 1), limit,
      [&](const log::StoredEntry& stored) {
        LogEntry out;
        FillLogEntry(stored, &out);
        if (!writer->Write(out)) return absl::CancelledError("client went away");
        ++sent;
        return absl::OkStatus();
      });
  if (absl::IsCancelled(streamed)) return grpc::Status::CANCELLED;
  if (!streamed.ok()) return ToGrpcStatus(streamed);
  if (sent == 0 && ledger_.log().StreamVersion(request->stream()).value_or(0) == 0) {
    return ToGrpcStatus(absl::NotFoundError(absl::StrCat(
        "stream \"", request->stream(), "\" has no entries; ListCompacts names the compacts")));
  }
  return grpc::Status::OK;
}

grpc::Status LedgerServiceImpl::Subscribe(grpc::ServerContext* context,
                                          const ledger::v1::SubscribeRequest* request,
                                          grpc::ServerWriter<LogEntry>* writer) {
  auto principal = access_.Check(*context, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  auto slot = read_streams_.TryEnter(principal->name);
  if (!slot.ok()) return ToGrpcStatus(slot.status());
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
                                              const ledger::v1::GetCheckpointRequest* request,
                                              ledger::v1::Checkpoint* response) {
  auto principal = access_.Check(*context, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  const log::Log& log = ledger_.log();
  const uint64_t wanted = request->tree_size();
  if (wanted == 0 && !signs_checkpoints_) {
    // Unsigned: nothing but this server's word vouches for it.
    const log::TreeHead head = log.Head();
    response->set_tree_size(head.tree_size);
    response->set_root_hash(Bytes(head.root));
    return grpc::Status::OK;
  }
  auto note = wanted == 0 ? log.LatestCheckpoint() : log.GetCheckpoint(wanted);
  if (!note.ok()) return ToGrpcStatus(note.status());
  if (!note->has_value()) return ToGrpcStatus(NoCheckpoint(log, wanted, signs_checkpoints_));
  auto known = audit::KnownVerifierKeys(log);
  if (!known.ok()) return ToGrpcStatus(known.status());
  return ToGrpcStatus(FillCheckpoint(**note, *known, response));
}

grpc::Status LedgerServiceImpl::ListCheckpoints(
    grpc::ServerContext* context, const ledger::v1::ListCheckpointsRequest* request,
    grpc::ServerWriter<ledger::v1::Checkpoint>* writer) {
  auto principal = access_.Check(*context, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  auto slot = read_streams_.TryEnter(principal->name);
  if (!slot.ok()) return ToGrpcStatus(slot.status());
  const uint64_t limit = request->limit() == 0 ? UINT64_MAX : request->limit();
  auto known = audit::KnownVerifierKeys(ledger_.log());
  if (!known.ok()) return ToGrpcStatus(known.status());
  uint64_t sent = 0;
  const absl::Status listed = ledger_.log().ForEachCheckpoint(
      [&](uint64_t size, const std::string& note) -> absl::StatusOr<log::Visit> {
        if (size < request->from_tree_size()) return log::Visit::kContinue;
        if (sent == limit) return log::Visit::kStop;
        ledger::v1::Checkpoint out;
        LEDGER_RETURN_IF_ERROR(FillCheckpoint(note, *known, &out));
        if (!writer->Write(out)) return absl::CancelledError("client went away");
        ++sent;
        return log::Visit::kContinue;
      });
  return ToGrpcStatus(listed);
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
