// state_bench: issue 8's benchmark. State of one compact at a date when its
// stream holds N events (N = 1k, 10k, 100k), beside the cost of reading
// those N entries raw from RocksDB, all measured in the same run:
//
//   state_warm/N   CompactLedger::StateAt on an open ledger (the folded
//                  state is in memory). Goal: < 10 ms at 100k.
//   state_warm_arena/N  the same, the report on a protobuf arena.
//   state_cold/N   CompactLedger::Open (snapshot + fold of the tail) and one
//                  StateAt, as a fresh process would do; the OS page cache
//                  is warm, so this is "cold" for the ledger, not the disk.
//   raw_read/N     a plain RocksDB iteration over the N entries' bytes.
//   known_at_cold/N/P  as state_cold, with "as known at" the time entry
//                  N*P/100 was recorded (P = 5, 50, 95: near the start, in
//                  the middle, near the end): CompactLedger::Open and one
//                  StateAt(known_at), as `ledgerctl replay --as-known-at`
//                  does. Compare with state_cold/N in the same run.
//   known_at_warm/N/P  StateAt(known_at) on an open ledger; compare with
//                  state_warm/N.
//   wide_warm/N    StateAt of compact "c", which has about 1,000 events, on
//                  an open ledger of N entries (N = 10k, 100k, 1M; the rest
//                  concern 100 other compacts): the plain query.
//   wide_known_at_warm/N/P  the same as known at entry N*P/100's time, as
//                  `GetCompact` with as_known_at answers it. Goal: within
//                  2x of wide_warm/N, and flat in N. (Opening the ledger,
//                  which `replay --as-known-at` adds, is the same with or
//                  without it: state_cold and known_at_cold.)
//
// Run (Release build): ./build/bench/state_bench
// The ledgers are built once under $LEDGER_BENCH_DIR (default
// /tmp/ledger-bench) and reused.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <rocksdb/db.h>

#include "google/protobuf/arena.h"
#include "bench/bench_ledgers.h"
#include "ledger/compact_ledger.h"
#include "ledger/log/rocks_db.h"

namespace {

using ledger::bench::EnsureLedger;

std::unique_ptr<ledger::CompactLedger> OpenLedger(int n) {
  return ledger::bench::OpenLedger(ledger::bench::LedgerPath("state", n));
}

const ledger::compact::CivilDay kAt{2008, 6, 30};

// Whether `report` can be the state of compact "c" at kAt on a ledger of
// `n` events (bench_ledgers.cc: three set-up events, then n - 1
// endorsements of "c" dated from 2006 to 2011): the one compact, endorsed
// at least once and at most n - 1 times. A benchmark of a wrong answer is
// an error, not a figure.
bool Plausible(const ledger::compact::v1::StateReport& report, int n) {
  if (report.compacts_size() != 1 || report.compacts(0).compact_id() != "c") return false;
  const int endorsements = report.compacts(0).endorsements_size();
  return endorsements >= 1 && endorsements <= n - 1;
}

void BM_StateWarm(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  EnsureLedger("state", n);
  auto ledger = OpenLedger(n);
  for (auto _ : state) {
    auto report = ledger->StateAt(kAt, "c");
    if (!report.ok()) state.SkipWithError("StateAt failed");
    if (report.ok() && !Plausible(*report, n)) state.SkipWithError("wrong state report");
    benchmark::DoNotOptimize(report);
  }
  state.counters["events"] = n;
}

// The same query written into a report on a protobuf arena: a report of
// 100k endorsements is 100k messages, and freeing them one by one is a
// large part of the heap variant's cost.
void BM_StateWarmArena(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  EnsureLedger("state", n);
  auto ledger = OpenLedger(n);
  for (auto _ : state) {
    google::protobuf::Arena arena;
    auto* report = google::protobuf::Arena::CreateMessage<compact::v1::StateReport>(&arena);
    if (!ledger->StateAt(kAt, "c", std::nullopt, report).ok()) {
      state.SkipWithError("StateAt failed");
    } else if (!Plausible(*report, n)) {
      state.SkipWithError("wrong state report");
    }
    benchmark::DoNotOptimize(report);
  }
  state.counters["events"] = n;
}

void BM_StateCold(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  EnsureLedger("state", n);
  for (auto _ : state) {
    auto ledger = OpenLedger(n);
    auto report = ledger->StateAt(kAt, "c");
    if (!report.ok()) state.SkipWithError("StateAt failed");
    if (report.ok() && !Plausible(*report, n)) state.SkipWithError("wrong state report");
    benchmark::DoNotOptimize(report);
  }
  state.counters["events"] = n;
}

// When entry `percent`% of the way into ledger `n` was recorded.
absl::Time KnownAt(const ledger::CompactLedger& ledger, int percent) {
  const uint64_t size = ledger.log().Size();
  auto entry = ledger.log().GetEntry(std::min(size - 1, size * percent / 100));
  if (!entry.ok()) std::abort();
  return ledger::log::RecordedAt(entry->entry);
}

void BM_KnownAtCold(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  EnsureLedger("state", n);
  const absl::Time known_at = KnownAt(*OpenLedger(n), static_cast<int>(state.range(1)));
  for (auto _ : state) {
    auto ledger = OpenLedger(n);
    auto report = ledger->StateAt(kAt, "c", known_at);
    if (!report.ok()) state.SkipWithError("StateAt failed");
    benchmark::DoNotOptimize(report);
  }
  state.counters["events"] = n;
}

void BM_KnownAtWarm(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  EnsureLedger("state", n);
  auto ledger = OpenLedger(n);
  const absl::Time known_at = KnownAt(*ledger, static_cast<int>(state.range(1)));
  for (auto _ : state) {
    auto report = ledger->StateAt(kAt, "c", known_at);
    if (!report.ok()) state.SkipWithError("StateAt failed");
    benchmark::DoNotOptimize(report);
  }
  state.counters["events"] = n;
}

// Whether `report` can be the state of compact "c" of a wide ledger: the
// one compact, endorsed at least once and at most about 1,000 times.
bool PlausibleWide(const ledger::compact::v1::StateReport& report) {
  return report.compacts_size() == 1 && report.compacts(0).compact_id() == "c" &&
         report.compacts(0).endorsements_size() >= 1 &&
         report.compacts(0).endorsements_size() <= 1100;
}

std::unique_ptr<ledger::CompactLedger> OpenWideLedger(int n) {
  ledger::bench::EnsureWideLedger("wide", n);
  return ledger::bench::OpenLedger(ledger::bench::LedgerPath("wide", n));
}

void BM_WideWarm(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto ledger = OpenWideLedger(n);
  for (auto _ : state) {
    auto report = ledger->StateAt(kAt, "c");
    if (!report.ok() || !PlausibleWide(*report)) state.SkipWithError("wrong state report");
    benchmark::DoNotOptimize(report);
  }
  state.counters["events"] = n;
}

void BM_WideKnownAtWarm(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto ledger = OpenWideLedger(n);
  const absl::Time known_at = KnownAt(*ledger, static_cast<int>(state.range(1)));
  for (auto _ : state) {
    auto report = ledger->StateAt(kAt, "c", known_at);
    if (!report.ok() || !PlausibleWide(*report)) state.SkipWithError("wrong state report");
    benchmark::DoNotOptimize(report);
  }
  state.counters["events"] = n;
}

void BM_RawRead(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  EnsureLedger("state", n);
  auto db = ledger::log::RocksDb::Open(ledger::bench::LedgerPath("state", n), ledger::log::RocksDb::Mode::kReadOnly);
  if (!db.ok()) std::abort();
  for (auto _ : state) {
    size_t bytes = 0;
    std::unique_ptr<rocksdb::Iterator> it((*db)->db()->NewIterator({}, (*db)->entries()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) bytes += it->value().size();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["events"] = n;
}

BENCHMARK(BM_StateWarm)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StateWarmArena)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StateCold)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KnownAtCold)
    ->ArgsProduct({{1000, 10000, 100000}, {5, 50, 95}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KnownAtWarm)
    ->ArgsProduct({{1000, 10000, 100000}, {5, 50, 95}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WideWarm)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WideKnownAtWarm)
    ->ArgsProduct({{10000, 100000, 1000000}, {5, 50, 95}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawRead)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
