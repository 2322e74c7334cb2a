#include "ledger/base/next_step.h"

#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger {
namespace {

TEST(NextStepTest, AnErrorCarriesItsStepAndKeepsItsCodeAndMessage) {
  const absl::Status status =
      WithNextStep(absl::NotFoundError("no ledger database at x"), NextStep::kCreateLedger);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "no ledger database at x");
  EXPECT_EQ(NextStepOf(status), NextStep::kCreateLedger);
}

TEST(NextStepTest, EveryStepSurvivesTheRoundTrip) {
  for (NextStep step : {NextStep::kVerifyLog, NextStep::kCreateLedger, NextStep::kSignCheckpoint,
                        NextStep::kListCompacts, NextStep::kMakeKey, NextStep::kOtherDatabase,
                        NextStep::kGiveOrigin, NextStep::kKeepOrigin, NextStep::kGiveVerifierKey,
                        NextStep::kPublishedLog}) {
    EXPECT_EQ(NextStepOf(WithNextStep(absl::DataLossError("x"), step)), step);
  }
}

TEST(NextStepTest, OkStatusesAndPlainErrorsHaveNone) {
  EXPECT_THAT(WithNextStep(absl::OkStatus(), NextStep::kVerifyLog), IsOk());
  EXPECT_EQ(NextStepOf(WithNextStep(absl::OkStatus(), NextStep::kVerifyLog)), std::nullopt);
  EXPECT_EQ(NextStepOf(absl::InternalError("x")), std::nullopt);
  absl::Status foreign = absl::InternalError("x");
  foreign.SetPayload(kNextStepPayloadUrl, absl::Cord("not a step"));
  EXPECT_EQ(NextStepOf(foreign), std::nullopt);
  foreign.SetPayload(kNextStepPayloadUrl, absl::Cord(std::string(1, '\x7f')));
  EXPECT_EQ(NextStepOf(foreign), std::nullopt);
  const int past_last = static_cast<int>(NextStep::kPublishedLog) + 1;
  foreign.SetPayload(kNextStepPayloadUrl, absl::Cord(std::string(1, static_cast<char>(past_last))));
  EXPECT_EQ(NextStepOf(foreign), std::nullopt);
}

}  // namespace
}  // namespace ledger
