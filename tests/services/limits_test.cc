// RecordingBudget and ReadStreamSlots: what they admit, what they refuse
// and that what they give back is free again.
#include "services/limits.h"
#include "tests/testing/status_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

using ::ledger::testing::IsOk;

namespace ledger::services {
namespace {

using ::testing::HasSubstr;

TEST(RecordingBudgetTest, RefusesBeyondItsRequestCountUntilOneIsReleased) {
  RecordingBudget budget(/*max_requests=*/2, /*max_bytes=*/1 << 20);
  auto a = budget.TryAdmit(10);
  auto b = budget.TryAdmit(10);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  auto c = budget.TryAdmit(10);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(c.status().message()), HasSubstr("retry"));
  a->reset();
  EXPECT_THAT(budget.TryAdmit(10), IsOk());
  EXPECT_EQ(budget.requests(), 1u);  // the temporary above was released at once
}

TEST(RecordingBudgetTest, RefusesBeyondItsBytesButAdmitsAnOversizedRequestAlone) {
  RecordingBudget budget(/*max_requests=*/100, /*max_bytes=*/100);
  auto a = budget.TryAdmit(60);
  ASSERT_THAT(a, IsOk());
  EXPECT_THAT(budget.TryAdmit(40), IsOk());
  auto over = budget.TryAdmit(41);
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(over.status().message()), HasSubstr("limit 100"));
  a->reset();
  EXPECT_EQ(budget.bytes(), 0u);
  // Alone, a request larger than the whole budget still goes through.
  auto big = budget.TryAdmit(1000);
  ASSERT_THAT(big, IsOk());
  EXPECT_EQ(budget.TryAdmit(1).status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(ReadStreamSlotsTest, BoundsEachCallerAndEveryoneTogether) {
  ReadStreamSlots slots(/*max_total=*/3, /*max_per_caller=*/2);
  std::vector<std::unique_ptr<ReadStreamSlots::Slot>> held;
  held.push_back(*slots.TryEnter("flood"));
  held.push_back(*slots.TryEnter("flood"));
  auto third = slots.TryEnter("flood");
  EXPECT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(third.status().message()), HasSubstr("\"flood\""));
  held.push_back(*slots.TryEnter("other"));
  auto full = slots.TryEnter("third");
  EXPECT_EQ(full.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(slots.open(), 3u);
  held.clear();
  EXPECT_EQ(slots.open(), 0u);
  EXPECT_THAT(slots.TryEnter("flood"), IsOk());
}

}  // namespace
}  // namespace ledger::services
