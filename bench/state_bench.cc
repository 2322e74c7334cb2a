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
//
// Run (Release build): ./build/bench/state_bench
// The ledgers are built once under $LEDGER_BENCH_DIR (default
// /tmp/ledger-bench) and reused.
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
BENCHMARK(BM_RawRead)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
