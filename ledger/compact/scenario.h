// Scenario files: compact.v1.Event commands, one per line, in the protobuf
// JSON mapping (JSON Lines). Blank lines are skipped.
//
// Pure functions (text in, events out; no file I/O); thread-safe.
#ifndef LEDGER_COMPACT_SCENARIO_H_
#define LEDGER_COMPACT_SCENARIO_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "compact/v1/compact.pb.h"
#include "ledger/compact/proto_alias.h"
#include "ledger/compact/world.h"

namespace ledger::compact {

// One parsed line of a scenario, with its 1-based line number.
struct ScenarioLine {
  int line = 0;
  compact::v1::Event event;
};

// Parses JSON Lines text into events. InvalidArgument naming the line number
// and what is wrong (unknown field, bad enum name, not JSON).
absl::StatusOr<std::vector<ScenarioLine>> ParseScenario(std::string_view text);

// Prepares and applies every line to `world` in order, giving line i the
// sequence first_sequence + i (for tests and dry runs; the log assigns real
// sequences). On error, names the line; `world` then holds the lines before
// it. Requires: first_sequence follows world's last folded sequence.
absl::Status ApplyScenario(const std::vector<ScenarioLine>& lines,
                           uint64_t first_sequence, World* world);

}  // namespace ledger::compact

#endif  // LEDGER_COMPACT_SCENARIO_H_
