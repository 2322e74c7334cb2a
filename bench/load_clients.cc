#include "bench/load_clients.h"

#include <sys/resource.h>

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"

namespace ledger::bench {
namespace {

struct Sample {
  int64_t done_ns;  // completion, from the cell's start
  int64_t latency_ns;
};

// What one client saw; touched by one call's completion at a time.
struct ClientLog {
  std::vector<Sample> samples;
  uint64_t acked = 0, errors = 0;
  std::string first_error;

  // True when the client may go on.
  bool Add(const grpc::Status& status, Clock::time_point start, Clock::time_point sent) {
    const Clock::time_point now = Clock::now();
    if (!status.ok()) {
      ++errors;
      first_error = absl::StrCat(static_cast<int>(status.error_code()), ": ",
                                 status.error_message());
      return false;
    }
    ++acked;
    samples.push_back({std::chrono::duration_cast<std::chrono::nanoseconds>(now - start).count(),
                       std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent).count()});
    return true;
  }
};

double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Sleeps through warm-up and the measured window, measuring CPU over the
// latter.
void Measure(const LoadOptions& o, Cell& cell) {
  std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup_seconds));
  const double client0 = ProcessCpuSeconds();
  const double server0 = o.server_cpu ? o.server_cpu() : 0;
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  cell.client_cores = (ProcessCpuSeconds() - client0) / o.seconds;
  if (o.server_cpu) cell.server_cores = (o.server_cpu() - server0) / o.seconds;
}

void Summarize(const LoadOptions& o, const std::vector<ClientLog>& logs, Cell& cell) {
  const int64_t from = static_cast<int64_t>(o.warmup_seconds * 1e9);
  const int64_t to = from + static_cast<int64_t>(o.seconds * 1e9);
  std::vector<int64_t> latencies;
  for (const ClientLog& log : logs) {
    cell.acked += log.acked;
    cell.errors += log.errors;
    if (cell.first_error.empty()) cell.first_error = log.first_error;
    for (const Sample& s : log.samples) {
      if (s.done_ns >= from && s.done_ns < to) latencies.push_back(s.latency_ns);
    }
  }
  cell.calls = latencies.size();
  cell.rate = static_cast<double>(cell.calls) / o.seconds;
  if (latencies.empty()) return;
  std::sort(latencies.begin(), latencies.end());
  auto at = [&](double q) {
    const size_t index = std::min(latencies.size() - 1,
                                  static_cast<size_t>(q * static_cast<double>(latencies.size())));
    return static_cast<double>(latencies[index]) / 1e3;
  };
  cell.p50_us = at(0.50);
  cell.p99_us = at(0.99);
}

}  // namespace

Cell RunClosedLoop(const LoadOptions& o, const StartCall& start) {
  std::vector<ClientLog> logs(o.clients);
  for (ClientLog& log : logs) log.samples.reserve(1 << 16);
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable all_stopped;
  int running = o.clients;  // guarded by mu
  auto stopped = [&] {
    std::lock_guard<std::mutex> lock(mu);
    if (--running == 0) all_stopped.notify_all();
  };
  const Clock::time_point t0 = Clock::now();
  std::function<void(int, uint64_t)> next = [&](int i, uint64_t k) {
    if (stop.load(std::memory_order_relaxed)) {
      stopped();
      return;
    }
    const Clock::time_point sent = Clock::now();
    start(i, k, [&, i, k, sent](const grpc::Status& status) {
      if (logs[i].Add(status, t0, sent)) next(i, k + 1);
      else stopped();
    });
  };
  for (int i = 0; i < o.clients; ++i) next(i, 0);
  Cell cell;
  Measure(o, cell);
  stop = true;
  {
    std::unique_lock<std::mutex> lock(mu);
    all_stopped.wait(lock, [&] { return running == 0; });
  }
  Summarize(o, logs, cell);
  return cell;
}

Cell RunThreads(const LoadOptions& o,
                const std::function<grpc::Status(int client, uint64_t k)>& call) {
  std::vector<ClientLog> logs(o.clients);
  std::atomic<bool> stop{false};
  const Clock::time_point t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < o.clients; ++i) {
    threads.emplace_back([&, i] {
      logs[i].samples.reserve(1 << 16);
      for (uint64_t k = 0; !stop.load(std::memory_order_relaxed); ++k) {
        const Clock::time_point sent = Clock::now();
        if (!logs[i].Add(call(i, k), t0, sent)) break;
      }
    });
  }
  Cell cell;
  Measure(o, cell);
  stop = true;
  for (auto& t : threads) t.join();
  Summarize(o, logs, cell);
  return cell;
}

AppendStreamClient::AppendStreamClient(ledger::v1::LedgerService::Stub& stub) {
  stub.async()->AppendStream(&context_, this);
  AddHold();  // Send may start operations from outside reactions until Close
  StartCall();
}

AppendStreamClient::~AppendStreamClient() { Close(); }

void AppendStreamClient::Send(ledger::v1::AppendRequest request, CallDone done) {
  if (broken_.load(std::memory_order_acquire)) {
    done(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the AppendStream call had ended"));
    return;
  }
  request_ = std::move(request);
  done_ = std::move(done);
  outstanding_.store(2, std::memory_order_release);
  StartRead(&response_);
  StartWrite(&request_);
}

void AppendStreamClient::OnWriteDone(bool ok) {
  if (!ok) broken_.store(true, std::memory_order_release);
  Settle();
}

void AppendStreamClient::OnReadDone(bool ok) {
  if (!ok) broken_.store(true, std::memory_order_release);
  Settle();
}

void AppendStreamClient::Settle() {
  if (outstanding_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  CallDone done = std::move(done_);
  if (broken_.load(std::memory_order_acquire)) {
    done(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      "the AppendStream call ended before answering"));
  } else if (response_.has_refused()) {
    done(grpc::Status(static_cast<grpc::StatusCode>(response_.refused().code()),
                      response_.refused().message()));
  } else {
    done(grpc::Status::OK);
  }
}

void AppendStreamClient::OnDone(const grpc::Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  status_ = status;
  ended_ = true;
  ended_cv_.notify_all();
}

grpc::Status AppendStreamClient::Close() {
  std::unique_lock<std::mutex> lock(mu_);
  if (!closed_) {
    closed_ = true;
    lock.unlock();
    StartWritesDone();
    RemoveHold();
    lock.lock();
  }
  ended_cv_.wait(lock, [&] { return ended_; });
  return status_;
}

}  // namespace ledger::bench
