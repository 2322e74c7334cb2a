// Closed-loop load for service_bench: N clients, each with exactly one call
// in flight, starting its next call as soon as the previous one completes.
// Calls are started on gRPC's callback API and completed on gRPC's threads,
// so the load generator needs no thread per client: 64 blocking client
// threads on a 2-core machine took about a third of its CPU away from the
// server they were measuring.
//
// Thread-safety: RunClosedLoop and RunThreads are called from one thread;
// they start and join everything they use. AppendStreamClient: Send from one
// call's completion at a time (see there).
#ifndef LEDGER_BENCH_LOAD_CLIENTS_H_
#define LEDGER_BENCH_LOAD_CLIENTS_H_

#include <grpcpp/support/client_callback.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "ledger/v1/ledger_service.grpc.pb.h"

namespace ledger::bench {

using Clock = std::chrono::steady_clock;

// What one cell measured.
struct Cell {
  uint64_t calls = 0;   // completed inside the measured window
  uint64_t acked = 0;   // successful calls overall (appends: acknowledged)
  uint64_t errors = 0;  // a client stops at its first error
  std::string first_error;
  double rate = 0;      // calls / measured second
  double p50_us = 0, p99_us = 0;
  double client_cores = 0;  // CPU of this process over the window / its length
  double server_cores = -1;  // the same for the server's process; -1: in-process
};

struct LoadOptions {
  int clients = 1;
  double warmup_seconds = 0.5;  // not counted
  double seconds = 4;           // measured
  // CPU seconds used so far by the server's process, or null (in-process).
  std::function<double()> server_cpu;
};

// Called exactly once when a call completes, on any thread.
using CallDone = std::function<void(const grpc::Status&)>;
// Starts call `k` of client `client`; must arrange for `done` to be called.
using StartCall = std::function<void(int client, uint64_t k, CallDone done)>;

// Runs the clients for warm-up plus the measured window, waits for every
// call in flight to complete, and reports.
Cell RunClosedLoop(const LoadOptions& options, const StartCall& start);

// The same with one thread per client making blocking calls (for work that
// has no asynchronous form, such as an in-process CompactLedger::Record).
Cell RunThreads(const LoadOptions& options,
                const std::function<grpc::Status(int client, uint64_t k)>& call);

// One unary call started on the callback API (stub.async()->Method(&call->
// context, &call->request, &call->response, call), then call->StartCall()):
// it calls `done` with the call's status and deletes itself.
template <typename Request, typename Response>
class UnaryCall final : public grpc::ClientUnaryReactor {
 public:
  explicit UnaryCall(CallDone done) : done_(std::move(done)) {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  }

  void OnDone(const grpc::Status& status) override {
    CallDone done = std::move(done_);
    const grpc::Status copy = status;
    delete this;
    done(copy);
  }

  grpc::ClientContext context;
  Request request;
  Response response;

 private:
  CallDone done_;
};

// One client's LedgerService.AppendStream call: Send writes a request and
// reads its answer, and calls `done` once both are complete (a refusal
// becomes the refusal's status). Sends must not overlap: the next one
// starts from the previous one's `done` at the earliest.
class AppendStreamClient final
    : public grpc::ClientBidiReactor<ledger::v1::AppendRequest,
                                     ledger::v1::AppendStreamResponse> {
 public:
  explicit AppendStreamClient(ledger::v1::LedgerService::Stub& stub);
  ~AppendStreamClient() override;

  void Send(ledger::v1::AppendRequest request, CallDone done);
  // Half-closes the call and waits for its end; the call's status.
  grpc::Status Close();

  void OnWriteDone(bool ok) override;
  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  void Settle();  // one of the write and the read of a Send completed

  grpc::ClientContext context_;
  ledger::v1::AppendRequest request_;
  ledger::v1::AppendStreamResponse response_;
  CallDone done_;
  std::atomic<int> outstanding_{0};  // of the current Send: write, read
  std::atomic<bool> broken_{false};
  std::mutex mu_;
  std::condition_variable ended_cv_;
  bool closed_ = false;  // guarded by mu_
  bool ended_ = false;   // guarded by mu_
  grpc::Status status_;  // guarded by mu_, once ended_
};

}  // namespace ledger::bench

#endif  // LEDGER_BENCH_LOAD_CLIENTS_H_
