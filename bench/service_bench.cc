// service_bench: load generator for durable appends over gRPC (a plain
// program with its own reporting, not Google Benchmark). It starts two real
// LedgerServers in this process, each on 127.0.0.1:0 over a fresh database
// (plaintext loopback, no access file):
//
//   server A  group_commit = true  (the default)
//   server B  group_commit = false (one synced RocksDB write per append)
//
// and for each client count N runs five cells of N concurrent client
// threads, each thread issuing blocking calls back to back:
//
//   (a) baseline 1: grpc.health.v1.Health/Check on server A, the empty unary
//       call (the standard health service that LedgerServer serves; called
//       through the same blocking unary path as the generated stubs, with a
//       raw ByteBuffer because Debian ships no health proto).
//       gRPC serves health from its own callback-based service, as the
//       server serves Append (gRPC's callback API, finished from the log's
//       commit thread); the reads run on a synchronous thread pool, and
//       --diagnose adds a trivial call on that pool for comparison.
//   (b) LedgerService.Append on server A (group commit on).
//   (c) baseline 2: LedgerService.Append on server B (group commit off).
//   (f) LedgerService.AppendStream on server A: each client keeps one call
//       open for the cell and sends its next request once the previous one
//       is answered (one append in flight per client, as in (b)).
//   (g) baseline 2 for (f): the same on server B (group commit off).
//
// The cells of one N run back to back, (a) (b) (c) (f) (g), so that a
// machine whose fsync cost drifts slows the group-commit cells and their
// baselines alike; the ratios (b)/(c) and (f)/(g) (goal >= 10 at 64
// clients) and (b)/(a) and (f)/(a) (goal >= 0.5) are what mean something.
//
// Appends: client i of a cell appends to its own stream body/bench-c<i>: a
// NOTE annotation on that body's registration (registered at start-up, one
// body per client), with expected version ANY, a unique request id per call
// and a compact.v1.Event payload of --payload_bytes serialized bytes.
//
// Channels: one channel (its own TCP connection, LedgerClient's
// own_connection) per --clients_per_channel client threads, default 8: gRPC
// multiplexes the calls of several threads over one HTTP/2 connection, so
// N=1 uses one connection, N=8 one and N=64 eight. Channels are created and
// connected before each cell starts.
//
// Measurement: each cell runs --warmup_seconds (not counted) and then
// --seconds; a call counts when it completes inside the measured window.
// Latency is taken per call with std::chrono::steady_clock into a vector per
// thread; the vectors are merged and sorted for p50/p99.
//
// Both servers run with default ServerOptions apart from group_commit, in
// this process, on the allocator ledgerctl links (tcmalloc unless CMake's
// LEDGER_TCMALLOC is off; printed at the start).
//
// At the end each server's log size must equal the entries recorded at
// start-up plus every acknowledged append (also re-checked by reopening the
// database after shutdown); otherwise, or when any append failed, the exit
// status is 1 (2: usage error; 3: a server did not start or connect).
//
// Run (Release build):
//   cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release
//   cmake --build build-release --target service_bench -j2
//   ./build-release/bench/service_bench [--clients 1,8,64] [--seconds 4]
//
// Flags (also --flag=value; environment in brackets):
//   --clients N,M,...          client counts; default 1,8,64
//                              [LEDGER_BENCH_CLIENTS]
//   --seconds S                measured seconds per cell; default 4
//                              [LEDGER_BENCH_SECONDS]
//   --warmup_seconds S         unmeasured start of each cell; default 0.5
//   --clients_per_channel K    client threads per channel; default 8
//   --payload_bytes B          serialized Event size; default 200
//   --dir DIR                  where the two databases are made (removed
//                              afterwards); default $LEDGER_BENCH_DIR, else
//                              /tmp. Put it on the disk whose fsync you mean
//                              to measure, not a tmpfs.
//   --keep                     keep the databases
//   --diagnose                 add a cell (d): the same appends recorded
//                              in-process with CompactLedger::Record on
//                              server A's ledger, no gRPC, and a cell (e):
//                              LedgerService.GetCheckpoint, a trivial unary
//                              call on the synchronous service (where the
//                              time goes); same as --cells abcdefg
//   --cells LETTERS            run only these cells, e.g. --cells b to
//                              profile one; default abcfg (a ratio prints
//                              only when its cells run)
//
// Columns: calls/s and p50/p99 latency of the measured window; "cores" is
// the CPU time of the whole process (client threads and servers alike)
// over the window, divided by its length. After the run, each server
// prints how many appends one synced write carried on average (entries of
// one commit group share their recorded_at).
#include <dlfcn.h>
#include <sys/resource.h>
#include <unistd.h>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/impl/rpc_method.h>
#include <grpcpp/support/byte_buffer.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ledger/log/log.h"
#include "services/client.h"
#include "services/commands.h"
#include "services/server.h"

namespace {

using Clock = std::chrono::steady_clock;
using ledger::services::ClientOptions;
using ledger::services::LedgerClient;
using ledger::services::LedgerServer;
using ledger::services::ServerOptions;

constexpr char kSource[] = "bench-source";
constexpr char kHealthCheck[] = "/grpc.health.v1.Health/Check";

struct Flags {
  std::vector<int> clients{1, 8, 64};
  double seconds = 4;
  double warmup_seconds = 0.5;
  int clients_per_channel = 8;
  int payload_bytes = 200;
  std::string dir;
  bool keep = false;
  std::string cells = "abcfg";
};

[[noreturn]] void Usage(const std::string& problem) {
  std::cerr << "service_bench: " << problem
            << "\nflags: --clients N,M,... --seconds S --warmup_seconds S "
               "--clients_per_channel K --payload_bytes B --dir DIR --keep --diagnose --cells LETTERS "
               "(see the top of bench/service_bench.cc)\n";
  std::exit(2);
}

std::vector<int> ParseList(const std::string& text) {
  std::vector<int> out;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int n = 0;
    if (!absl::SimpleAtoi(part, &n) || n < 1) Usage(absl::StrCat("bad client count '", part, "'"));
    out.push_back(n);
  }
  if (out.empty()) Usage("--clients is empty");
  return out;
}

double ParseDouble(const std::string& text, const char* what) {
  double v = 0;
  if (!absl::SimpleAtod(text, &v) || v < 0) Usage(absl::StrCat("bad ", what, " '", text, "'"));
  return v;
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  if (const char* e = std::getenv("LEDGER_BENCH_CLIENTS"); e && *e) f.clients = ParseList(e);
  if (const char* e = std::getenv("LEDGER_BENCH_SECONDS"); e && *e) {
    f.seconds = ParseDouble(e, "LEDGER_BENCH_SECONDS");
  }
  if (const char* e = std::getenv("LEDGER_BENCH_DIR"); e && *e) f.dir = e;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], value;
    if (arg == "--keep") {
      f.keep = true;
      continue;
    }
    if (arg == "--diagnose") {
      f.cells = "abcdefg";
      continue;
    }
    if (auto eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      Usage(absl::StrCat(arg, " needs a value"));
    }
    std::replace(arg.begin(), arg.end(), '-', '_');
    if (arg == "__clients") f.clients = ParseList(value);
    else if (arg == "__seconds") f.seconds = ParseDouble(value, "--seconds");
    else if (arg == "__warmup_seconds") f.warmup_seconds = ParseDouble(value, "--warmup_seconds");
    else if (arg == "__clients_per_channel") f.clients_per_channel = std::max(1, static_cast<int>(ParseDouble(value, "--clients_per_channel")));
    else if (arg == "__payload_bytes") f.payload_bytes = static_cast<int>(ParseDouble(value, "--payload_bytes"));
    else if (arg == "__dir") f.dir = value;
    else if (arg == "__cells") f.cells = value;
    else Usage(absl::StrCat("unknown flag ", argv[i]));
  }
  if (f.seconds <= 0) Usage("--seconds must be > 0");
  if (f.dir.empty()) f.dir = std::filesystem::temp_directory_path().string();
  return f;
}

std::string BodyId(int client) { return absl::StrCat("bench-c", client); }

compact::v1::Citation Cite() {
  compact::v1::Citation c;
  c.set_source_id(kSource);
  c.set_locator("p1");
  c.set_quote("load generated by service_bench");
  return c;
}

// The source and one body per client, recorded in-process in one batch.
absl::Status Seed(LedgerServer& server, int clients) {
  std::vector<compact::v1::Event> events;
  compact::v1::Event source;
  source.mutable_source_registered()->set_source_id(kSource);
  source.mutable_source_registered()->set_title("service_bench");
  source.mutable_source_registered()->mutable_date()->set_edtf("2024-01-01");
  events.push_back(source);
  for (int i = 0; i < clients; ++i) {
    compact::v1::Event body;
    body.mutable_body_registered()->set_body_id(BodyId(i));
    body.mutable_body_registered()->set_name(absl::StrCat("Bench body ", i));
    body.mutable_body_registered()->set_classification(
        compact::v1::CLASSIFICATION_ORGANISATION);
    body.set_ref(BodyId(i));
    *body.add_citations() = Cite();
    events.push_back(body);
  }
  return server.ledger().Record(events, "service_bench").status();
}

// A NOTE on client `client`'s body registration; its serialized size is
// `payload_bytes` (or the smallest possible, if that is less).
compact::v1::Event NoteEvent(int client, int payload_bytes) {
  compact::v1::Event e;
  auto* note = e.mutable_annotation();
  note->set_kind(compact::v1::ANNOTATION_KIND_NOTE);
  note->mutable_target()->set_ref(BodyId(client));
  *e.add_citations() = Cite();
  std::string text = "load";
  note->set_text(text);
  while (static_cast<int>(e.ByteSizeLong()) < payload_bytes) {
    text.push_back('.');
    note->set_text(text);
  }
  return e;
}

struct Sample {
  int64_t done_ns;     // completion, from the cell's start
  int64_t latency_ns;
};

struct Cell {
  uint64_t calls = 0;      // completed inside the measured window
  uint64_t acked = 0;      // successful calls overall (appends: acknowledged)
  uint64_t errors = 0;
  std::string first_error;
  double rate = 0;
  double p50_us = 0, p99_us = 0;
  double cores = 0;        // CPU of the whole process (clients and servers)
};

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// One call of client `i`, its k-th; returns the status of the call.
using CallFn = std::function<grpc::Status(int i, uint64_t k, grpc::Channel& channel)>;
// Run by client `i`'s thread after its last call (closes what it kept open).
using EndFn = std::function<void(int i)>;

Cell RunCell(const std::string& target, int clients, const Flags& flags, const CallFn& call,
             const EndFn& end = nullptr) {
  const int channel_count = (clients + flags.clients_per_channel - 1) / flags.clients_per_channel;
  std::vector<std::unique_ptr<LedgerClient>> channels;
  for (int c = 0; c < channel_count; ++c) {
    ClientOptions options;
    options.target = target;
    options.own_connection = true;
    channels.push_back(*LedgerClient::Connect(options));
    if (!channels.back()->channel()->WaitForConnected(std::chrono::system_clock::now() +
                                                      std::chrono::seconds(10))) {
      std::cerr << "service_bench: cannot connect to " << target << "\n";
      std::exit(3);
    }
  }
  std::atomic<bool> go{false}, stop{false};
  std::vector<std::vector<Sample>> samples(clients);
  std::vector<uint64_t> acked(clients, 0), errors(clients, 0);
  std::mutex error_mu;
  std::string first_error;
  Clock::time_point start;
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      grpc::Channel& channel = *channels[i / flags.clients_per_channel]->channel();
      samples[i].reserve(1 << 16);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      for (uint64_t k = 0; !stop.load(std::memory_order_relaxed); ++k) {
        const Clock::time_point t0 = Clock::now();
        grpc::Status status = call(i, k, channel);
        const Clock::time_point t1 = Clock::now();
        if (!status.ok()) {
          ++errors[i];
          std::lock_guard<std::mutex> lock(error_mu);
          if (first_error.empty()) {
            first_error = absl::StrCat(static_cast<int>(status.error_code()), ": ",
                                       status.error_message());
          }
          continue;
        }
        ++acked[i];
        samples[i].push_back({std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - start).count(),
                              std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()});
      }
      if (end) end(i);
    });
  }
  start = Clock::now();
  go.store(true, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(flags.warmup_seconds));
  const double cpu0 = CpuSeconds();
  std::this_thread::sleep_for(std::chrono::duration<double>(flags.seconds));
  const double cpu1 = CpuSeconds();
  stop = true;
  for (auto& t : threads) t.join();

  const int64_t from = static_cast<int64_t>(flags.warmup_seconds * 1e9);
  const int64_t to = from + static_cast<int64_t>(flags.seconds * 1e9);
  std::vector<int64_t> latencies;
  Cell cell;
  for (int i = 0; i < clients; ++i) {
    cell.acked += acked[i];
    cell.errors += errors[i];
    for (const Sample& s : samples[i]) {
      if (s.done_ns >= from && s.done_ns < to) latencies.push_back(s.latency_ns);
    }
  }
  cell.first_error = first_error;
  cell.cores = (cpu1 - cpu0) / flags.seconds;
  cell.calls = latencies.size();
  cell.rate = static_cast<double>(cell.calls) / flags.seconds;
  if (!latencies.empty()) {
    std::sort(latencies.begin(), latencies.end());
    auto at = [&](double q) {
      const size_t index = std::min(latencies.size() - 1,
                                    static_cast<size_t>(q * static_cast<double>(latencies.size())));
      return static_cast<double>(latencies[index]) / 1e3;
    };
    cell.p50_us = at(0.50);
    cell.p99_us = at(0.99);
  }
  return cell;
}

// Every call of the benchmark has the same 30 s deadline.
void SetCallDeadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
}

// This thread's LedgerService stub on `channel` (made once per thread and
// channel; the stub does not own the channel, which outlives the cell).
ledger::v1::LedgerService::Stub& StubFor(grpc::Channel& channel) {
  thread_local std::unique_ptr<ledger::v1::LedgerService::Stub> stub;
  thread_local grpc::Channel* stub_channel = nullptr;
  if (stub_channel != &channel) {
    stub = ledger::v1::LedgerService::NewStub(
        std::shared_ptr<grpc::Channel>(std::shared_ptr<grpc::Channel>(), &channel));
    stub_channel = &channel;
  }
  return *stub;
}

grpc::Status HealthCheck(grpc::Channel& channel) {
  static const grpc::internal::RpcMethod method(kHealthCheck,
                                                grpc::internal::RpcMethod::NORMAL_RPC);
  grpc::ClientContext context;
  SetCallDeadline(context);
  // HealthCheckRequest{} (service "": the server) is zero bytes; a ByteBuffer
  // must hold a slice to be a valid message.
  static const grpc::Slice empty{std::string()};
  grpc::ByteBuffer request(&empty, 1), response;
  grpc::Status status = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      &channel, method, &context, request, &response);
  return status;
}

// LedgerService.GetCheckpoint: a trivial handler (access check, the tree
// head) on the synchronous service, for --diagnose.
grpc::Status GetCheckpoint(grpc::Channel& channel) {
  grpc::ClientContext context;
  SetCallDeadline(context);
  ledger::v1::Checkpoint response;
  return StubFor(channel).GetCheckpoint(&context, ledger::v1::GetCheckpointRequest(),
                                        &response);
}

// Appends for client i on `server_tag`'s server: prepared requests, one per
// client, whose request id is set per call.
struct Appender {
  std::vector<ledger::v1::AppendRequest> templates;
  std::string tag;

  Appender(int clients, int payload_bytes, std::string server_tag) : tag(std::move(server_tag)) {
    for (int i = 0; i < clients; ++i) {
      ledger::v1::AppendRequest r;
      r.set_stream(absl::StrCat("body/", BodyId(i)));
      r.mutable_expected()->set_kind(ledger::v1::ExpectedVersion::KIND_ANY);
      r.mutable_payload()->PackFrom(NoteEvent(i, payload_bytes));
      templates.push_back(std::move(r));
    }
  }

  // `cell` keeps request ids unique across the cells of one server.
  CallFn Call(int cell) const {
    return [this, cell](int i, uint64_t k, grpc::Channel& channel) {
      ledger::v1::AppendRequest request = templates[i];
      request.set_request_id(absl::StrCat("bench-", tag, "-n", cell, "-c", i, "-", k));
      ledger::v1::AppendResponse response;
      grpc::ClientContext context;
      SetCallDeadline(context);
      return StubFor(channel).Append(&context, request, &response);
    };
  }

  // The same requests over LedgerService.AppendStream: client i keeps one
  // call open for the cell and sends its next request when the previous is
  // answered. A refused request counts as a failed call.
  struct Streams {
    struct Open {
      grpc::ClientContext context;
      std::unique_ptr<grpc::ClientReaderWriter<ledger::v1::AppendRequest,
                                               ledger::v1::AppendStreamResponse>>
          stream;
    };
    std::vector<std::unique_ptr<Open>> open;
  };
  std::pair<CallFn, EndFn> Streamed(int cell, int clients) const {
    auto streams = std::make_shared<Streams>();
    streams->open.resize(clients);
    CallFn call = [this, cell, streams](int i, uint64_t k, grpc::Channel& channel) {
      auto& open = streams->open[i];
      if (open == nullptr) {
        open = std::make_unique<Streams::Open>();
        open->stream = StubFor(channel).AppendStream(&open->context);
      }
      ledger::v1::AppendRequest request = templates[i];
      request.set_request_id(absl::StrCat("bench-", tag, "-n", cell, "-c", i, "-s", k));
      ledger::v1::AppendStreamResponse response;
      if (!open->stream->Write(request) || !open->stream->Read(&response)) {
        grpc::Status status = open->stream->Finish();
        open.reset();
        return status.ok() ? grpc::Status(grpc::StatusCode::INTERNAL, "stream ended") : status;
      }
      if (response.has_refused()) {
        return grpc::Status(static_cast<grpc::StatusCode>(response.refused().code()),
                            response.refused().message());
      }
      return grpc::Status::OK;
    };
    EndFn end = [streams](int i) {
      auto& open = streams->open[i];
      if (open == nullptr) return;
      open->stream->WritesDone();
      grpc::Status status = open->stream->Finish();
      if (!status.ok()) {
        std::cerr << "service_bench: AppendStream ended with " << status.error_code() << ": "
                  << status.error_message() << "\n";
      }
      open.reset();
    };
    return {call, end};
  }

  // The same request recorded in-process (no gRPC), as LedgerService.Append
  // records it.
  CallFn Direct(int cell, ledger::CompactLedger& ledger) const {
    return [this, cell, &ledger](int i, uint64_t k, grpc::Channel&) {
      ledger::v1::AppendRequest request = templates[i];
      request.set_request_id(absl::StrCat("bench-", tag, "-n", cell, "-c", i, "-d", k));
      auto record = ledger::services::FromAppend(request);
      if (!record.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, record.status().ToString());
      auto results = ledger.Record({*std::move(record)}, ledger::services::kLocalIdentity);
      if (!results.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, results.status().ToString());
      return grpc::Status::OK;
    };
  }
};

struct Server {
  std::string db;
  std::unique_ptr<LedgerServer> server;
  uint64_t seeded = 0;
  uint64_t acked = 0;
  std::ostringstream log;
};

void StartServer(Server& s, const std::string& dir, bool group_commit, int clients) {
  s.db = dir;
  std::filesystem::remove_all(dir);
  ServerOptions options;
  options.db = dir;
  options.group_commit = group_commit;
  options.log = &s.log;
  auto server = LedgerServer::Start(options);
  if (!server.ok()) {
    std::cerr << "service_bench: cannot start the server: " << server.status() << "\n";
    std::exit(3);
  }
  s.server = *std::move(server);
  if (absl::Status seeded = Seed(*s.server, clients); !seeded.ok()) {
    std::cerr << "service_bench: cannot seed " << dir << ": " << seeded << "\n";
    std::exit(3);
  }
  s.seeded = s.server->ledger().log().Size();
}

// Checks the log size before and after shutdown; true when both match.
bool CheckSize(Server& s, const char* name, const std::vector<int>& clients) {
  const uint64_t expected = s.seeded + s.acked;
  const uint64_t live = s.server->ledger().log().Size();
  s.server->Shutdown(absl::Seconds(5));
  s.server.reset();
  ledger::log::LogOptions options;
  options.path = s.db;
  options.read_only = true;
  auto reopened = ledger::log::Log::Open(options);
  const uint64_t durable = reopened.ok() ? (*reopened)->Size() : 0;
  const bool ok = reopened.ok() && live == expected && durable == expected;
  std::printf("%s: log size %llu live, %llu after reopening; expected %llu (%llu seeded + "
              "%llu acknowledged appends): %s\n",
              name, static_cast<unsigned long long>(live),
              static_cast<unsigned long long>(durable), static_cast<unsigned long long>(expected),
              static_cast<unsigned long long>(s.seeded), static_cast<unsigned long long>(s.acked),
              ok ? "OK" : "MISMATCH");
  if (!reopened.ok()) {
    std::printf("  reopening failed: %s\n", reopened.status().ToString().c_str());
    return false;
  }
  // Entries committed by one synced write share recorded_at (the log stamps
  // a group once), so runs of equal recorded_at count the synced writes.
  std::map<int, std::pair<uint64_t, uint64_t>> per_cell;  // entries, writes
  int64_t last = -1;
  absl::Status walked = (*reopened)->ForEachEntry(
      s.seeded, durable, [&](const ledger::log::StoredEntry& stored) {
        const int64_t at = absl::ToUnixMicros(ledger::log::RecordedAt(stored.entry));
        int cell = -1;
        const std::string& id = stored.entry.request_id();
        if (auto n = id.find("-n"); n != std::string::npos) cell = std::atoi(id.c_str() + n + 2);
        if (cell >= 0 && id.find("-d") != std::string::npos) cell += 1000;  // (d) rows
        auto& [entries, writes] = per_cell[cell];
        ++entries;
        if (at != last) ++writes;
        last = at;
        return absl::OkStatus();
      });
  std::printf("  appends per synced write (distinct recorded_at):");
  for (const auto& [cell, counts] : per_cell) {
    const int index = cell % 1000;
    std::printf(" N=%d%s %.2f",
                index >= 0 && index < static_cast<int>(clients.size()) ? clients[index] : -1,
                cell >= 1000 ? " (d)" : "",
                static_cast<double>(counts.first) / std::max<uint64_t>(counts.second, 1));
  }
  std::printf("%s\n", walked.ok() ? "" : " (walk failed)");
  return ok;
}

void PrintRow(const char* name, const Cell& c) {
  std::printf("  %-34s %9.0f %10.0f %10.0f %8llu %7llu %6.2f\n", name, c.rate, c.p50_us,
              c.p99_us, static_cast<unsigned long long>(c.calls),
              static_cast<unsigned long long>(c.errors), c.cores);
  if (!c.first_error.empty()) std::printf("    first error: %s\n", c.first_error.c_str());
}

// The allocator this process runs on (CMake's LEDGER_TCMALLOC), found by
// tcmalloc's own version function, so that a report says what it measured.
std::string AllocatorName() {
  using Version = const char* (*)(int*, int*, const char**);
  if (auto version = reinterpret_cast<Version>(dlsym(RTLD_DEFAULT, "tc_version"))) {
    return version(nullptr, nullptr, nullptr);
  }
  return "glibc malloc";
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  const int max_clients = *std::max_element(flags.clients.begin(), flags.clients.end());
  std::error_code made;
  std::filesystem::create_directories(flags.dir, made);
  const std::string base =
      (std::filesystem::path(flags.dir) / absl::StrCat("service-bench-", getpid())).string();

  Server on, off;
  StartServer(on, base + "-group-on", /*group_commit=*/true, max_clients);
  StartServer(off, base + "-group-off", /*group_commit=*/false, max_clients);
  std::printf("service_bench: 2 in-process LedgerServers on 127.0.0.1 (plaintext, no access "
              "file), databases under %s-*\n"
              "  %.1f s measured (+%.1f s warm-up) per cell; %d client threads per channel "
              "(one TCP connection each); Append payload %d bytes, expected version ANY, one "
              "stream per client\n"
              "  (a) = empty unary call: grpc.health.v1.Health/Check on the group-commit "
              "server, same blocking unary client path\n"
              "  allocator: %s\n\n",
              base.c_str(), flags.seconds, flags.warmup_seconds, flags.clients_per_channel,
              flags.payload_bytes, AllocatorName().c_str());

  const Appender append_on(max_clients, flags.payload_bytes, "on");
  const Appender append_off(max_clients, flags.payload_bytes, "off");
  const CallFn health = [](int, uint64_t, grpc::Channel& channel) { return HealthCheck(channel); };

  struct Row {
    int n;
    Cell a, b, c, d, e, f, g;
  };
  std::vector<Row> rows;
  bool append_errors = false;
  auto runs = [&](char c) { return flags.cells.find(c) != std::string::npos; };
  for (size_t cell = 0; cell < flags.clients.size(); ++cell) {
    const int n = flags.clients[cell];
    const int index = static_cast<int>(cell);
    Row row{n, {}, {}, {}, {}, {}, {}, {}};
    if (runs('a')) row.a = RunCell(on.server->address(), n, flags, health);
    if (runs('b')) row.b = RunCell(on.server->address(), n, flags, append_on.Call(index));
    on.acked += row.b.acked;
    if (runs('c')) row.c = RunCell(off.server->address(), n, flags, append_off.Call(index));
    off.acked += row.c.acked;
    if (runs('d')) {
      row.d = RunCell(on.server->address(), n, flags,
                      append_on.Direct(index, on.server->ledger()));
    }
    on.acked += row.d.acked;
    if (runs('e')) {
      row.e = RunCell(on.server->address(), n, flags, [](int, uint64_t, grpc::Channel& channel) {
        return GetCheckpoint(channel);
      });
    }
    if (runs('f')) {
      auto [call, end] = append_on.Streamed(index, n);
      row.f = RunCell(on.server->address(), n, flags, call, end);
    }
    on.acked += row.f.acked;
    if (runs('g')) {
      auto [call, end] = append_off.Streamed(index, n);
      row.g = RunCell(off.server->address(), n, flags, call, end);
    }
    off.acked += row.g.acked;
    append_errors = append_errors || row.b.errors > 0 || row.c.errors > 0 || row.d.errors > 0 ||
                    row.f.errors > 0 || row.g.errors > 0;

    const int channels = (n + flags.clients_per_channel - 1) / flags.clients_per_channel;
    std::printf("N = %d client thread%s, %d channel%s\n", n, n == 1 ? "" : "s", channels,
                channels == 1 ? "" : "s");
    std::printf("  %-34s %9s %10s %10s %8s %7s %6s\n", "cell", "calls/s", "p50 us", "p99 us",
                "calls", "errors", "cores");
    if (runs('a')) PrintRow("(a) health Check (empty unary)", row.a);
    if (runs('b')) PrintRow("(b) Append, group commit ON", row.b);
    if (runs('c')) PrintRow("(c) Append, group commit OFF", row.c);
    if (runs('d')) PrintRow("(d) in-process Record, group ON", row.d);
    if (runs('e')) PrintRow("(e) GetCheckpoint (sync handler)", row.e);
    if (runs('f')) PrintRow("(f) AppendStream, group commit ON", row.f);
    if (runs('g')) PrintRow("(g) AppendStream, group commit OFF", row.g);
    if (runs('a') && runs('b') && runs('c')) {
      std::printf("  (b)/(c) = %.2f   (b)/(a) = %.2f\n", row.b.rate / std::max(row.c.rate, 1e-9),
                  row.b.rate / std::max(row.a.rate, 1e-9));
    }
    if (runs('a') && runs('f') && runs('g')) {
      std::printf("  (f)/(g) = %.2f   (f)/(a) = %.2f\n", row.f.rate / std::max(row.g.rate, 1e-9),
                  row.f.rate / std::max(row.a.rate, 1e-9));
    }
    std::printf("\n");
    std::fflush(stdout);
    rows.push_back(row);
  }

  // Goals at 64 clients: durable appends >= 10x the one-fsync-per-append
  // rate of the same path, and >= 0.5x the empty unary call.
  auto verdict = [](int n, double ratio, double goal) {
    return n != 64 ? "-" : ratio >= goal ? "met" : "NOT MET";
  };
  auto summarize = [&](const char* title, char on, char off, Cell Row::*on_cell,
                       Cell Row::*off_cell) {
    std::printf("summary, %-12s  (%c)/(%c)  goal >= 10 at 64   (%c)/(a)  goal >= 0.5 at 64\n",
                title, on, off, on);
    for (const Row& r : rows) {
      const double vs_fsync = (r.*on_cell).rate / std::max((r.*off_cell).rate, 1e-9);
      const double vs_empty = (r.*on_cell).rate / std::max(r.a.rate, 1e-9);
      std::printf("  N = %-3d %20.2f  %-17s %8.2f  %s\n", r.n, vs_fsync,
                  verdict(r.n, vs_fsync, 10), vs_empty, verdict(r.n, vs_empty, 0.5));
    }
  };
  if (runs('a') && runs('b') && runs('c')) {
    summarize("unary Append", 'b', 'c', &Row::b, &Row::c);
  }
  if (runs('a') && runs('f') && runs('g')) {
    summarize("AppendStream", 'f', 'g', &Row::f, &Row::g);
  }
  std::printf("\n");

  bool ok = CheckSize(on, "group commit ON ", flags.clients);
  ok = CheckSize(off, "group commit OFF", flags.clients) && ok;
  if (append_errors) std::printf("some appends failed (see the tables)\n");
  if (!flags.keep) {
    std::filesystem::remove_all(on.db);
    std::filesystem::remove_all(off.db);
  }
  return ok && !append_errors ? 0 : 1;
}
