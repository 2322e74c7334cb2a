// Ledgers for the compact-level benchmarks (state_bench, record_bench): one
// compact whose stream holds a chosen number of endorsements, or a log of a
// chosen length around one compact of a fixed size, built once under
// $LEDGER_BENCH_DIR (default /tmp/ledger-bench) and reused.
//
// Not thread-safe; benchmark set-up only. Every failure aborts the
// benchmark with a message: a figure from a half-built ledger means nothing.
#ifndef LEDGER_BENCH_BENCH_LEDGERS_H_
#define LEDGER_BENCH_BENCH_LEDGERS_H_

#include <memory>
#include <string>
#include <vector>

#include "ledger/compact_ledger.h"
#include "compact/v1/compact.pb.h"

namespace ledger::bench {

// The source, body and compact every endorsement refers to (compact "c").
std::vector<compact::v1::Event> SetupCommands();

// The i-th endorsement of compact `compact_id` (registered), its date one
// of several precisions.
compact::v1::Event Endorsement(int i, const std::string& compact_id = "c");

// $LEDGER_BENCH_DIR/<name>-<events>.
std::string LedgerPath(const std::string& name, int events);

// Builds the ledger at LedgerPath(name, events) unless a finished one is
// there: the set-up commands, then endorsements until the stream of compact
// "c" holds `events` events (its registration and events - 1 endorsements).
void EnsureLedger(const std::string& name, int events);

// Builds the ledger at LedgerPath(name, events) unless a finished one is
// there, with `events` entries of which compact "c" has about 1,000 (its
// registration and endorsements spread evenly through the log) and the
// rest endorse 100 other compacts: a log whose length grows while the
// compact asked about does not.
void EnsureWideLedger(const std::string& name, int events);

// Opens the ledger at `path` (durable appends unless `sync` is false).
std::unique_ptr<CompactLedger> OpenLedger(const std::string& path, bool sync = true);

}  // namespace ledger::bench

#endif  // LEDGER_BENCH_BENCH_LEDGERS_H_
