// PopoloJson on the seed scenario: Popolo's field names and types for the
// organizations, persons, posts and memberships it writes (what Popolo's
// JSON schemas require of them), references that resolve, and dates never
// more precise than the sources.
#include "ledger/compact/popolo.h"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/compact/scenario.h"
#include "ledger/compact/world.h"

namespace ledger::compact {
namespace {

using nlohmann::json;

json SeedPopolo() {
  std::ifstream in(std::string(LEDGER_SOURCE_DIR) + "/scenarios/worcestershire.jsonl");
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<std::vector<ScenarioLine>> lines = ParseScenario(text.str());
  EXPECT_TRUE(lines.ok()) << lines.status();
  World world;
  if (lines.ok()) {
    absl::Status s = ApplyScenario(*lines, 0, &world);
    EXPECT_TRUE(s.ok()) << s;
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
    ASSERT_TRUE(lines.ok()) << lines.status();
    for (const ScenarioLine& line : *lines) {
      absl::StatusOr<::compact::v1::Event> event = world.Prepare(line.event);
      ASSERT_TRUE(event.ok()) << event.status();
      ASSERT_TRUE(world.Apply(*event, EventMeta{seq++, 0, "t"}).ok());
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

}  // namespace
}  // namespace ledger::compact
