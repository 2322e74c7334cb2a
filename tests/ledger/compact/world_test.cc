// Lifecycle rules of World::Prepare/Apply (each allowed and refused), the
// fold, annotations and corrections, and StateAt on small worlds.
#include "ledger/compact/world.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "ledger/compact/render.h"
#include "ledger/compact/state_at.h"
#include "ledger/compact/steps.h"
#include "ledger/compact/streams.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::compact {
namespace {

using ::compact::v1::Event;
using ::testing::HasSubstr;

Event E(const std::string& json) {
  Event event;
  auto status = google::protobuf::util::JsonStringToMessage(json, &event);
  EXPECT_THAT(status, IsOk()) << status.ToString() << " in " << json;
  return event;
}

constexpr char kCite[] =
    R"("citations":[{"sourceId":"src","locator":"p1","quote":"words"}])";

std::string With(const std::string& body) {
  return "{" + body + "," + kCite + "}";
}

class WorldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Record(R"({"sourceRegistered":{"sourceId":"src","title":"A paper","date":{"edtf":"2011-09"}}})");
    for (const char* id : {"council", "board", "vcs", "mediator-body"}) {
      Record(With(std::string(R"("bodyRegistered":{"bodyId":")") + id +
                  R"(","name":")" + id + R"(","classification":"CLASSIFICATION_COUNCIL"})"));
    }
    Record(With(R"("compactRegistered":{"compactId":"old","title":"Old","scope":"SCOPE_DISTRICT"},"date":{"edtf":"2005"})"));
    Record(With(R"("compactRegistered":{"compactId":"new","title":"New","scope":"SCOPE_COUNTY"},"date":{"edtf":"2006"})"));
  }

  // Prepares and applies `json`; returns Prepare's status.
  absl::Status Try(const std::string& json) {
    absl::StatusOr<Event> event = world_.Prepare(E(json));
    if (!event.ok()) return event.status();
    return world_.Apply(*event, EventMeta{next_++, 1000, "test"});
  }
  void Record(const std::string& json) {
    absl::Status s = Try(json);
    ASSERT_THAT(s, IsOk()) << s << " for " << json;
  }
  ::compact::v1::StateReport At(const std::string& day, const std::string& id = "") {
    absl::StatusOr<::compact::v1::StateReport> r =
        StateAt(world_.state(), *ParseQueryDate(day), id);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : ::compact::v1::StateReport();
  }

  World world_;
  uint64_t next_ = 0;
};

std::string Step(const std::string& category, const std::string& kind,
                 const std::string& compact, const std::string& edtf,
                 const std::string& actor = "council", const std::string& extra = "") {
  return With("\"" + category + "\":{" + extra + (extra.empty() ? "" : ",") +
              R"("action":{"kind":"ACTION_KIND_)" + kind + R"(","compactId":")" + compact +
              R"("}},"actor":{"bodyId":")" + actor + R"("},"date":{"edtf":")" + edtf + "\"}");
}

// The board recommends adopting compact `compact`, responding to `target`
// (a JSON EventRef).
std::string Recommendation(const std::string& target, const std::string& compact = "new",
                           const std::string& edtf = "2006-06-29") {
  return Step("decision", "ADOPT_COMPACT", compact, edtf, "board",
              R"("kind":"DECISION_KIND_RECOMMEND","recommendedTo":"council","respondsTo":)" +
                  target);
}

std::string Sequence(uint64_t sequence) {
  return R"({"sequence":")" + std::to_string(sequence) + "\"}";
}

std::string Supersede(const std::string& edtf) {
  return With(R"("decision":{"kind":"DECISION_KIND_ADOPT","action":{"kind":"ACTION_KIND_SUPERSEDE_COMPACT","compactId":"new","otherCompactId":"old","condition":"with immediate effect"}},"actor":{"bodyId":"council"},"date":{"edtf":")" + edtf + "\"}");
}

std::string Mediation(const std::string& kind, const std::string& edtf,
                      const std::string& details = "") {
  return With(R"("occurrence":{"action":{"kind":"ACTION_KIND_)" + kind +
              R"(","mediation":{"caseId":"case-1")" + details + R"(}}},"date":{"edtf":")" + edtf + "\"}");
}

constexpr char kRequest[] = R"(,"requestedBy":"vcs","against":"council","issue":"funding cut")";

TEST_F(WorldTest, RegisteringAnIdTwiceIsAlreadyExists) {
  EXPECT_EQ(Try(With(R"("compactRegistered":{"compactId":"old","title":"Again","scope":"SCOPE_DISTRICT"})")).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(WorldTest, MissingIdIsInvalidArgument) {
  EXPECT_EQ(Try(With(R"("bodyRegistered":{"name":"x","classification":"CLASSIFICATION_BOARD"})")).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(WorldTest, StepOnUnknownCompactIsNotFound) {
  absl::Status s = Try(Step("occurrence", "SIGN_COMPACT", "nope", "2006"));
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.message()), HasSubstr("register it"));
}

TEST_F(WorldTest, StepByUnknownBodyIsNotFound) {
  EXPECT_EQ(Try(Step("occurrence", "SIGN_COMPACT", "new", "2006", "nobody")).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(WorldTest, DateWhoseEarliestIsAfterLatestIsRefused) {
  absl::Status s = Try(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"new"}},"actor":{"bodyId":"council"},"date":{"edtf":"2006","earliest":"2006-12-31","latest":"2006-01-01"})"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("after latest"));
}

TEST_F(WorldTest, GivenBoundsMustMatchTheEdtf) {
  EXPECT_EQ(Try(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"new"}},"actor":{"bodyId":"council"},"date":{"edtf":"2006-06","earliest":"2006-06-15"})")).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(WorldTest, PrepareFillsBoundsFromEdtfAndInventsNothing) {
  absl::StatusOr<Event> e = world_.Prepare(E(Step("occurrence", "SIGN_COMPACT", "new", "[..2006-09]")));
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->date().earliest(), "");
  EXPECT_EQ(e->date().latest(), "2006-09-30");
  EXPECT_EQ(e->date().as_written(), "");
}

TEST_F(WorldTest, MalformedEdtfIsInvalidArgument) {
  EXPECT_EQ(Try(Step("occurrence", "SIGN_COMPACT", "new", "June 2006")).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(WorldTest, UnsetOrUnknownEnumIsInvalidArgument) {
  EXPECT_EQ(Try(With(R"("decision":{"action":{"kind":"ACTION_KIND_ADOPT_COMPACT","compactId":"new"}},"actor":{"bodyId":"council"},"date":{"edtf":"2006"})")).code(),
            absl::StatusCode::kInvalidArgument);
  Event unknown = E(Step("occurrence", "SIGN_COMPACT", "new", "2006"));
  unknown.mutable_occurrence()->mutable_action()->set_kind(static_cast<::compact::v1::ActionKind>(999));
  EXPECT_EQ(world_.Prepare(unknown).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(WorldTest, EventWithoutCitationIsRefused) {
  EXPECT_EQ(Try(R"({"occurrence":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"new"}},"actor":{"bodyId":"council"},"date":{"edtf":"2006"}})").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(WorldTest, EndorsingAfterKnownSupersessionIsRefused) {
  Record(Supersede("2006-07"));
  absl::Status s = Try(Step("decision", "ENDORSE_COMPACT", "old", "2007-01-10", "board",
                            R"("kind":"DECISION_KIND_ENDORSE")"));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("superseded"));
}

TEST_F(WorldTest, EndorsementDatedBeforeSupersessionMayBeBackfilled) {
  Record(Supersede("2006-07"));
  EXPECT_THAT(Try(Step("decision", "ENDORSE_COMPACT", "old", "2005-03", "board",
                       R"("kind":"DECISION_KIND_ENDORSE")")), IsOk());
}

TEST_F(WorldTest, PartySigningTwiceIsRefused) {
  Record(Step("occurrence", "SIGN_COMPACT", "new", "2006-06"));
  EXPECT_EQ(Try(Step("occurrence", "SIGN_COMPACT", "new", "2006-07")).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Try(Step("occurrence", "SIGN_COMPACT", "new", "2006-07", "board")), IsOk());
}

TEST_F(WorldTest, PlanToSignIsNotASignature) {
  Record(Step("plan", "SIGN_COMPACT", "new", "2006-05"));
  EXPECT_THAT(Try(Step("occurrence", "SIGN_COMPACT", "new", "2006-06")), IsOk());
}

TEST_F(WorldTest, MediationStepsInOrderAreAccepted) {
  Record(With(R"("compactRegistered":{"compactId":"m","title":"M","scope":"SCOPE_COUNTY"})"));
  Record(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_MEDIATION_REQUESTED","compactId":"new","mediation":{"caseId":"case-1")" +
              std::string(kRequest) + R"(}}},"date":{"edtf":"2010-01-05"})"));
  Record(Mediation("MEDIATION_ACCEPTED", "2010-01-20"));
  Record(Mediation("MEDIATOR_APPOINTED", "2010-02", R"(,"mediatorBodyId":"mediator-body")"));
  Record(Mediation("MEDIATION_MEETING_HELD", "2010-03-01"));
  Record(Mediation("MEDIATION_MEETING_HELD", "2010-03-15"));
  Record(Mediation("MEDIATION_RESOLVED", "2010-04"));
  EXPECT_EQ(world_.state().mediation_cases().at("case-1").stage(),
            ::compact::v1::MEDIATION_STAGE_RESOLVED);
  EXPECT_EQ(Try(Mediation("MEDIATION_ESCALATED", "2010-05")).code(),
            absl::StatusCode::kFailedPrecondition);
  const auto report = At("2010-03-05", "new");
  ASSERT_EQ(report.compacts(0).mediation_cases_size(), 1);
  EXPECT_EQ(report.compacts(0).mediation_cases(0).stage(),
            ::compact::v1::MEDIATION_STAGE_MEETING_HELD);
}

TEST_F(WorldTest, MediationStepOutOfOrderIsRefused) {
  Record(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_MEDIATION_REQUESTED","compactId":"new","mediation":{"caseId":"case-1")" +
              std::string(kRequest) + R"(}}},"date":{"edtf":"2010-01-05"})"));
  Record(Mediation("MEDIATOR_APPOINTED", "2010-02", R"(,"mediatorName":"A. Person")"));
  absl::Status s = Try(Mediation("MEDIATION_ACCEPTED", "2010-03"));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("cannot follow"));
  EXPECT_EQ(Try(Mediation("MEDIATION_MEETING_HELD", "2009-12")).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(WorldTest, MediationStepOnUnknownCaseIsNotFound) {
  EXPECT_EQ(Try(Mediation("MEDIATION_ACCEPTED", "2010-03")).code(), absl::StatusCode::kNotFound);
}

TEST_F(WorldTest, CorrectionNamingNoEarlierEventIsNotFound) {
  EXPECT_EQ(Try(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"sequence":"999"},"text":"wrong"})")).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Try(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"missing"},"text":"wrong"})")).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(WorldTest, CorrectionReplacesDateAndKeepsTheOriginal) {
  Record(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"new"}},"actor":{"bodyId":"council"},"date":{"edtf":"2006-06"},"ref":"sig")"));
  ASSERT_EQ(At("2006-07-01", "new").compacts(0).signatures(0).fact().certainty(),
            ::compact::v1::CERTAINTY_CERTAIN);
  Record(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"sig"},"text":"signed in 2007","date":{"edtf":"2007"}})"));
  const auto report = At("2006-07-01", "new");
  EXPECT_TRUE(report.compacts(0).signatures().empty());
  const auto later = At("2007-06-01", "new");
  ASSERT_EQ(later.compacts(0).signatures_size(), 1);
  const auto& fact = later.compacts(0).signatures(0).fact();
  EXPECT_EQ(fact.certainty(), ::compact::v1::CERTAINTY_UNCERTAIN);
  EXPECT_EQ(fact.event().date().edtf(), "2006-06");
  ASSERT_EQ(fact.annotations_size(), 1);
  EXPECT_EQ(world_.state().facts().rbegin()->event().annotation().target_stream(), "compact/new");
}

TEST_F(WorldTest, RetractionRemovesTheFactFromState) {
  Record(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"new"}},"actor":{"bodyId":"council"},"date":{"edtf":"2006-06"},"ref":"sig")"));
  Record(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"sig"},"text":"never signed","retracts":true})"));
  const auto report = At("2008", "new");
  EXPECT_TRUE(report.compacts(0).signatures().empty());
  EXPECT_EQ(report.compacts(0).retracted_size(), 1);
}

TEST_F(WorldTest, ReplacementCorrectionRetractsTheTargetAndStateShowsTheReplacement) {
  Record(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"new"}},"actor":{"bodyId":"council"},"date":{"edtf":"2006-06"},"ref":"wrong")"));
  const uint64_t wrong = next_ - 1;
  Record(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"new"}},"actor":{"bodyId":"vcs"},"date":{"edtf":"2006-06"},"ref":"right")"));
  const uint64_t right = next_ - 1;
  Record(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"wrong"},"retracts":true,"replacedBy":{"ref":"right"},"text":"signed by the VCS, not the council"})"));
  const uint64_t correction = next_ - 1;
  const auto report = At("2007", "new");
  ASSERT_EQ(report.compacts(0).signatures_size(), 1);
  EXPECT_EQ(report.compacts(0).signatures(0).body_id(), "vcs");
  ASSERT_EQ(report.compacts(0).retracted_size(), 1);
  EXPECT_EQ(report.compacts(0).retracted(0).sequence(), wrong);
  // Both stay in the ledger, linked through the correction.
  const auto& replacement = report.compacts(0).signatures(0).fact();
  ASSERT_EQ(replacement.annotations_size(), 1);
  EXPECT_EQ(replacement.annotations(0).sequence(), correction);
  EXPECT_EQ(replacement.annotations(0).annotation().replaced_by().sequence(), right);
  const std::string text = RenderStateText(report);
  EXPECT_THAT(text, HasSubstr(absl::StrCat("CORRECTION #", correction, " (replaces #", wrong, ")")));
  EXPECT_THAT(text, HasSubstr(absl::StrCat("CORRECTION #", correction, " (replaced by #", right, ")")));
  EXPECT_THAT(RenderEventText(world_.state().facts().rbegin()->event()),
              HasSubstr(absl::StrCat("(retracts it, replaced by #", right, ")")));
}

TEST_F(WorldTest, MalformedReplacementCorrectionsAreRefusedAndFoldNothing) {
  Record(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"new"}},"actor":{"bodyId":"council"},"date":{"edtf":"2006-06"},"ref":"sig")"));
  Record(With(R"("plan":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"new"}},"actor":{"bodyId":"vcs"},"date":{"edtf":"2006-06"},"ref":"plan")"));
  const int before = world_.state().facts_size();
  struct Case { std::string annotation; absl::StatusCode code; std::string words; };
  const Case cases[] = {
      {R"({"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"sig"},"replacedBy":{"ref":"plan"},"text":"t"})",
       absl::StatusCode::kInvalidArgument, "not a retracting CORRECTION"},
      {R"({"kind":"ANNOTATION_KIND_NOTE","target":{"ref":"sig"},"retracts":true,"replacedBy":{"ref":"plan"},"text":"t"})",
       absl::StatusCode::kInvalidArgument, "not a retracting CORRECTION"},
      {R"({"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"sig"},"retracts":true,"replacedBy":{"ref":"sig"},"text":"t"})",
       absl::StatusCode::kInvalidArgument, "the event it retracts"},
      {R"({"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"sig"},"retracts":true,"replacedBy":{"ref":"plan"},"text":"t"})",
       absl::StatusCode::kInvalidArgument, "not the same kind of event"},
      {R"({"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"sig"},"retracts":true,"replacedBy":{"ref":"nothing"},"text":"t"})",
       absl::StatusCode::kNotFound, "replaced_by names ref 'nothing'"},
      {R"({"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"sig"},"retracts":true,"replacedBy":{"sequence":"999"},"text":"t"})",
       absl::StatusCode::kNotFound, "sequence 999"},
  };
  for (const Case& c : cases) {
    const absl::Status s = Try(With(R"("annotation":)" + c.annotation));
    EXPECT_EQ(s.code(), c.code) << s << " for " << c.annotation;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.words)) << c.annotation;
  }
  EXPECT_EQ(world_.state().facts_size(), before);
}

TEST_F(WorldTest, CodeMayBeAgreedWithoutAPlan) {
  Record(With(R"("codeRegistered":{"codeId":"eq","compactId":"new","title":"Equality"})"));
  EXPECT_THAT(Try(With(R"("decision":{"kind":"DECISION_KIND_AGREE","action":{"kind":"ACTION_KIND_AGREE_CODE","compactId":"new","codeIds":["eq"]}},"actor":{"bodyId":"board"},"date":{"edtf":"2008"})")), IsOk());
  const auto report = At("2009", "new");
  ASSERT_EQ(report.compacts(0).codes_size(), 1);
  EXPECT_EQ(report.compacts(0).codes(0).status(), ::compact::v1::CODE_STATUS_AGREED);
}

TEST_F(WorldTest, CodeOfAnotherCompactIsRefused) {
  Record(With(R"("codeRegistered":{"codeId":"eq","compactId":"old","title":"Equality"})"));
  EXPECT_EQ(Try(With(R"("decision":{"kind":"DECISION_KIND_AGREE","action":{"kind":"ACTION_KIND_AGREE_CODE","compactId":"new","codeIds":["eq"]}},"actor":{"bodyId":"board"},"date":{"edtf":"2008"})")).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(WorldTest, CompactMayBeAdoptedWithNoEarlierStep) {
  EXPECT_THAT(Try(Step("decision", "ADOPT_COMPACT", "new", "2006-09", "council",
                       R"("kind":"DECISION_KIND_ADOPT")")), IsOk());
  EXPECT_EQ(At("2007", "new").compacts(0).status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
}

TEST_F(WorldTest, EndorseDecisionCannotAdopt) {
  EXPECT_EQ(Try(Step("decision", "ADOPT_COMPACT", "new", "2006", "council",
                     R"("kind":"DECISION_KIND_ENDORSE")")).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(WorldTest, ProposalAndRecommendationAreNeverAdoptions) {
  Record(Step("proposal", "ADOPT_COMPACT", "new", "2006-06-29", "council",
              R"("addressedTo":"board","requested":"DECISION_KIND_RECOMMEND","recommendTo":"council")"));
  Record(Step("decision", "ADOPT_COMPACT", "new", "2006-06-29", "board",
              R"("kind":"DECISION_KIND_RECOMMEND","recommendedTo":"council")"));
  const auto c = At("2006-07-01", "new").compacts(0);
  EXPECT_TRUE(c.adoptions().empty());
  EXPECT_EQ(c.recommendations_size(), 1);
  EXPECT_EQ(c.resolved_proposals_size(), 1);
  EXPECT_TRUE(c.open_proposals().empty());
  EXPECT_NE(c.status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
}

TEST_F(WorldTest, PlanIsOverdueThenMet) {
  Record(With(R"("plan":{"action":{"kind":"ACTION_KIND_REVIEW_COMPACT","compactId":"new"},"due":{"edtf":"[..2008-03]"}},"actor":{"bodyId":"board"},"date":{"edtf":"2007"})"));
  Record(Step("occurrence", "REVIEW_COMPACT", "new", "2009-02", "board"));
  EXPECT_EQ(At("2008-02-01", "new").compacts(0).plans(0).status(), ::compact::v1::PLAN_STATUS_PENDING);
  EXPECT_EQ(At("2008-06-01", "new").compacts(0).plans(0).status(), ::compact::v1::PLAN_STATUS_OVERDUE);
  EXPECT_EQ(At("2009-03-01", "new").compacts(0).plans(0).status(), ::compact::v1::PLAN_STATUS_MET);
}

TEST_F(WorldTest, FactsStartingAfterTheDayAreLeftOut) {
  Record(Step("occurrence", "SIGN_COMPACT", "new", "[2006-06-29..]"));
  EXPECT_TRUE(At("2006-06-28", "new").compacts(0).signatures().empty());
  EXPECT_EQ(At("2030", "new").compacts(0).signatures(0).fact().certainty(),
            ::compact::v1::CERTAINTY_UNCERTAIN);
}

TEST_F(WorldTest, StateAtUnknownCompactIsNotFound) {
  EXPECT_EQ(StateAt(world_.state(), CivilDay{2006, 1, 1}, "nope").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(WorldTest, ApplyRefusesContradictionWithDataLoss) {
  Record(Step("occurrence", "SIGN_COMPACT", "new", "2006-06"));
  Event twice = E(Step("occurrence", "SIGN_COMPACT", "new", "2006-07"));
  EXPECT_EQ(world_.Apply(twice, EventMeta{next_++, 0, "x"}).code(), absl::StatusCode::kDataLoss);
}

TEST_F(WorldTest, ApplyRefusesSequenceThatDoesNotFollow) {
  Event e = E(Step("occurrence", "SIGN_COMPACT", "new", "2006-06"));
  EXPECT_EQ(world_.Apply(e, EventMeta{0, 0, "x"}).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(WorldTest, StreamOfNamesTheStream) {
  EXPECT_EQ(*World::StreamOf(E(Step("occurrence", "SIGN_COMPACT", "new", "2006"))), "compact/new");
  EXPECT_EQ(*World::StreamOf(E(R"({"bodyRegistered":{"bodyId":"b"}})")), "body/b");
  EXPECT_EQ(*World::StreamOf(E(R"({"sourceRegistered":{"sourceId":"s"}})")), "source/s");
  EXPECT_EQ(World::StreamOf(E(R"({"annotation":{"text":"x"}})")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(WorldTest, FromStateRefusesFactsOutOfOrder) {
  ::compact::v1::WorldState state = world_.state();
  state.mutable_facts()->SwapElements(0, 1);
  EXPECT_EQ(World::FromState(state).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(WorldTest, SourceKnownOnlyByCitationNamesARegisteredCitingSourceAndHasNoHash) {
  const std::string ok =
      R"({"sourceRegistered":{"sourceId":"cited","title":"Cabinet Report 16th December 2004","date":{"edtf":"2004-12-16"},"knownByCitationIn":"src"},)" +
      std::string(kCite) + "}";
  const uint64_t before = world_.state().last_sequence();
  struct Case {
    std::string json;
    absl::StatusCode code;
    std::string says;
  };
  const Case cases[] = {
      {R"({"sourceRegistered":{"sourceId":"cited","title":"T","date":{"edtf":"2004"},"knownByCitationIn":"nowhere"}})",
       absl::StatusCode::kNotFound, "known_by_citation_in names source 'nowhere'"},
      {R"({"sourceRegistered":{"sourceId":"cited","title":"T","date":{"edtf":"2004"},"knownByCitationIn":"cited"}})",
       absl::StatusCode::kInvalidArgument, "in itself"},
      {R"({"sourceRegistered":{"sourceId":"cited","title":"T","date":{"edtf":"2004"},"knownByCitationIn":"src","sha256":")" +
           std::string(64, 'a') + "\"}}",
       absl::StatusCode::kInvalidArgument, "gives a sha256"},
  };
  for (const Case& c : cases) {
    absl::Status s = Try(c.json);
    EXPECT_EQ(s.code(), c.code) << c.json << ": " << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.says)) << c.json;
  }
  EXPECT_EQ(world_.state().last_sequence(), before);
  ASSERT_THAT(Try(ok), IsOk());
  EXPECT_THAT(RenderEventText(world_.state().facts().rbegin()->event()),
              HasSubstr("known only by citation in src"));
}

TEST_F(WorldTest, OfferIsAnOccurrenceOfTheOfferingBodyNeverADecisionOrPlan) {
  const std::string desc = R"("description":"to facilitate a workshop")";
  const uint64_t before = world_.state().last_sequence();
  for (const std::string& json :
       {With(R"("plan":{"action":{"kind":"ACTION_KIND_OFFER","compactId":"new",)" + desc +
             R"(}},"actor":{"bodyId":"vcs"},"date":{"edtf":"2011-09"})"),
        With(R"("decision":{"kind":"DECISION_KIND_AGREE","action":{"kind":"ACTION_KIND_OFFER","compactId":"new",)" +
             desc + R"(}},"actor":{"bodyId":"vcs"},"date":{"edtf":"2011-09"})")}) {
    absl::Status s = Try(json);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr("OFFER is recorded as an occurrence"));
  }
  absl::Status no_words = Try(With(
      R"("occurrence":{"action":{"kind":"ACTION_KIND_OFFER","compactId":"new"}},"actor":{"bodyId":"vcs"},"date":{"edtf":"2011-09"})"));
  EXPECT_EQ(no_words.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_words.message()), HasSubstr("what is offered"));
  absl::Status no_actor = Try(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_OFFER","compactId":"new",)" +
                                   desc + R"(}},"date":{"edtf":"2011-09"})"));
  EXPECT_EQ(no_actor.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(world_.state().last_sequence(), before);
  Record(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_OFFER","compactId":"new",)" + desc +
              R"(}},"actor":{"bodyId":"vcs"},"date":{"edtf":"[..2011-09]"})"));
  EXPECT_THAT(RenderEventText(world_.state().facts().rbegin()->event()),
              HasSubstr("OFFERED by vcs (an offer, not a decision or plan of anyone else)"));
}

TEST_F(WorldTest, InferredBoundNeedsAReasonAndTheReportsGiveIt) {
  const uint64_t before = world_.state().last_sequence();
  absl::Status blank = Try(Step("occurrence", "REVIEW_COMPACT", "new", "[2010..2011-09]\",\"inferredBecause\":\"  "));
  EXPECT_EQ(blank.code(), absl::StatusCode::kInvalidArgument) << blank;
  EXPECT_THAT(std::string(blank.message()), HasSubstr("date.inferred_because is blank"));
  EXPECT_EQ(world_.state().last_sequence(), before);
  Record(Step("occurrence", "REVIEW_COMPACT", "new",
              "[2010..2011-09]\",\"inferredBecause\":\"lower bound read from 'last year'"));
  const ::compact::v1::Event& stored = world_.state().facts().rbegin()->event();
  EXPECT_EQ(stored.date().earliest(), "2010-01-01");
  EXPECT_THAT(RenderEventText(stored), HasSubstr("[2010..2011-09] (bounds inferred)"));
  const std::string uncertain = RenderStateText(At("2011-03-01", "new"));
  EXPECT_THAT(uncertain, HasSubstr("bounds inferred: lower bound read from 'last year'"));
  const std::string certain = RenderStateText(At("2012-01-01", "new"));
  EXPECT_THAT(certain, HasSubstr("    bounds inferred: lower bound read from 'last year'"));
}

TEST_F(WorldTest, RenderEventTextKeepsCategoriesApart) {
  EXPECT_THAT(RenderEventText(E(Step("proposal", "ADOPT_COMPACT", "new", "2006", "council",
                                     R"("addressedTo":"board")"))),
              HasSubstr("PROPOSED (not decided)"));
  EXPECT_THAT(RenderEventText(E(Step("plan", "ADOPT_COMPACT", "new", "2006"))), HasSubstr("PLANNED"));
  EXPECT_THAT(RenderEventText(E(Step("occurrence", "SIGN_COMPACT", "new", "2006"))), HasSubstr("HAPPENED"));
}

// A World that keeps no facts (what an auditor's verifier folds with) checks
// the same rules, including those that look back at earlier events.
class LeanWorldTest : public WorldTest {
 protected:
  void SetUp() override {
    world_ = World(WorldOptions{.keep_facts = false});
    WorldTest::SetUp();
  }
};

TEST_F(LeanWorldTest, KeepsNoFactsButStillFoldsRecords) {
  EXPECT_TRUE(world_.state().facts().empty());
  EXPECT_TRUE(world_.HasCompact("new"));
  EXPECT_EQ(world_.state().last_sequence(), next_ - 1);
  EXPECT_EQ(world_.StateAt(*ParseQueryDate("2007"), "new").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(LeanWorldTest, CorrectionNamingNoEarlierEventIsNotFound) {
  EXPECT_EQ(Try(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"sequence":"999"},"text":"wrong"})")).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Try(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"missing"},"text":"wrong"})")).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(LeanWorldTest, CorrectionTakesItsTargetsStream) {
  Record(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"new"}},"actor":{"bodyId":"council"},"date":{"edtf":"2006-06"},"ref":"sig")"));
  auto prepared = world_.Prepare(E(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"sig"},"text":"signed in 2007","date":{"edtf":"2007"}})")));
  ASSERT_THAT(prepared, IsOk());
  EXPECT_EQ(prepared->annotation().target_stream(), "compact/new");
  auto wrong_stream = world_.Prepare(E(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"sig"},"targetStream":"compact/old","text":"x"})")));
  EXPECT_EQ(wrong_stream.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(LeanWorldTest, DecisionMayRespondOnlyToAProposal) {
  Record(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"new"}},"actor":{"bodyId":"council"},"date":{"edtf":"2006-06"},"ref":"sig")"));
  Record(Step("proposal", "ADOPT_COMPACT", "new", "2006-06-29", "council",
              R"("addressedTo":"board","requested":"DECISION_KIND_RECOMMEND","recommendTo":"council")") );
  const uint64_t proposal = next_ - 1;
  EXPECT_EQ(Try(Recommendation(R"({"ref":"sig"})")).code(),
            absl::StatusCode::kInvalidArgument);
  Record(Recommendation(Sequence(proposal)));
}

TEST_F(LeanWorldTest, RulesOnRecordsStillHold) {
  Record(Supersede("2011-09"));
  EXPECT_EQ(Try(Step("decision", "ENDORSE_COMPACT", "old", "2012", "board",
                     R"("kind":"DECISION_KIND_ENDORSE")")).code(),
            absl::StatusCode::kFailedPrecondition);
  Record(Step("occurrence", "SIGN_COMPACT", "new", "2006-06", "vcs"));
  EXPECT_EQ(Try(Step("occurrence", "SIGN_COMPACT", "new", "2006-07", "vcs")).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ForgetUnsettledSequencesTest, ClearsOnlySequencesResolvedFromARefIntoTheBatch) {
  Event command = E(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"mine"},"related":[{"ref":"old"},{"sequence":"12","ref":"given"}],"text":"x"})"));
  Event prepared = command;
  prepared.mutable_annotation()->mutable_target()->set_sequence(11);     // in the batch
  prepared.mutable_annotation()->mutable_related(0)->set_sequence(3);    // settled
  ForgetUnsettledSequences(command, 10, &prepared);
  EXPECT_FALSE(prepared.annotation().target().has_sequence());
  EXPECT_EQ(prepared.annotation().target().ref(), "mine");
  EXPECT_EQ(prepared.annotation().related(0).sequence(), 3u);
  EXPECT_EQ(prepared.annotation().related(1).sequence(), 12u);  // given by the command
  Event decision = E(Step("decision", "ADOPT_COMPACT", "new", "2006-06-29", "board",
                          R"("kind":"DECISION_KIND_RECOMMEND","recommendedTo":"council","respondsTo":{"ref":"p"})"));
  Event resolved = decision;
  resolved.mutable_decision()->mutable_responds_to()->set_sequence(10);
  ForgetUnsettledSequences(decision, 10, &resolved);
  EXPECT_FALSE(resolved.decision().responds_to().has_sequence());
  EXPECT_THAT(RenderEventText(prepared), HasSubstr("on ref 'mine'"));
}

// A fork (what a batch of commands is tried out on) checks the same rules
// against the events folded before it and those folded into it, and leaves
// the world it was forked from as it was.
class ForkedWorldTest : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    Record(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"new"}},"actor":{"bodyId":"vcs"},"date":{"edtf":"2006-06"},"ref":"sig")"));
    Record(Step("proposal", "ADOPT_COMPACT", "new", "2006-06-29", "council",
                R"("addressedTo":"board","requested":"DECISION_KIND_RECOMMEND","recommendTo":"council")"));
    proposal_ = next_ - 1;
    base_ = std::move(world_);
    before_ = base_.state();
    world_ = base_.ForkForChecking();
  }

  World base_;
  ::compact::v1::WorldState before_;
  uint64_t proposal_ = 0;
};

TEST_F(ForkedWorldTest, SharesTheStateButNotTheFacts) {
  ::compact::v1::WorldState without_facts = base_.state();
  without_facts.clear_facts();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(world_.state(), without_facts));
  EXPECT_FALSE(base_.state().facts().empty());
  EXPECT_EQ(world_.StateAt(*ParseQueryDate("2007"), "new").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ForkedWorldTest, CopiesEveryFieldOfWorldStateButTheFacts) {
  // World::ForkForChecking lists the fields it copies; a field added to
  // WorldState must be added there too, then here.
  std::set<std::string> fields;
  const auto* descriptor = ::compact::v1::WorldState::descriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) fields.insert(descriptor->field(i)->name());
  EXPECT_EQ(fields, (std::set<std::string>{"sources", "bodies", "compacts", "codes",
                                           "consultations", "mediation_cases", "refs",
                                           "facts", "last_sequence", "persons",
                                           "posts"}));
}

TEST_F(ForkedWorldTest, ChecksAgainstEventsBeforeTheFork) {
  auto correction = world_.Prepare(E(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"sig"},"text":"signed in 2007","date":{"edtf":"2007"}})")));
  ASSERT_THAT(correction, IsOk());
  EXPECT_EQ(correction->annotation().target_stream(), "compact/new");
  EXPECT_EQ(Try(Step("occurrence", "SIGN_COMPACT", "new", "2006-07", "vcs")).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Try(Recommendation(R"({"ref":"sig"})")).code(),
            absl::StatusCode::kInvalidArgument);
  Record(Recommendation(Sequence(proposal_)));
}

TEST_F(ForkedWorldTest, ChecksAgainstEventsFoldedIntoIt) {
  Record(With(R"("compactRegistered":{"compactId":"later","title":"Later","scope":"SCOPE_COUNTY"},"date":{"edtf":"2012"})"));
  Record(With(R"("occurrence":{"action":{"kind":"ACTION_KIND_SIGN_COMPACT","compactId":"later"}},"actor":{"bodyId":"vcs"},"date":{"edtf":"2012-06"},"ref":"sig-later")"));
  EXPECT_EQ(Try(Step("occurrence", "SIGN_COMPACT", "later", "2012-07", "vcs")).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Try(With(R"("compactRegistered":{"compactId":"later","title":"Again","scope":"SCOPE_COUNTY"},"date":{"edtf":"2012"})")).code(),
            absl::StatusCode::kAlreadyExists);
  auto correction = world_.Prepare(E(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"sig-later"},"text":"signed in 2013"})")));
  ASSERT_THAT(correction, IsOk());
  EXPECT_EQ(correction->annotation().target_stream(), "compact/later");
  EXPECT_EQ(Try(Recommendation(R"({"ref":"sig-later"})", "later", "2012-06-29")).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(world_.state().facts().empty());
}

TEST_F(ForkedWorldTest, LeavesTheWorldItCameFromUnchanged) {
  Record(With(R"("compactRegistered":{"compactId":"later","title":"Later","scope":"SCOPE_COUNTY"},"date":{"edtf":"2012"})"));
  Record(Step("occurrence", "SIGN_COMPACT", "new", "2006-07", "board"));
  EXPECT_TRUE(world_.HasCompact("later"));
  EXPECT_FALSE(base_.HasCompact("later"));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(base_.state(), before_));
  // The world it came from still takes the sequences the fork used.
  EXPECT_TRUE(base_.Apply(*base_.Prepare(E(With(R"("compactRegistered":{"compactId":"later","title":"Later","scope":"SCOPE_COUNTY"},"date":{"edtf":"2012"})"))),
                          EventMeta{proposal_ + 1, 1000, "test"}).ok());
}

TEST(StreamsTest, StreamNamesAreKindSlashIdAndReadBack) {
  EXPECT_EQ(CompactStream("worcestershire-2006"), "compact/worcestershire-2006");
  EXPECT_EQ(BodyStream("malvern"), "body/malvern");
  EXPECT_EQ(CompactIdOfStream("compact/worcestershire-2006"), "worcestershire-2006");
  EXPECT_EQ(CompactIdOfStream("compact/"), "");
  EXPECT_EQ(BodyIdOfStream("body/malvern"), "malvern");
  for (const char* other : {"body/malvern", "compact", "compacts/x", "", "/compact/x"}) {
    EXPECT_EQ(CompactIdOfStream(other), std::nullopt) << other;
  }
  EXPECT_EQ(BodyIdOfStream("compact/x"), std::nullopt);
}

TEST(StepsTest, MediationStepsAreRequestedToWithdrawn) {
  EXPECT_TRUE(IsMediationStep(::compact::v1::ACTION_KIND_MEDIATION_REQUESTED));
  EXPECT_TRUE(IsMediationStep(::compact::v1::ACTION_KIND_MEDIATION_WITHDRAWN));
  EXPECT_FALSE(IsMediationStep(::compact::v1::ACTION_KIND_SIGN_COMPACT));
}

}  // namespace
}  // namespace ledger::compact
