// log_bench: the benchmarks of issue 3 ("Benchmarks") for the verifiable log
// (ledger_log). Every figure is reported as a ratio against a baseline that
// is measured in the same process run, interleaved operation by operation
// with the library call (the order alternates), so that a noisy shared
// machine slows both sides alike.
//
//   durable_append      Log::Append with LogOptions.sync = true (one entry,
//                       library call, no gRPC) vs a raw RocksDB Put of the
//                       same bytes with WriteOptions.sync = true, both into
//                       fresh databases in the same directory. Goal >= 0.8.
//   append_nosync       Log::Append with sync = false: the log's CPU and
//                       RocksDB cost without the fsync (where time goes).
//   verify_log/N        ledger::log::VerifyLogAt(path) over a log of N
//                       entries vs SHA-256 (OpenSSL, one stream) over exactly
//                       the stored entry bytes, read into memory first.
//                       Goal >= 0.5. Also shown: SHA-256 entry by entry
//                       (ledger::log::Sha256), four entries at a time as the
//                       verifier hashes (multi_hash.h), a raw RocksDB iteration over
//                       the entries column family, and that iteration plus
//                       the leaf hash of each entry.
//   inclusion_proof/N   Log::InclusionProof(random index, N) latency vs one
//                       raw RocksDB Get of a random stored Merkle node, at
//                       N = 1M and 10M. Goal < 100 us per proof, growing as
//                       log n.
//
// After the benchmarks a summary table prints the ratios and the goals.
//
// Run (Release build):
//   cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
//   cmake --build build --target log_bench -j2
//   ./build/bench/log_bench
//
// Flags (besides every --benchmark_* flag of Google Benchmark, e.g.
// --benchmark_filter=proof, --benchmark_repetitions=3):
//   --bench_dir=DIR         where the logs are built and cached; default
//                           $LEDGER_BENCH_DIR, else /tmp/ledger-bench
//   --verify_entries=N      size of the verification log; default 200000
//   --proof_sizes=N,M,...   sizes of the proof logs; default 1000000,10000000
//   --payload_bytes=B       serialized payload size (a StringValue packed in
//                           an Any) of every entry; default 200
// --benchmark_min_time defaults to 2 (seconds per benchmark) here.
//
// Cached logs: each log is built once with Log::AppendBatch in batches of
// 10,000 entries with sync off, then flushed, fully compacted and marked
// ready (DIR/log-N-pB.ready). Later runs reuse it when the marker matches
// and the log opens with the right size; an interrupted build resumes. The
// 10M log takes a few minutes and about 4 GB. Delete DIR to start over.
// The durable-append databases are created fresh in DIR on every run and
// removed afterwards, so DIR should be on the disk whose fsync you mean to
// measure (not a tmpfs).
//
// Exit status: non-zero when a benchmark failed (setup error, a log that does
// not verify, a proof that does not verify); goals missed are only reported.
#include <unistd.h>

#include <openssl/evp.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "google/protobuf/wrappers.pb.h"
#include "ledger/log/hash.h"
#include "ledger/log/log.h"
#include "ledger/log/multi_hash.h"
#include "ledger/log/proof_verify.h"
#include "ledger/log/rocks_db.h"
#include "ledger/log/storage_format.h"
#include "ledger/log/verify.h"

namespace {

namespace fs = std::filesystem;
using ledger::log::AppendRequest;
using ledger::log::Log;
using ledger::log::LogOptions;
using ledger::log::RocksDb;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// Configuration

struct Config {
  std::string bench_dir;
  uint64_t verify_entries = 200'000;
  std::vector<uint64_t> proof_sizes = {1'000'000, 10'000'000};
  size_t payload_bytes = 200;
};

Config& config() {
  static Config c;
  return c;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string StatusText(const absl::Status& status) { return status.ToString(); }

// ---------------------------------------------------------------------------
// Entries: realistic requests, deterministic in their index.

uint64_t SplitMix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::string Hex(uint64_t x, int digits) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(digits, '0');
  for (int i = digits - 1; i >= 0; --i, x >>= 4) out[i] = kDigits[x & 15];
  return out;
}

// A JSON-like event body whose StringValue serializes to about `bytes`.
std::string PayloadText(uint64_t i, size_t bytes) {
  std::string text = absl::StrCat("{\"compact\":\"c-", i / 32,
                                  "\",\"kind\":\"amendment\",\"clause\":", i % 97,
                                  ",\"text\":\"");
  const size_t target = bytes > 3 ? bytes - 3 : 0;  // tag + 2-byte length
  uint64_t x = SplitMix(i);
  while (text.size() + 2 < target) {
    x = SplitMix(x);
    text += Hex(x, 16);
  }
  text.resize(target > 2 ? target - 2 : 0);
  text += "\"}";
  return text;
}

// Entry i: stream "compact/c-<i/32>" (32 entries per stream), a unique
// request id, an actor and a StringValue payload packed in an Any.
AppendRequest MakeRequest(uint64_t i, size_t payload_bytes) {
  AppendRequest request;
  request.stream = absl::StrCat("compact/c-", i / 32);
  request.expected = ledger::log::ExpectedVersion::Any();
  request.request_id = absl::StrCat("req-", i, "-", Hex(SplitMix(~i), 8));
  request.actor = "user:clerk-7@example.org";
  google::protobuf::StringValue value;
  value.set_value(PayloadText(i, payload_bytes));
  request.payload.PackFrom(value);
  return request;
}

// ---------------------------------------------------------------------------
// Cached logs

std::string LogPath(uint64_t entries) {
  return (fs::path(config().bench_dir) /
          absl::StrCat("log-", entries, "-p", config().payload_bytes))
      .string();
}

std::string ReadyText(uint64_t entries) {
  return absl::StrCat("entries=", entries, " payload_bytes=", config().payload_bytes);
}

std::string ReadFileText(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Flushes and fully compacts every family so that each run reads the same,
// settled layout, whether the log was just built or reused.
absl::Status Settle(const std::string& path) {
  auto db = RocksDb::Open(path, RocksDb::Mode::kMustExist);
  if (!db.ok()) return db.status();
  for (auto* family : {(*db)->entries(), (*db)->merkle(), (*db)->streams(),
                       (*db)->requests(), (*db)->meta()}) {
    rocksdb::Status s = (*db)->db()->Flush(rocksdb::FlushOptions(), family);
    if (s.ok()) s = (*db)->db()->CompactRange(rocksdb::CompactRangeOptions(), family,
                                              nullptr, nullptr);
    if (!s.ok()) return ledger::log::FromRocks(s, "settling " + path);
  }
  return absl::OkStatus();
}

// Makes sure a log of exactly `entries` entries is at LogPath(entries).
absl::StatusOr<std::string> EnsureLog(uint64_t entries) {
  static std::map<uint64_t, std::string> ready;  // checked in this process
  if (auto it = ready.find(entries); it != ready.end()) return it->second;
  const std::string path = LogPath(entries);
  const std::string marker = path + ".ready";
  const bool marked = ReadFileText(marker) == ReadyText(entries);
  std::error_code ec;
  fs::create_directories(config().bench_dir, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot create ", config().bench_dir,
                                                     ": ", ec.message()));

  LogOptions options;
  options.path = path;
  options.sync = false;  // setup only: the build is not what is measured
  if (fs::exists(path)) {
    options.create_if_missing = false;
    auto log = Log::Open(options);
    const bool usable = log.ok() && (*log)->Size() <= entries &&
                        (!marked || (*log)->Size() == entries);
    if (usable && marked) {
      std::fprintf(stderr, "log_bench: reusing %s (%" PRIu64 " entries)\n", path.c_str(),
                   entries);
      ready[entries] = path;
      return path;
    }
    if (!usable) {
      std::fprintf(stderr, "log_bench: %s is not a usable %" PRIu64
                   "-entry log (%s); rebuilding\n", path.c_str(), entries,
                   log.ok() ? "wrong size" : StatusText(log.status()).c_str());
      log = absl::UnknownError("");  // close before deleting
      fs::remove_all(path, ec);
      fs::remove(marker, ec);
    }
  }
  options.create_if_missing = true;
  fs::remove(marker, ec);
  {
    auto opened = Log::Open(options);
    if (!opened.ok()) return opened.status();
    Log& log = **opened;
    const uint64_t resume = log.Size();
    const uint64_t kBatch = 10'000;
    const auto start = Clock::now();
    std::vector<AppendRequest> batch;
    batch.reserve(kBatch);
    std::fprintf(stderr, "log_bench: building %s: %" PRIu64 " entries (from %" PRIu64 ")\n",
                 path.c_str(), entries, resume);
    for (uint64_t next = resume; next < entries;) {
      const uint64_t end = std::min(entries, next + kBatch);
      batch.clear();
      for (uint64_t i = next; i < end; ++i) {
        batch.push_back(MakeRequest(i, config().payload_bytes));
      }
      auto appended = log.AppendBatch(batch);
      if (!appended.ok()) return appended.status();
      next = end;
      if (next % 1'000'000 == 0 || next == entries) {
        const double s = Seconds(start);
        std::fprintf(stderr, "log_bench:   %" PRIu64 " entries, %.0f s, %.0f entries/s\n",
                     next, s, static_cast<double>(next - resume) / std::max(s, 1e-9));
      }
    }
  }
  const auto settle_start = Clock::now();
  if (auto s = Settle(path); !s.ok()) return s;
  ::sync();  // leave no writeback behind to disturb the measurements
  std::fprintf(stderr, "log_bench:   flushed and compacted in %.0f s\n",
               Seconds(settle_start));
  std::ofstream(marker) << ReadyText(entries) << "\n";
  ready[entries] = path;
  return path;
}

// ---------------------------------------------------------------------------
// Interleaving: runs each side once per iteration, rotating the order.

struct Side {
  Side(const char* side_name, std::function<bool()> side_run)
      : name(side_name), run(std::move(side_run)) {}
  const char* name;
  std::function<bool()> run;  // false: failed (the benchmark has been skipped)
  double seconds = 0;
  std::vector<double> samples;
};

bool RunInterleaved(std::vector<Side>& sides, uint64_t iteration, bool keep_samples) {
  const size_t n = sides.size();
  for (size_t k = 0; k < n; ++k) {
    Side& side = sides[(iteration + k) % n];
    const auto start = Clock::now();
    const bool ok = side.run();
    const double s = Seconds(start);
    if (!ok) return false;
    side.seconds += s;
    if (keep_samples) side.samples.push_back(s);
  }
  return true;
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  auto mid = values.begin() + values.size() / 2;
  std::nth_element(values.begin(), mid, values.end());
  return *mid;
}

// ---------------------------------------------------------------------------
// 1. Durable append vs raw synced Put

struct ScratchDir {
  std::string path;
  explicit ScratchDir(const std::string& name)
      : path((fs::path(config().bench_dir) / absl::StrCat(name, "-", ::getpid())).string()) {
    std::error_code ec;
    fs::remove_all(path, ec);
    fs::create_directories(path, ec);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string Sub(const char* name) const { return (fs::path(path) / name).string(); }
};

void BM_DurableAppend(benchmark::State& state) {
  const ScratchDir dir("append");
  LogOptions options;
  options.path = dir.Sub("log");
  options.sync = true;
  auto log = Log::Open(options);
  if (!log.ok()) return state.SkipWithError(StatusText(log.status()).c_str());

  rocksdb::Options raw_options;
  raw_options.create_if_missing = true;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status opened = rocksdb::DB::Open(raw_options, dir.Sub("raw"), &raw_db);
  std::unique_ptr<rocksdb::DB> raw(raw_db);
  if (!opened.ok()) return state.SkipWithError(opened.ToString().c_str());
  rocksdb::WriteOptions synced;
  synced.sync = true;

  // Warm up both databases; the raw side then writes the log's own bytes.
  uint64_t next = 0;
  for (; next < 16; ++next) {
    auto appended = (*log)->Append(MakeRequest(next, config().payload_bytes));
    if (!appended.ok()) return state.SkipWithError(StatusText(appended.status()).c_str());
  }
  auto sample = (*log)->GetEntry(next - 1);
  if (!sample.ok()) return state.SkipWithError(StatusText(sample.status()).c_str());
  const std::string value = sample->bytes;
  for (uint64_t i = 0; i < 16; ++i) {
    raw->Put(synced, ledger::log::format::EntryKey(i), value);
  }

  AppendRequest request;
  std::string key;
  std::string error;
  std::vector<Side> sides = {
      {"Log::Append", [&] {
         auto appended = (*log)->Append(request);
         if (appended.ok()) return true;
         error = StatusText(appended.status());
         return false;
       }},
      {"raw Put", [&] {
         rocksdb::Status s = raw->Put(synced, key, value);
         if (s.ok()) return true;
         error = s.ToString();
         return false;
       }},
  };
  uint64_t iteration = 0;
  for (auto _ : state) {
    state.PauseTiming();
    request = MakeRequest(next, config().payload_bytes);
    key = ledger::log::format::EntryKey(next);
    ++next;
    state.ResumeTiming();
    if (!RunInterleaved(sides, iteration++, /*keep_samples=*/true)) {
      state.SkipWithError(error.c_str());
      break;
    }
  }
  if (iteration == 0 || state.error_occurred()) return;
  const double n = static_cast<double>(iteration);
  const double log_ops = n / sides[0].seconds;
  const double raw_ops = n / sides[1].seconds;
  const double log_p50 = Median(sides[0].samples);
  const double raw_p50 = Median(sides[1].samples);
  state.counters["log_ops/s"] = log_ops;
  state.counters["raw_put_ops/s"] = raw_ops;
  state.counters["ratio"] = log_ops / raw_ops;
  state.counters["log_p50_us"] = log_p50 * 1e6;
  state.counters["raw_p50_us"] = raw_p50 * 1e6;
  state.counters["ratio_p50"] = raw_p50 / log_p50;
  state.counters["entry_bytes"] = static_cast<double>(value.size());
  state.SetLabel("per iteration: one synced Log::Append + one synced raw Put");
}

void BM_AppendNoSync(benchmark::State& state) {
  const ScratchDir dir("append-nosync");
  LogOptions options;
  options.path = dir.Sub("log");
  options.sync = false;
  auto log = Log::Open(options);
  if (!log.ok()) return state.SkipWithError(StatusText(log.status()).c_str());
  uint64_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    AppendRequest request = MakeRequest(next++, config().payload_bytes);
    state.ResumeTiming();
    auto appended = (*log)->Append(request);
    if (!appended.ok()) {
      state.SkipWithError(StatusText(appended.status()).c_str());
      break;
    }
  }
  state.SetLabel("Log::Append, sync=false (no fsync)");
}

// ---------------------------------------------------------------------------
// 2. Full-log verification vs SHA-256 over the same bytes

struct StoredBytes {
  std::vector<std::string> entries;
  std::string all;  // the same bytes, concatenated
};

absl::StatusOr<StoredBytes> ReadStoredEntries(const std::string& path) {
  auto db = RocksDb::Open(path, RocksDb::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  StoredBytes out;
  std::unique_ptr<rocksdb::Iterator> it(
      (*db)->db()->NewIterator(rocksdb::ReadOptions(), (*db)->entries()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out.entries.emplace_back(it->value().data(), it->value().size());
  }
  if (!it->status().ok()) return ledger::log::FromRocks(it->status(), "reading entries");
  size_t total = 0;
  for (const auto& e : out.entries) total += e.size();
  out.all.reserve(total);
  for (const auto& e : out.entries) out.all += e;
  return out;
}

// Opens the log's database read-only as VerifyLogAt does and iterates the
// entries family; with `leaf_hash`, also computes each entry's leaf hash.
bool RawIterate(const std::string& path, bool leaf_hash, size_t expected_bytes,
                std::string& error) {
  auto db = RocksDb::Open(path, RocksDb::Mode::kReadOnly);
  if (!db.ok()) {
    error = StatusText(db.status());
    return false;
  }
  std::unique_ptr<rocksdb::Iterator> it(
      (*db)->db()->NewIterator(rocksdb::ReadOptions(), (*db)->entries()));
  size_t bytes = 0;
  uint8_t fold = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice v = it->value();
    bytes += v.size();
    if (leaf_hash) {
      fold ^= ledger::log::LeafHash(std::string_view(v.data(), v.size()))[0];
    } else if (!v.empty()) {
      fold ^= static_cast<uint8_t>(v.data()[0]);
    }
  }
  benchmark::DoNotOptimize(fold);
  if (!it->status().ok() || bytes != expected_bytes) {
    error = "raw iteration read different bytes: " + it->status().ToString();
    return false;
  }
  return true;
}

void BM_VerifyLog(benchmark::State& state, uint64_t entries) {
  auto path = EnsureLog(entries);
  if (!path.ok()) return state.SkipWithError(StatusText(path.status()).c_str());
  auto stored = ReadStoredEntries(*path);
  if (!stored.ok()) return state.SkipWithError(StatusText(stored.status()).c_str());
  if (stored->entries.size() != entries) {
    return state.SkipWithError("the log holds a different number of entries");
  }
  const size_t bytes = stored->all.size();

  std::string error;
  std::vector<Side> sides = {
      {"VerifyLogAt", [&] {
         auto report = ledger::log::VerifyLogAt(*path);
         if (!report.ok()) {
           error = StatusText(report.status());
           return false;
         }
         if (!report->ok() || report->entries_checked != entries) {
           error = absl::StrCat("the log does not verify: ",
                                ledger::log::ProblemName(report->problem), " at ",
                                report->sequence, ": ", report->message);
           return false;
         }
         return true;
       }},
      {"SHA-256 stream", [&] {
         unsigned char md[EVP_MAX_MD_SIZE];
         unsigned int md_len = 0;
         if (EVP_Digest(stored->all.data(), stored->all.size(), md, &md_len, EVP_sha256(),
                        nullptr) != 1) {
           error = "EVP_Digest failed";
           return false;
         }
         benchmark::DoNotOptimize(md[0]);
         return true;
       }},
      {"SHA-256 per entry", [&] {
         uint8_t fold = 0;
         for (const auto& e : stored->entries) fold ^= ledger::log::Sha256(e)[0];
         benchmark::DoNotOptimize(fold);
         return true;
       }},
      {"SHA-256 x4 per entry", [&] {
         // The verifier's own hashing (multi_hash.h): leaf hashes, four
         // entries at a time. The baseline that does not flatter it.
         std::vector<std::string_view> views(stored->entries.begin(), stored->entries.end());
         std::vector<ledger::log::Hash> hashes(views.size());
         ledger::log::LeafHashes(views.data(), views.size(), hashes.data());
         benchmark::DoNotOptimize(hashes.data());
         return true;
       }},
      {"RocksDB iteration", [&] { return RawIterate(*path, false, bytes, error); }},
      {"RocksDB iteration + leaf hash",
       [&] { return RawIterate(*path, true, bytes, error); }},
  };
  uint64_t iteration = 0;
  for (auto _ : state) {
    if (!RunInterleaved(sides, iteration++, /*keep_samples=*/false)) {
      state.SkipWithError(error.c_str());
      break;
    }
  }
  if (iteration == 0 || state.error_occurred()) return;
  auto rate = [&](const Side& side) {
    return static_cast<double>(bytes) * static_cast<double>(iteration) / side.seconds;
  };
  state.counters["verify_B/s"] = rate(sides[0]);
  state.counters["sha256_B/s"] = rate(sides[1]);
  state.counters["sha256_entry_B/s"] = rate(sides[2]);
  state.counters["sha256_x4_B/s"] = rate(sides[3]);
  state.counters["iter_B/s"] = rate(sides[4]);
  state.counters["iter_leaf_B/s"] = rate(sides[5]);
  state.counters["ratio"] = rate(sides[0]) / rate(sides[1]);
  state.counters["ratio_entry"] = rate(sides[0]) / rate(sides[2]);
  state.counters["ratio_x4"] = rate(sides[0]) / rate(sides[3]);
  state.counters["bytes"] = static_cast<double>(bytes);
  state.SetLabel("per iteration: verify + 3 SHA-256 + 2 raw iterations");
}

// ---------------------------------------------------------------------------
// 3. Inclusion proofs vs one raw stored-node Get

void BM_InclusionProof(benchmark::State& state, uint64_t entries) {
  auto path = EnsureLog(entries);
  if (!path.ok()) return state.SkipWithError(StatusText(path.status()).c_str());
  // Read-only, so that a second, raw read-only handle can share the files.
  LogOptions options;
  options.path = *path;
  options.create_if_missing = false;
  options.read_only = true;
  auto log = Log::Open(options);
  if (!log.ok()) return state.SkipWithError(StatusText(log.status()).c_str());
  auto raw = RocksDb::Open(*path, RocksDb::Mode::kReadOnly);
  if (!raw.ok()) return state.SkipWithError(StatusText(raw.status()).c_str());
  const ledger::log::TreeHead head = (*log)->Head();
  if (head.tree_size != entries) return state.SkipWithError("wrong log size");

  std::mt19937_64 rng(entries);
  std::uniform_int_distribution<uint64_t> pick(0, entries - 1);

  // The proofs measured are real: check some against the committed root.
  for (int k = 0; k < 32; ++k) {
    const uint64_t index = pick(rng);
    auto proof = (*log)->InclusionProof(index, entries);
    auto entry = (*log)->GetEntry(index);
    if (!proof.ok() || !entry.ok()) return state.SkipWithError("proof or entry unreadable");
    auto verified = ledger::log::VerifyInclusion(index, entries, entry->leaf_hash, *proof,
                                                 head.root);
    if (!verified.ok()) return state.SkipWithError(StatusText(verified).c_str());
  }

  uint64_t index = 0;
  std::string node_key;
  std::string node;
  std::string error;
  uint64_t hashes = 0;
  std::vector<Side> sides = {
      {"InclusionProof", [&] {
         auto proof = (*log)->InclusionProof(index, entries);
         if (!proof.ok()) {
           error = StatusText(proof.status());
           return false;
         }
         hashes += proof->size();
         return true;
       }},
      {"raw Get", [&] {
         rocksdb::Status s =
             (*raw)->db()->Get(rocksdb::ReadOptions(), (*raw)->merkle(), node_key, &node);
         if (s.ok() && node.size() == 32) return true;
         error = "raw Get of a Merkle node failed: " + s.ToString();
         return false;
       }},
  };
  // Warm-up (untimed): fills the block caches as a serving process would.
  for (uint64_t i = 0; i < 2000; ++i) {
    index = pick(rng);
    node_key = ledger::log::format::NodeKey(0, pick(rng));
    if (!RunInterleaved(sides, i, false)) return state.SkipWithError(error.c_str());
  }
  for (auto& side : sides) side.seconds = 0;
  hashes = 0;

  uint64_t iteration = 0;
  for (auto _ : state) {
    index = pick(rng);
    node_key = ledger::log::format::NodeKey(0, pick(rng));
    if (!RunInterleaved(sides, iteration++, /*keep_samples=*/false)) {
      state.SkipWithError(error.c_str());
      break;
    }
  }
  if (iteration == 0 || state.error_occurred()) return;
  const double n = static_cast<double>(iteration);
  state.counters["proof_us"] = sides[0].seconds / n * 1e6;
  state.counters["raw_get_us"] = sides[1].seconds / n * 1e6;
  state.counters["proof/get"] = sides[0].seconds / sides[1].seconds;
  state.counters["proof_hashes"] = static_cast<double>(hashes) / n;
  state.SetLabel("per iteration: one proof (random leaf) + one raw node Get");
}

// ---------------------------------------------------------------------------
// Summary

class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) {
        errors_ = true;
        continue;
      }
      // Keep the plain run, or the median when repetitions were asked for.
      const std::string name = run.run_name.function_name;
      if (run.run_type == Run::RT_Iteration) {
        if (!medians_.count(name)) counters_[name] = run.counters;
      } else if (run.aggregate_name == "median") {
        medians_.insert(name);
        counters_[name] = run.counters;
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  bool errors() const { return errors_; }

  void PrintSummary() const {
    std::printf("\nSummary (each ratio from the same run, both sides interleaved)\n");
    const Config& c = config();
    if (auto* r = Find("durable_append")) {
      const double ratio = Get(*r, "ratio");
      std::printf(
          "  durable append (sync)   Log::Append %.0f ops/s (p50 %.0f us), raw synced Put "
          "%.0f ops/s (p50 %.0f us): ratio %.2f (p50 ratio %.2f)  goal >= 0.8: %s\n",
          Get(*r, "log_ops/s"), Get(*r, "log_p50_us"), Get(*r, "raw_put_ops/s"),
          Get(*r, "raw_p50_us"), ratio, Get(*r, "ratio_p50"), ratio >= 0.8 ? "met" : "MISSED");
    }
    if (auto* r = Find(absl::StrCat("verify_log/", c.verify_entries))) {
      const double ratio = Get(*r, "ratio");
      std::printf(
          "  verification (%" PRIu64 " entries, %.1f MB)   VerifyLogAt %.1f MB/s vs SHA-256 "
          "%.1f MB/s: ratio %.3f  goal >= 0.5: %s\n"
          "      (SHA-256 entry by entry %.1f MB/s, ratio %.3f; four entries at a time, as "
          "the verifier hashes, %.1f MB/s, ratio %.3f; raw RocksDB iteration %.1f "
          "MB/s; iteration + leaf hashes %.1f MB/s)\n",
          c.verify_entries, Get(*r, "bytes") / 1e6, Get(*r, "verify_B/s") / 1e6,
          Get(*r, "sha256_B/s") / 1e6, ratio, ratio >= 0.5 ? "met" : "MISSED",
          Get(*r, "sha256_entry_B/s") / 1e6, Get(*r, "ratio_entry"),
          Get(*r, "sha256_x4_B/s") / 1e6, Get(*r, "ratio_x4"),
          Get(*r, "iter_B/s") / 1e6, Get(*r, "iter_leaf_B/s") / 1e6);
    }
    const Counters* first = nullptr;
    uint64_t first_size = 0;
    for (uint64_t size : c.proof_sizes) {
      const Counters* r = Find(absl::StrCat("inclusion_proof/", size));
      if (r == nullptr) continue;
      const double us = Get(*r, "proof_us");
      std::printf(
          "  inclusion proof (%" PRIu64 " entries)   %.1f us/proof (%.0f hashes), raw node "
          "Get %.2f us: proof = %.1f Gets  goal < 100 us: %s\n",
          size, us, Get(*r, "proof_hashes"), Get(*r, "raw_get_us"), Get(*r, "proof/get"),
          us < 100 ? "met" : "MISSED");
      if (first == nullptr) {
        first = r;
        first_size = size;
      } else {
        std::printf("      growth %" PRIu64 " -> %" PRIu64 ": x%.2f time, x%.2f log2(n)\n",
                    first_size, size, us / Get(*first, "proof_us"),
                    std::log2(static_cast<double>(size)) /
                        std::log2(static_cast<double>(first_size)));
      }
    }
  }

 private:
  using Counters = benchmark::UserCounters;
  const Counters* Find(const std::string& name) const {
    auto it = counters_.find(name);
    return it == counters_.end() ? nullptr : &it->second;
  }
  static double Get(const Counters& counters, const char* name) {
    auto it = counters.find(name);
    return it == counters.end() ? 0.0 : it->second.value;
  }
  std::map<std::string, Counters> counters_;
  std::set<std::string> medians_;
  bool errors_ = false;
};

// ---------------------------------------------------------------------------
// Flags

void PrintHelp() {
  std::printf(
      "log_bench [--bench_dir=DIR] [--verify_entries=N] [--proof_sizes=N,M,...]\n"
      "          [--payload_bytes=B] [Google Benchmark flags]\n"
      "  --bench_dir       cache of built logs (default $LEDGER_BENCH_DIR or /tmp/ledger-bench)\n"
      "  --verify_entries  entries of the verification log (default 200000)\n"
      "  --proof_sizes     sizes of the inclusion-proof logs (default 1000000,10000000)\n"
      "  --payload_bytes   payload size of every entry (default 200)\n"
      "  --benchmark_min_time defaults to 2 seconds here.\n\n");
  benchmark::PrintDefaultHelp();
}

std::optional<uint64_t> ParseCount(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::strtoull(text.c_str(), nullptr, 10);
}

// Consumes our own --flag=value arguments; false on a malformed one.
bool ParseOwnFlag(const std::string& arg, Config& c, bool& consumed) {
  consumed = false;
  auto value_of = [&](const char* flag) -> std::optional<std::string> {
    const std::string prefix = std::string(flag) + "=";
    if (arg.rfind(prefix, 0) != 0) return std::nullopt;
    return arg.substr(prefix.size());
  };
  if (auto v = value_of("--bench_dir")) {
    consumed = true;
    c.bench_dir = *v;
    return !v->empty();
  }
  if (auto v = value_of("--verify_entries")) {
    consumed = true;
    auto n = ParseCount(*v);
    if (n) c.verify_entries = *n;
    return n.has_value() && *n > 0;
  }
  if (auto v = value_of("--payload_bytes")) {
    consumed = true;
    auto n = ParseCount(*v);
    if (n) c.payload_bytes = *n;
    return n.has_value() && *n >= 16 && *n <= 1'000'000;
  }
  if (auto v = value_of("--proof_sizes")) {
    consumed = true;
    c.proof_sizes.clear();
    size_t start = 0;
    while (start <= v->size()) {
      const size_t comma = std::min(v->find(',', start), v->size());
      auto n = ParseCount(v->substr(start, comma - start));
      if (!n || *n == 0) return false;
      c.proof_sizes.push_back(*n);
      start = comma + 1;
    }
    return true;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Config& c = config();
  const char* env_dir = std::getenv("LEDGER_BENCH_DIR");
  c.bench_dir = env_dir != nullptr && *env_dir != '\0' ? env_dir : "/tmp/ledger-bench";

  static char default_min_time[] = "--benchmark_min_time=2";
  std::vector<char*> args = {argv[0]};
  bool has_min_time = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    bool consumed = false;
    if (!ParseOwnFlag(arg, c, consumed)) {
      std::fprintf(stderr, "log_bench: bad flag %s; see --help\n", argv[i]);
      return 2;
    }
    if (consumed) continue;
    if (arg.rfind("--benchmark_min_time", 0) == 0) has_min_time = true;
    args.push_back(argv[i]);
  }
  if (!has_min_time) args.insert(args.begin() + 1, default_min_time);
  int args_count = static_cast<int>(args.size());
  args.push_back(nullptr);
  benchmark::Initialize(&args_count, args.data(), PrintHelp);
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 2;

  // Durable appends first, on a quiet disk (before any log is built).
  benchmark::RegisterBenchmark("durable_append", BM_DurableAppend)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("append_nosync", BM_AppendNoSync)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark(absl::StrCat("verify_log/", c.verify_entries).c_str(),
                               BM_VerifyLog, c.verify_entries)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  for (uint64_t size : c.proof_sizes) {
    benchmark::RegisterBenchmark(absl::StrCat("inclusion_proof/", size).c_str(),
                                 BM_InclusionProof, size)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }

  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintSummary();
  benchmark::Shutdown();
  return reporter.errors() ? 1 : 0;
}
