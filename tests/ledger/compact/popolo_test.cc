// PopoloJson on the seed scenario and on small records: Popolo's field names
// and types for the organizations, persons, posts, memberships, events and
// motions it writes (what Popolo's JSON schemas require of them), references
// that resolve, meetings merged only when they are the same meeting, motion
// results, and dates never more precise than the sources.
#include "ledger/compact/popolo.h"

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/compact/scenario.h"
#include "ledger/compact/world.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::SourcePath;

namespace ledger::compact {
namespace {

using nlohmann::json;

json SeedPopolo() {
  std::ifstream in(SourcePath("scenarios/worcestershire.jsonl"));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<std::vector<ScenarioLine>> lines = ParseScenario(text.str());
  EXPECT_THAT(lines, IsOk());
  World world;
  if (lines.ok()) {
    absl::Status s = ApplyScenario(*lines, 0, &world);
    EXPECT_THAT(s, IsOk());
  }
  return json::parse(PopoloJson(world.state()));
}

// Popolo's date pattern (membership.json start_date / end_date).
bool PopoloDate(const json& value) {
  static const std::regex kPattern("^[0-9]{4}((-[0-9]{2}){0,2}|)$");
  return value.is_string() && std::regex_match(value.get<std::string>(), kPattern);
}

// Every key in `object` whose value is not a string, other than `except`.
std::set<std::string> NonStrings(const json& object, const std::set<std::string>& except) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.items()) {
    if (!except.contains(key) && !value.is_string()) out.insert(key);
  }
  return out;
}

TEST(PopoloTest, SeedExportHasPopolosCollectionsWithTheirRequiredFieldsAndTypes) {
  const json out = SeedPopolo();
  for (const char* collection : {"organizations", "persons", "posts", "memberships"}) {
    ASSERT_TRUE(out.contains(collection) && out[collection].is_array()) << collection;
    ASSERT_FALSE(out[collection].empty()) << collection;
  }
  std::set<std::string> organizations, persons, posts;
  for (const json& o : out["organizations"]) {
    ASSERT_TRUE(o["name"].is_string()) << o;  // organization.json requires name
    EXPECT_EQ(NonStrings(o, {"other_names"}), std::set<std::string>()) << o;
    if (o.contains("other_names")) {
      EXPECT_TRUE(o["other_names"][0]["name"].is_string()) << o;
    }
    organizations.insert(o["id"].get<std::string>());
  }
  for (const json& p : out["persons"]) {
    ASSERT_TRUE(p["name"].is_string()) << p;  // person.json requires name
    EXPECT_EQ(NonStrings(p, {}), std::set<std::string>()) << p;
    persons.insert(p["id"].get<std::string>());
  }
  for (const json& p : out["posts"]) {
    ASSERT_TRUE(p["label"].is_string()) << p;
    EXPECT_EQ(NonStrings(p, {}), std::set<std::string>()) << p;
    EXPECT_TRUE(organizations.contains(p["organization_id"].get<std::string>())) << p;
    posts.insert(p["id"].get<std::string>());
  }
  for (const json& m : out["memberships"]) {
    EXPECT_EQ(NonStrings(m, {"member", "compact_ledger"}), std::set<std::string>()) << m;
    EXPECT_TRUE(organizations.contains(m["organization_id"].get<std::string>())) << m;
    EXPECT_NE(m.contains("person_id"), m.contains("member")) << m;
    if (m.contains("person_id")) {
      EXPECT_TRUE(persons.contains(m["person_id"].get<std::string>())) << m;
    }
    if (m.contains("member")) {
      EXPECT_EQ(m["member"]["@type"], "Organization") << m;
      EXPECT_TRUE(organizations.contains(m["member"]["id"].get<std::string>())) << m;
    }
    if (m.contains("post_id")) {
      EXPECT_TRUE(posts.contains(m["post_id"].get<std::string>())) << m;
    }
    if (m.contains("on_behalf_of_id")) {
      EXPECT_TRUE(organizations.contains(m["on_behalf_of_id"].get<std::string>())) << m;
    }
    for (const char* date : {"start_date", "end_date"}) {
      if (m.contains(date)) {
        EXPECT_TRUE(PopoloDate(m[date])) << m;
      }
    }
    EXPECT_TRUE(m["compact_ledger"]["sequence"].is_number_unsigned()) << m;
  }
}

TEST(PopoloTest, SeedMembershipsKnownAsOfADayHaveNoStartDateAndKeepTheirWords) {
  const json out = SeedPopolo();
  bool found_chair = false, found_city = false;
  for (const json& m : out["memberships"]) {
    // No membership of the seed has a start in the sources.
    EXPECT_FALSE(m.contains("start_date")) << m;
    EXPECT_TRUE(m["compact_ledger"].contains("as_of")) << m;
    if (m.value("person_id", "") == "sally-ellison") {
      found_chair = true;
      EXPECT_EQ(m["post_id"], "wcsg-chair");
      EXPECT_EQ(m["organization_id"], "wcsg");
      EXPECT_EQ(m["compact_ledger"]["as_of"]["edtf"], "2011-09");
      EXPECT_EQ(m["compact_ledger"]["as_of"]["as_written"], "September 2011");
    }
    if (m.contains("member") && m["member"]["id"] == "worcester-city-council") {
      found_city = true;
      EXPECT_EQ(m["on_behalf_of_id"], "worcestershire-district-councils");
      EXPECT_EQ(m["label"], "District Councils (represented by Worcester City Council)");
    }
  }
  EXPECT_TRUE(found_chair);
  EXPECT_TRUE(found_city);
}

TEST(PopoloTest, PlainDatesAreWrittenAndRangesOnlyInTheExtension) {
  World world;
  uint64_t seq = 0;
  auto record = [&](const std::string& text) {
    absl::StatusOr<std::vector<ScenarioLine>> lines = ParseScenario(text);
    ASSERT_THAT(lines, IsOk());
    for (const ScenarioLine& line : *lines) {
      absl::StatusOr<::compact::v1::Event> event = world.Prepare(line.event);
      ASSERT_THAT(event, IsOk());
      ASSERT_THAT(world.Apply(*event, EventMeta{seq++, 0, "t"}), IsOk());
    }
  };
  record(R"({"sourceRegistered":{"sourceId":"s","title":"T","date":{"edtf":"2012"}}}
{"bodyRegistered":{"bodyId":"b","name":"Board","classification":"CLASSIFICATION_BOARD"},"citations":[{"sourceId":"s","quote":"q"}]}
{"personRegistered":{"personId":"p","name":"P"},"citations":[{"sourceId":"s","quote":"q"}]}
{"membershipRecorded":{"personId":"p","organizationId":"b","start":{"edtf":"2010-04"},"end":{"edtf":"[2011-11,2011-12]"}},"citations":[{"sourceId":"s","quote":"q"}]})");
  const json out = json::parse(PopoloJson(world.state()));
  ASSERT_EQ(out["memberships"].size(), 1u);
  const json& m = out["memberships"][0];
  EXPECT_EQ(m["start_date"], "2010-04");
  EXPECT_FALSE(m.contains("end_date"));
  EXPECT_EQ(m["compact_ledger"]["end"]["edtf"], "[2011-11,2011-12]");
  EXPECT_EQ(out["organizations"][0]["classification"], "board");
}

// Records JSON Lines commands one after another, as a recorder would.
class PopoloRecordTest : public ::testing::Test {
 protected:
  void Record(const std::string& text) {
    absl::StatusOr<std::vector<ScenarioLine>> lines = ParseScenario(text);
    ASSERT_THAT(lines, IsOk());
    for (const ScenarioLine& line : *lines) {
      absl::StatusOr<::compact::v1::Event> event = world_.Prepare(line.event);
      ASSERT_THAT(event, IsOk()) << event.status() << "\n" << text;
      ASSERT_THAT(world_.Apply(*event, EventMeta{seq_++, 0, "t"}), IsOk());
    }
  }
  json Export() const { return json::parse(PopoloJson(world_.state())); }

  // A source, a board and a compact for decisions and proposals to name.
  static constexpr const char* kSetUp =
      R"({"sourceRegistered":{"sourceId":"s","title":"Minutes","date":{"edtf":"2012"},"uri":"https://example.org/minutes-2012"}}
{"sourceRegistered":{"sourceId":"local","title":"Local copy","date":{"edtf":"2012"},"uri":"sources/local.txt"}}
{"bodyRegistered":{"bodyId":"b","name":"Example Board","classification":"CLASSIFICATION_BOARD"},"citations":[{"sourceId":"s","quote":"q"}]}
{"compactRegistered":{"compactId":"c","title":"Example Compact","scope":"SCOPE_DISTRICT"},"citations":[{"sourceId":"s","quote":"q"}]})";

  // A decision of the board to agree a review of the compact, at a meeting
  // of `kind` on `edtf` with `reference` (none when empty).
  static std::string DecisionAt(const std::string& kind, const std::string& edtf,
                                const std::string& reference) {
    std::string meeting = R"({"bodyId":"b","kind":"MEETING_KIND_)" + kind +
                          R"(","date":{"edtf":")" + edtf + R"("})";
    if (!reference.empty()) meeting += R"(,"reference":")" + reference + R"(")";
    return R"({"decision":{"kind":"DECISION_KIND_AGREE","action":{"kind":"ACTION_KIND_REVIEW_COMPACT","compactId":"c"}},"actor":{"bodyId":"b"},"date":{"edtf":")" +
           edtf + R"("},"meeting":)" + meeting + R"(},"citations":[{"sourceId":"s","quote":"agreed"}]})";
  }

  World world_;
  uint64_t seq_ = 0;
};

TEST_F(PopoloRecordTest, AnEmptyRecordHasAllSixCollectionsEmpty) {
  const json out = Export();
  for (const char* collection :
       {"organizations", "persons", "posts", "memberships", "events", "motions"}) {
    ASSERT_TRUE(out.contains(collection)) << collection;
    EXPECT_EQ(out[collection], json::array()) << collection;
  }
  EXPECT_EQ(out.size(), 6u) << out;
}

TEST_F(PopoloRecordTest, MeetingsMergeOnTheSameDayAndVagueDatesOnlyWithTheSameReference) {
  Record(kSetUp);
  Record(DecisionAt("BOARD", "2012-03-05", "Minute 1") + "\n" +     // #4
         DecisionAt("BOARD", "2012-03-05", "Minute 2") + "\n" +     // #5: same day, merged
         DecisionAt("COMMITTEE", "2012-03-05", "Minute 1") + "\n" + // #6: another kind
         DecisionAt("BOARD", "2012-03", "March minutes") + "\n" +   // #7
         DecisionAt("BOARD", "2012-03", "March minutes") + "\n" +   // #8: same reference, merged
         DecisionAt("BOARD", "2012-03", "") + "\n" +                // #9: no reference, alone
         DecisionAt("BOARD", "2012-03", "") + "\n" +                // #10: alone
         DecisionAt("BOARD", "2012-03-05?", "Minute 1"));          // #11: uncertain day
  const json out = Export();
  ASSERT_EQ(out["events"].size(), 6u) << out["events"].dump(2);
  const json& day = out["events"][0];
  EXPECT_EQ(day["id"], "event-4");
  EXPECT_EQ(day["start_date"], "2012-03-05");
  EXPECT_EQ(day["classification"], "board");
  EXPECT_EQ(day["organization_id"], "b");
  EXPECT_EQ(day["name"], "Example Board meeting, 2012-03-05");
  EXPECT_EQ(day["compact_ledger"]["references"], json({"Minute 1", "Minute 2"}));
  EXPECT_EQ(day["compact_ledger"]["facts"],
            json({{{"sequence", 4}, {"kind", "decision"}}, {{"sequence", 5}, {"kind", "decision"}}}));
  EXPECT_EQ(day["sources"], json({{{"url", "https://example.org/minutes-2012"}, {"note", "Minutes"}}}));
  EXPECT_EQ(out["events"][1]["id"], "event-6");
  EXPECT_EQ(out["events"][1]["classification"], "committee");
  const json& month = out["events"][2];
  EXPECT_EQ(month["id"], "event-7");
  EXPECT_EQ(month["compact_ledger"]["facts"].size(), 2u);
  // A month is not a day: no start_date, the EDTF kept in the extension.
  EXPECT_FALSE(month.contains("start_date")) << month;
  EXPECT_EQ(month["compact_ledger"]["date"]["edtf"], "2012-03");
  EXPECT_EQ(out["events"][3]["id"], "event-9");
  EXPECT_EQ(out["events"][4]["id"], "event-10");
  const json& uncertain = out["events"][5];
  EXPECT_EQ(uncertain["id"], "event-11");
  EXPECT_FALSE(uncertain.contains("start_date")) << uncertain;
  EXPECT_EQ(uncertain["compact_ledger"]["date"]["edtf"], "2012-03-05?");
  // Each decision's motion sits in its meeting.
  ASSERT_EQ(out["motions"].size(), 8u);
  EXPECT_EQ(out["motions"][1]["legislative_session_id"], "event-4");
  EXPECT_EQ(out["motions"][5]["legislative_session_id"], "event-9");
}

TEST_F(PopoloRecordTest, DecisionsGiveTheirProposalsResultsInPopolosWords) {
  Record(kSetUp);
  auto proposal = [](const std::string& ref) {
    return R"({"proposal":{"addressedTo":"b","requested":"DECISION_KIND_AGREE","action":{"kind":"ACTION_KIND_REVIEW_COMPACT","compactId":"c"}},"actor":{"bodyId":"b"},"date":{"edtf":"2012-02","asWritten":"February 2012"},"ref":")" +
           ref + R"(","citations":[{"sourceId":"s","quote":"The Board is asked to agree a review"},{"sourceId":"local","quote":"of the Compact"}]})";
  };
  auto decision = [](const std::string& kind, const std::string& answers,
                     const std::string& extra) {
    std::string responds = answers.empty() ? "" : R"(,"respondsTo":{"ref":")" + answers + R"("})";
    return R"({"decision":{"kind":"DECISION_KIND_)" + kind +
           R"(","action":{"kind":"ACTION_KIND_REVIEW_COMPACT","compactId":"c"})" + responds + extra +
           R"(},"actor":{"bodyId":"b"},"date":{"edtf":"2012-03-05","asWritten":"5th March 2012"},"meeting":{"bodyId":"b","kind":"MEETING_KIND_BOARD","date":{"edtf":"2012-03-05"}},"citations":[{"sourceId":"s","quote":"RESOLVED"}]})";
  };
  Record(proposal("p-amend") + "\n" + proposal("p-refer") + "\n" + proposal("p-reject") + "\n" +
         proposal("p-open") + "\n" +                                                   // #4-#7
         decision("AMEND", "p-amend", R"(,"amendment":"by March 2013")") + "\n" +  // #8
         decision("REFER_BACK", "p-refer", "") + "\n" +                            // #9
         decision("REJECT", "p-reject", "") + "\n" +                               // #10
         decision("NOTE", "", "") + "\n" +                                         // #11
         R"({"decision":{"kind":"DECISION_KIND_RECOMMEND","recommendedTo":"b","action":{"kind":"ACTION_KIND_ADOPT_COMPACT","compactId":"c"}},"actor":{"bodyId":"b"},"date":{"edtf":"2012-04"},"citations":[{"sourceId":"s","quote":"RECOMMEND"}]})");
  const json out = Export();
  std::map<std::string, json> motions;
  for (const json& m : out["motions"]) motions[m["id"].get<std::string>()] = m;
  ASSERT_EQ(motions.size(), 6u) << out["motions"].dump(2);
  const json& amended = motions["motion-4"];
  EXPECT_EQ(amended["result"], "pass");
  EXPECT_EQ(amended["organization_id"], "b");
  EXPECT_EQ(amended["classification"], "review_compact");
  EXPECT_EQ(amended["text"], "The Board is asked to agree a review\nof the Compact");
  // Only the source with an absolute URI is a Popolo source.
  EXPECT_EQ(amended["sources"], json({{{"url", "https://example.org/minutes-2012"}, {"note", "Minutes"}}}));
  // The proposal was put to no meeting: the decision's meeting is its session.
  EXPECT_EQ(amended["legislative_session_id"], out["events"][0]["id"]);
  EXPECT_FALSE(amended.contains("date")) << amended;
  const json& ours = amended["compact_ledger"];
  EXPECT_EQ(ours["date"], json({{"edtf", "2012-02"}, {"as_written", "February 2012"}}));
  EXPECT_EQ(ours["requested"], "agree");
  ASSERT_EQ(ours["decisions"].size(), 1u);
  EXPECT_EQ(ours["decisions"][0]["sequence"], 8);
  EXPECT_EQ(ours["decisions"][0]["decision"], "amend");
  EXPECT_EQ(ours["decisions"][0]["amendment"], "by March 2013");
  EXPECT_EQ(ours["decisions"][0]["date"]["as_written"], "5th March 2012");
  EXPECT_EQ(motions["motion-5"]["result"], "referred back");
  EXPECT_EQ(motions["motion-6"]["result"], "fail");
  // No decision answers it: no result is invented.
  EXPECT_FALSE(motions["motion-7"].contains("result")) << motions["motion-7"];
  EXPECT_FALSE(motions["motion-7"].contains("legislative_session_id"));
  EXPECT_EQ(motions["motion-11"]["result"], "noted");
  EXPECT_EQ(motions["motion-11"]["compact_ledger"]["kind"], "decision");
  EXPECT_EQ(motions["motion-12"]["result"], "recommended");
  EXPECT_EQ(motions["motion-12"]["compact_ledger"]["decisions"][0]["recommended_to"], "b");
  // A decision at no recorded meeting has no session and no invented date.
  EXPECT_FALSE(motions["motion-12"].contains("legislative_session_id"));
  EXPECT_EQ(motions["motion-12"]["compact_ledger"]["date"]["edtf"], "2012-04");
}

TEST_F(PopoloRecordTest, TheLatestDecisionOnAProposalGivesItsResultAndEveryOneIsKept) {
  Record(kSetUp);
  const std::string decided =
      R"(,"action":{"kind":"ACTION_KIND_REVIEW_COMPACT","compactId":"c"},"respondsTo":{"ref":"p"}},"actor":{"bodyId":"b"},"citations":[{"sourceId":"s","quote":"RESOLVED"}],)";
  Record(R"({"proposal":{"addressedTo":"b","action":{"kind":"ACTION_KIND_REVIEW_COMPACT","compactId":"c"}},"actor":{"bodyId":"b"},"date":{"edtf":"2012-01"},"ref":"p","citations":[{"sourceId":"s","quote":"asked"}]}
{"decision":{"kind":"DECISION_KIND_REFER_BACK")" + decided +
         R"("date":{"edtf":"2012-02-01"},"meeting":{"bodyId":"b","kind":"MEETING_KIND_BOARD","date":{"edtf":"2012-02-01"}}}
{"decision":{"kind":"DECISION_KIND_AGREE")" + decided +
         R"("date":{"edtf":"2012-03-01"},"meeting":{"bodyId":"b","kind":"MEETING_KIND_BOARD","date":{"edtf":"2012-03-01"}}})");
  const json out = Export();
  ASSERT_EQ(out["motions"].size(), 1u) << out["motions"].dump(2);
  const json& motion = out["motions"][0];
  EXPECT_EQ(motion["id"], "motion-4");
  EXPECT_EQ(motion["result"], "pass");
  // Put to no meeting: its session is the first meeting that took it up.
  EXPECT_EQ(motion["legislative_session_id"], "event-5");
  const json& decisions = motion["compact_ledger"]["decisions"];
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_EQ(decisions[0]["result"], "referred back");
  EXPECT_EQ(decisions[0]["event_id"], "event-5");
  EXPECT_EQ(decisions[1]["result"], "pass");
  EXPECT_EQ(decisions[1]["event_id"], "event-6");
  EXPECT_EQ(out["events"].size(), 2u);
}

TEST_F(PopoloRecordTest, ADissolvedBodyHasADissolutionDateOnlyAsPreciseAsTheSourcesAndItsSuccessor) {
  Record(kSetUp);
  Record(R"({"bodyRegistered":{"bodyId":"pct","name":"Example PCT","classification":"CLASSIFICATION_PCT"},"citations":[{"sourceId":"s","quote":"q"}]}
{"bodyRegistered":{"bodyId":"ccg","name":"Example CCG","classification":"CLASSIFICATION_ORGANISATION"},"citations":[{"sourceId":"s","quote":"q"}]}
{"bodyRegistered":{"bodyId":"forum","name":"Example Forum","classification":"CLASSIFICATION_ORGANISATION"},"citations":[{"sourceId":"s","quote":"q"}]}
{"bodyRegistered":{"bodyId":"panel","name":"Example Panel","classification":"CLASSIFICATION_ORGANISATION"},"citations":[{"sourceId":"s","quote":"q"}]}
{"occurrence":{"action":{"kind":"ACTION_KIND_DISSOLVE_BODY","bodyIds":["pct"],"successorBodyId":"ccg"}},"date":{"edtf":"2012-11-02","asWritten":"2nd November 2012"},"effect":{"from":{"edtf":"2013-04-01","asWritten":"1st April 2013"},"asWritten":"with effect from 1st April 2013"},"citations":[{"sourceId":"s","quote":"abolished"}]}
{"occurrence":{"action":{"kind":"ACTION_KIND_DISSOLVE_BODY","bodyIds":["forum"]}},"date":{"edtf":"2012-11?"},"citations":[{"sourceId":"s","quote":"wound up"}]}
{"occurrence":{"action":{"kind":"ACTION_KIND_DISSOLVE_BODY","bodyIds":["panel"]}},"date":{"edtf":"2012-06"},"citations":[{"sourceId":"s","quote":"closed"}]}
{"annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"sequence":10},"retracts":true,"text":"The panel was not closed"},"citations":[{"sourceId":"s","quote":"q"}]})");
  const json out = Export();
  std::map<std::string, json> by_id;
  for (const json& o : out["organizations"]) by_id[o["id"]] = o;
  // In effect from the day the effect names, not the day it was announced.
  const json& pct = by_id["pct"];
  EXPECT_EQ(pct["dissolution_date"], "2013-04-01") << pct.dump(2);
  const json& dissolved = pct["compact_ledger"]["dissolved"];
  EXPECT_EQ(dissolved["sequence"], 8);
  EXPECT_EQ(dissolved["date"]["edtf"], "2012-11-02");
  EXPECT_EQ(dissolved["date"]["as_written"], "2nd November 2012");
  EXPECT_EQ(dissolved["effect"], "with effect from 1st April 2013");
  EXPECT_EQ(dissolved["in_effect_from"]["edtf"], "2013-04-01");
  EXPECT_EQ(dissolved["successor_id"], "ccg");
  // An uncertain month is not a Popolo date: only the extension has it.
  const json& forum = by_id["forum"];
  EXPECT_FALSE(forum.contains("dissolution_date")) << forum.dump(2);
  EXPECT_EQ(forum["compact_ledger"]["dissolved"]["in_effect_from"]["edtf"], "2012-11?");
  EXPECT_FALSE(forum["compact_ledger"]["dissolved"].contains("successor_id"));
  // A retracted dissolution is not one; bodies never dissolved say nothing.
  EXPECT_FALSE(by_id["panel"].contains("dissolution_date")) << by_id["panel"].dump(2);
  EXPECT_FALSE(by_id["panel"].contains("compact_ledger"));
  EXPECT_FALSE(by_id["ccg"].contains("dissolution_date"));
  EXPECT_FALSE(by_id["b"].contains("compact_ledger"));
}

TEST_F(PopoloRecordTest, RetractedProposalsDecisionsAndTheirMeetingsAreLeftOut) {
  Record(kSetUp);
  Record(DecisionAt("BOARD", "2012-03-05", "Minute 1") + "\n" +  // #4, retracted
         DecisionAt("BOARD", "2012-03-06", "Minute 9") + "\n" +  // #5, stays
         R"({"annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"sequence":4},"retracts":true,"text":"No such meeting"},"citations":[{"sourceId":"s","quote":"q"}]})");
  const json out = Export();
  ASSERT_EQ(out["events"].size(), 1u) << out["events"].dump(2);
  EXPECT_EQ(out["events"][0]["id"], "event-5");
  ASSERT_EQ(out["motions"].size(), 1u) << out["motions"].dump(2);
  EXPECT_EQ(out["motions"][0]["id"], "motion-5");
}

TEST_F(PopoloRecordTest, ACorrectedDateIsTheDateExportedAndSaysWhichCorrectionGaveIt) {
  Record(kSetUp);
  Record(R"({"decision":{"kind":"DECISION_KIND_AGREE","action":{"kind":"ACTION_KIND_REVIEW_COMPACT","compactId":"c"}},"actor":{"bodyId":"b"},"date":{"edtf":"2012-04"},"citations":[{"sourceId":"s","quote":"agreed"}]}
{"occurrence":{"action":{"kind":"ACTION_KIND_HOLD_MEETING","compactId":"c","description":"met"}},"actor":{"bodyId":"b"},"date":{"edtf":"2012"},"citations":[{"sourceId":"s","quote":"met"}]}
{"annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"sequence":4},"date":{"edtf":"2012-05-02","asWritten":"2nd May 2012"},"text":"Agreed in May"},"citations":[{"sourceId":"s","quote":"q"}]}
{"annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"sequence":5},"date":{"edtf":"2012-06-01"},"text":"Met on 1 June"},"citations":[{"sourceId":"s","quote":"q"}]})");
  const json out = Export();
  ASSERT_EQ(out["motions"].size(), 1u);
  const json& ours = out["motions"][0]["compact_ledger"];
  EXPECT_EQ(ours["date"], json({{"edtf", "2012-05-02"}, {"as_written", "2nd May 2012"}}));
  EXPECT_EQ(ours["date_corrected_by"], 6);
  EXPECT_EQ(ours["decisions"][0]["date_corrected_by"], 6);
  // The meeting that the occurrence dated "2012" was held on the corrected day.
  ASSERT_EQ(out["events"].size(), 1u);
  EXPECT_EQ(out["events"][0]["start_date"], "2012-06-01");
  EXPECT_EQ(out["events"][0]["description"], "met");
  EXPECT_EQ(out["events"][0]["compact_ledger"]["date_corrected_by"], 7);
  EXPECT_FALSE(out["events"][0].contains("classification"));
}

TEST(PopoloTest, SeedMeetingsAreOneEventEachAndNeverMorePreciseThanTheSources) {
  const json out = SeedPopolo();
  std::set<std::string> organizations;
  for (const json& o : out["organizations"]) organizations.insert(o["id"].get<std::string>());
  // The EWSG's awareness event, the Board's 4 April 2006, the Strategic
  // Board's 7 June 2006, the Cabinet of 29 June 2006 (named by seven facts)
  // and the working group's one meeting, dated only [2010..2011-09].
  ASSERT_EQ(out["events"].size(), 5u) << out["events"].dump(2);
  std::map<std::string, json> by_body;
  for (const json& e : out["events"]) {
    EXPECT_TRUE(e["name"].is_string()) << e;
    EXPECT_TRUE(organizations.contains(e["organization_id"].get<std::string>())) << e;
    if (e.contains("start_date")) {
      EXPECT_EQ(e["start_date"], e["compact_ledger"]["date"]["edtf"]) << e;
    }
    by_body[e["organization_id"].get<std::string>()] = e;
  }
  const json& cabinet = by_body["wyre-forest-dc-cabinet"];
  EXPECT_EQ(cabinet["start_date"], "2006-06-29");
  EXPECT_EQ(cabinet["classification"], "cabinet");
  EXPECT_EQ(cabinet["name"], "Cabinet of Wyre Forest District Council meeting, 29th JUNE 2006");
  EXPECT_EQ(cabinet["compact_ledger"]["facts"].size(), 7u);
  const json& group = by_body["wcsg-working-group"];
  EXPECT_FALSE(group.contains("start_date")) << group;
  EXPECT_FALSE(group.contains("classification")) << group;
  EXPECT_EQ(group["compact_ledger"]["date"]["edtf"], "[2010..2011-09]");
  EXPECT_EQ(by_body["ewsg"]["classification"], "public_event");
  // The meeting's date has no words of its own; the decision's same day does.
  EXPECT_EQ(by_body["worcestershire-partnership-board"]["name"],
            "Worcestershire Partnership Board meeting, 4th April 2006");
}

TEST(PopoloTest, SeedMotionsKeepProposalsApartFromDecisions) {
  const json out = SeedPopolo();
  // Eight proposals and eleven decisions, none answering a proposal.
  ASSERT_EQ(out["motions"].size(), 19u) << out["motions"].dump(2);
  std::set<std::string> events;
  for (const json& e : out["events"]) events.insert(e["id"].get<std::string>());
  int proposals = 0, passed = 0;
  for (const json& m : out["motions"]) {
    EXPECT_FALSE(m.contains("date")) << m;
    EXPECT_FALSE(m.contains("sources")) << m;  // no seed source has a URI
    EXPECT_TRUE(m["text"].is_string()) << m;
    if (m.contains("legislative_session_id")) {
      EXPECT_TRUE(events.contains(m["legislative_session_id"].get<std::string>())) << m;
    }
    if (m["compact_ledger"]["kind"] == "proposal") {
      ++proposals;
      // The sources give no resolution on any seed proposal.
      EXPECT_FALSE(m.contains("result")) << m;
    } else if (m.value("result", "") == "pass") {
      ++passed;
    }
  }
  EXPECT_EQ(proposals, 8);
  EXPECT_EQ(passed, 11);
  const json* to_cabinet = nullptr;
  for (const json& m : out["motions"]) {
    if (m["organization_id"] == "wyre-forest-dc-cabinet" && m["classification"] == "adopt_compact") {
      to_cabinet = &m;
    }
  }
  ASSERT_NE(to_cabinet, nullptr);
  EXPECT_EQ((*to_cabinet)["compact_ledger"]["requested"], "recommend");
  EXPECT_EQ((*to_cabinet)["compact_ledger"]["recommend_to"], "wyre-forest-dc");
  EXPECT_EQ((*to_cabinet)["compact_ledger"]["proposed_by"], "wyre-forest-dc");
  EXPECT_THAT((*to_cabinet)["text"].get<std::string>(),
              ::testing::HasSubstr("The Cabinet is asked to RECOMMEND to Council that:"));
}

}  // namespace
}  // namespace ledger::compact
