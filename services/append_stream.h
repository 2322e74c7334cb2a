// AppendStreams: LedgerService.AppendStream, appends over one long-lived
// call, on gRPC's callback API.
//
// A unary Append pays for a whole call per event (headers, a new HTTP/2
// stream, trailers, an access check). A client that records many events
// keeps one AppendStream open instead: each request it sends is checked and
// handed to CompactLedger::RecordAsync as soon as it is read, and answered
// from the log's answer thread once durable, as Append is. Answers go out
// in request order, one AppendStreamResponse per request; a refusal answers
// its request only. A request on a stream that an earlier request of the
// call is still being recorded on is held (and reading with it) until that
// one is answered, unless it appends at any version: its version check
// must see the earlier one.
//
// Flow control: each call reads ahead at most kMaxUnanswered requests (and
// kMaxUnansweredBytes of them); beyond that it reads again only as answers
// are written, so a client that sends faster than the log commits, or does
// not read its answers, is slowed down by HTTP/2 flow control instead of
// growing the server's memory.
//
// Shutdown: StopAll makes every call stop reading, answer what it has read
// (those requests are committed or refused as usual) and end with
// UNAVAILABLE, and refuses new calls, so that the server's graceful
// shutdown does not wait on clients that keep their calls open.
//
// Thread-safety: Start and StopAll may be called from any thread; each call
// runs on gRPC's threads and the log's answer thread. `ledger` and
// `access` must outlive every call, and the AppendStreams object must
// outlive them too (the server waits for every call before it is destroyed).
#ifndef LEDGER_SERVICES_APPEND_STREAM_H_
#define LEDGER_SERVICES_APPEND_STREAM_H_

#include <cstddef>
#include <unordered_set>

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

#include "ledger/compact_ledger.h"
#include "ledger/v1/ledger_service.pb.h"
#include "services/auth.h"
#include "services/limits.h"
#include "services/write_health.h"

namespace ledger::services {

class AppendStreamCall;

class AppendStreams {
 public:
  // Requests one call has read but not yet answered, at most.
  static constexpr size_t kMaxUnanswered = 64;
  // Their serialized size, at most (a single larger request is still read,
  // alone; the server's message size limit bounds it).
  static constexpr size_t kMaxUnansweredBytes = size_t{8} << 20;

  // `budget` is shared with the unary recording calls: each request read
  // takes its share until it is answered, and one that does not fit is
  // answered RESOURCE_EXHAUSTED (refused, nothing appended; the client
  // resends it later with the same request id).
  // Each request's outcome goes to `health`.
  AppendStreams(CompactLedger& ledger, const AccessPolicy& access, RecordingBudget& budget,
                WriteHealth& health)
      : ledger_(ledger), access_(access), budget_(budget), health_(health) {}
  AppendStreams(const AppendStreams&) = delete;
  AppendStreams& operator=(const AppendStreams&) = delete;

  // The reactor serving a new AppendStream call: it checks that the caller
  // may write (else ends the call with the refusal) and starts reading.
  grpc::ServerBidiReactor<ledger::v1::AppendRequest, ledger::v1::AppendStreamResponse>* Start(
      grpc::CallbackServerContext* context);

  // Every open call stops reading, answers what it has read and ends with
  // UNAVAILABLE; calls started afterwards end so at once. Idempotent.
  void StopAll() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  friend class AppendStreamCall;
  // A call that ends by itself leaves the set before it finishes.
  void Remove(AppendStreamCall* call) ABSL_LOCKS_EXCLUDED(mu_);

  CompactLedger& ledger_;
  const AccessPolicy& access_;
  RecordingBudget& budget_;
  WriteHealth& health_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::unordered_set<AppendStreamCall*> open_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_APPEND_STREAM_H_
