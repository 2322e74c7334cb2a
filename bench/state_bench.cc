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
#include "google/protobuf/util/json_util.h"
#include "ledger/compact_ledger.h"
#include "ledger/log/rocks_db.h"

namespace {

using ::compact::v1::Event;

Event Parse(const std::string& json) {
  Event event;
  if (!google::protobuf::util::JsonStringToMessage(json, &event).ok()) std::abort();
  return event;
}

const char kCite[] = R"("citations": [{"sourceId": "minutes", "quote": "resolved"}])";

std::vector<Event> Setup() {
  return {Parse(R"({"sourceRegistered": {"sourceId": "minutes", "title": "Minutes",)"
                R"( "date": {"edtf": "2006"}}})"),
          Parse(R"({"bodyRegistered": {"bodyId": "board", "name": "Board",)"
                R"( "classification": "CLASSIFICATION_BOARD"}, )" + std::string(kCite) + "}"),
          Parse(R"({"compactRegistered": {"compactId": "c", "title": "Compact",)"
                R"( "scope": "SCOPE_COUNTY"}, "date": {"edtf": "2006-04"}, )" +
                std::string(kCite) + "}")};
}

// Endorsements spread over the years, with dates of every precision.
Event Step(int i) {
  static const char* kDates[] = {"2006-04-04", "2006-05", "2006", "[2006-06..2011-09]",
                                 "2007-22", "2008-03-01", "[..2009-01]"};
  return Parse(R"({"decision": {"kind": "DECISION_KIND_ENDORSE", "action": {"kind": )"
               R"("ACTION_KIND_ENDORSE_COMPACT", "compactId": "c"}}, "actor": {"bodyId": )"
               R"("board"}, "date": {"edtf": ")" + std::string(kDates[i % 7]) + R"("}, )" +
               std::string(kCite) + "}");
}

std::string BenchDir() {
  const char* env = std::getenv("LEDGER_BENCH_DIR");
  return std::string(env ? env : "/tmp/ledger-bench");
}

std::string LedgerPath(int n) { return BenchDir() + "/state-" + std::to_string(n); }

std::unique_ptr<ledger::CompactLedger> OpenLedger(int n) {
  ledger::log::LogOptions options;
  options.path = LedgerPath(n);
  auto opened = ledger::CompactLedger::Open(options);
  if (!opened.ok()) {
    fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    std::abort();
  }
  return *std::move(opened);
}

// Builds (once) a ledger whose compact stream holds n events.
void EnsureLedger(int n) {
  const std::string ready = LedgerPath(n) + ".ready";
  if (std::filesystem::exists(ready)) return;
  std::filesystem::remove_all(LedgerPath(n));
  std::filesystem::create_directories(BenchDir());
  ledger::log::LogOptions options;
  options.path = LedgerPath(n);
  options.sync = false;  // setup only
  auto ledger = ledger::CompactLedger::Open(options);
  if (!ledger.ok() || !(*ledger)->Record(Setup(), "bench").ok()) std::abort();
  for (int done = 1; done < n;) {
    std::vector<Event> batch;
    for (; done < n && batch.size() < 1000; ++done) batch.push_back(Step(done));
    auto recorded = (*ledger)->Record(batch, "bench");
    if (!recorded.ok()) {
      fprintf(stderr, "%s\n", recorded.status().ToString().c_str());
      std::abort();
    }
  }
  std::FILE* f = std::fopen(ready.c_str(), "w");
  if (f != nullptr) std::fclose(f);
}

const ledger::compact::CivilDay kAt{2008, 6, 30};

void BM_StateWarm(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  EnsureLedger(n);
  auto ledger = OpenLedger(n);
  for (auto _ : state) {
    auto report = ledger->StateAt(kAt, "c");
    if (!report.ok()) state.SkipWithError("StateAt failed");
    benchmark::DoNotOptimize(report);
  }
  state.counters["events"] = n;
}

// The same query written into a report on a protobuf arena: a report of
// 100k endorsements is 100k messages, and freeing them one by one is a
// large part of the heap variant's cost.
void BM_StateWarmArena(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  EnsureLedger(n);
  auto ledger = OpenLedger(n);
  for (auto _ : state) {
    google::protobuf::Arena arena;
    auto* report = google::protobuf::Arena::CreateMessage<compact::v1::StateReport>(&arena);
    if (!ledger->StateAt(kAt, "c", std::nullopt, report).ok()) {
      state.SkipWithError("StateAt failed");
    }
    benchmark::DoNotOptimize(report);
  }
  state.counters["events"] = n;
}

void BM_StateCold(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  EnsureLedger(n);
  for (auto _ : state) {
    auto ledger = OpenLedger(n);
    auto report = ledger->StateAt(kAt, "c");
    if (!report.ok()) state.SkipWithError("StateAt failed");
    benchmark::DoNotOptimize(report);
  }
  state.counters["events"] = n;
}

void BM_RawRead(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  EnsureLedger(n);
  auto db = ledger::log::RocksDb::Open(LedgerPath(n), ledger::log::RocksDb::Mode::kReadOnly);
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
