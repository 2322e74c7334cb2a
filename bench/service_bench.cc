// service_bench: load generator for durable appends over gRPC (a plain
// program with its own reporting, not Google Benchmark). It runs two real
// LedgerServers, each in a child process of its own (this binary re-run in
// server mode, bench/bench_server.h), on 127.0.0.1:0 over a fresh database
// (plaintext loopback, no access file, default ServerOptions otherwise):
//
//   server A  group_commit = true  (the default)
//   server B  group_commit = false (one synced RocksDB write per append)
//
// and for each client count N runs these cells of N concurrent clients,
// each client keeping exactly one call in flight and starting its next one
// as soon as the previous completes:
//
//   (a) baseline 1: grpc.health.v1.Health/Check on server A, the empty unary
//       call (the standard health service that LedgerServer serves, called
//       through gRPC's generic stub: Debian ships no health proto).
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
// Clients: gRPC's callback API (bench/load_clients.h), so the load
// generator needs no thread per client and leaves the CPU to the server;
// every cell, baselines included, uses the same client code.
//
// Appends: client i appends to its own stream body/bench-c<i>: a NOTE
// annotation on that body's registration (registered when the server starts,
// one body per client), with expected version ANY, a unique request id per
// call and a compact.v1.Event payload of --payload_bytes serialized bytes.
//
// Channels: one channel (its own TCP connection, LedgerClient's
// own_connection) per --clients_per_channel clients, default 8: gRPC
// multiplexes the calls of several clients over one HTTP/2 connection, so
// N=1 uses one connection, N=8 one and N=64 eight. Channels are created and
// connected before each cell starts.
//
// Measurement: each cell runs --warmup_seconds (not counted) and then
// --seconds; a call counts when it completes inside the measured window.
// Latency is taken per call with std::chrono::steady_clock, from just before
// the call is started to its completion, into a vector per client; the
// vectors are merged and sorted for p50/p99.
//
// At the end each server's log size must equal the entries it seeded plus
// every acknowledged append, both as the server saw it before shutting down
// and after reopening its database; otherwise, or when any call failed, the
// exit status is 1 (2: usage error; 3: a server did not start or connect).
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
//   --clients_per_channel K    clients per channel; default 8
//   --payload_bytes B          serialized Event size; default 200
//   --dir DIR                  where the databases are made (removed
//                              afterwards); default $LEDGER_BENCH_DIR, else
//                              /tmp. Put it on the disk whose fsync you mean
//                              to measure, not a tmpfs.
//   --keep                     keep the databases
//   --diagnose                 add a cell (d): the same appends recorded by
//                              N threads with CompactLedger::Record on a
//                              ledger opened in this process (a third
//                              database), no gRPC, and a cell (e):
//                              LedgerService.GetCheckpoint on server A, a
//                              trivial unary call on the synchronous service
//                              (where the time goes); same as --cells abcdefg
//   --cells LETTERS            run only these cells, e.g. --cells f to
//                              profile one; default abcfg (a ratio prints
//                              only when its cells run)
//
// Columns: calls/s and p50/p99 latency of the measured window; "client" and
// "server" are the CPU time of the load generator's process and of the
// server's process over the window, divided by its length, in cores. After
// the run, each database reports how many appends one synced write carried
// on average per cell (entries of one commit group share their recorded_at).
#include <dlfcn.h>
#include <unistd.h>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/bench_server.h"
#include "bench/load_clients.h"
#include "bench/service_workload.h"
#include "ledger/log/log.h"
#include "services/client.h"
#include "services/auth.h"
#include "services/commands.h"

namespace {

using ledger::bench::AppendStreamClient;
using ledger::bench::CallDone;
using ledger::bench::Cell;
using ledger::bench::LoadOptions;
using ledger::bench::ServerProcess;
using ledger::bench::UnaryCall;
using ledger::services::ClientOptions;
using ledger::services::LedgerClient;

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

// The connected channels of one cell: client i uses channel
// i / clients_per_channel.
class Channels {
 public:
  Channels(const std::string& target, int clients, int clients_per_channel)
      : per_channel_(clients_per_channel) {
    const int count = (clients + clients_per_channel - 1) / clients_per_channel;
    for (int c = 0; c < count; ++c) {
      ClientOptions options;
      options.target = target;
      options.own_connection = true;
      clients_.push_back(*LedgerClient::Connect(options));
      generic_.push_back(std::make_unique<grpc::GenericStub>(clients_.back()->channel()));
      if (!clients_.back()->channel()->WaitForConnected(std::chrono::system_clock::now() +
                                                        std::chrono::seconds(10))) {
        std::cerr << "service_bench: cannot connect to " << target << "\n";
        std::exit(3);
      }
    }
  }
  ledger::v1::LedgerService::Stub& ledger(int client) {
    return clients_[client / per_channel_]->ledger();
  }
  grpc::GenericStub& generic(int client) { return *generic_[client / per_channel_]; }

 private:
  int per_channel_;
  std::vector<std::unique_ptr<LedgerClient>> clients_;
  std::vector<std::unique_ptr<grpc::GenericStub>> generic_;
};

LoadOptions Load(const Flags& flags, int clients, const ServerProcess* server) {
  LoadOptions o;
  o.clients = clients;
  o.seconds = flags.seconds;
  o.warmup_seconds = flags.warmup_seconds;
  if (server != nullptr) o.server_cpu = [server] { return server->CpuSeconds(); };
  return o;
}

// (a): the empty unary call.
Cell HealthCell(const Flags& flags, int clients, const ServerProcess& server) {
  Channels channels(server.address(), clients, flags.clients_per_channel);
  // HealthCheckRequest{} (service "": the server) is zero bytes; a ByteBuffer
  // must hold a slice to be a valid message.
  const grpc::Slice empty{std::string()};
  const grpc::ByteBuffer request(&empty, 1);
  const std::string method = kHealthCheck;
  return ledger::bench::RunClosedLoop(
      Load(flags, clients, &server), [&](int i, uint64_t, CallDone done) {
        auto* call = new UnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(std::move(done));
        call->request = request;
        channels.generic(i).PrepareUnaryCall(&call->context, method, grpc::StubOptions(),
                                             &call->request, &call->response, call);
        call->StartCall();
      });
}

// (e): LedgerService.GetCheckpoint, a trivial handler (access check, the
// tree head) on the synchronous service.
Cell CheckpointCell(const Flags& flags, int clients, const ServerProcess& server) {
  Channels channels(server.address(), clients, flags.clients_per_channel);
  return ledger::bench::RunClosedLoop(
      Load(flags, clients, &server), [&](int i, uint64_t, CallDone done) {
        auto* call =
            new UnaryCall<ledger::v1::GetCheckpointRequest, ledger::v1::Checkpoint>(std::move(done));
        channels.ledger(i).async()->GetCheckpoint(&call->context, &call->request, &call->response,
                                                  call);
        call->StartCall();
      });
}

// Appends of one cell: client i's template with a request id unique to the
// server, cell and call.
struct Appends {
  const std::vector<ledger::v1::AppendRequest>* templates;
  std::string prefix;  // "bench-<server>-n<index>-<cell letter>"

  ledger::v1::AppendRequest Request(int client, uint64_t k) const {
    ledger::v1::AppendRequest request = (*templates)[client];
    request.set_request_id(absl::StrCat(prefix, "-c", client, "-", k));
    return request;
  }
};

// (b), (c): LedgerService.Append.
Cell AppendCell(const Flags& flags, int clients, const ServerProcess& server,
                const Appends& appends) {
  Channels channels(server.address(), clients, flags.clients_per_channel);
  return ledger::bench::RunClosedLoop(
      Load(flags, clients, &server), [&](int i, uint64_t k, CallDone done) {
        auto* call = new UnaryCall<ledger::v1::AppendRequest, ledger::v1::AppendResponse>(
            std::move(done));
        call->request = appends.Request(i, k);
        channels.ledger(i).async()->Append(&call->context, &call->request, &call->response, call);
        call->StartCall();
      });
}

// (f), (g): LedgerService.AppendStream, one call per client for the cell.
Cell AppendStreamCell(const Flags& flags, int clients, const ServerProcess& server,
                      const Appends& appends) {
  Channels channels(server.address(), clients, flags.clients_per_channel);
  std::vector<std::unique_ptr<AppendStreamClient>> streams;
  for (int i = 0; i < clients; ++i) {
    streams.push_back(std::make_unique<AppendStreamClient>(channels.ledger(i)));
  }
  Cell cell = ledger::bench::RunClosedLoop(
      Load(flags, clients, &server), [&](int i, uint64_t k, CallDone done) {
        streams[i]->Send(appends.Request(i, k), std::move(done));
      });
  for (auto& stream : streams) {
    const grpc::Status status = stream->Close();
    if (!status.ok() && cell.first_error.empty()) {
      ++cell.errors;
      cell.first_error = absl::StrCat("AppendStream ended with ",
                                      static_cast<int>(status.error_code()), ": ",
                                      status.error_message());
    }
  }
  return cell;
}

// (d): the same appends recorded in-process, as LedgerService.Append
// records them, by one thread per client.
Cell DirectCell(const Flags& flags, int clients, ledger::CompactLedger& ledger,
                const Appends& appends) {
  return ledger::bench::RunThreads(
      Load(flags, clients, nullptr), [&](int i, uint64_t k) {
        auto record = ledger::services::FromAppend(appends.Request(i, k));
        if (!record.ok()) {
          return grpc::Status(grpc::StatusCode::INTERNAL, record.status().ToString());
        }
        auto results = ledger.Record({*std::move(record)}, ledger::services::kLocalIdentity);
        if (!results.ok()) {
          return grpc::Status(grpc::StatusCode::INTERNAL, results.status().ToString());
        }
        return grpc::Status::OK;
      });
}

// Checks one database after its server stopped: the log size the server
// reached (`live`) and the size after reopening must both be `expected`.
// Also prints how many appends one synced write carried, per cell.
bool CheckDatabase(const char* name, const std::string& db, uint64_t seeded, uint64_t live,
                   uint64_t acked, const std::vector<int>& clients) {
  const uint64_t expected = seeded + acked;
  ledger::log::LogOptions options;
  options.path = db;
  options.read_only = true;
  auto reopened = ledger::log::Log::Open(options);
  const uint64_t durable = reopened.ok() ? (*reopened)->Size() : 0;
  const bool ok = reopened.ok() && live == expected && durable == expected;
  std::printf("%s: log size %llu live, %llu after reopening; expected %llu (%llu seeded + "
              "%llu acknowledged appends): %s\n",
              name, static_cast<unsigned long long>(live),
              static_cast<unsigned long long>(durable), static_cast<unsigned long long>(expected),
              static_cast<unsigned long long>(seeded), static_cast<unsigned long long>(acked),
              ok ? "OK" : "MISMATCH");
  if (!reopened.ok()) {
    std::printf("  reopening failed: %s\n", reopened.status().ToString().c_str());
    return false;
  }
  // Entries committed by one synced write share recorded_at (the log stamps
  // a group once), so runs of equal recorded_at count the synced writes.
  // Request ids are "bench-<server>-n<index>-<cell>-c<client>-<k>".
  std::map<std::pair<int, char>, std::pair<uint64_t, uint64_t>> per_cell;  // entries, writes
  int64_t last = -1;
  absl::Status walked = (*reopened)->ForEachEntry(
      seeded, durable, [&](const ledger::log::StoredEntry& stored) {
        const int64_t at = absl::ToUnixMicros(ledger::log::RecordedAt(stored.entry));
        const std::string& id = stored.entry.request_id();
        int index = -1;
        char cell = '?';
        if (auto n = id.find("-n"); n != std::string::npos) {
          index = std::atoi(id.c_str() + n + 2);
          if (auto dash = id.find('-', n + 2); dash != std::string::npos && dash + 1 < id.size()) {
            cell = id[dash + 1];
          }
        }
        auto& [entries, writes] = per_cell[{index, cell}];
        ++entries;
        if (at != last) ++writes;
        last = at;
        return absl::OkStatus();
      });
  std::printf("  appends per synced write (distinct recorded_at):");
  for (const auto& [key, counts] : per_cell) {
    const auto& [index, cell] = key;
    std::printf(" N=%d (%c) %.2f",
                index >= 0 && index < static_cast<int>(clients.size()) ? clients[index] : -1,
                cell, static_cast<double>(counts.first) / std::max<uint64_t>(counts.second, 1));
  }
  std::printf("%s\n", walked.ok() ? "" : " (walk failed)");
  return ok;
}

void PrintRow(const char* name, const Cell& c) {
  char server[16] = "-";
  if (c.server_cores >= 0) std::snprintf(server, sizeof(server), "%.2f", c.server_cores);
  std::printf("  %-34s %9.0f %10.0f %10.0f %8llu %7llu %6.2f %6s\n", name, c.rate, c.p50_us,
              c.p99_us, static_cast<unsigned long long>(c.calls),
              static_cast<unsigned long long>(c.errors), c.client_cores, server);
  if (!c.first_error.empty()) std::printf("    first error: %s\n", c.first_error.c_str());
}

// The allocator this binary runs on (CMake's LEDGER_TCMALLOC), found by
// tcmalloc's own version function, so that a report says what it measured.
std::string AllocatorName() {
  using Version = const char* (*)(int*, int*, const char**);
  if (auto version = reinterpret_cast<Version>(dlsym(RTLD_DEFAULT, "tc_version"))) {
    return version(nullptr, nullptr, nullptr);
  }
  return "glibc malloc";
}

std::unique_ptr<ServerProcess> SpawnOrExit(const std::string& db, bool group_commit,
                                           int clients) {
  auto server = ServerProcess::Spawn(db, group_commit, clients);
  if (!server.ok()) {
    std::cerr << "service_bench: " << server.status() << "\n";
    std::exit(3);
  }
  return *std::move(server);
}

}  // namespace

int main(int argc, char** argv) {
  if (int status = 0; ledger::bench::RunIfServerMode(argc, argv, &status)) return status;
  const Flags flags = ParseFlags(argc, argv);
  auto runs = [&](char c) { return flags.cells.find(c) != std::string::npos; };
  const int max_clients = *std::max_element(flags.clients.begin(), flags.clients.end());
  std::error_code made;
  std::filesystem::create_directories(flags.dir, made);
  const std::string base =
      (std::filesystem::path(flags.dir) / absl::StrCat("service-bench-", getpid())).string();

  const std::string on_db = base + "-group-on", off_db = base + "-group-off",
                    direct_db = base + "-in-process";
  std::unique_ptr<ServerProcess> on = SpawnOrExit(on_db, /*group_commit=*/true, max_clients);
  std::unique_ptr<ServerProcess> off = SpawnOrExit(off_db, /*group_commit=*/false, max_clients);
  std::unique_ptr<ledger::CompactLedger> direct;
  uint64_t direct_seeded = 0;
  if (runs('d')) {
    std::filesystem::remove_all(direct_db);
    ledger::log::LogOptions options;
    options.path = direct_db;
    auto opened = ledger::CompactLedger::Open(options);
    absl::Status seeded = opened.ok() ? ledger::bench::SeedBodies(**opened, max_clients)
                                      : opened.status();
    if (!seeded.ok()) {
      std::cerr << "service_bench: cannot prepare " << direct_db << ": " << seeded << "\n";
      return 3;
    }
    direct = *std::move(opened);
    direct_seeded = direct->log().Size();
  }
  std::printf("service_bench: 2 LedgerServers in child processes on 127.0.0.1 (plaintext, no "
              "access file), databases under %s-*\n"
              "  %.1f s measured (+%.1f s warm-up) per cell; clients on gRPC's callback API, one "
              "call in flight each, %d per channel (one TCP connection each); Append payload %d "
              "bytes, expected version ANY, one stream per client\n"
              "  (a) = empty unary call: grpc.health.v1.Health/Check on the group-commit server\n"
              "  allocator: %s\n\n",
              base.c_str(), flags.seconds, flags.warmup_seconds, flags.clients_per_channel,
              flags.payload_bytes, AllocatorName().c_str());

  const std::vector<ledger::v1::AppendRequest> templates =
      ledger::bench::NoteRequests(max_clients, flags.payload_bytes);
  auto appends = [&](const char* server, int index, char cell) {
    return Appends{&templates, absl::StrCat("bench-", server, "-n", index, "-", std::string(1, cell))};
  };

  struct Row {
    int n = 0;
    Cell a, b, c, d, e, f, g;
  };
  std::vector<Row> rows;
  uint64_t on_acked = 0, off_acked = 0, direct_acked = 0;
  bool failed_calls = false;
  for (size_t cell = 0; cell < flags.clients.size(); ++cell) {
    const int n = flags.clients[cell];
    const int index = static_cast<int>(cell);
    Row row;
    row.n = n;
    if (runs('a')) row.a = HealthCell(flags, n, *on);
    if (runs('b')) row.b = AppendCell(flags, n, *on, appends("on", index, 'b'));
    if (runs('c')) row.c = AppendCell(flags, n, *off, appends("off", index, 'c'));
    if (runs('d')) row.d = DirectCell(flags, n, *direct, appends("in", index, 'd'));
    if (runs('e')) row.e = CheckpointCell(flags, n, *on);
    if (runs('f')) row.f = AppendStreamCell(flags, n, *on, appends("on", index, 'f'));
    if (runs('g')) row.g = AppendStreamCell(flags, n, *off, appends("off", index, 'g'));
    on_acked += row.b.acked + row.f.acked;
    off_acked += row.c.acked + row.g.acked;
    direct_acked += row.d.acked;
    for (const Cell* c : {&row.a, &row.b, &row.c, &row.d, &row.e, &row.f, &row.g}) {
      failed_calls = failed_calls || c->errors > 0;
    }

    const int channels = (n + flags.clients_per_channel - 1) / flags.clients_per_channel;
    std::printf("N = %d client%s, %d channel%s\n", n, n == 1 ? "" : "s", channels,
                channels == 1 ? "" : "s");
    std::printf("  %-34s %9s %10s %10s %8s %7s %6s %6s\n", "cell", "calls/s", "p50 us", "p99 us",
                "calls", "errors", "client", "server");
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
  auto summarize = [&](const char* title, char on_cell, char off_cell, Cell Row::*on_field,
                       Cell Row::*off_field) {
    std::printf("summary, %-12s  (%c)/(%c)  goal >= 10 at 64   (%c)/(a)  goal >= 0.5 at 64\n",
                title, on_cell, off_cell, on_cell);
    for (const Row& r : rows) {
      const double vs_fsync = (r.*on_field).rate / std::max((r.*off_field).rate, 1e-9);
      const double vs_empty = (r.*on_field).rate / std::max(r.a.rate, 1e-9);
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

  bool ok = true;
  auto check_server = [&](const char* name, std::unique_ptr<ServerProcess>& server,
                          const std::string& db, uint64_t acked) {
    const uint64_t seeded = server->seeded();
    auto live = server->Stop();
    server.reset();
    if (!live.ok()) {
      std::printf("%s: %s\n", name, live.status().ToString().c_str());
      ok = false;
      return;
    }
    ok = CheckDatabase(name, db, seeded, *live, acked, flags.clients) && ok;
  };
  check_server("group commit ON ", on, on_db, on_acked);
  check_server("group commit OFF", off, off_db, off_acked);
  if (direct != nullptr) {
    const uint64_t live = direct->log().Size();
    direct.reset();
    ok = CheckDatabase("in-process (d) ", direct_db, direct_seeded, live, direct_acked,
                       flags.clients) &&
         ok;
  }
  if (failed_calls) std::printf("some calls failed (see the tables)\n");
  if (!flags.keep) {
    std::filesystem::remove_all(on_db);
    std::filesystem::remove_all(off_db);
    std::filesystem::remove_all(direct_db);
  }
  return ok && !failed_calls ? 0 : 1;
}
