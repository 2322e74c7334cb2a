// record_bench: the cost of recording commands on a ledger that already
// holds N events (N = 1k, 10k, 100k), in batches and one by one, measured in
// the same run:
//
//   record_batch/N/B    CompactLedger::Record of B endorsements in one call
//                       (one batch: checked together, appended together).
//   record_single/N/B   the same B endorsements, one Record call each: the
//                       baseline a batch should not be slower than.
//
// Appends are not synced (LogOptions::sync = false) so that the figures are
// the CPU of checking, appending and folding, not the disk's fsync; the
// per-event time is reported as `per_event`. Each benchmark works on a copy
// of a ledger built once under $LEDGER_BENCH_DIR (default /tmp/ledger-bench),
// so N grows only by what the benchmark itself records.
//
// Run (Release build): ./build/bench/record_bench
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/bench_ledgers.h"
#include "ledger/compact_ledger.h"

namespace {

using ::compact::v1::Event;

// A private copy of the ledger with n events, removed when done.
class ScratchLedger {
 public:
  explicit ScratchLedger(int n)
      : path_(ledger::bench::LedgerPath("record-scratch", n)) {
    ledger::bench::EnsureLedger("record", n);
    std::filesystem::remove_all(path_);
    std::filesystem::copy(ledger::bench::LedgerPath("record", n), path_,
                          std::filesystem::copy_options::recursive);
    ledger_ = ledger::bench::OpenLedger(path_, /*sync=*/false);
  }
  ~ScratchLedger() {
    ledger_.reset();
    std::filesystem::remove_all(path_);
  }
  ledger::CompactLedger& operator*() { return *ledger_; }

 private:
  std::string path_;
  std::unique_ptr<ledger::CompactLedger> ledger_;
};

std::vector<Event> Endorsements(int first, int count) {
  std::vector<Event> out;
  for (int i = 0; i < count; ++i) out.push_back(ledger::bench::Endorsement(first + i));
  return out;
}

void Report(benchmark::State& state, int batch) {
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["per_event"] = benchmark::Counter(
      static_cast<double>(state.iterations() * batch),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["events"] = static_cast<double>(state.range(0));
}

// Records state.range(1) endorsements per iteration on a ledger of
// state.range(0) events: in one Record call when `batched`, else one each.
void RecordEndorsements(benchmark::State& state, bool batched) {
  const int n = static_cast<int>(state.range(0));
  const int batch = static_cast<int>(state.range(1));
  ScratchLedger ledger(n);
  int next = n;
  for (auto _ : state) {
    std::vector<std::vector<Event>> calls;
    if (batched) {
      calls.push_back(Endorsements(next, batch));
    } else {
      for (Event& command : Endorsements(next, batch)) calls.push_back({std::move(command)});
    }
    for (const auto& commands : calls) {
      auto recorded = (*ledger).Record(commands, "bench");
      if (!recorded.ok()) state.SkipWithError(recorded.status().ToString().c_str());
    }
    next += batch;
  }
  Report(state, batch);
}

void BM_RecordBatch(benchmark::State& state) { RecordEndorsements(state, /*batched=*/true); }
void BM_RecordSingle(benchmark::State& state) { RecordEndorsements(state, /*batched=*/false); }

BENCHMARK(BM_RecordBatch)
    ->ArgsProduct({{1000, 10000, 100000}, {100}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_RecordSingle)
    ->ArgsProduct({{1000, 10000, 100000}, {100}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
