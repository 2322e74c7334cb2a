// A CompactLedger in a temp directory holding the Worcestershire seed
// scenario, for the audit tests that need real domain events. The including
// test runs under ctest (which sets LEDGER_SOURCE_DIR, testing/test_paths.h)
// and links ledger_core.
#ifndef LEDGER_TESTS_LEDGER_AUDIT_SEEDED_LEDGER_H_
#define LEDGER_TESTS_LEDGER_AUDIT_SEEDED_LEDGER_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "ledger/compact_ledger.h"
#include "ledger/scenario_file.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_paths.h"

namespace ledger::audit::testing {

// Opens a ledger at `path` and records the seed scenario into it; fails the
// test (and returns null) when either step fails.
inline std::unique_ptr<CompactLedger> SeededLedger(const std::string& path) {
  log::LogOptions options;
  options.path = path;
  auto ledger = CompactLedger::Open(options);
  EXPECT_THAT(ledger, ::ledger::testing::IsOk());
  if (!ledger.ok()) return nullptr;
  auto scenario = ReadScenarioFile(::ledger::testing::SourcePath("scenarios/worcestershire.jsonl"));
  EXPECT_THAT(scenario, ::ledger::testing::IsOk());
  if (!scenario.ok()) return nullptr;
  auto recorded = (*ledger)->Record(scenario->commands, "test", scenario->request_ids,
                                    scenario->labels);
  EXPECT_THAT(recorded, ::ledger::testing::IsOk());
  if (!recorded.ok()) return nullptr;
  return *std::move(ledger);
}

}  // namespace ledger::audit::testing

#endif  // LEDGER_TESTS_LEDGER_AUDIT_SEEDED_LEDGER_H_
