// The second scenario (scenarios/eastmere-fictional.jsonl): a FICTIONAL
// district written for these tests, exercising what the seed papers do not:
// a decision that takes effect a month after it is made, a supersession for
// one party only, memberships that begin and end, a proposed plan,
// corrections that name their replacement, a PCT abolished and replaced by a
// clinical commissioning group, and a partner's withdrawal with effect from
// a later date, replayed on telling dates and as known before the
// corrections were recorded.
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "ledger/compact/render.h"
#include "ledger/compact/scenario.h"
#include "ledger/compact/state_at.h"
#include "ledger/compact/world.h"
#include "ledger/log/hash.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::SourcePath;
using ::ledger::testing::StatusIs;

namespace ledger::compact {
namespace {

using ::compact::v1::CompactState;
using ::compact::v1::StateReport;
using ::testing::HasSubstr;

std::string Source(const std::string& relative) {
  std::ifstream in(SourcePath(relative), std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<ScenarioLine> Lines() {
  absl::StatusOr<std::vector<ScenarioLine>> lines =
      ParseScenario(Source("scenarios/eastmere-fictional.jsonl"));
  EXPECT_THAT(lines, IsOk());
  return lines.ok() ? *lines : std::vector<ScenarioLine>();
}

// The world as known once the first `count` lines were recorded (all when
// negative): what "as known at" a time folds.
World Load(int count = -1) {
  std::vector<ScenarioLine> lines = Lines();
  if (count >= 0) lines.resize(count);
  World world;
  absl::Status s = ApplyScenario(lines, 0, &world);
  EXPECT_THAT(s, IsOk());
  return world;
}

// The number of lines before the one carrying `ref`.
int LinesBefore(const std::string& ref) {
  const std::vector<ScenarioLine> lines = Lines();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].event.ref() == ref) return static_cast<int>(i);
  }
  ADD_FAILURE() << "no line carries ref " << ref;
  return 0;
}

StateReport At(const World& world, const std::string& day) {
  absl::StatusOr<CivilDay> at = ParseQueryDate(day);
  EXPECT_THAT(at, IsOk());
  absl::StatusOr<StateReport> report = StateAt(world.state(), *at, "");
  EXPECT_THAT(report, IsOk());
  return report.ok() ? *report : StateReport();
}

const CompactState* Find(const StateReport& report, const std::string& id) {
  for (const CompactState& c : report.compacts()) {
    if (c.compact_id() == id) return &c;
  }
  return nullptr;
}

::compact::v1::CompactStatus PartyStatus(const CompactState& c, const std::string& body) {
  for (const auto& p : c.party_statuses()) {
    if (p.body_id() == body) return p.status();
  }
  return ::compact::v1::COMPACT_STATUS_UNSPECIFIED;
}

// The party's whole status entry; a default one when it is not a party.
::compact::v1::PartyStatus Party(const CompactState& c, const std::string& body) {
  for (const auto& p : c.party_statuses()) {
    if (p.body_id() == body) return p;
  }
  return ::compact::v1::PartyStatus();
}

// The status of the membership of `who` in `body` on the report's day;
// UNSPECIFIED when it is not shown.
::compact::v1::MembershipStatus Membership(const StateReport& report, const std::string& who,
                                           const std::string& body) {
  for (const auto& m : report.memberships()) {
    const auto& r = m.fact().event().membership_recorded();
    if ((r.person_id() == who || r.member_id() == who) && r.organization_id() == body) {
      return m.status();
    }
  }
  return ::compact::v1::MEMBERSHIP_STATUS_UNSPECIFIED;
}

TEST(FictionalScenarioTest, EveryLineAppliesAndEveryQuoteAndHashIsItsSources) {
  const World world = Load();
  ASSERT_EQ(world.state().facts_size(), static_cast<int>(Lines().size()));
  auto squash = [](const std::string& text) {
    std::string out;
    for (char c : text) {
      const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
      if (space && !out.empty() && out.back() == ' ') continue;
      out.push_back(space ? ' ' : c);
    }
    return out;
  };
  std::map<std::string, std::string> texts;
  for (const auto& [id, record] : world.state().sources()) {
    const std::string raw = Source(record.source().uri());
    ASSERT_FALSE(raw.empty()) << record.source().uri();
    // Clearly labelled: no reader can take it for a real district's record.
    EXPECT_THAT(raw, HasSubstr("FICTIONAL EXAMPLE. Eastmere is not a real district"));
    EXPECT_THAT(record.source().title(), HasSubstr("FICTIONAL"));
    EXPECT_EQ(record.source().sha256(), ledger::log::ToHex(ledger::log::Sha256(raw))) << id;
    texts[id] = squash(raw);
  }
  std::string all;
  for (const auto& [id, text] : texts) all += text + " ";
  for (const auto& fact : world.state().facts()) {
    const auto& e = fact.event();
    for (const auto& c : e.citations()) {
      EXPECT_NE(texts[c.source_id()].find(squash(c.quote())), std::string::npos)
          << "#" << fact.sequence() << ": " << c.quote();
    }
    const auto& m = e.membership_recorded();
    for (const std::string* said :
         {&e.date().as_written(), &e.effect().as_written(), &e.effect().from().as_written(),
          &m.start().as_written(), &m.end().as_written(), &m.as_of().as_written(),
          &e.proposal().due().as_written()}) {
      if (!said->empty()) {
        EXPECT_NE(all.find(*said), std::string::npos) << *said;
      }
    }
  }
}

TEST(FictionalScenarioTest, AdoptedOn30NovemberTheCompactIsNotInEffectUntil1January) {
  const World world = Load();
  // Every day between the decision and its effect.
  for (int day = 30; day <= 61; ++day) {
    const std::string date = day <= 30 ? "2010-11-30" : absl::StrCat("2010-12-", day - 30 < 10 ? "0" : "", day - 30);
    const StateReport report = At(world, date);
    const CompactState* c2010 = Find(report, "eastmere-2010");
    ASSERT_NE(c2010, nullptr) << date;
    EXPECT_EQ(c2010->status(), ::compact::v1::COMPACT_STATUS_DECIDED_NOT_IN_EFFECT) << date;
    const CompactState* c2008 = Find(report, "eastmere-2008");
    ASSERT_NE(c2008, nullptr) << date;
    EXPECT_EQ(c2008->status(), ::compact::v1::COMPACT_STATUS_IN_FORCE) << date;
    EXPECT_EQ(PartyStatus(*c2008, "eastmere-dc"), ::compact::v1::COMPACT_STATUS_IN_FORCE) << date;
  }
  const StateReport december = At(world, "2010-12-15");
  EXPECT_THAT(RenderStateText(december),
              HasSubstr("decided 2010-11-30, takes effect 2011-01-01 (\"with effect from 1st "
                        "January 2011\"): not yet in effect on 2010-12-15"));
  const StateReport january = At(world, "2011-01-01");
  EXPECT_EQ(Find(january, "eastmere-2010")->status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
}

TEST(FictionalScenarioTest, The2008CompactIsSupersededForTheCouncilOnly) {
  const StateReport report = At(Load(), "2011-06");
  const CompactState* c2008 = Find(report, "eastmere-2008");
  ASSERT_NE(c2008, nullptr);
  EXPECT_EQ(PartyStatus(*c2008, "eastmere-dc"), ::compact::v1::COMPACT_STATUS_SUPERSEDED);
  EXPECT_EQ(PartyStatus(*c2008, "eastmere-cvs"), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  EXPECT_NE(c2008->status(), ::compact::v1::COMPACT_STATUS_SUPERSEDED);
}

TEST(FictionalScenarioTest, CompactChampionsAndGroupMembersChangeOnTheirDates) {
  const World world = Load();
  const StateReport decision_day = At(world, "2010-11-30");
  EXPECT_EQ(Membership(decision_day, "john-roe", "eastmere-dc"), ::compact::v1::MEMBERSHIP_STATUS_ENDED);
  EXPECT_EQ(Membership(decision_day, "jane-doe", "eastmere-dc"), ::compact::v1::MEMBERSHIP_STATUS_UNSPECIFIED);
  const StateReport december = At(world, "2010-12-01");
  EXPECT_EQ(Membership(december, "jane-doe", "eastmere-dc"), ::compact::v1::MEMBERSHIP_STATUS_CURRENT);
  // Before he stood down, when he began is not in the sources.
  EXPECT_EQ(Membership(At(world, "2010-11-29"), "john-roe", "eastmere-dc"),
            ::compact::v1::MEMBERSHIP_STATUS_UNCERTAIN);
  const StateReport y2012 = At(world, "2012");
  EXPECT_EQ(Membership(y2012, "eastmere-pct", "eastmere-cpg"), ::compact::v1::MEMBERSHIP_STATUS_AS_OF);
  EXPECT_EQ(Membership(y2012, "eastmere-ccg", "eastmere-cpg"), ::compact::v1::MEMBERSHIP_STATUS_UNSPECIFIED);
  const StateReport y2013 = At(world, "2013-06");
  EXPECT_EQ(Membership(y2013, "eastmere-pct", "eastmere-cpg"), ::compact::v1::MEMBERSHIP_STATUS_ENDED);
  EXPECT_EQ(Membership(y2013, "eastmere-ccg", "eastmere-cpg"), ::compact::v1::MEMBERSHIP_STATUS_CURRENT);
  // The retracted first record of the PCT's membership is shown once, as replaced.
  int pct = 0;
  for (const auto& m : y2013.memberships()) {
    pct += m.fact().event().membership_recorded().member_id() == "eastmere-pct";
  }
  EXPECT_EQ(pct, 1);
}

TEST(FictionalScenarioTest, TheProposedReviewIsNeverOverdue) {
  const StateReport report = At(Load(), "2012-06");
  const CompactState* c2010 = Find(report, "eastmere-2010");
  ASSERT_NE(c2010, nullptr);
  ASSERT_EQ(c2010->plans_size(), 1);
  EXPECT_EQ(c2010->plans(0).status(), ::compact::v1::PLAN_STATUS_PROPOSED);
  ASSERT_EQ(c2010->open_proposals_size(), 1);
}

TEST(FictionalScenarioTest, AsKnownBeforeTheCorrectionTheFirstRecordHoldsAfterItTheReplacement) {
  const int before = LinesBefore("eastmere-2008-cvs-signature");
  const StateReport then = At(Load(before), "2009");
  const CompactState* old_view = Find(then, "eastmere-2008");
  ASSERT_NE(old_view, nullptr);
  std::set<std::string> signatories;
  for (const auto& s : old_view->signatures()) signatories.insert(s.body_id());
  EXPECT_EQ(signatories, (std::set<std::string>{"eastmere-dc", "eastmere-voluntary-action"}));
  EXPECT_TRUE(old_view->retracted().empty());
  EXPECT_EQ(Membership(At(Load(before), "2013-06"), "eastmere-pct", "eastmere-cpg"),
            ::compact::v1::MEMBERSHIP_STATUS_AS_OF);

  const StateReport now = At(Load(), "2009");
  const CompactState* new_view = Find(now, "eastmere-2008");
  ASSERT_NE(new_view, nullptr);
  signatories.clear();
  for (const auto& s : new_view->signatures()) signatories.insert(s.body_id());
  EXPECT_EQ(signatories, (std::set<std::string>{"eastmere-dc", "eastmere-cvs"}));
  ASSERT_EQ(new_view->retracted_size(), 1);
  EXPECT_EQ(new_view->retracted(0).event().actor().body_id(), "eastmere-voluntary-action");
  EXPECT_THAT(RenderStateText(now), HasSubstr("(replaced by #"));
}

TEST(FictionalScenarioTest, TheAbolishedPctIsAFormerPartyAndItsSignatureStaysHistory) {
  const World world = Load();
  // Not a party before it signed.
  const StateReport unsigned_yet = At(world, "2011-02-13");
  ASSERT_NE(Find(unsigned_yet, "eastmere-2010"), nullptr);
  for (const auto& p : Find(unsigned_yet, "eastmere-2010")->party_statuses()) {
    EXPECT_NE(p.body_id(), "eastmere-pct");
  }
  const StateReport march = At(world, "2013-03-30");
  const CompactState* before = Find(march, "eastmere-2010");
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(Party(*before, "eastmere-pct").standing(), ::compact::v1::PARTY_STANDING_CURRENT);
  EXPECT_EQ(Party(*before, "eastmere-pct").status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);

  const StateReport april = At(world, "2013-04-01");
  const CompactState* after = Find(april, "eastmere-2010");
  ASSERT_NE(after, nullptr);
  const ::compact::v1::PartyStatus pct = Party(*after, "eastmere-pct");
  EXPECT_EQ(pct.standing(), ::compact::v1::PARTY_STANDING_CEASED);
  EXPECT_EQ(pct.since().edtf(), "2013-03-31");
  EXPECT_EQ(pct.since().as_written(), "31st March 2013");
  EXPECT_EQ(pct.successor(), "eastmere-ccg");
  // The CCG replaced it but "has not signed the Compact": no party.
  for (const auto& p : after->party_statuses()) EXPECT_NE(p.body_id(), "eastmere-ccg");
  std::set<std::string> signatories;
  for (const auto& s : after->signatures()) signatories.insert(s.body_id());
  EXPECT_EQ(signatories, (std::set<std::string>{"eastmere-pct"}));
  EXPECT_EQ(after->status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  EXPECT_THAT(RenderStateText(april),
              HasSubstr("FORMER party: ceased (body dissolved) on 2013-03-31 (\"31st March 2013\"), "
                        "replaced by Eastmere Clinical Commissioning Group"));
}

TEST(FictionalScenarioTest, TheCvsWithdrawalIsUncertainInAprilDecidedInMayAndInEffectFromJuly) {
  const World world = Load();
  const ::compact::v1::PartyStatus april =
      Party(*Find(At(world, "2013-04-15"), "eastmere-2008"), "eastmere-cvs");
  EXPECT_EQ(april.standing(), ::compact::v1::PARTY_STANDING_CURRENT);
  EXPECT_EQ(april.standing_certainty(), ::compact::v1::CERTAINTY_UNCERTAIN);
  EXPECT_THAT(april.possibly(), HasSubstr("uncertain on this day"));

  const ::compact::v1::PartyStatus may =
      Party(*Find(At(world, "2013-05-15"), "eastmere-2008"), "eastmere-cvs");
  EXPECT_EQ(may.standing(), ::compact::v1::PARTY_STANDING_CURRENT);
  EXPECT_EQ(may.standing_certainty(), ::compact::v1::CERTAINTY_CERTAIN);
  EXPECT_THAT(may.possibly(), HasSubstr("decided, not yet in effect"));
  EXPECT_EQ(Find(At(world, "2013-06-29"), "eastmere-2008")->status(),
            ::compact::v1::COMPACT_STATUS_IN_FORCE);

  const StateReport july = At(world, "2013-07-01");
  const CompactState* c2008 = Find(july, "eastmere-2008");
  ASSERT_NE(c2008, nullptr);
  const ::compact::v1::PartyStatus cvs = Party(*c2008, "eastmere-cvs");
  EXPECT_EQ(cvs.standing(), ::compact::v1::PARTY_STANDING_WITHDRAWN);
  EXPECT_EQ(cvs.since().edtf(), "2013-06-30");
  ASSERT_EQ(c2008->withdrawals_size(), 1);
  // Superseded for the Council, and the CVS has withdrawn: the compact is
  // superseded for every party it still has.
  EXPECT_EQ(c2008->status(), ::compact::v1::COMPACT_STATUS_SUPERSEDED);
  const std::string text = RenderStateText(july);
  EXPECT_THAT(text, HasSubstr("FORMER party: withdrew on 2013-06-30 (\"30th June 2013\")"));
  EXPECT_THAT(text, HasSubstr("Withdrawals:\n  - withdrawal by Eastmere Council for Voluntary Service"));
}

TEST(FictionalScenarioTest, WithdrawingABodyWhoseSignatureWasRetractedIsRefused) {
  World world = Load();
  const uint64_t last = world.state().last_sequence();
  ::compact::v1::Event command;
  ASSERT_THAT(
      google::protobuf::util::JsonStringToMessage(
          R"({"occurrence":{"action":{"kind":"ACTION_KIND_WITHDRAW_FROM_COMPACT","compactId":"eastmere-2008","bodyIds":["eastmere-voluntary-action"]}},"date":{"edtf":"2013-05"},"citations":[{"sourceId":"eastmere-partners-2013-05","quote":"withdraws"}]})",
          &command),
      IsOk());
  const absl::StatusOr<::compact::v1::Event> refused = world.Prepare(command);
  ASSERT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition,
                                HasSubstr("'eastmere-voluntary-action' is not a party of compact "
                                          "'eastmere-2008'")));
  EXPECT_EQ(world.state().last_sequence(), last);
}

}  // namespace
}  // namespace ledger::compact
