// tiles_bench: the published log (C2SP tlog-tiles), measured against
// baselines in the same run:
//
//   mirror    `ledgerctl mirror`'s work (ledger/tiles/mirror.h): one
//             catch-up of N entries over loopback HTTP from the server that
//             `serve --http` runs, every tile and entry verified and every
//             bundle appended with a synced write, into a fresh database.
//             Baselines: `ledgerctl verify --db` (VerifyLogAt) over the same
//             entries, which reads them; and appending the same events to a
//             fresh log (AppendBatch, 4,096 per synced batch, the sequence
//             read from the source's entries), which writes what a copy
//             writes.
//   serve     full level-0 hash tiles (8,192 bytes) per second from that
//             server, and from nginx serving the same files published to a
//             directory, with the same load client: C threads, one
//             keep-alive connection each, GETs of full tiles in turn for S
//             seconds, every answer checked for status 200 and 8,192 bytes.
//             nginx runs with one worker per core and access logging off;
//             when /usr/sbin/nginx is missing its row says so.
//   publish   time from an append acknowledged (synced) to a stored signed
//             checkpoint that covers it, which `serve --http` serves at
//             once with the tiles under it: p50 / p99 at 1 and 64
//             concurrent recorders, with the server's default checkpoint
//             interval (1 s) and with 0 (sign after every commit); and
//             with 0 and a 2-of-3 quorum of three witnesses served on
//             loopback by this process (each cosigning durably). The
//             baseline is the append's own latency in the same run.
//
// Run (Release build):
//   ./build-release/bench/tiles_bench [--entries 200000] [--clients 8]
//                                     [--seconds 3] [--dir DIR]
// The source log is built once under DIR (default $LEDGER_BENCH_DIR or
// /tmp/ledger-bench) and reused; the copy is made fresh every run.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/wrappers.pb.h"
#include "ledger/checkpointing/checkpoint_publisher.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/log.h"
#include "ledger/log/signed_note.h"
#include "ledger/log/verify.h"
#include "ledger/publication/directory_writer.h"
#include "ledger/tiles/http_fetcher.h"
#include "ledger/tiles/mirror.h"
#include "ledger/tiles/tile_files.h"
#include "ledger/tiles/tile_path.h"
#include "ledger/tiles/tile_publisher.h"
#include "ledger/witness/cosignature.h"
#include "ledger/witness/policy.h"
#include "ledger/witness/witness.h"
#include "ledger/witness/witness_http.h"
#include "services/http/http_server.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr char kOrigin[] = "bench.compact-ledger.example/tiles";

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "tiles_bench: %s\n", what.c_str());
  std::exit(1);
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::unique_ptr<ledger::log::Log> OpenLog(const std::string& path, bool sync) {
  ledger::log::LogOptions options;
  options.path = path;
  options.sync = sync;
  auto log = ledger::log::Log::Open(options);
  if (!log.ok()) Die(std::string(log.status().message()));
  return *std::move(log);
}

// The source: `entries` entries of about 300 bytes (a recorded event's
// size), a signed checkpoint of its head, and its tiles published to
// `published`. Returns the signer (made fresh; the checkpoint is re-signed
// each run so the key need not be kept).
ledger::log::NoteSigner BuildSource(const std::string& dir, uint64_t entries) {
  auto source = OpenLog(dir + "/source", /*sync=*/false);
  std::vector<ledger::log::AppendRequest> batch;
  for (uint64_t i = source->Size(); i < entries; ++i) {
    google::protobuf::StringValue value;
    value.set_value(absl::StrCat("event ", i, ": ", std::string(260, 'x')));
    ledger::log::AppendRequest request;
    request.stream = absl::StrCat("compact/c", i % 97);
    request.actor = "bench";
    request.payload.PackFrom(value);
    batch.push_back(std::move(request));
    if (batch.size() == 1000 || i + 1 == entries) {
      if (auto appended = source->AppendBatch(batch); !appended.ok()) {
        Die(std::string(appended.status().message()));
      }
      batch.clear();
    }
  }
  auto signer = ledger::log::NoteSigner::Generate(kOrigin);
  if (!signer.ok()) Die("cannot make a key");
  if (!(*source->LatestCheckpoint())) {
    auto note = ledger::log::SignCheckpoint(kOrigin, source->Head(), *signer);
    if (!note.ok() || !source->PutCheckpoint(*note).ok()) Die("cannot sign the source");
  }
  return *signer;
}

// A fresh signed checkpoint of the source (the stored one was signed by an
// earlier run's key), kept in memory for the mirror to fetch.
std::string SignHead(const ledger::log::Log& log, const ledger::log::NoteSigner& signer) {
  auto note = ledger::log::SignCheckpoint(kOrigin, log.Head(), signer);
  if (!note.ok()) Die("cannot sign");
  return *note;
}

void MeasureMirror(const std::string& dir, const ledger::log::Log& source,
                   const ledger::log::NoteSigner& signer, const std::string& url) {
  const uint64_t n = source.Size();
  const std::string copy_path = dir + "/copy";
  std::filesystem::remove_all(copy_path);
  auto copy = OpenLog(copy_path, /*sync=*/true);
  auto http = ledger::tiles::HttpFetcher(url);
  if (!http.ok()) Die(std::string(http.status().message()));
  const std::string note = SignHead(source, signer);
  ledger::tiles::TileFetcher fetch = [&](const std::string& path) -> absl::StatusOr<std::string> {
    if (path == ledger::tiles::kCheckpointPath) return note;
    return (*http)(path);
  };
  ledger::tiles::MirrorOptions options;
  options.keys = {signer.verifier()};
  options.origin = kOrigin;
  auto mirror = ledger::tiles::Mirror::Open(copy.get(), fetch, options);
  if (!mirror.ok()) Die(std::string(mirror.status().message()));
  auto start = Clock::now();
  auto round = (*mirror)->CatchUp();
  const double mirror_s = Seconds(start);
  if (!round.ok() || copy->Head().root != source.Head().root) {
    Die(absl::StrCat("the mirror did not copy the source: ", round.status().message()));
  }
  copy.reset();

  start = Clock::now();
  auto verified = ledger::log::VerifyLogAt(dir + "/source");
  const double verify_s = Seconds(start);
  if (!verified.ok() || !verified->ok()) Die("the source does not verify");
  // The log's own write path on the same entries: what a copy costs at
  // least, whatever it reads from.
  const std::string native_path = dir + "/native";
  std::filesystem::remove_all(native_path);
  auto native = OpenLog(native_path, /*sync=*/true);
  std::vector<ledger::log::AppendRequest> requests;
  start = Clock::now();
  for (uint64_t i = 0; i < n; ++i) {
    auto stored = source.GetEntry(i);
    if (!stored.ok()) Die("cannot read the source");
    ledger::log::AppendRequest request;
    request.stream = stored->entry.stream();
    request.actor = stored->entry.actor();
    request.payload = stored->entry.payload();
    requests.push_back(std::move(request));
    if (requests.size() == 4096 || i + 1 == n) {
      if (!native->AppendBatch(requests).ok()) Die("cannot append");
      requests.clear();
    }
  }
  const double native_s = Seconds(start);
  native.reset();
  std::printf("mirror catch-up over loopback HTTP, %llu entries: %.0f entries/s (%.2f s)\n",
              static_cast<unsigned long long>(n), n / mirror_s, mirror_s);
  std::printf("  baseline verify --db, same entries:  %.0f entries/s (%.2f s)\n", n / verify_s,
              verify_s);
  std::printf("  baseline native appends of the same events, 4,096 per synced batch: %.0f "
              "entries/s (%.2f s)\n", n / native_s, native_s);
  std::printf("  ratio: %.2f of verify --db, %.2f of native appends\n", verify_s / mirror_s,
              native_s / mirror_s);
}

// GETs full tiles at `host`:`port` + `prefix` from `clients` threads for
// `seconds`; requests per second, or -1 when an answer was wrong.
double Load(const std::string& host, int port, uint64_t full_tiles, int clients, double seconds) {
  std::atomic<uint64_t> done{0};
  std::atomic<bool> wrong{false};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client(host, port);
      client.set_keep_alive(true);
      uint64_t tile = static_cast<uint64_t>(c) * 7919 % full_tiles;
      while (!stop.load(std::memory_order_relaxed)) {
        auto r = client.Get("/" + ledger::tiles::TilePath({.level = 0, .index = tile}));
        if (!r || r->status != 200 || r->body.size() != 8192) {
          wrong = true;
          return;
        }
        done.fetch_add(1, std::memory_order_relaxed);
        tile = (tile + 1) % full_tiles;
      }
    });
  }
  const auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double elapsed = Seconds(start);
  return wrong ? -1 : done.load() / elapsed;
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * (values.size() - 1))];
}

// Three witnesses served on loopback by this process, and the tlog-policy
// that needs two of them, for `log_key`.
struct LocalWitnesses {
  std::vector<std::unique_ptr<ledger::witness::Witness>> witnesses;
  std::vector<std::unique_ptr<ledger::witness::WitnessHttpServer>> servers;
  ledger::witness::Policy policy;
};

std::unique_ptr<LocalWitnesses> StartWitnesses(const std::string& dir,
                                               const ledger::log::NoteVerifier& log_key) {
  auto local = std::make_unique<LocalWitnesses>();
  std::string text = absl::StrCat("log ", log_key.KeyString(), "\n");
  for (const char* name : {"w1", "w2", "w3"}) {
    auto cosigner = ledger::witness::Cosigner::Generate(absl::StrCat(name, ".bench.example"));
    if (!cosigner.ok()) Die("cannot make a witness key");
    const std::string state = absl::StrCat(dir, "/witness-", name);
    std::filesystem::remove_all(state);
    auto witness = ledger::witness::Witness::Open(*cosigner, {log_key}, state);
    if (!witness.ok()) Die(std::string(witness.status().message()));
    auto server = ledger::witness::WitnessHttpServer::Start(witness->get(), "127.0.0.1", 0);
    if (!server.ok()) Die(std::string(server.status().message()));
    absl::StrAppend(&text, "witness ", name, " ", cosigner->verifier().KeyString(), " ",
                    (*server)->url(), "\n");
    local->witnesses.push_back(*std::move(witness));
    local->servers.push_back(*std::move(server));
  }
  absl::StrAppend(&text, "group partners 2 w1 w2 w3\nquorum partners\n");
  auto policy = ledger::witness::Policy::Parse(text);
  if (!policy.ok()) Die(std::string(policy.status().message()));
  local->policy = *std::move(policy);
  return local;
}

// `recorders` threads append for `seconds` to a fresh synced log; each
// waits, after an append is acknowledged, until a checkpoint covering it is
// stored by a publisher signing at most once per `interval` (with a 2-of-3
// quorum of local witnesses when `witnessed`).
void MeasurePublication(const std::string& dir, int recorders, absl::Duration interval,
                        double seconds, bool witnessed) {
  const std::string path = absl::StrCat(dir, "/publish-", recorders);
  std::filesystem::remove_all(path);
  auto log = OpenLog(path, /*sync=*/true);
  ledger::checkpointing::CheckpointPublisherOptions options;
  options.signers.push_back(*ledger::log::NoteSigner::Generate(kOrigin));
  options.origin = kOrigin;
  options.interval = interval;
  std::unique_ptr<LocalWitnesses> witnesses;
  if (witnessed) {
    witnesses = StartWitnesses(dir, options.signers.front().verifier());
    options.witnesses = witnesses->policy;
  }
  auto publisher = ledger::checkpointing::CheckpointPublisher::Create(*log, options);
  if (!publisher.ok()) Die(std::string(publisher.status().message()));
  (*publisher)->Start();
  absl::Mutex mu;
  std::vector<double> appended_ms, published_ms;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int r = 0; r < recorders; ++r) {
    threads.emplace_back([&, r] {
      google::protobuf::StringValue value;
      value.set_value(std::string(280, 'x'));
      ledger::log::AppendRequest request;
      request.stream = absl::StrCat("compact/r", r);
      request.actor = "bench";
      request.payload.PackFrom(value);
      std::vector<double> mine_appended, mine_published;
      while (!stop.load(std::memory_order_relaxed)) {
        const auto start = Clock::now();
        auto result = log->Append(request);
        if (!result.ok()) Die(std::string(result.status().message()));
        mine_appended.push_back(Seconds(start) * 1e3);
        while ((*publisher)->published_size() <= result->sequence) {
          std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        mine_published.push_back(Seconds(start) * 1e3);
      }
      absl::MutexLock lock(&mu);
      appended_ms.insert(appended_ms.end(), mine_appended.begin(), mine_appended.end());
      published_ms.insert(published_ms.end(), mine_published.begin(), mine_published.end());
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  (*publisher)->Stop();
  std::printf("publication%s, %d recorder%s, checkpoint interval %s: append to published "
              "checkpoint p50 %.1f ms, p99 %.1f ms (%zu appends)\n",
              witnessed ? " with a 2-of-3 witness quorum" : "", recorders,
              recorders == 1 ? "" : "s", absl::FormatDuration(interval).c_str(),
              Percentile(published_ms, 0.5), Percentile(published_ms, 0.99), published_ms.size());
  std::printf("  baseline, the synced append alone: p50 %.1f ms, p99 %.1f ms\n",
              Percentile(appended_ms, 0.5), Percentile(appended_ms, 0.99));
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    Die("no free port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// nginx serving `root` on a free loopback port; its pid and port, or pid -1.
std::pair<pid_t, int> StartNginx(const std::string& dir, const std::string& root) {
  const std::string nginx = "/usr/sbin/nginx";
  if (!std::filesystem::exists(nginx)) return {-1, 0};
  const int port = FreePort();
  const std::string conf = dir + "/nginx.conf";
  std::ofstream(conf) << "daemon off;\nworker_processes " << std::thread::hardware_concurrency()
                      << ";\npid " << dir << "/nginx.pid;\nerror_log " << dir
                      << "/nginx-error.log;\nevents { worker_connections 1024; }\n"
                      << "http { access_log off; keepalive_requests 1000000;\n"
                      << "  server { listen 127.0.0.1:" << port << "; root " << root
                      << "; location / { } } }\n";
  const pid_t pid = fork();
  if (pid == 0) {
    execl(nginx.c_str(), nginx.c_str(), "-c", conf.c_str(), "-p", dir.c_str(), nullptr);
    _exit(127);
  }
  // Ready when it answers.
  httplib::Client probe("127.0.0.1", port);
  for (int i = 0; i < 200; ++i) {
    if (auto r = probe.Get("/checkpoint"); r && r->status == 200) return {pid, port};
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  Die("nginx did not start (see " + dir + "/nginx-error.log)");
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t entries = 200000;
  int clients = 8;
  double seconds = 3;
  const char* env_dir = std::getenv("LEDGER_BENCH_DIR");
  std::string dir = env_dir != nullptr ? env_dir : "/tmp/ledger-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--entries") entries = std::stoull(argv[i + 1]);
    else if (flag == "--clients") clients = std::stoi(argv[i + 1]);
    else if (flag == "--seconds") seconds = std::stod(argv[i + 1]);
    else if (flag == "--dir") dir = argv[i + 1];
    else Die("unknown flag " + flag + " (--entries N --clients C --seconds S --dir DIR)");
  }
  if (entries < 256) Die("--entries must be at least 256 (one full tile)");
  dir = absl::StrCat(dir, "/tiles-", entries);
  std::filesystem::create_directories(dir);
  // Writes to a peer that has gone must not kill the load client.
  signal(SIGPIPE, SIG_IGN);
  const ledger::log::NoteSigner signer = BuildSource(dir, entries);
  auto source = OpenLog(dir + "/source", /*sync=*/false);

  const std::string published = dir + "/published";
  auto out = ledger::publication::DirectoryWriter::Open(published);
  if (!out.ok()) Die(std::string(out.status().message()));
  if (auto report = ledger::tiles::PublishTiles(*source, *out); !report.ok()) {
    Die(std::string(report.status().message()));
  }

  std::vector<std::unique_ptr<ledger::publication::FileSource>> sources;
  sources.push_back(std::make_unique<ledger::tiles::TileFiles>(*source));
  auto server = ledger::services::http::HttpServer::Start({}, std::move(sources));
  if (!server.ok()) Die(std::string(server.status().message()));
  const int port = (*server)->port();

  MeasureMirror(dir, *source, signer, absl::StrCat("http://127.0.0.1:", port, "/"));

  const uint64_t full_tiles = source->Size() / 256;
  const double ours = Load("127.0.0.1", port, full_tiles, clients, seconds);
  if (ours < 0) Die("serve --http answered a tile wrongly");
  std::printf("full hash tiles, %d clients, %.1f s: serve --http %.0f requests/s\n", clients,
              seconds, ours);
  const auto [nginx_pid, nginx_port] = StartNginx(dir, published);
  if (nginx_pid < 0) {
    std::printf("  baseline nginx: not measured (/usr/sbin/nginx is missing)\n");
  } else {
    const double baseline = Load("127.0.0.1", nginx_port, full_tiles, clients, seconds);
    kill(nginx_pid, SIGTERM);
    waitpid(nginx_pid, nullptr, 0);
    if (baseline < 0) Die("nginx answered a tile wrongly");
    std::printf("  baseline nginx, same files: %.0f requests/s\n  ratio: %.2f of nginx\n",
                baseline, ours / baseline);
  }
  (*server)->Shutdown();

  for (const absl::Duration interval : {absl::Seconds(1), absl::ZeroDuration()}) {
    for (const int recorders : {1, 64}) {
      MeasurePublication(dir, recorders, interval, seconds, /*witnessed=*/false);
    }
  }
  for (const int recorders : {1, 64}) {
    MeasurePublication(dir, recorders, absl::ZeroDuration(), seconds, /*witnessed=*/true);
  }
  return 0;
}
