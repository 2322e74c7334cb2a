// The seed scenario `ledgerctl demo` loads when no --scenario is given:
// scenarios/worcestershire.jsonl, built into the binary, so that a ledgerctl
// copied elsewhere or a moved checkout still runs the demo.
#ifndef TOOLS_LEDGERCTL_SEED_SCENARIO_H_
#define TOOLS_LEDGERCTL_SEED_SCENARIO_H_

#include <string_view>

namespace ledger::cli {

// How the demo names the built-in scenario (in its output and errors).
inline constexpr char kSeedScenarioName[] = "scenarios/worcestershire.jsonl (built in)";

// The bytes of scenarios/worcestershire.jsonl at build time.
std::string_view SeedScenario();

}  // namespace ledger::cli

#endif  // TOOLS_LEDGERCTL_SEED_SCENARIO_H_
