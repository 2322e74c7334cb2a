#include "ledger/site/site_data.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "google/protobuf/util/json_util.h"
#include "ledger/witness/cosignature.h"
#include "tests/ledger/site/seed_ledger.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::site {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

class SiteDataTest : public site::testing::SeedLedgerTest {
 protected:
  json File(const std::string& path) {
    if (files_.empty()) {
      auto built = BuildSiteData(*ledger_, options_);
      EXPECT_THAT(built, IsOk());
      if (built.ok()) files_ = *built;
    }
    auto it = files_.find(path);
    EXPECT_NE(it, files_.end()) << path;
    return it == files_.end() ? json() : json::parse(it->second);
  }
  std::map<std::string, std::string> files_;
};

const json* FactOf(const json& data, uint64_t sequence) {
  for (const json& f : data["facts"]) {
    if (f["sequence"] == sequence) return &f;
  }
  return nullptr;
}

TEST_F(SiteDataTest, TheIndexListsTheCompactsBodiesAndKeysForTheWholeLog) {
  const json index = File("data/index.json");
  EXPECT_EQ(index["treeSize"], ledger_->log().Size());
  EXPECT_EQ(index["logKeys"], json(options_.log_keys));
  std::vector<std::string> ids;
  for (const json& c : index["compacts"]) ids.push_back(c["id"]);
  EXPECT_THAT(ids, ::testing::ElementsAre("worcestershire-2006", "wyre-forest-interim-2005"));
  EXPECT_GT(index["bodies"].size(), 10u);
  EXPECT_EQ(index["bodyNames"]["wyre-forest-dc"], "Wyre Forest District Council");
}

TEST_F(SiteDataTest, FactsCarryTheEventExactlyAsTheLogStoresIt) {
  const json data = File("data/compact/worcestershire-2006.json");
  auto history = ledger_->History("worcestershire-2006");
  ASSERT_THAT(history, IsOk());
  for (const HistoryItem& item : *history) {
    const json* fact = FactOf(data, item.sequence);
    ASSERT_NE(fact, nullptr) << "fact " << item.sequence << " is missing";
    std::string expected;
    ASSERT_THAT(google::protobuf::util::MessageToJsonString(item.event, &expected, {}), IsOk());
    EXPECT_EQ((*fact)["event"], json::parse(expected)) << item.sequence;
    EXPECT_EQ((*fact)["stream"], item.stream);
  }
}

TEST_F(SiteDataTest, EveryFactAStateNamesIsOnThePageWithTheSourcesItCites) {
  const json data = File("data/compact/worcestershire-2006.json");
  std::function<void(const json&)> check = [&](const json& v) {
    if (v.is_object()) {
      if (v.contains("sequence") && (v.contains("certainty") || v.contains("annotation"))) {
        const uint64_t s = std::stoull(v["sequence"].get<std::string>());
        EXPECT_NE(FactOf(data, s), nullptr) << "the state names fact " << s;
      }
      for (const auto& [k, inner] : v.items()) check(inner);
    } else if (v.is_array()) {
      for (const json& inner : v) check(inner);
    }
  };
  ASSERT_GT(data["intervals"].size(), 4u);
  for (const json& interval : data["intervals"]) check(interval["state"]);
  for (const json& fact : data["facts"]) {
    for (const json& c : fact["event"].value("citations", json::array())) {
      bool cited = false;
      for (const json& f : data["facts"]) {
        cited |= f["kind"] == "sourceRegistered" &&
                 f["event"]["sourceRegistered"]["sourceId"] == c["sourceId"];
      }
      EXPECT_TRUE(cited) << "source " << c["sourceId"] << " of fact " << fact["sequence"];
    }
  }
}

TEST_F(SiteDataTest, TheTimelineIsInDateOrderAndKeepsRangesAsRanges) {
  const json data = File("data/compact/worcestershire-2006.json");
  const json& timeline = data["timeline"];
  ASSERT_GT(timeline.size(), 10u);
  std::string last;
  bool council_range = false;
  for (const json& row : timeline) {
    const std::string earliest = row["date"].value("earliest", "");
    EXPECT_LE(last, earliest) << row.dump();
    last = earliest;
    council_range |= row["date"].value("edtf", "") == "[2006-06-29..2011-09]" &&
                     row["date"].value("latest", "") == "2011-09-30";
  }
  EXPECT_TRUE(council_range) << "Council's adoption is drawn from its range";
}

TEST_F(SiteDataTest, TheCountyCompactIsInForceOnTheFirstOfJuly2006) {
  const json data = File("data/compact/worcestershire-2006.json");
  const json* found = nullptr;
  for (const json& i : data["intervals"]) {
    const std::string from = i["from"], to = i["to"];
    if ((from.empty() || from <= "2006-07-01") && (to.empty() || "2006-07-01" <= to)) found = &i;
  }
  ASSERT_NE(found, nullptr);
  EXPECT_EQ((*found)["state"]["status"], "COMPACT_STATUS_IN_FORCE");
  EXPECT_FALSE((*found)["state"]["uncertain"].empty());
}

TEST_F(SiteDataTest, ABodyPageHoldsWhatTheBodyDecidedAndItsMemberships) {
  const json data = File("data/body/worcestershire-partnership-board.json");
  EXPECT_EQ(data["body"]["name"], "Worcestershire Partnership Board");
  int decided = 0;
  for (const auto& [sequence, role] : data["roles"].items()) {
    const json* fact = FactOf(data, std::stoull(sequence));
    ASSERT_NE(fact, nullptr);
    decided += role == "by this body" && (*fact)["kind"] == "decision";
  }
  EXPECT_GE(decided, 3);
  const json ewsg = File("data/body/ewsg.json");
  bool has_member = false;
  for (const auto& [sequence, role] : ewsg["roles"].items()) has_member |= role == "has member";
  EXPECT_TRUE(has_member);
}

TEST_F(SiteDataTest, OptionsWithoutAValidKeyAreRefusedNamingTheKey) {
  SiteOptions none;
  EXPECT_THAT(BuildSiteData(*ledger_, none).status().message(), HasSubstr("verifier key"));
  SiteOptions bad;
  bad.log_keys = {"example.com+00000000+AAAA"};
  auto refused = BuildSiteData(*ledger_, bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("example.com+00000000"));
  SiteOptions quorum = options_;
  quorum.witness_quorum = 1;
  EXPECT_THAT(BuildSiteData(*ledger_, quorum).status().message(), HasSubstr("quorum"));
  auto witness = witness::Cosigner::Generate("witness.example/w1");
  ASSERT_THAT(witness, IsOk());
  quorum.witness_keys = {witness->verifier().KeyString()};
  EXPECT_THAT(BuildSiteData(*ledger_, quorum), IsOk());
  quorum.witness_keys = {options_.log_keys[0]};  // an Ed25519 note key is not a cosigner
  EXPECT_THAT(BuildSiteData(*ledger_, quorum).status().message(), HasSubstr("witness key"));
}

}  // namespace
}  // namespace ledger::site
