#include "ledger/site/state_intervals.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/civil_time.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/ledger/site/seed_ledger.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::StatusIs;

namespace ledger::site {
namespace {

using ::testing::HasSubstr;
using compact::CivilDay;
using google::protobuf::util::MessageDifferencer;

CivilDay Day(const char* text) { return *compact::ParseCivilDay(text); }

CivilDay NextDay(const CivilDay& d) {
  const absl::CivilDay n = absl::CivilDay(d.year, d.month, d.day) + 1;
  return {.year = n.year(), .month = n.month(), .day = n.day()};
}

class StateIntervalsTest : public site::testing::SeedLedgerTest {
 protected:
  std::vector<StateInterval> Intervals(const std::string& compact) {
    auto timeline = ledger_->Timeline();
    EXPECT_THAT(timeline, IsOk());
    auto days = ChangeDays(*timeline);
    EXPECT_THAT(days, IsOk());
    auto intervals = StateIntervals(*ledger_, compact, *days);
    EXPECT_THAT(intervals, IsOk());
    return *intervals;
  }

  compact::v1::StateReport ReportOn(const CivilDay& day, const std::string& compact) {
    auto report = ledger_->StateAt(day, compact);
    EXPECT_THAT(report, IsOk());
    report->clear_at();
    WithoutQueryDay(day, &*report);
    return *report;
  }
};

TEST_F(StateIntervalsTest, ChangeDaysAreEveryBoundOfEveryDateAndTheDayAfter) {
  auto timeline = ledger_->Timeline();
  ASSERT_THAT(timeline, IsOk());
  auto days = ChangeDays(*timeline);
  ASSERT_THAT(days, IsOk());
  // Council's adoption, [2006-06-29..2011-09]: both bounds and the days after.
  for (const char* d : {"2006-06-29", "2006-06-30", "2011-09-30", "2011-10-01"}) {
    EXPECT_TRUE(days->contains(Day(d))) << d;
  }
  // Summer 2005 (2005-22) starts on 1 June: nothing is invented in between.
  EXPECT_TRUE(days->contains(Day("2005-06-01")));
  EXPECT_FALSE(days->contains(Day("2005-07-15")));
}

TEST_F(StateIntervalsTest, AStoredBoundThatIsNotADayIsDataLossNamingTheEntry) {
  HistoryItem item;
  item.sequence = 41;
  item.event.mutable_date()->set_earliest("2006-02-30");
  auto days = ChangeDays({item});
  EXPECT_THAT(days, StatusIs(absl::StatusCode::kDataLoss, HasSubstr("entry 41")));
}

TEST_F(StateIntervalsTest, IntervalsCoverEveryDayInDateOrder) {
  const auto intervals = Intervals("worcestershire-2006");
  ASSERT_GT(intervals.size(), 4u);
  EXPECT_FALSE(intervals.front().from.has_value());
  EXPECT_FALSE(intervals.back().to.has_value());
  for (size_t i = 0; i + 1 < intervals.size(); ++i) {
    ASSERT_TRUE(intervals[i].to.has_value());
    ASSERT_TRUE(intervals[i + 1].from.has_value());
    EXPECT_EQ(NextDay(*intervals[i].to), *intervals[i + 1].from) << "interval " << i;
  }
}

TEST_F(StateIntervalsTest, StateIsTheLedgersOwnOnTheFirstAndLastDayOfEveryInterval) {
  for (const char* compact : {"worcestershire-2006", "wyre-forest-interim-2005"}) {
    const auto intervals = Intervals(compact);
    for (size_t i = 0; i < intervals.size(); ++i) {
      for (const auto& day : {intervals[i].from, intervals[i].to}) {
        if (!day) continue;
        EXPECT_TRUE(MessageDifferencer::Equals(ReportOn(*day, compact), intervals[i].report))
            << compact << " interval " << i << " on " << day->ToString();
      }
    }
  }
}

TEST_F(StateIntervalsTest, OnlyTheWordsNamingTheQueryDaySayThisDay) {
  compact::v1::StateReport report;
  auto* fact = report.add_compacts()->add_uncertain();
  fact->mutable_effect()->set_because("decided 2006-06-29: it may or may not be in effect on 2007-02-01");
  fact->set_uncertain_because("the sources give only [2006-06-29 .. 2007-02-01]");
  WithoutQueryDay(Day("2007-02-01"), &report);
  EXPECT_EQ(fact->effect().because(), "decided 2006-06-29: it may or may not be in effect on this day");
  EXPECT_EQ(fact->uncertain_because(), "the sources give only [2006-06-29 .. 2007-02-01]");
}

TEST_F(StateIntervalsTest, AdjacentIntervalsHoldDifferentStates) {
  const auto intervals = Intervals("worcestershire-2006");
  for (size_t i = 0; i + 1 < intervals.size(); ++i) {
    EXPECT_FALSE(MessageDifferencer::Equals(intervals[i].report, intervals[i + 1].report))
        << "intervals " << i << " and " << i + 1 << " should have been merged";
  }
}

TEST_F(StateIntervalsTest, TheCountyCompactIsNotInTheRecordBeforeItsFirstDatedFact) {
  const auto intervals = Intervals("worcestershire-2006");
  EXPECT_EQ(intervals.front().report.compacts_size(), 0);
  EXPECT_GT(intervals.back().report.compacts_size(), 0);
}

}  // namespace
}  // namespace ledger::site
