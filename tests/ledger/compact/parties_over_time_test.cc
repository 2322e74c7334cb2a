// Parties over time: a party withdraws from a compact, a body is dissolved
// (a PCT replaced by a clinical commissioning group). State at D tells
// current parties from former ones, as precisely as the dates allow, and a
// former party's own steps stay in the report as history. Bad input is
// refused with its reason and appends nothing.
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "ledger/compact/render.h"
#include "ledger/compact/world.h"
#include "tests/ledger/compact/record_json.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::compact {
namespace {

using ::compact::v1::CompactState;
using ::compact::v1::Event;
using ::compact::v1::PartyStatus;
using ::compact::v1::StateReport;
using ::testing::HasSubstr;

constexpr char kCite[] = R"("citations":[{"sourceId":"src","locator":"p1","quote":"words"}])";

std::string With(const std::string& body) { return "{" + body + "," + kCite + "}"; }

// `who` withdraws from `compact` on `edtf` (an occurrence), with `effect`
// (JSON, or empty).
std::string Withdraw(const std::string& who, const std::string& edtf,
                     const std::string& effect = "", const std::string& compact = "c") {
  return With(R"("occurrence":{"action":{"kind":"ACTION_KIND_WITHDRAW_FROM_COMPACT","compactId":")" +
              compact + R"(","bodyIds":[")" + who + R"("]}},"actor":{"bodyId":")" + who +
              R"("},"date":{"edtf":")" + edtf + "\"}" +
              (effect.empty() ? "" : ",\"effect\":" + effect));
}

// `who` is dissolved on `edtf`, replaced by `successor` (or by no one named).
std::string Dissolve(const std::string& who, const std::string& edtf,
                     const std::string& successor = "") {
  return With(R"("occurrence":{"action":{"kind":"ACTION_KIND_DISSOLVE_BODY","bodyIds":[")" + who +
              "\"]" + (successor.empty() ? "" : ",\"successorBodyId\":\"" + successor + "\"") +
              R"(}},"date":{"edtf":")" + edtf + "\"}");
}

class PartiesOverTimeTest : public ::testing::Test {
 protected:
  explicit PartiesOverTimeTest(WorldOptions options = {}) : world_(options) {}

  void SetUp() override {
    Record(R"({"sourceRegistered":{"sourceId":"src","title":"Minutes","date":{"edtf":"2013"}}})");
    for (const char* id : {"council", "vcs", "pct", "ccg", "board"}) {
      Record(With(std::string(R"("bodyRegistered":{"bodyId":")") + id + R"(","name":")" + id +
                  R"(","classification":"CLASSIFICATION_ORGANISATION"})"));
    }
    Record(With(R"("compactRegistered":{"compactId":"c","title":"Compact","scope":"SCOPE_DISTRICT"},"date":{"edtf":"2008"})"));
    // The council adopts it with the VCS as partner; the PCT signs later.
    Record(With(R"("decision":{"kind":"DECISION_KIND_ADOPT","action":{"kind":"ACTION_KIND_ADOPT_COMPACT","compactId":"c","bodyIds":["vcs"]}},"actor":{"bodyId":"council"},"date":{"edtf":"2008-05-01"})"));
    Record(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"c"}},"actor":{"bodyId":"pct"},"date":{"edtf":"2009-02-14"},"ref":"pct-signs")"));
  }

  absl::Status Try(const std::string& json) { return compact::testing::RecordJson(world_, json, &next_); }
  // Records `json`; returns its sequence.
  uint64_t Record(const std::string& json) {
    const uint64_t sequence = next_;
    absl::Status s = Try(json);
    EXPECT_THAT(s, IsOk()) << s << " for " << json;
    return sequence;
  }
  StateReport Report(const std::string& day) {
    absl::StatusOr<StateReport> r = world_.StateAt(*ParseQueryDate(day), "");
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : StateReport();
  }
  CompactState At(const std::string& day) {
    const StateReport r = Report(day);
    return r.compacts().empty() ? CompactState() : r.compacts(0);
  }
  static PartyStatus Party(const CompactState& c, const std::string& body) {
    for (const PartyStatus& p : c.party_statuses()) {
      if (p.body_id() == body) return p;
    }
    ADD_FAILURE() << body << " is not among the parties";
    return PartyStatus();
  }
  static bool Listed(const CompactState& c, const std::string& body) {
    for (const PartyStatus& p : c.party_statuses()) {
      if (p.body_id() == body) return true;
    }
    return false;
  }

  World world_;
  uint64_t next_ = 0;
};

TEST_F(PartiesOverTimeTest, EveryPartyIsCurrentAndCertainBeforeAnyWithdrawal) {
  const CompactState c = At("2010");
  EXPECT_EQ(c.status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  ASSERT_EQ(c.party_statuses_size(), 3);
  for (const PartyStatus& p : c.party_statuses()) {
    EXPECT_EQ(p.standing(), ::compact::v1::PARTY_STANDING_CURRENT) << p.body_id();
    EXPECT_EQ(p.standing_certainty(), ::compact::v1::CERTAINTY_CERTAIN) << p.body_id();
    EXPECT_FALSE(p.has_sequence());
  }
  EXPECT_TRUE(c.withdrawals().empty());
  // Nothing about standing is printed while every party is current.
  EXPECT_THAT(RenderStateText(Report("2010")), ::testing::Not(HasSubstr("FORMER")));
}

TEST_F(PartiesOverTimeTest, AWithdrawnPartyIsFormerFromItsDateAndItsStepStaysHistory) {
  const uint64_t withdrawal = Record(Withdraw("vcs", "2012-03-01"));
  const PartyStatus before = Party(At("2012-02-29"), "vcs");
  EXPECT_EQ(before.standing(), ::compact::v1::PARTY_STANDING_CURRENT);
  EXPECT_EQ(before.standing_certainty(), ::compact::v1::CERTAINTY_CERTAIN);

  const CompactState after = At("2012-03-01");
  const PartyStatus vcs = Party(after, "vcs");
  EXPECT_EQ(vcs.standing(), ::compact::v1::PARTY_STANDING_WITHDRAWN);
  EXPECT_EQ(vcs.since().edtf(), "2012-03-01");
  ASSERT_TRUE(vcs.has_sequence());
  EXPECT_EQ(vcs.sequence(), withdrawal);
  EXPECT_TRUE(vcs.successor().empty());
  // The adoption that named it as partner is kept, and says what it did.
  EXPECT_EQ(vcs.status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  ASSERT_EQ(after.adoptions_size(), 1);
  EXPECT_EQ(Party(after, "council").standing(), ::compact::v1::PARTY_STANDING_CURRENT);
  EXPECT_EQ(after.status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  ASSERT_EQ(after.withdrawals_size(), 1);
  EXPECT_EQ(after.withdrawals(0).body_id(), "vcs");
  EXPECT_EQ(after.withdrawals(0).fact().sequence(), withdrawal);

  const std::string text = RenderStateText(Report("2012-03-01"));
  EXPECT_THAT(text, HasSubstr("  - vcs: was IN_FORCE (former party)\n      FORMER party: withdrew on 2012-03-01 [#" +
                              std::to_string(withdrawal) + "]; its own steps below are history\n"));
  EXPECT_THAT(text, HasSubstr("Withdrawals:\n  - withdrawal by vcs on 2012-03-01 [#"));
}

TEST_F(PartiesOverTimeTest, AWithdrawalWithALaterEffectLeavesThePartyCurrentUntilThen) {
  const uint64_t withdrawal = Record(Withdraw(
      "vcs", "2012-03-01",
      R"({"from":{"edtf":"2012-06-30","asWritten":"30 June 2012"},"asWritten":"with effect from 30 June 2012"})"));
  const PartyStatus notice = Party(At("2012-04"), "vcs");
  EXPECT_EQ(notice.standing(), ::compact::v1::PARTY_STANDING_CURRENT);
  // Decided, and certainly not yet in effect: the standing is certain.
  EXPECT_EQ(notice.standing_certainty(), ::compact::v1::CERTAINTY_CERTAIN);
  EXPECT_THAT(notice.possibly(), HasSubstr("WITHDRAWN (#" + std::to_string(withdrawal) +
                                           ", decided, not yet in effect)"));
  const PartyStatus gone = Party(At("2012-06-30"), "vcs");
  EXPECT_EQ(gone.standing(), ::compact::v1::PARTY_STANDING_WITHDRAWN);
  EXPECT_EQ(gone.since().edtf(), "2012-06-30");
  EXPECT_EQ(gone.since().as_written(), "30 June 2012");
  EXPECT_THAT(RenderStateText(Report("2012-07")),
              HasSubstr("FORMER party: withdrew on 2012-06-30 (\"30 June 2012\")"));
}

TEST_F(PartiesOverTimeTest, AWithdrawalWhoseDayIsNotGivenIsUncertainWithinItsMonth) {
  const uint64_t withdrawal = Record(Withdraw("vcs", "2012-03"));
  const CompactState during = At("2012-03-15");
  const PartyStatus vcs = Party(during, "vcs");
  EXPECT_EQ(vcs.standing(), ::compact::v1::PARTY_STANDING_CURRENT);
  EXPECT_EQ(vcs.standing_certainty(), ::compact::v1::CERTAINTY_UNCERTAIN);
  EXPECT_THAT(vcs.possibly_changed_by(), ::testing::ElementsAre(withdrawal));
  EXPECT_THAT(vcs.possibly(), HasSubstr("WITHDRAWN (#" + std::to_string(withdrawal) +
                                        ", uncertain on this day)"));
  ASSERT_EQ(during.withdrawals_size(), 1);
  EXPECT_EQ(during.withdrawals(0).fact().certainty(), ::compact::v1::CERTAINTY_UNCERTAIN);
  EXPECT_THAT(RenderStateText(Report("2012-03-15")),
              HasSubstr("UNCERTAIN: withdrawal by vcs some day in [2012-03-01 .. 2012-03-31]"));
  // Before its month it is not shown at all; after it, it is certain.
  EXPECT_TRUE(At("2012-02-29").withdrawals().empty());
  const PartyStatus after = Party(At("2012-04-01"), "vcs");
  EXPECT_EQ(after.standing(), ::compact::v1::PARTY_STANDING_WITHDRAWN);
  EXPECT_EQ(after.standing_certainty(), ::compact::v1::CERTAINTY_CERTAIN);
}

TEST_F(PartiesOverTimeTest, ADissolvedBodysSignatureStaysHistoryAndItsSuccessorIsNoParty) {
  const uint64_t dissolution = Record(Dissolve("pct", "2013-03-31", "ccg"));
  EXPECT_EQ(Party(At("2013-03-30"), "pct").standing(), ::compact::v1::PARTY_STANDING_CURRENT);

  const CompactState c = At("2013-04-01");
  const PartyStatus pct = Party(c, "pct");
  EXPECT_EQ(pct.standing(), ::compact::v1::PARTY_STANDING_CEASED);
  EXPECT_EQ(pct.standing_certainty(), ::compact::v1::CERTAINTY_CERTAIN);
  EXPECT_EQ(pct.since().edtf(), "2013-03-31");
  EXPECT_EQ(pct.sequence(), dissolution);
  EXPECT_EQ(pct.successor(), "ccg");
  // Its signature is still in the record, as history.
  ASSERT_EQ(c.signatures_size(), 1);
  EXPECT_EQ(c.signatures(0).body_id(), "pct");
  EXPECT_FALSE(Listed(c, "ccg"));
  EXPECT_EQ(c.status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);

  const StateReport report = Report("2013-04-01");
  ASSERT_EQ(report.other_facts_size(), 1);
  EXPECT_EQ(report.other_facts(0).sequence(), dissolution);
  const std::string text = RenderStateText(report);
  EXPECT_THAT(text, HasSubstr("FORMER party: ceased (body dissolved) on 2013-03-31, replaced by ccg"));
  EXPECT_THAT(text, HasSubstr("HAPPENED: dissolution of pct, replaced by ccg on 2013-03-31"));
}

TEST_F(PartiesOverTimeTest, ACeasedBodyThatHadWithdrawnIsShownCeased) {
  Record(Withdraw("pct", "2012"));
  Record(Dissolve("pct", "2013-03-31"));
  const PartyStatus pct = Party(At("2013-06"), "pct");
  EXPECT_EQ(pct.standing(), ::compact::v1::PARTY_STANDING_CEASED);
  EXPECT_TRUE(pct.successor().empty());
}

TEST_F(PartiesOverTimeTest, WhenEveryPartyHasWithdrawnOrCeasedNoPartyIsCurrent) {
  Record(Withdraw("vcs", "2012-03-01"));
  Record(Withdraw("council", "2012-09-01"));
  Record(Dissolve("pct", "2013-03"));
  EXPECT_EQ(At("2012-12").status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  // The PCT's dissolution is uncertain within March 2013: it may be current.
  const CompactState march = At("2013-03-15");
  EXPECT_EQ(march.status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  EXPECT_EQ(Party(march, "pct").standing_certainty(), ::compact::v1::CERTAINTY_UNCERTAIN);
  const CompactState april = At("2013-04-01");
  EXPECT_EQ(april.status(), ::compact::v1::COMPACT_STATUS_NO_CURRENT_PARTY);
  // Its history is kept whole.
  EXPECT_EQ(april.adoptions_size(), 1);
  EXPECT_EQ(april.signatures_size(), 1);
  EXPECT_EQ(april.withdrawals_size(), 2);
  EXPECT_THAT(RenderStateText(Report("2013-04-01")),
              HasSubstr("Status (from certain facts in effect only): NO_CURRENT_PARTY\n"));
}

TEST_F(PartiesOverTimeTest, APartyNamedOnlyByTheRegistrationMayWithdraw) {
  Record(With(R"("compactRegistered":{"compactId":"named","title":"Named","scope":"SCOPE_DISTRICT","partyIds":["board"]},"date":{"edtf":"2008"})"));
  EXPECT_THAT(Try(Withdraw("board", "2012", "", "named")), IsOk());
}

TEST_F(PartiesOverTimeTest, BadWithdrawalsAndDissolutionsAreRefusedAndAppendNothing) {
  Record(Withdraw("vcs", "2012-03-01"));
  Record(Dissolve("ccg", "2014-01-01"));
  const uint64_t last = world_.state().last_sequence();
  struct Case {
    std::string json;
    absl::StatusCode code;
    std::string says;
  };
  const Case cases[] = {
      {Withdraw("board", "2012"), absl::StatusCode::kFailedPrecondition,
       "action.body_ids: 'board' is not a party of compact 'c' on 2012: no registration, "
       "adoption or signature of the compact names it"},
      {Withdraw("pct", "2008-06"), absl::StatusCode::kFailedPrecondition,
       "its only steps taking the compact up are dated after this withdrawal"},
      {Withdraw("vcs", "2013"), absl::StatusCode::kFailedPrecondition,
       "'vcs' already withdrew from compact 'c' at #"},
      {Withdraw("nobody", "2013"), absl::StatusCode::kNotFound, "body 'nobody' is not registered"},
      {Withdraw("council", "2013-13-45"), absl::StatusCode::kInvalidArgument, "2013-13-45"},
      {With(R"("occurrence":{"action":{"kind":"ACTION_KIND_WITHDRAW_FROM_COMPACT","compactId":"c","bodyIds":["council","pct"]}},"date":{"edtf":"2013"})"),
       absl::StatusCode::kInvalidArgument, "names exactly one body (the withdrawing party), not 2"},
      {With(R"("occurrence":{"action":{"kind":"ACTION_KIND_WITHDRAW_FROM_COMPACT","bodyIds":["council"]}},"date":{"edtf":"2013"})"),
       absl::StatusCode::kInvalidArgument, "action.compact_id is required"},
      {Dissolve("nobody", "2013"), absl::StatusCode::kNotFound,
       "action.body_ids: body 'nobody' is not registered"},
      {Dissolve("pct", "2013", "pct"), absl::StatusCode::kInvalidArgument,
       "action.successor_body_id: 'pct' cannot replace itself"},
      {Dissolve("pct", "2013", "nobody"), absl::StatusCode::kNotFound,
       "action.successor_body_id: body 'nobody' is not registered"},
      {Dissolve("pct", "March 2013"), absl::StatusCode::kInvalidArgument, "March 2013"},
      {Dissolve("ccg", "2015"), absl::StatusCode::kFailedPrecondition,
       "'ccg' was already dissolved at #"},
      {With(R"("occurrence":{"action":{"kind":"ACTION_KIND_DISSOLVE_BODY","compactId":"c","bodyIds":["pct"]}},"date":{"edtf":"2013"})"),
       absl::StatusCode::kInvalidArgument, "DISSOLVE_BODY names no compact"},
      {With(R"("occurrence":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"c","successorBodyId":"ccg"}},"actor":{"bodyId":"board"},"date":{"edtf":"2013"})"),
       absl::StatusCode::kInvalidArgument, "successor_body_id is given on an action that is not DISSOLVE_BODY"},
  };
  for (const Case& c : cases) {
    const absl::Status s = Try(c.json);
    EXPECT_EQ(s.code(), c.code) << s << " for " << c.json;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.says)) << c.json;
    EXPECT_EQ(world_.state().last_sequence(), last) << c.json;
  }
}

TEST_F(PartiesOverTimeTest, ABodyCertainlyDissolvedCannotWithdrawAfterwards) {
  Record(Dissolve("pct", "2013-03-31", "ccg"));
  const absl::Status late = Try(Withdraw("pct", "2013-06"));
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(late.message()), HasSubstr("'pct' was dissolved at #"));
  // On the same day it is no contradiction.
  EXPECT_THAT(Try(Withdraw("pct", "2013-03-31")), IsOk());
}

TEST_F(PartiesOverTimeTest, ARetractedSignatureMakesNoPartyAndARetractedWithdrawalNoFormerOne) {
  Record(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"pct-signs"},"text":"the PCT never signed","retracts":true})"));
  const absl::Status s = Try(Withdraw("pct", "2012"));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  Record(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_WITHDRAW_FROM_COMPACT","compactId":"c","bodyIds":["vcs"]}},"actor":{"bodyId":"vcs"},"date":{"edtf":"2012"},"ref":"vcs-out")"));
  Record(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"vcs-out"},"text":"recorded in error","retracts":true})"));
  EXPECT_EQ(Party(At("2013"), "vcs").standing(), ::compact::v1::PARTY_STANDING_CURRENT);
  // With the first withdrawal retracted, a withdrawal may be recorded again.
  EXPECT_THAT(Try(Withdraw("vcs", "2014")), IsOk());
}

TEST_F(PartiesOverTimeTest, ADissolutionIsStoredInTheDissolvedBodysStream) {
  Event command;
  ASSERT_THAT(google::protobuf::util::JsonStringToMessage(Dissolve("pct", "2013", "ccg"), &command), IsOk());
  absl::StatusOr<Event> prepared = world_.Prepare(command);
  ASSERT_THAT(prepared, IsOk());
  EXPECT_EQ(*World::StreamOf(*prepared), "body/pct");
  ASSERT_THAT(google::protobuf::util::JsonStringToMessage(Withdraw("vcs", "2013"), &command), IsOk());
  prepared = world_.Prepare(command);
  ASSERT_THAT(prepared, IsOk());
  EXPECT_EQ(*World::StreamOf(*prepared), "compact/c");
}

TEST_F(PartiesOverTimeTest, ASnapshotFoldedBeforePartyRecordsExistedChecksTheSameRules) {
  Record(Withdraw("vcs", "2012"));
  ::compact::v1::WorldState old = world_.state();
  for (auto& [id, record] : *old.mutable_compacts()) {
    record.clear_party_steps();
    record.clear_withdrawals();
  }
  absl::StatusOr<World> restored = World::FromState(std::move(old));
  ASSERT_THAT(restored, IsOk());
  world_ = *std::move(restored);
  EXPECT_EQ(Try(Withdraw("pct", "2008-06")).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Try(Withdraw("vcs", "2013")).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Try(Withdraw("pct", "2012")), IsOk());
}

// An auditor's verifier folds without facts: the same rules hold.
class LeanPartiesOverTimeTest : public PartiesOverTimeTest {
 protected:
  LeanPartiesOverTimeTest() : PartiesOverTimeTest(WorldOptions{.keep_facts = false}) {}
};

TEST_F(LeanPartiesOverTimeTest, AWorldThatKeepsNoFactsChecksTheSameRules) {
  EXPECT_EQ(Try(Withdraw("board", "2012")).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Try(Withdraw("pct", "2008-06")).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Try(Withdraw("vcs", "2012")), IsOk());
  EXPECT_EQ(Try(Withdraw("vcs", "2013")).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Try(Dissolve("pct", "2013", "ccg")), IsOk());
  EXPECT_EQ(Try(Dissolve("pct", "2014")).code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ledger::compact
