// The appends service_bench makes: one registered body per client, and a
// NOTE annotation on that body per append, so that every client writes to a
// stream of its own and no two appends conflict.
//
// Thread-safety: free functions over their arguments.
#ifndef LEDGER_BENCH_SERVICE_WORKLOAD_H_
#define LEDGER_BENCH_SERVICE_WORKLOAD_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "compact/v1/event.pb.h"
#include "ledger/compact_ledger.h"
#include "ledger/v1/ledger_service.pb.h"

namespace ledger::bench {

// "bench-c<client>": the body client `client` annotates.
std::string BodyId(int client);

// Records the benchmark's source and bodies bench-c0 .. bench-c<clients-1>
// in one batch, as the first entries of a fresh ledger.
absl::Status SeedBodies(CompactLedger& ledger, int clients);

// Per client: an AppendRequest of a NOTE on its body, expected version ANY,
// whose compact.v1.Event payload serializes to `payload_bytes` (or the
// smallest possible, if that is less). The request id is left to the caller.
std::vector<ledger::v1::AppendRequest> NoteRequests(int clients, int payload_bytes);

}  // namespace ledger::bench

#endif  // LEDGER_BENCH_SERVICE_WORKLOAD_H_
