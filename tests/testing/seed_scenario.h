#ifndef LEDGER_TESTS_TESTING_SEED_SCENARIO_H_
#define LEDGER_TESTS_TESTING_SEED_SCENARIO_H_

// Facts about the seed scenario (scenarios/worcestershire.jsonl, what
// `ledgerctl demo` records) that end-to-end tests rely on. Reading the seed
// papers closer adds or reorders events; update these with it.

#include <cstdint>

namespace ledger::testing {

// Entries the demo appends to an empty ledger.
inline constexpr uint64_t kSeedEntries = 84;
// The event that registers compact "worcestershire-2006" (its first event).
inline constexpr uint64_t kSeedCompactRegistration = 27;
// Wyre Forest District Council's adoption of "worcestershire-2006" (the
// event recorded with ref "council-adoption").
inline constexpr uint64_t kSeedCouncilAdoption = 54;

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_TESTING_SEED_SCENARIO_H_
