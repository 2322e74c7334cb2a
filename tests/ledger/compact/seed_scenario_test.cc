// The seed scenario (scenarios/worcestershire.jsonl) replayed through the
// domain: every line passes Prepare, and state at the issue's telling dates
// says what the sources say and no more.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/message_differencer.h"
#include "ledger/log/hash.h"
#include "ledger/compact/render.h"
#include "ledger/compact/scenario.h"
#include "ledger/compact/state_at.h"
#include "ledger/compact/world.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::SourcePath;
using ::ledger::testing::StatusIs;

namespace ledger::compact {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

using ::compact::v1::CompactState;
using ::compact::v1::StateReport;

std::string Source(const std::string& relative) { return ReadFile(SourcePath(relative)); }

World LoadSeed() {
  absl::StatusOr<std::vector<ScenarioLine>> lines =
      ParseScenario(Source("scenarios/worcestershire.jsonl"));
  World world;
  if (lines.ok()) {
    absl::Status s = ApplyScenario(*lines, 0, &world);
    EXPECT_THAT(s, IsOk());
  }
  return world;
}

StateReport At(const World& world, const std::string& day) {
  absl::StatusOr<CivilDay> at = ParseQueryDate(day);
  EXPECT_THAT(at, IsOk());
  absl::StatusOr<StateReport> report = StateAt(world.state(), *at, "");
  EXPECT_THAT(report, IsOk());
  return *report;
}

const CompactState* Find(const StateReport& report, const std::string& id) {
  for (const CompactState& c : report.compacts()) {
    if (c.compact_id() == id) return &c;
  }
  return nullptr;
}

constexpr char kCounty[] = "worcestershire-2006";
constexpr char kInterim[] = "wyre-forest-interim-2005";

TEST(SeedScenarioTest, EveryLinePreparesAndApplies) {
  const std::string text = ReadFile(SourcePath("scenarios/worcestershire.jsonl"));
  ASSERT_FALSE(text.empty());
  absl::StatusOr<std::vector<ScenarioLine>> lines = ParseScenario(text);
  ASSERT_THAT(lines, IsOk());
  World world;
  absl::Status s = ApplyScenario(*lines, 0, &world);
  ASSERT_THAT(s, IsOk());
}

TEST(SeedScenarioTest, NoCompactExistsOnFifteenthJanuary2005) {
  EXPECT_TRUE(At(LoadSeed(), "2005-01-15").compacts().empty());
}

TEST(SeedScenarioTest, InterimCompactInForceOnFirstMarch2005) {
  StateReport report = At(LoadSeed(), "2005-03-01");
  const CompactState* interim = Find(report, kInterim);
  ASSERT_NE(interim, nullptr);
  EXPECT_EQ(interim->status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  EXPECT_EQ(Find(report, kCounty), nullptr);
}

TEST(SeedScenarioTest, CountyCompactEndorsedNotAdoptedOnFirstMay2006) {
  const StateReport report = At(LoadSeed(), "2006-05-01");
  const CompactState* county = Find(report, kCounty);
  ASSERT_NE(county, nullptr);
  EXPECT_EQ(county->status(), ::compact::v1::COMPACT_STATUS_ENDORSED);
  ASSERT_EQ(county->endorsements_size(), 1);
  EXPECT_EQ(county->endorsements(0).body_id(), "worcestershire-partnership-board");
  EXPECT_EQ(county->endorsements(0).fact().certainty(), ::compact::v1::CERTAINTY_CERTAIN);
  EXPECT_TRUE(county->adoptions().empty());
  EXPECT_TRUE(county->signatures().empty());
}

TEST(SeedScenarioTest, AdoptionUncertainAndSignaturesCertainOnFirstJuly2006) {
  StateReport report = At(LoadSeed(), "2006-07-01");
  const CompactState* county = Find(report, kCounty);
  ASSERT_NE(county, nullptr);
  bool proposal_to_cabinet = false;
  for (const auto& p : county->open_proposals()) {
    const auto& proposal = p.fact().event().proposal();
    proposal_to_cabinet |= proposal.addressed_to() == "wyre-forest-dc-cabinet" &&
                           proposal.action().kind() == ::compact::v1::ACTION_KIND_ADOPT_COMPACT;
  }
  EXPECT_TRUE(proposal_to_cabinet);
  ASSERT_EQ(county->signatures_size(), 1);
  EXPECT_EQ(county->signatures(0).fact().certainty(), ::compact::v1::CERTAINTY_CERTAIN);
  ASSERT_EQ(county->adoptions_size(), 1);
  EXPECT_EQ(county->adoptions(0).body_id(), "wyre-forest-dc");
  EXPECT_EQ(county->adoptions(0).fact().certainty(), ::compact::v1::CERTAINTY_UNCERTAIN);
  const CompactState* interim = Find(report, kInterim);
  ASSERT_NE(interim, nullptr);
  ASSERT_EQ(interim->superseded_by_size(), 1);
  EXPECT_EQ(interim->superseded_by(0).fact().certainty(), ::compact::v1::CERTAINTY_UNCERTAIN);
  EXPECT_EQ(interim->superseded_by(0).condition(), "with immediate effect");
  EXPECT_EQ(interim->status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  const std::string text = RenderStateText(report);
  EXPECT_THAT(text, ::testing::HasSubstr(
      "UNCERTAIN: adopted by Wyre Forest District Council [inferred] some day in "
      "[2006-06-29 .. 2011-09-30] — the sources do not give the day"));
  EXPECT_THAT(text, ::testing::HasSubstr("PROPOSED (not decided)"));
}

TEST(SeedScenarioTest, InterimSupersededForTheCouncilOnlyAndUncertainlyOnFirstJuly2006) {
  const StateReport report = At(LoadSeed(), "2006-07-01");
  const CompactState* interim = Find(report, kInterim);
  ASSERT_NE(interim, nullptr);
  EXPECT_EQ(interim->status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  ASSERT_EQ(interim->superseded_by_size(), 1);
  const auto& supersession = interim->superseded_by(0);
  EXPECT_THAT(supersession.for_body_ids(), ::testing::ElementsAre("wyre-forest-dc"));
  // It takes effect with Council's adoption: both uncertain together.
  EXPECT_EQ(supersession.fact().effect().status(), ::compact::v1::EFFECT_STATUS_UNCERTAIN);
  EXPECT_EQ(supersession.fact().effect().on_event_sequence(),
            LoadSeed().state().refs().at("council-adoption"));
  std::map<std::string, const ::compact::v1::PartyStatus*> parties;
  for (const auto& p : interim->party_statuses()) parties[p.body_id()] = &p;
  ASSERT_TRUE(parties.contains("wyre-forest-dc"));
  ASSERT_TRUE(parties.contains("community-action-wyre-forest"));
  EXPECT_EQ(parties["wyre-forest-dc"]->status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  EXPECT_THAT(parties["wyre-forest-dc"]->possibly(),
              ::testing::HasSubstr("SUPERSEDED by worcestershire-2006"));
  EXPECT_EQ(parties["community-action-wyre-forest"]->status(),
            ::compact::v1::COMPACT_STATUS_IN_FORCE);
  EXPECT_TRUE(parties["community-action-wyre-forest"]->possibly().empty());
}

TEST(SeedScenarioTest, InterimNeverSupersededForEveryoneEvenIn2011) {
  const StateReport report = At(LoadSeed(), "2011-10-15");
  const CompactState* interim = Find(report, kInterim);
  ASSERT_NE(interim, nullptr);
  EXPECT_EQ(interim->status(), ::compact::v1::COMPACT_STATUS_IN_FORCE);
  for (const auto& p : interim->party_statuses()) {
    EXPECT_EQ(p.status(), p.body_id() == "wyre-forest-dc"
                              ? ::compact::v1::COMPACT_STATUS_SUPERSEDED
                              : ::compact::v1::COMPACT_STATUS_IN_FORCE)
        << p.body_id();
  }
}

// No source records the supersession in so many words (it is read from
// Council's adoption): the report says so on both compacts, also once the
// fact itself is certain.
TEST(SeedScenarioTest, TheInferredSupersessionSaysItIsInferredOnBothCompacts) {
  for (const char* day : {"2006-07-01", "2012"}) {
    const std::string text = RenderStateText(At(LoadSeed(), day));
    for (const char* line : {"supersedes wyre-forest-interim-2005", "superseded by worcestershire-2006"}) {
      const size_t at = text.find(line);
      ASSERT_NE(at, std::string::npos) << day << ": " << line;
      const std::string rest = text.substr(at, text.find('\n', at) - at);
      EXPECT_THAT(rest, ::testing::HasSubstr("[inferred]")) << day << ": " << rest;
    }
  }
}

// Neither paper says that its code and the other's are one: the report
// names them as the scenario reads them, and says that it is a reading.
TEST(SeedScenarioTest, CodesOfBothPapersAreOneCodeOnlyAsAReading) {
  const std::string text = RenderStateText(At(LoadSeed(), "2011-10-15"));
  for (const char* code : {"Code of practice Consultation (also: Consultation, Involvement & Voice)",
                           "Code of practice Procurement and Funding (also: Funding & Procurement)"}) {
    const size_t at = text.find(code);
    ASSERT_NE(at, std::string::npos) << code << "\n" << text;
    EXPECT_THAT(text.substr(at, text.find('\n', at) - at),
                ::testing::HasSubstr("[inferred: one code by name, not stated]"));
  }
}

// A due date read as a day keeps the source's words beside it.
TEST(SeedScenarioTest, DueDatesKeepTheSourcesWords) {
  const std::string text = RenderStateText(At(LoadSeed(), "2006-07-01"));
  EXPECT_THAT(text, ::testing::HasSubstr("due on or before 2006-09-30 (\"by September 2006\")"));
  EXPECT_THAT(text, ::testing::HasSubstr("due on or before 2007-01-31 (\"by January 2007\")"));
}

TEST(SeedScenarioTest, AdoptionIsNeverCertainBeforeSeptember2011) {
  World world = LoadSeed();
  for (const char* day : {"2006-06-29", "2006-07-01", "2008", "2011-09-29"}) {
    const StateReport report = At(world, day);
  const CompactState* county = Find(report, kCounty);
    ASSERT_NE(county, nullptr);
    for (const auto& a : county->adoptions()) {
      EXPECT_NE(a.fact().certainty(), ::compact::v1::CERTAINTY_CERTAIN) << day;
    }
  }
}

TEST(SeedScenarioTest, CodesDueIn2006And2007FlaggedOnThirtiethJune2007) {
  const StateReport report = At(LoadSeed(), "2007-06-30");
  const CompactState* county = Find(report, kCounty);
  ASSERT_NE(county, nullptr);
  int overdue_codes = 0;
  for (const auto& code : county->codes()) {
    EXPECT_NE(code.status(), ::compact::v1::CODE_STATUS_AGREED) << code.code_id();
    if (code.overdue()) ++overdue_codes;
  }
  EXPECT_EQ(overdue_codes, 4);
  int overdue_plans = 0;
  for (const auto& plan : county->plans()) {
    if (plan.status() == ::compact::v1::PLAN_STATUS_OVERDUE) ++overdue_plans;
    EXPECT_NE(plan.status(), ::compact::v1::PLAN_STATUS_MET);
  }
  EXPECT_EQ(overdue_plans, 4);
  EXPECT_THAT(RenderStateText(At(LoadSeed(), "2007-06-30")),
              ::testing::HasSubstr("OVERDUE (not known to be met)"));
}

TEST(SeedScenarioTest, ReviewConsultationAndDisagreementOnFifteenthOctober2011) {
  const StateReport report = At(LoadSeed(), "2011-10-15");
  const CompactState* county = Find(report, kCounty);
  ASSERT_NE(county, nullptr);
  bool review = false;
  for (const auto& p : county->open_proposals()) {
    review |= p.fact().event().proposal().action().kind() ==
              ::compact::v1::ACTION_KIND_REVIEW_COMPACT;
  }
  EXPECT_TRUE(review);
  // The consultation to December is part of the timetable the Board is
  // asked to agree: proposed, not pending.
  bool consultation_to_december = false;
  for (const auto& plan : county->plans()) {
    const auto& p = plan.fact().event().plan();
    consultation_to_december |=
        p.action().kind() == ::compact::v1::ACTION_KIND_HOLD_CONSULTATION &&
        p.due().latest() == "2011-12-31" &&
        plan.status() == ::compact::v1::PLAN_STATUS_PROPOSED;
  }
  EXPECT_TRUE(consultation_to_december);
  ASSERT_EQ(county->disagreements_size(), 1);
  const auto& d = county->disagreements(0);
  ASSERT_EQ(d.claims_size(), 2);
  std::set<std::string> dues;
  for (const auto& c : d.claims()) {
    EXPECT_TRUE(c.event().has_proposal()) << c.sequence();
    dues.insert(c.event().proposal().due().edtf());
  }
  EXPECT_EQ(dues, (std::set<std::string>{"2011-11", "2011-12"}));
  EXPECT_EQ(d.conflict().annotation().date().edtf(), "[2011-11,2011-12]");
}

TEST(SeedScenarioTest, EveryQuoteIsInItsSourceAndEverySourceHashMatches) {
  const World world = LoadSeed();
  const std::map<std::string, std::string> files = {
      {"wfdc-cabinet-report-2006-06-02", "000_5f73213d7b9ff4d1.txt"},
      {"wpb-compact-paper-2011-09", "001_8164b24f947dbf07.txt"}};
  auto squash = [](std::string text) {
    std::string out;
    for (char c : text) {
      const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
      if (space && !out.empty() && out.back() == ' ') continue;
      out.push_back(space ? ' ' : c);
    }
    return out;
  };
  // The Markdown emphasis of the converted paper ("**RECOMMEND**") is not
  // the paper's words.
  auto words = [&squash](const std::string& text) {
    return absl::StrReplaceAll(squash(text), {{"**", ""}});
  };
  std::map<std::string, std::string> texts;
  for (const auto& [id, file] : files) {
    // The source papers are kept in the repository, unchanged.
    const std::string raw = Source("scenarios/sources/" + file);
    ASSERT_FALSE(raw.empty()) << "scenarios/sources/" << file;
    // The scenario registers each source with the SHA-256 of its text.
    bool registered = false;
    for (const auto& fact : world.state().facts()) {
      if (fact.event().has_source_registered() &&
          fact.event().source_registered().source_id() == id) {
        EXPECT_EQ(fact.event().source_registered().sha256(),
                  ledger::log::ToHex(ledger::log::Sha256(raw)))
            << id;
        registered = true;
      }
    }
    EXPECT_TRUE(registered) << id;
    texts[id] = words(raw);
  }
  const std::string all = texts.begin()->second + " " + texts.rbegin()->second;
  for (const auto& fact : world.state().facts()) {
    const auto& e = fact.event();
    for (const auto& c : e.citations()) {
      ASSERT_TRUE(texts.contains(c.source_id()));
      EXPECT_NE(texts[c.source_id()].find(squash(c.quote())), std::string::npos)
          << "#" << fact.sequence() << ": " << c.quote();
    }
    // Every asWritten, effect wording and version label is the papers' own words.
    // A source known only by citation is registered in its citation's words.
    if (e.source_registered().has_date()) {
      const auto& source = e.source_registered();
      if (!source.known_by_citation_in().empty()) {
        ASSERT_TRUE(texts.contains(source.known_by_citation_in())) << source.source_id();
        EXPECT_NE(texts[source.known_by_citation_in()].find(squash(source.title())),
                  std::string::npos)
            << source.source_id() << " title: " << source.title();
        EXPECT_NE(texts[source.known_by_citation_in()].find(squash(source.date().as_written())),
                  std::string::npos)
            << source.source_id() << " asWritten: " << source.date().as_written();
      }
    }
    std::vector<std::string> said = {e.date().as_written(), e.meeting().date().as_written(),
                                     e.plan().due().as_written(), e.proposal().due().as_written(),
                                     e.annotation().date().as_written(),
                                     e.effect().as_written()};
    const auto& m = e.membership_recorded();
    for (const std::string* text :
         {&m.start().as_written(), &m.end().as_written(), &m.as_of().as_written(), &m.role(),
          &m.label(), &e.person_registered().name(), &e.person_registered().honorific_prefix(),
          &e.person_registered().email(), &e.post_registered().label(),
          &e.post_registered().role()}) {
      said.push_back(*text);
    }
    for (const auto* a : {&e.plan().action(), &e.proposal().action(), &e.decision().action(),
                          &e.occurrence().action()}) {
      said.push_back(a->version_label());
      said.push_back(a->consultation().planned_period().as_written());
    }
    for (const std::string& text : said) {
      if (text.empty()) continue;
      EXPECT_NE(all.find(squash(text)), std::string::npos)
          << "#" << fact.sequence() << " asWritten: " << text;
    }
  }
}

// Facts of the seed whose event satisfies `pred`.
template <typename Pred>
std::vector<const ::compact::v1::Fact*> FactsWhere(const World& world, Pred pred) {
  std::vector<const ::compact::v1::Fact*> out;
  for (const auto& f : world.state().facts()) {
    if (pred(f.event())) out.push_back(&f);
  }
  return out;
}

TEST(SeedScenarioTest, BackgroundPapersAreSourcesKnownOnlyByCitation) {
  const World world = LoadSeed();
  std::set<std::string> titles;
  for (const auto* f : FactsWhere(world, [](const auto& e) {
         return !e.source_registered().known_by_citation_in().empty();
       })) {
    const auto& source = f->event().source_registered();
    EXPECT_EQ(source.known_by_citation_in(), "wfdc-cabinet-report-2006-06-02");
    EXPECT_TRUE(source.sha256().empty()) << source.source_id();
    titles.insert(source.title());
  }
  EXPECT_EQ(titles, (std::set<std::string>{
                        "Cabinet Report 16th December 2004",
                        "Interim Compact with Community Action Wyre Forest – February 2005",
                        "Worcestershire Partnership Compact 'Let's Do It Smarter' April 2006",
                        "Worcestershire Partnership Board Meeting Minutes – 4th April 2006",
                        "Wyre Forest Matters Strategic Board Meeting Minutes – 7th June 2006"}));
  // The December 2004 report is not something Cabinet is recorded as issuing.
  EXPECT_TRUE(FactsWhere(world, [](const auto& e) {
                return e.occurrence().action().kind() == ::compact::v1::ACTION_KIND_ISSUE_DOCUMENT;
              }).empty());
  const auto cabinet_2004 = FactsWhere(world, [](const auto& e) {
    return e.source_registered().source_id() == "wfdc-cabinet-report-2004-12-16";
  });
  ASSERT_EQ(cabinet_2004.size(), 1u);
  EXPECT_EQ(cabinet_2004[0]->event().source_registered().date().edtf(), "2004-12-16");
  EXPECT_TRUE(cabinet_2004[0]->event().source_registered().issued_by().empty());
  EXPECT_THAT(cabinet_2004[0]->event().note(), ::testing::HasSubstr("whether 16th December 2004"));
}

TEST(SeedScenarioTest, WorkingGroupsFirstMeetingHasAnInferredLowerBound) {
  const World world = LoadSeed();
  const auto meetings = FactsWhere(world, [](const auto& e) {
    return e.occurrence().action().description() == "initial meeting to examine this work";
  });
  ASSERT_EQ(meetings.size(), 1u);
  const auto& date = meetings[0]->event().date();
  EXPECT_EQ(date.earliest(), "2010-01-01");
  EXPECT_EQ(date.latest(), "2011-09-30");
  EXPECT_THAT(date.inferred_because(), ::testing::HasSubstr("the change of Government last year"));
  EXPECT_THAT(RenderStateText(At(world, "2011-09-03")),
              ::testing::HasSubstr("bounds inferred: Lower bound read from 'with the change of "
                                 "Government last year'"));
}

TEST(SeedScenarioTest, WorkshopIsTheSteeringGroupsPlanAndTheOfferIsCompactVoices) {
  const World world = LoadSeed();
  const auto workshop = FactsWhere(world, [](const auto& e) {
    return e.has_plan() && e.plan().action().consultation().activity() == "workshop";
  });
  ASSERT_EQ(workshop.size(), 1u);
  EXPECT_EQ(workshop[0]->event().actor().body_id(), "wcsg");
  EXPECT_TRUE(FactsWhere(world, [](const auto& e) {
                return e.has_plan() && e.actor().body_id() == "compact-voice";
              }).empty());
  const auto offers = FactsWhere(world, [](const auto& e) {
    return e.occurrence().action().kind() == ::compact::v1::ACTION_KIND_OFFER;
  });
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0]->event().actor().body_id(), "compact-voice");
  EXPECT_EQ(offers[0]->event().date().edtf(), "[..2011-09]");
}

TEST(SeedScenarioTest, TimetableItemsAreProposalsToTheBoardOnFifteenthOctober2011) {
  const World world = LoadSeed();
  const StateReport report = At(world, "2011-10-15");
  const CompactState* county = Find(report, kCounty);
  ASSERT_NE(county, nullptr);
  const uint64_t timetable = world.state().refs().at("timetable-proposal");
  int proposed = 0;
  for (const auto& plan : county->plans()) {
    const auto& p = plan.fact().event().plan();
    if (!p.has_proposed_in()) continue;
    EXPECT_EQ(p.proposed_in().sequence(), timetable);
    // "ready for consultation by end of September 2011" has passed: still
    // only proposed, never overdue.
    EXPECT_EQ(plan.status(), ::compact::v1::PLAN_STATUS_PROPOSED) << plan.fact().sequence();
    ++proposed;
  }
  EXPECT_EQ(proposed, 5);
  // The agenda items are the paper's proposals to the Board, in conflict.
  std::set<std::string> agenda;
  for (const auto& p : county->open_proposals()) {
    const auto& proposal = p.fact().event().proposal();
    if (proposal.action().kind() != ::compact::v1::ACTION_KIND_DISCUSS_COMPACT) continue;
    EXPECT_EQ(proposal.addressed_to(), "worcestershire-partnership-board");
    EXPECT_EQ(p.fact().event().actor().body_id(), "wcsg");
    agenda.insert(proposal.due().edtf());
  }
  EXPECT_EQ(agenda, (std::set<std::string>{"2011-11", "2011-12"}));
  const std::string text = RenderStateText(report);
  EXPECT_THAT(text, ::testing::HasSubstr("PROPOSED in #"));
  EXPECT_THAT(text, ::testing::HasSubstr("proposed to happen in [2011-12-01 .. 2011-12-31] "
                                       "(\"the Board meeting in December\")"));
}

TEST(SeedScenarioTest, SigningTheNewCompactIsProposedAndWaitsForTheConsultation) {
  const World world = LoadSeed();
  const auto sign = FactsWhere(world, [](const auto& e) {
    return e.plan().action().kind() == ::compact::v1::ACTION_KIND_SIGN_COMPACT;
  });
  ASSERT_EQ(sign.size(), 1u);
  EXPECT_EQ(sign[0]->event().plan().after().sequence(),
            world.state().refs().at("consultation-plan"));
  EXPECT_TRUE(sign[0]->event().plan().has_proposed_in());
}

TEST(SeedScenarioTest, ReportsRequestsAndPlansCarryTheCabinetMeetingsDate) {
  const World world = LoadSeed();
  const auto stated = FactsWhere(world, [](const auto& e) {
    if (!e.has_plan() && !e.has_proposal()) return false;
    for (const auto& c : e.citations()) {
      if (c.source_id() == "wfdc-cabinet-report-2006-06-02") return true;
    }
    return false;
  });
  EXPECT_EQ(stated.size(), 7u);
  for (const auto* f : stated) {
    EXPECT_EQ(f->event().date().edtf(), "2006-06-29") << "#" << f->sequence();
    EXPECT_EQ(f->event().meeting().body_id(), "wyre-forest-dc-cabinet") << "#" << f->sequence();
  }
}

TEST(SeedScenarioTest, PartnersAndPartnerOrganisationsAreLinkedOnlyAsAReading) {
  const World world = LoadSeed();
  ASSERT_TRUE(world.state().bodies().contains("partner-organisations"));
  ASSERT_TRUE(world.state().bodies().contains("worcestershire-compact-partners"));
  const uint64_t partners = world.state().refs().at("body-partners");
  const uint64_t organisations = world.state().refs().at("body-partner-organisations");
  const auto links = FactsWhere(world, [&](const auto& e) {
    return e.has_annotation() && e.annotation().target().sequence() == partners;
  });
  ASSERT_EQ(links.size(), 1u);
  const auto& link = links[0]->event();
  EXPECT_TRUE(link.inferred());
  EXPECT_EQ(link.annotation().kind(), ::compact::v1::ANNOTATION_KIND_NOTE);
  ASSERT_EQ(link.annotation().related_size(), 1);
  EXPECT_EQ(link.annotation().related(0).sequence(), organisations);
  // The signatories are the 2011 paper's "Partners"; the request of 2006 is
  // addressed to its "Partner organisations".
  for (const auto* f : FactsWhere(world, [](const auto& e) {
         return e.occurrence().action().kind() == ::compact::v1::ACTION_KIND_SIGN_COMPACT;
       })) {
    EXPECT_EQ(f->event().actor().body_id(), "worcestershire-compact-partners");
  }
  for (const auto* f : FactsWhere(world, [](const auto& e) {
         return e.proposal().action().kind() == ::compact::v1::ACTION_KIND_ENDORSE_PRINCIPLES;
       })) {
    EXPECT_EQ(f->event().proposal().addressed_to(), "partner-organisations");
  }
}

TEST(SeedScenarioTest, SnapshotRoundTripGivesSameState) {
  const World world = LoadSeed();
  std::string bytes;
  ASSERT_TRUE(world.state().SerializeToString(&bytes));
  ::compact::v1::WorldState restored_state;
  ASSERT_TRUE(restored_state.ParseFromString(bytes));
  absl::StatusOr<World> restored = World::FromState(restored_state);
  ASSERT_THAT(restored, IsOk());
  for (const char* day : {"2005-03-01", "2006-07-01", "2007-06-30", "2011-10-15"}) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
        At(world, day), At(*restored, day))) << day;
  }
  EXPECT_EQ(world.SequencesConcerning(kInterim),
            restored->SequencesConcerning(kInterim));
}

TEST(SeedScenarioTest, SupersessionConcernsBothCompacts) {
  const World world = LoadSeed();
  const auto interim = world.SequencesConcerning(kInterim);
  const auto county = world.SequencesConcerning(kCounty);
  const uint64_t supersession = world.state().refs().at("council-supersession");
  EXPECT_THAT(interim, ::testing::Contains(supersession));
  EXPECT_THAT(county, ::testing::Contains(supersession));
  EXPECT_TRUE(std::is_sorted(county.begin(), county.end()));
}

TEST(ScenarioTest, MalformedLineIsNamedByNumber) {
  absl::StatusOr<std::vector<ScenarioLine>> lines =
      ParseScenario("{\"note\":\"ok\"}\n\n{\"noSuchField\":1}\n");
  ASSERT_THAT(lines, StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("line 3")));
}

TEST(ScenarioTest, RefusedLineIsNamedByNumber) {
  absl::StatusOr<std::vector<ScenarioLine>> lines =
      ParseScenario("{\"bodyRegistered\":{\"bodyId\":\"b\"}}\n");
  ASSERT_THAT(lines, IsOk());
  World world;
  absl::Status s = ApplyScenario(*lines, 0, &world);
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("line 1"));
  EXPECT_TRUE(world.state().facts().empty());
}

}  // namespace
}  // namespace ledger::compact

namespace ledger::compact {
namespace {

// The membership of `who` (a person or body id) in `body` on `day`, or null.
const ::compact::v1::MembershipView* MembershipOn(const StateReport& report,
                                                  const std::string& who,
                                                  const std::string& body) {
  for (const auto& m : report.memberships()) {
    const auto& r = m.fact().event().membership_recorded();
    if ((r.person_id() == who || r.member_id() == who) && r.organization_id() == body) {
      return &m;
    }
  }
  return nullptr;
}

TEST(SeedScenarioTest, WhoWasWhoIsKnownOnlyAsOfTheSourcesDates) {
  const World world = LoadSeed();
  // Nothing is known of the EWSG's members before the report of 2 June 2006.
  EXPECT_EQ(MembershipOn(At(world, "2006-06-01"), "worcester-city-council", "ewsg"), nullptr);
  const StateReport july = At(world, "2006-07-01");
  const auto* city = MembershipOn(july, "worcester-city-council", "ewsg");
  ASSERT_NE(city, nullptr);
  EXPECT_EQ(city->status(), ::compact::v1::MEMBERSHIP_STATUS_AS_OF);
  EXPECT_THAT(city->because(), ::testing::HasSubstr("when it began is not in the sources"));
  const auto* clee = MembershipOn(july, "stephen-clee", "wyre-forest-dc-cabinet");
  ASSERT_NE(clee, nullptr);
  EXPECT_EQ(clee->fact().event().membership_recorded().role(), "CABINET MEMBER");
  const auto* contact = MembershipOn(july, "alison-braithwaite", "wyre-forest-dc");
  ASSERT_NE(contact, nullptr);
  EXPECT_TRUE(contact->fact().event().inferred());
  // The Chair of the WCSG signs the September 2011 paper: uncertain within
  // the month, known as of it after.
  EXPECT_EQ(MembershipOn(july, "sally-ellison", "wcsg"), nullptr);
  EXPECT_EQ(MembershipOn(At(world, "2011-09-15"), "sally-ellison", "wcsg")->status(),
            ::compact::v1::MEMBERSHIP_STATUS_UNCERTAIN);
  const StateReport october = At(world, "2011-10");
  const auto* chair = MembershipOn(october, "sally-ellison", "wcsg");
  ASSERT_NE(chair, nullptr);
  EXPECT_EQ(chair->status(), ::compact::v1::MEMBERSHIP_STATUS_AS_OF);
  EXPECT_EQ(chair->fact().event().membership_recorded().post_id(), "wcsg-chair");
  const std::string text = RenderStateText(At(world, "2011-10"));
  EXPECT_THAT(text, ::testing::HasSubstr(
                        "AS_OF: MEMBERSHIP: Sally Ellison is a member of Worcestershire Compact "
                        "Steering Group, holding post Chair"));
  // The post of the responsible officer is known; who held it is not.
  ASSERT_TRUE(world.state().posts().contains("wfdc-chief-executive"));
  EXPECT_EQ(world.state().posts().at("wfdc-chief-executive").post().role(), "RESPONSIBLE OFFICER");
}

}  // namespace
}  // namespace ledger::compact
