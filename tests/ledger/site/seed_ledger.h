// A CompactLedger in a temporary directory holding the seed scenario
// (scenarios/worcestershire.jsonl), for the web view's tests.
#ifndef TESTS_LEDGER_SITE_SEED_LEDGER_H_
#define TESTS_LEDGER_SITE_SEED_LEDGER_H_

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "ledger/compact_ledger.h"
#include "ledger/log/signed_note.h"
#include "ledger/scenario_file.h"
#include "ledger/site/site_data.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

namespace ledger::site::testing {

class SeedLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions options;
    options.path = dir_.Sub("db");
    options.create_if_missing = true;
    auto ledger = CompactLedger::Open(options);
    ASSERT_THAT(ledger, ::ledger::testing::IsOk());
    ledger_ = std::move(*ledger);
    auto scenario =
        ReadScenarioFile(::ledger::testing::SourcePath("scenarios/worcestershire.jsonl"));
    ASSERT_THAT(scenario, ::ledger::testing::IsOk());
    auto recorded = ledger_->Record(scenario->commands, "test", scenario->request_ids,
                                    scenario->labels);
    ASSERT_THAT(recorded, ::ledger::testing::IsOk());
    auto signer = log::NoteSigner::Generate("example.com/compact-ledger");
    ASSERT_THAT(signer, ::ledger::testing::IsOk());
    options_.log_keys = {signer->verifier().KeyString()};
  }

  ledger::testing::TempDir dir_;
  std::unique_ptr<CompactLedger> ledger_;
  SiteOptions options_;
};

}  // namespace ledger::site::testing

#endif  // TESTS_LEDGER_SITE_SEED_LEDGER_H_
