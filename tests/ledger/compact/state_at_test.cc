// State at a date with effect (a decision may take effect later than it is
// made, from a date or on another event) and scope (a supersession for some
// parties only), and the refusal of malformed effects.
#include "ledger/compact/state_at.h"

#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "absl/time/civil_time.h"
#include "ledger/compact/render.h"
#include "ledger/compact/world.h"
#include "tests/ledger/compact/record_json.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::compact {
namespace {

using ::compact::v1::CompactState;
using ::compact::v1::Event;
using ::compact::v1::StateReport;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kCite[] = R"("citations":[{"sourceId":"src","locator":"p1","quote":"words"}])";

std::string With(const std::string& body) { return "{" + body + "," + kCite + "}"; }

class StateAtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Record(R"({"sourceRegistered":{"sourceId":"src","title":"Minutes","date":{"edtf":"2011"}}})");
    for (const char* id : {"council", "vcs", "board"}) {
      Record(With(std::string(R"("bodyRegistered":{"bodyId":")") + id + R"(","name":")" + id +
                  R"(","classification":"CLASSIFICATION_COUNCIL"})"));
    }
    Record(With(R"("compactRegistered":{"compactId":"c2008","title":"2008 Compact","scope":"SCOPE_DISTRICT","partyIds":["council","vcs"]},"date":{"edtf":"2005"})"));
    Record(With(R"("compactRegistered":{"compactId":"c2010","title":"2010 Compact","scope":"SCOPE_DISTRICT"},"date":{"edtf":"2010"})"));
    Record(Adopt("c2008", "2005-03-01", ""));
  }

  absl::Status Try(const std::string& json) { return compact::testing::RecordJson(world_, json, &next_); }
  void Record(const std::string& json) {
    absl::Status s = Try(json);
    ASSERT_THAT(s, IsOk()) << s << " for " << json;
  }
  CompactState At(const std::string& day, const std::string& id) {
    absl::StatusOr<StateReport> r = world_.StateAt(*ParseQueryDate(day), id);
    EXPECT_THAT(r, IsOk());
    if (!r.ok() || r->compacts().empty()) return CompactState();
    return r->compacts(0);
  }
  std::string Text(const std::string& day) {
    return RenderStateText(*world_.StateAt(*ParseQueryDate(day), ""));
  }

  // The council adopts `id` on `edtf`, with `effect` (JSON, or empty).
  static std::string Adopt(const std::string& id, const std::string& edtf,
                           const std::string& effect, const std::string& ref = "") {
    return With(R"("decision":{"kind":"DECISION_KIND_ADOPT","action":{"kind":"ACTION_KIND_ADOPT_COMPACT","compactId":")" +
                id + R"(","bodyIds":["vcs"]}},"actor":{"bodyId":"council"},"date":{"edtf":")" + edtf +
                "\"}" + (effect.empty() ? "" : ",\"effect\":" + effect) +
                (ref.empty() ? "" : ",\"ref\":\"" + ref + "\""));
  }
  // The council decides that c2010 supersedes c2008, for `for_ids` (JSON
  // array, or empty for everyone).
  static std::string Supersede(const std::string& edtf, const std::string& effect,
                               const std::string& for_ids = "") {
    return With(R"("decision":{"kind":"DECISION_KIND_ADOPT","action":{"kind":"ACTION_KIND_SUPERSEDE_COMPACT","compactId":"c2010","otherCompactId":"c2008")" +
                (for_ids.empty() ? "" : ",\"bodyIds\":" + for_ids) +
                R"(}},"actor":{"bodyId":"council"},"date":{"edtf":")" + edtf + "\"}" +
                (effect.empty() ? "" : ",\"effect\":" + effect));
  }

  World world_;
  uint64_t next_ = 0;
};

constexpr char kFromNewYear[] =
    R"({"from":{"edtf":"2011-01-01","asWritten":"1 January 2011"},"asWritten":"with effect from 1 January 2011"})";

TEST_F(StateAtTest, DecisionWithEffectFromALaterDateIsDecidedButNotInEffectUntilThen) {
  Record(Adopt("c2010", "2010-11-30", kFromNewYear));
  Record(Supersede("2010-11-30", kFromNewYear));
  const CompactState old_one = At("2010-12-15", "c2008");
  EXPECT_EQ(old_one.status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  ASSERT_EQ(old_one.superseded_by_size(), 1);
  const auto& fact = old_one.superseded_by(0).fact();
  EXPECT_EQ(fact.certainty(), ::compact::v1::CERTAINTY_CERTAIN);
  EXPECT_EQ(fact.effect().status(), ::compact::v1::EFFECT_STATUS_NOT_YET);
  EXPECT_EQ(fact.effective_date().edtf(), "2010-11-30");
  EXPECT_EQ(fact.effect().starts().edtf(), "2011-01-01");
  EXPECT_THAT(fact.effect().because(), HasSubstr("decided 2010-11-30, takes effect 2011-01-01"));
  const CompactState new_one = At("2010-12-15", "c2010");
  EXPECT_EQ(new_one.status(), ::compact::v1::COMPACT_STATUS_DECIDED_NOT_IN_EFFECT);
  EXPECT_THAT(Text("2010-12-15"), HasSubstr("DECIDED, NOT YET IN EFFECT"));
  EXPECT_EQ(At("2011-01-01", "c2008").status(), ::compact::v1::COMPACT_STATUS_SUPERSEDED);
  EXPECT_EQ(At("2011-01-01", "c2010").status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
}

TEST_F(StateAtTest, EveryDayBetweenDecisionAndEffectReplaysAsDecidedNotInEffect) {
  Record(Adopt("c2010", "2010-11-30", kFromNewYear));
  Record(Supersede("2010-11-30", kFromNewYear));
  for (absl::CivilDay day(2010, 11, 25); day <= absl::CivilDay(2011, 1, 5); ++day) {
    const std::string d = absl::FormatCivilTime(day);
    const bool decided = day >= absl::CivilDay(2010, 11, 30);
    const bool in_effect = day >= absl::CivilDay(2011, 1, 1);
    EXPECT_EQ(At(d, "c2008").status(), in_effect ? ::compact::v1::COMPACT_STATUS_SUPERSEDED
                                                 : ::compact::v1::COMPACT_STATUS_IN_FORCE)
        << d;
    const CompactState new_one = At(d, "c2010");
    EXPECT_EQ(new_one.status(), in_effect ? ::compact::v1::COMPACT_STATUS_IN_FORCE
                                : decided ? ::compact::v1::COMPACT_STATUS_DECIDED_NOT_IN_EFFECT
                                          : ::compact::v1::COMPACT_STATUS_IN_DEVELOPMENT)
        << d;
    EXPECT_EQ(new_one.adoptions_size(), decided ? 1 : 0) << d;
  }
}

TEST_F(StateAtTest, ImmediateEffectIsInEffectFromItsOwnDate) {
  Record(Supersede("2010-11-30", R"({"immediate":true,"asWritten":"with immediate effect"})"));
  const CompactState old_one = At("2010-11-30", "c2008");
  EXPECT_EQ(old_one.status(), ::compact::v1::COMPACT_STATUS_SUPERSEDED);
  EXPECT_EQ(old_one.superseded_by(0).fact().effect().status(),
            ::compact::v1::EFFECT_STATUS_IN_EFFECT);
  EXPECT_EQ(At("2010-11-29", "c2008").status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
}

TEST_F(StateAtTest, EffectOnAnEventStartsWithThatEventsDateAndSharesItsUncertainty) {
  Record(Adopt("c2010", "[2006-06-29..2011-09]", "", "adoption"));
  Record(Supersede("[2006-06-29..2011-09]",
                   R"({"onEvent":{"ref":"adoption"},"asWritten":"with immediate effect"})"));
  const CompactState old_one = At("2006-07-01", "c2008");
  EXPECT_EQ(old_one.status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  const auto& fact = old_one.superseded_by(0).fact();
  EXPECT_EQ(fact.effect().status(), ::compact::v1::EFFECT_STATUS_UNCERTAIN);
  EXPECT_EQ(fact.effect().on_event_sequence(), world_.state().refs().at("adoption"));
  EXPECT_EQ(fact.effect().starts().edtf(), "[2006-06-29..2011-09]");
  EXPECT_EQ(At("2011-10-01", "c2008").status(), ::compact::v1::COMPACT_STATUS_SUPERSEDED);
}

TEST_F(StateAtTest, CertainDecisionWhoseEventIsLaterWaitsForIt) {
  Record(Adopt("c2010", "2007-03", "", "adoption"));
  Record(Supersede("2006-07", R"({"onEvent":{"ref":"adoption"},"asWritten":"on adoption"})"));
  EXPECT_EQ(At("2006-12-31", "c2008").superseded_by(0).fact().effect().status(),
            ::compact::v1::EFFECT_STATUS_NOT_YET);
  EXPECT_EQ(At("2006-12-31", "c2008").status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  const CompactState during = At("2007-03-15", "c2008");
  EXPECT_EQ(during.superseded_by(0).fact().effect().status(),
            ::compact::v1::EFFECT_STATUS_UNCERTAIN);
  ASSERT_FALSE(during.uncertain().empty());
  EXPECT_EQ(At("2007-04-01", "c2008").status(), ::compact::v1::COMPACT_STATUS_SUPERSEDED);
}

TEST_F(StateAtTest, DecisionCertainWithUncertainEffectIsUncertainInEffect) {
  Record(Supersede("2010-11-30", R"({"from":{"edtf":"2011"},"asWritten":"from next year"})"));
  const CompactState c = At("2011-06-30", "c2008");
  EXPECT_EQ(c.status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  EXPECT_EQ(c.superseded_by(0).fact().certainty(), ::compact::v1::CERTAINTY_CERTAIN);
  EXPECT_EQ(c.superseded_by(0).fact().effect().status(), ::compact::v1::EFFECT_STATUS_UNCERTAIN);
  ASSERT_EQ(c.uncertain_size(), 1);
  EXPECT_THAT(Text("2011-06-30"), HasSubstr("effect UNCERTAIN"));
  EXPECT_EQ(At("2012-01-01", "c2008").status(), ::compact::v1::COMPACT_STATUS_SUPERSEDED);
}

TEST_F(StateAtTest, EffectWaitingForARetractedEventNeverStarts) {
  Record(Adopt("c2010", "2007-03", "", "adoption"));
  Record(Supersede("2006-07", R"({"onEvent":{"ref":"adoption"},"asWritten":"on adoption"})"));
  Record(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"adoption"},"text":"never adopted","retracts":true})"));
  const CompactState c = At("2020", "c2008");
  EXPECT_EQ(c.status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  EXPECT_EQ(c.superseded_by(0).fact().effect().status(), ::compact::v1::EFFECT_STATUS_NOT_YET);
  EXPECT_THAT(c.superseded_by(0).fact().effect().because(), HasSubstr("retracted"));
}

TEST_F(StateAtTest, EndorsingBeforeTheEffectStartsIsAllowedAfterItIsRefused) {
  Record(Supersede("2010-11-30", kFromNewYear));
  auto endorse = [](const std::string& edtf) {
    return With(R"("decision":{"kind":"DECISION_KIND_ENDORSE","action":{"kind":"ACTION_KIND_ENDORSE_COMPACT","compactId":"c2008"}},"actor":{"bodyId":"board"},"date":{"edtf":")" +
                edtf + "\"}");
  };
  EXPECT_THAT(Try(endorse("2010-12-15")), IsOk());
  absl::Status late = Try(endorse("2011-02"));
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(late.message()), HasSubstr("in effect by 2011-01-01"));
}

TEST_F(StateAtTest, SupersessionForOnePartyLeavesTheCompactInForceForTheOthers) {
  Record(Supersede("2010-11-30", "", R"(["council"])"));
  const CompactState c = At("2011", "c2008");
  EXPECT_EQ(c.status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  ASSERT_EQ(c.party_statuses_size(), 2);
  EXPECT_EQ(c.party_statuses(0).body_id(), "council");
  EXPECT_EQ(c.party_statuses(0).status(), ::compact::v1::COMPACT_STATUS_SUPERSEDED);
  EXPECT_EQ(c.party_statuses(1).body_id(), "vcs");
  EXPECT_EQ(c.party_statuses(1).status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  EXPECT_THAT(Text("2011"), HasSubstr("Status per party:\n  - council: SUPERSEDED\n  - vcs: IN_FORCE\n"));
  // The other party may still take it up; the council may not.
  auto sign = [](const std::string& who) {
    return With(R"("occurrence":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"c2008"}},"actor":{"bodyId":")" +
                who + R"("},"date":{"edtf":"2012"})");
  };
  EXPECT_THAT(Try(sign("vcs")), IsOk());
  EXPECT_EQ(Try(sign("council")).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(StateAtTest, SupersessionForEveryKnownPartySupersedesTheCompact) {
  Record(Supersede("2010-11-30", "", R"(["council","vcs"])"));
  EXPECT_EQ(At("2011", "c2008").status(), ::compact::v1::COMPACT_STATUS_SUPERSEDED);
}

TEST_F(StateAtTest, UncertainSupersessionForOnePartyIsShownAsPossible) {
  Record(Supersede("[2010-06..2011-09]", "", R"(["council"])"));
  const CompactState c = At("2010-12", "c2008");
  EXPECT_EQ(c.party_statuses(0).status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  EXPECT_THAT(c.party_statuses(0).possibly(), HasSubstr("SUPERSEDED by c2010"));
  EXPECT_TRUE(c.party_statuses(1).possibly().empty());
}

TEST_F(StateAtTest, MalformedEffectsAreRefusedAndAppendNothing) {
  Record(With(R"("proposal":{"addressedTo":"council","action":{"kind":"ACTION_KIND_ADOPT_COMPACT","compactId":"c2010"}},"actor":{"bodyId":"board"},"date":{"edtf":"2010"},"ref":"proposal")"));
  const uint64_t before = world_.state().last_sequence();
  struct Case {
    std::string json;
    absl::StatusCode code;
    std::string says;
  };
  const Case cases[] = {
      {Adopt("c2010", "2010-11-30", R"({"asWritten":"soon"})"), absl::StatusCode::kInvalidArgument,
       "says nothing about when"},
      {Adopt("c2010", "2010-11-30", R"({"immediate":false,"asWritten":"x"})"),
       absl::StatusCode::kInvalidArgument, "immediate is false"},
      {Adopt("c2010", "2010-11-30", R"({"immediate":true})"), absl::StatusCode::kInvalidArgument,
       "as_written"},
      {Adopt("c2010", "2010-11-30", R"({"from":{"edtf":"January 2011"},"asWritten":"x"})"),
       absl::StatusCode::kInvalidArgument, "effect.from"},
      {Adopt("c2010", "2010-11-30", R"({"onEvent":{"ref":"nothing"},"asWritten":"x"})"),
       absl::StatusCode::kNotFound, "effect.on_event"},
      {Adopt("c2010", "2010-11-30", R"({"onEvent":{"ref":"proposal"},"asWritten":"x"})"),
       absl::StatusCode::kInvalidArgument, "not a decision or occurrence"},
      {With(R"("plan":{"action":{"kind":"ACTION_KIND_ADOPT_COMPACT","compactId":"c2010"}},"actor":{"bodyId":"council"},"date":{"edtf":"2010"},"effect":{"immediate":true,"asWritten":"x"})"),
       absl::StatusCode::kInvalidArgument, "not a decision or an occurrence"},
  };
  for (const Case& c : cases) {
    absl::Status s = Try(c.json);
    EXPECT_EQ(s.code(), c.code) << c.json << ": " << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.says)) << c.json;
  }
  EXPECT_EQ(world_.state().last_sequence(), before);
}

// The board is asked to agree a timetable; its plan to sign waits for the
// consultation the timetable also plans.
class ProposedPlansTest : public StateAtTest {
 protected:
  void SetUp() override {
    StateAtTest::SetUp();
    Record(With(R"("proposal":{"addressedTo":"board","requested":"DECISION_KIND_AGREE","action":{"kind":"ACTION_KIND_AGREE_TIMETABLE","compactId":"c2010","items":["draft by September","consult to December"]}},"actor":{"bodyId":"council"},"date":{"edtf":"2011-09"},"ref":"timetable")"));
    Record(With(R"("plan":{"action":{"kind":"ACTION_KIND_DRAFT_COMPACT","compactId":"c2010"},"due":{"edtf":"[..2011-09]"},"proposedIn":{"ref":"timetable"}},"actor":{"bodyId":"council"},"date":{"edtf":"2011-09"},"ref":"draft")"));
    Record(With(R"("plan":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"c2010","condition":"Following consultation"},"after":{"ref":"draft"}},"actor":{"bodyId":"vcs"},"date":{"edtf":"2011-09"},"ref":"sign")"));
  }
  ::compact::v1::PlanStatus Status(const std::string& day, const std::string& ref) {
    const uint64_t sequence = world_.state().refs().at(ref);
    const CompactState state = At(day, "c2010");
    for (const auto& plan : state.plans()) {
      if (plan.fact().sequence() == sequence) return plan.status();
    }
    return ::compact::v1::PLAN_STATUS_UNSPECIFIED;
  }
};

TEST_F(ProposedPlansTest, PlanOfAnUnagreedProposalIsProposedNeverOverdue) {
  EXPECT_EQ(Status("2011-10-15", "draft"), ::compact::v1::PLAN_STATUS_PROPOSED);
  EXPECT_EQ(Status("2013", "draft"), ::compact::v1::PLAN_STATUS_PROPOSED);
  EXPECT_THAT(Text("2011-10-15"), HasSubstr("PROPOSED in #"));
  EXPECT_THAT(Text("2011-10-15"), Not(HasSubstr("OVERDUE")));
}

TEST_F(ProposedPlansTest, AgreementMakesThePlanDueAndThenOverdue) {
  Record(With(R"("decision":{"kind":"DECISION_KIND_AGREE","action":{"kind":"ACTION_KIND_AGREE_TIMETABLE","compactId":"c2010","items":["draft by September"]}},"actor":{"bodyId":"board"},"date":{"edtf":"2011-09-20"})"));
  EXPECT_EQ(Status("2011-09-19", "draft"), ::compact::v1::PLAN_STATUS_PROPOSED);
  EXPECT_EQ(Status("2011-09-25", "draft"), ::compact::v1::PLAN_STATUS_PENDING);
  EXPECT_EQ(Status("2011-10-15", "draft"), ::compact::v1::PLAN_STATUS_OVERDUE);
}

TEST_F(ProposedPlansTest, RejectionLeavesThePlanProposed) {
  Record(With(R"("decision":{"kind":"DECISION_KIND_REJECT","action":{"kind":"ACTION_KIND_AGREE_TIMETABLE","compactId":"c2010","items":["draft by September"]}},"actor":{"bodyId":"board"},"date":{"edtf":"2011-09-20"})"));
  EXPECT_EQ(Status("2011-10-15", "draft"), ::compact::v1::PLAN_STATUS_PROPOSED);
}

TEST_F(ProposedPlansTest, PlanAfterAnotherWaitsUntilThatOneIsMet) {
  EXPECT_EQ(Status("2011-12-31", "sign"), ::compact::v1::PLAN_STATUS_WAITING);
  EXPECT_THAT(Text("2011-12-31"), HasSubstr("WAITING for #"));
  Record(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_DRAFT_COMPACT","compactId":"c2010"}},"actor":{"bodyId":"council"},"date":{"edtf":"2012-02"})"));
  // The draft's day in February 2012 is not known: still waiting on 2012-02-10.
  EXPECT_EQ(Status("2012-02-10", "sign"), ::compact::v1::PLAN_STATUS_WAITING);
  EXPECT_EQ(Status("2012-03-01", "sign"), ::compact::v1::PLAN_STATUS_PENDING);
  // Met, even though the proposal holding the draft plan was never agreed.
  EXPECT_EQ(Status("2012-03-01", "draft"), ::compact::v1::PLAN_STATUS_MET);
}

TEST_F(ProposedPlansTest, PlanAfterADecisionWaitsForItsEffect) {
  Record(Adopt("c2010", "2010-11-30", kFromNewYear, "adoption"));
  Record(With(R"("plan":{"action":{"kind":"ACTION_KIND_REVIEW_COMPACT","compactId":"c2010"},"due":{"edtf":"2012"},"after":{"ref":"adoption"}},"actor":{"bodyId":"council"},"date":{"edtf":"2010-11-30"},"ref":"review")"));
  EXPECT_EQ(Status("2010-12-15", "review"), ::compact::v1::PLAN_STATUS_WAITING);
  EXPECT_EQ(Status("2011-01-02", "review"), ::compact::v1::PLAN_STATUS_PENDING);
  EXPECT_EQ(Status("2013-01-02", "review"), ::compact::v1::PLAN_STATUS_OVERDUE);
}

TEST_F(ProposedPlansTest, MalformedProposedInAndAfterAreRefusedAndAppendNothing) {
  const uint64_t before = world_.state().last_sequence();
  struct Case {
    std::string json;
    absl::StatusCode code;
    std::string says;
  };
  const Case cases[] = {
      {With(R"("plan":{"action":{"kind":"ACTION_KIND_REVIEW_COMPACT","compactId":"c2010"},"proposedIn":{"ref":"draft"}},"actor":{"bodyId":"council"},"date":{"edtf":"2011"})"),
       absl::StatusCode::kInvalidArgument, "not a proposal"},
      {With(R"("plan":{"action":{"kind":"ACTION_KIND_REVIEW_COMPACT","compactId":"c2010"},"after":{"ref":"timetable"}},"actor":{"bodyId":"council"},"date":{"edtf":"2011"})"),
       absl::StatusCode::kInvalidArgument, "not a decision, occurrence or plan"},
      {With(R"("plan":{"action":{"kind":"ACTION_KIND_REVIEW_COMPACT","compactId":"c2010"},"after":{"ref":"nothing"}},"actor":{"bodyId":"council"},"date":{"edtf":"2011"})"),
       absl::StatusCode::kNotFound, "plan.after"},
  };
  for (const Case& c : cases) {
    absl::Status s = Try(c.json);
    EXPECT_EQ(s.code(), c.code) << c.json << ": " << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.says)) << c.json;
  }
  EXPECT_EQ(world_.state().last_sequence(), before);
}

TEST_F(StateAtTest, EffectSurvivesASnapshot) {
  Record(Adopt("c2010", "2010-11-30", kFromNewYear));
  absl::StatusOr<World> restored = World::FromState(world_.state());
  ASSERT_THAT(restored, IsOk());
  auto report = restored->StateAt(*ParseQueryDate("2010-12-15"), "c2010");
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->compacts(0).status(), ::compact::v1::COMPACT_STATUS_DECIDED_NOT_IN_EFFECT);
}

}  // namespace
}  // namespace ledger::compact
