// bundle_bench: issue 6's benchmark. Offline verification of an audit bundle
// (ledger/audit/bundle_verifier.h) of N domain events, beside raw SHA-256
// over the same entry bytes, measured in the same run:
//
//   verify (log)      VerifyBundleFile with fold_events off: signatures,
//                     chain, tree against every checkpoint.
//   verify (+fold)    the same, and the domain events folded into a history.
//   sha256            one SHA-256 per entry over the entries' stored bytes,
//                     in memory, with OpenSSL (the least any verifier must
//                     do, hashing one message at a time).
//   sha256 x4         the same bytes hashed four messages at a time with the
//                     verifier's own interleaved SHA-256 (ledger/log/multi_hash.h), as
//                     leaf hashes: the verifier hashes this way, so this is
//                     the baseline that does not flatter it. Equal to
//                     sha256 on a CPU without the SHA extensions.
//
// Each verification runs in a child process (this program re-executed with
// --verify-only), so its peak resident memory is measured on its own: the
// child reports its VmHWM (/proc/self/status), which belongs to the address
// space made by exec. (wait4's ru_maxrss would not do: Linux carries the
// parent's high-water mark across fork and exec.)
//
// Run (Release build):
//   ./build-release/bench/bundle_bench [--entries 100000,1000000] [--bench_dir DIR]
// Logs and bundles are built once under DIR (default
// $LEDGER_BENCH_DIR or /tmp/ledger-bench) and reused.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "compact/v1/compact.pb.h"
#include "ledger/audit/bundle_verifier.h"
#include "ledger/audit/bundle_writer.h"
#include "ledger/audit/checkpointer.h"
#include "ledger/log/multi_hash.h"
#include "ledger/log/hash.h"
#include "ledger/log/log.h"
#include "ledger/log/signed_note.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using ::compact::v1::Event;

constexpr char kOrigin[] = "bench.example/compact-ledger";
// Checkpoints per bundle: one per tenth of the log.
constexpr uint64_t kCheckpoints = 10;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bundle_bench: %s\n", what.c_str());
  std::exit(1);
}

Event Parse(const std::string& json) {
  Event event;
  if (!google::protobuf::util::JsonStringToMessage(json, &event).ok()) Die("bad event " + json);
  return event;
}

const char kCite[] = R"("citations": [{"sourceId": "minutes", "quote": "resolved"}])";

// A source, a body, and `compacts` compacts for the endorsements to name.
std::vector<Event> Setup(int compacts) {
  std::vector<Event> events = {
      Parse(R"({"sourceRegistered": {"sourceId": "minutes", "title": "Minutes",)"
            R"( "date": {"edtf": "2006"}}})"),
      Parse(R"({"bodyRegistered": {"bodyId": "board", "name": "Board",)"
            R"( "classification": "CLASSIFICATION_BOARD"}, )" + std::string(kCite) + "}")};
  for (int c = 0; c < compacts; ++c) {
    events.push_back(Parse(R"({"compactRegistered": {"compactId": "c)" + std::to_string(c) +
                           R"(", "title": "Compact", "scope": "SCOPE_COUNTY"}, "date": )"
                           R"({"edtf": "2006-04"}, )" + std::string(kCite) + "}"));
  }
  return events;
}

// Endorsements with dates of every precision, spread over the compacts.
Event Step(uint64_t i, int compacts) {
  static const char* kDates[] = {"2006-04-04", "2006-05", "2006", "[2006-06..2011-09]",
                                 "2007-22", "2008-03-01", "[..2009-01]"};
  return Parse(R"({"decision": {"kind": "DECISION_KIND_ENDORSE", "action": {"kind": )"
               R"("ACTION_KIND_ENDORSE_COMPACT", "compactId": "c)" +
               std::to_string(i % compacts) + R"("}}, "actor": {"bodyId": "board"}, )"
               R"("date": {"edtf": ")" + std::string(kDates[i % 7]) + R"("}, )" +
               std::string(kCite) + "}");
}

ledger::log::NoteSigner BenchKey() {
  ledger::log::Ed25519Seed seed;
  seed.fill(0x42);
  auto key = ledger::log::NoteSigner::FromSeed(kOrigin, seed);
  if (!key.ok()) Die(std::string(key.status().message()));
  return *std::move(key);
}

// Builds (once) a log of `entries` domain events with kCheckpoints signed
// checkpoints, and its bundle; returns the bundle's path.
std::string EnsureBundle(const std::string& dir, uint64_t entries) {
  const std::string log_path = dir + "/bundle-log-" + std::to_string(entries);
  const std::string bundle_path = dir + "/bundle-" + std::to_string(entries) + ".txt";
  if (fs::exists(bundle_path)) return bundle_path;
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::remove_all(log_path, ec);
  std::fprintf(stderr, "bundle_bench: building %s (%" PRIu64 " entries)\n",
               bundle_path.c_str(), entries);
  ledger::log::LogOptions options;
  options.path = log_path;
  options.sync = false;  // setup only: the build is not what is measured
  auto opened = ledger::log::Log::Open(options);
  if (!opened.ok()) Die(std::string(opened.status().message()));
  ledger::log::Log& log = **opened;
  const ledger::log::NoteSigner key = BenchKey();
  const int compacts = 100;

  // The events of one batch repeat: parse each distinct one once.
  std::vector<Event> steps;
  for (int i = 0; i < 7 * compacts; ++i) steps.push_back(Step(i, compacts));
  std::vector<ledger::log::AppendRequest> batch;
  auto flush = [&] {
    if (batch.empty()) return;
    if (auto s = log.AppendBatch(batch); !s.ok()) Die(std::string(s.status().message()));
    batch.clear();
  };
  auto add = [&](const std::string& stream, const Event& event) {
    ledger::log::AppendRequest request;
    request.stream = stream;
    request.actor = "bench";
    request.payload.PackFrom(event);
    batch.push_back(std::move(request));
  };
  const std::vector<Event> setup = Setup(compacts);
  for (size_t i = 0; i < setup.size(); ++i) {
    add(i < 2 ? "source/minutes" : "compact/c" + std::to_string(i - 2), setup[i]);
  }
  const uint64_t every = std::max<uint64_t>(1, entries / kCheckpoints);
  for (uint64_t i = setup.size(); i < entries; ++i) {
    const uint64_t k = i % steps.size();
    add("compact/c" + std::to_string(k % compacts), steps[k]);
    if (batch.size() == 10'000 || (i + 1) % every == 0 || i + 1 == entries) flush();
    if ((i + 1) % every == 0 || i + 1 == entries) {
      auto published = ledger::audit::PublishCheckpoint(log, {&key, 1}, kOrigin);
      if (!published.ok()) Die(std::string(published.status().message()));
    }
  }
  flush();
  const ledger::log::NoteVerifier verifier = key.verifier();
  auto written = ledger::audit::WriteBundleFile(log, {&verifier, 1}, bundle_path);
  if (!written.ok()) Die(std::string(written.status().message()));
  opened = absl::UnknownError("closed");
  fs::remove_all(log_path, ec);  // the bundle is all the benchmark needs
  return bundle_path;
}

// Peak resident set of this process's address space, in KiB (VmHWM).
long PeakResidentKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  Die("no VmHWM in /proc/self/status");
}

// Child mode: verify and report seconds, entries and peak KiB on stdout.
int VerifyOnly(const std::string& path, bool fold) {
  ledger::audit::BundleOptions options;
  options.keys.push_back(BenchKey().verifier());
  options.fold_events = fold;
  const auto start = Clock::now();
  auto report = ledger::audit::VerifyBundleFile(path, options);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!report.ok()) Die(std::string(report.status().message()));
  if (!report->ok()) Die("bundle does not verify: " + report->message);
  std::printf("%.6f %" PRIu64 " %ld\n", seconds, report->entries, PeakResidentKib());
  return 0;
}

struct Measured {
  double seconds = 0;
  uint64_t entries = 0;
  long peak_kib = 0;
};

// Runs this program with --verify-only in a child and reads its report.
Measured VerifyInChild(const std::string& self, const std::string& path, bool fold) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) Die("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    execl(self.c_str(), self.c_str(), "--verify-only", path.c_str(), fold ? "fold" : "log",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipe_fds[1]);
  std::string out;
  char buffer[256];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) out.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    Die("verification child failed");
  }
  Measured m;
  if (std::sscanf(out.c_str(), "%lf %" SCNu64 " %ld", &m.seconds, &m.entries, &m.peak_kib) != 3) {
    Die("unexpected child output: " + out);
  }
  return m;
}

struct Baselines {
  double sha256_seconds = 0;      // OpenSSL, one message at a time
  double interleaved_seconds = 0;  // multi_hash.h, four at a time
  uint64_t bytes = 0;
};

// SHA-256 of every entry's stored bytes, timed over the hashing only (the
// entries are decoded from the bundle in batches beforehand).
Baselines Sha256Baselines(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::vector<std::string> batch;
  std::vector<std::string_view> views;
  std::vector<ledger::log::Hash> hashes;
  Baselines b;
  auto hash_batch = [&] {
    auto start = Clock::now();
    for (const std::string& entry : batch) {
      ledger::log::Hash h = ledger::log::Sha256(entry);
      asm volatile("" : : "r"(h.data()) : "memory");
    }
    b.sha256_seconds += std::chrono::duration<double>(Clock::now() - start).count();
    views.assign(batch.begin(), batch.end());
    hashes.resize(batch.size());
    start = Clock::now();
    ledger::log::LeafHashes(views.data(), views.size(), hashes.data());
    asm volatile("" : : "r"(hashes.data()) : "memory");
    b.interleaved_seconds += std::chrono::duration<double>(Clock::now() - start).count();
    batch.clear();
  };
  while (std::getline(in, line)) {
    if (line.rfind("entry ", 0) != 0) continue;
    std::string bytes_of_entry;
    if (!absl::Base64Unescape(line.substr(line.rfind(' ') + 1), &bytes_of_entry)) {
      Die("bad entry line");
    }
    b.bytes += bytes_of_entry.size();
    batch.push_back(std::move(bytes_of_entry));
    if (batch.size() == 10'000) hash_batch();
  }
  hash_batch();
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--verify-only") {
    return VerifyOnly(argv[2], std::string(argv[3]) == "fold");
  }
  std::vector<uint64_t> sizes = {100'000, 1'000'000};
  const char* env_dir = std::getenv("LEDGER_BENCH_DIR");
  std::string dir = env_dir ? env_dir : "/tmp/ledger-bench";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--entries" && i + 1 < argc) {
      sizes.clear();
      for (absl::string_view part : absl::StrSplit(argv[++i], ',')) {
        uint64_t n = 0;
        if (!absl::SimpleAtoi(part, &n) || n < 200) Die("--entries: sizes of at least 200");
        sizes.push_back(n);
      }
    } else if (arg == "--bench_dir" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      Die("usage: bundle_bench [--entries N,M,...] [--bench_dir DIR]");
    }
  }
  const std::string self = fs::read_symlink("/proc/self/exe").string();

  std::printf("%-10s %-14s %12s %12s %10s %10s %12s\n", "entries", "what", "seconds",
              "entries/s", "vs sha256", "vs x4", "peak RSS MiB");
  for (uint64_t n : sizes) {
    const std::string bundle = EnsureBundle(dir, n);
    const Baselines base = Sha256Baselines(bundle);
    const Measured log_only = VerifyInChild(self, bundle, false);
    const Measured folded = VerifyInChild(self, bundle, true);
    if (log_only.entries != n || folded.entries != n) Die("entry count differs");
    auto row = [&](const char* what, double seconds, long peak_kib) {
      std::printf("%-10" PRIu64 " %-14s %12.3f %12.0f %10.2f %10.2f %12.1f\n", n, what,
                  seconds, static_cast<double>(n) / seconds, base.sha256_seconds / seconds,
                  base.interleaved_seconds / seconds, peak_kib / 1024.0);
    };
    row("sha256", base.sha256_seconds, 0);
    row("sha256 x4", base.interleaved_seconds, 0);
    row("verify (log)", log_only.seconds, log_only.peak_kib);
    row("verify (+fold)", folded.seconds, folded.peak_kib);
    std::printf("%-10" PRIu64 " %" PRIu64 " entry bytes, %.1f MB/s hashed raw (OpenSSL)%s\n",
                n, base.bytes, static_cast<double>(base.bytes) / base.sha256_seconds / 1e6,
                ledger::log::FastHashAccelerated() ? ""
                                                               : "; no SHA extensions");
  }
  return 0;
}
