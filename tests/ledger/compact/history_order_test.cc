// A history in date order: each event at the earliest day its date allows,
// open-ended dates marked, undated events first, ties in ledger order.
#include "ledger/compact/history_order.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "ledger/compact/dates.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::compact {
namespace {

using ::compact::v1::Event;

// Events in ledger order (sequence = position), each dated by `edtf` (empty:
// undated), with its bounds completed as World::Prepare completes them.
std::vector<Event> Dated(const std::vector<std::string>& edtfs) {
  std::vector<Event> out;
  for (const std::string& edtf : edtfs) {
    Event e;
    e.mutable_occurrence();
    if (!edtf.empty()) {
      e.mutable_date()->set_edtf(edtf);
      EXPECT_THAT(CompleteDate(e.mutable_date(), "date"), IsOk()) << edtf;
    }
    out.push_back(e);
  }
  return out;
}

std::vector<HistoryEntry> Entries(const std::vector<Event>& events) {
  std::vector<HistoryEntry> out;
  for (size_t i = 0; i < events.size(); ++i) out.push_back({i, &events[i]});
  return out;
}

std::vector<std::string> Lines(const std::vector<Event>& events) {
  absl::StatusOr<std::vector<HistoryPlacement>> order = OrderByDate(Entries(events));
  EXPECT_THAT(order, IsOk());
  std::vector<std::string> out;
  if (!order.ok()) return out;
  for (const HistoryPlacement& p : *order) {
    out.push_back("#" + std::to_string(p.index) + " " + PlacementText(p));
  }
  return out;
}

TEST(HistoryOrderTest, RangesSitAtTheirEarliestDayAndTiesKeepLedgerOrder) {
  const std::vector<Event> events =
      Dated({"2011-09", "2005-02", "[2005-06..2006-06-02]", "2005-06-01", "2005-22"});
  EXPECT_THAT(Lines(events),
              ::testing::ElementsAre("#1 from 2005-02-01", "#2 from 2005-06-01", "#3 2005-06-01",
                                   "#4 from 2005-06-01", "#0 from 2011-09-01"));
}

TEST(HistoryOrderTest, OpenStartSitsAtItsLatestDayAndOpenEndIsMarked) {
  const std::vector<Event> events = Dated({"[..2006-04-04]", "2006-04-04", "[2006-06-29..]", ""});
  EXPECT_THAT(Lines(events),
              ::testing::ElementsAre("#3 undated", "#0 by 2006-04-04 (open start)", "#1 2006-04-04",
                                   "#2 from 2006-06-29 (open end)"));
}

TEST(HistoryOrderTest, CorrectionMovesItsTargetAndAnUndatedNoteSitsWithItsTarget) {
  std::vector<Event> events = Dated({"2006-06-02", "2006-06-29", "", ""});
  auto* fix = events[2].mutable_annotation();
  fix->set_kind(::compact::v1::ANNOTATION_KIND_CORRECTION);
  fix->mutable_target()->set_sequence(0);
  fix->mutable_date()->set_edtf("2006-07-01");
  ASSERT_THAT(CompleteDate(fix->mutable_date(), "annotation.date"), IsOk());
  auto* note = events[3].mutable_annotation();
  note->set_kind(::compact::v1::ANNOTATION_KIND_NOTE);
  note->mutable_target()->set_sequence(1);
  EXPECT_THAT(Lines(events),
              ::testing::ElementsAre("#1 2006-06-29", "#3 2006-06-29 (with #1)",
                                   "#0 2006-07-01 (corrected by #2)", "#2 2006-07-01 (with #0)"));
}

TEST(HistoryOrderTest, SourceSitsAtItsDocumentsDateAndARefAloneFindsTheTarget) {
  std::vector<Event> events = Dated({"", "2011-09", ""});
  auto* source = events[0].mutable_source_registered();
  source->mutable_date()->set_edtf("2004-12-16");
  ASSERT_THAT(CompleteDate(source->mutable_date(), "source_registered.date"), IsOk());
  events[1].set_ref("claim");
  auto* conflict = events[2].mutable_annotation();
  conflict->set_kind(::compact::v1::ANNOTATION_KIND_CONFLICT);
  conflict->mutable_target()->set_ref("claim");
  EXPECT_THAT(Lines(events), ::testing::ElementsAre("#0 2004-12-16", "#1 from 2011-09-01",
                                                  "#2 from 2011-09-01 (with #1)"));
}

TEST(HistoryOrderTest, CorruptStoredDateIsDataLoss) {
  std::vector<Event> events = Dated({"2006"});
  events[0].mutable_date()->set_earliest("not a day");
  absl::StatusOr<std::vector<HistoryPlacement>> order = OrderByDate(Entries(events));
  EXPECT_EQ(order.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace ledger::compact
