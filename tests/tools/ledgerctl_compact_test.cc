// End-to-end tests of ledgerctl's compact subcommands: demo, import, replay,
// history, with the real binary on real databases.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/testing/run_command.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::LedgerctlPath;
using ::ledger::testing::SourcePath;

namespace ledger {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::RunCommand;

class LedgerctlCompactTest : public ::testing::Test {
 protected:
  std::string db() const { return dir_.Sub("db"); }
  testing::CommandResult Ctl(const std::string& args) {
    return RunCommand(LedgerctlPath() + " " + args);
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.Sub(name)) << text;
    return dir_.Sub(name);
  }
  // Imports `file` and expects it refused as bad input (exit 2), with each
  // of `said` in the error, and nothing appended.
  void ExpectImportRefused(const std::string& file, std::initializer_list<std::string> said) {
    const uint64_t size = LogSize();
    auto r = Ctl("import " + file + " --db " + db());
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    for (const std::string& words : said) EXPECT_THAT(r.err, HasSubstr(words));
    EXPECT_EQ(LogSize(), size);
  }
  uint64_t LogSize() {
    auto r = Ctl("root --db " + db() + " --format json");
    if (r.exit_code != 0) return 0;
    return nlohmann::json::parse(r.out)["treeSize"].get<uint64_t>();
  }

  testing::TempDir dir_;
};

TEST_F(LedgerctlCompactTest, DemoTellsTheStoryAndVerifies) {
  auto r = Ctl("demo --db " + db());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("verified: "));
  EXPECT_THAT(r.out, HasSubstr("== Timeline"));
  for (const char* date : {"2005-01", "2005-03", "2006-05", "2006-07", "2007-06", "2011-10"}) {
    EXPECT_THAT(r.out, HasSubstr(std::string("== State at ") + date)) << date;
  }
  EXPECT_THAT(r.out, HasSubstr("PROPOSED (not decided)"));
  EXPECT_THAT(r.out, HasSubstr("UNCERTAIN: adopted by Wyre Forest District Council"));
  EXPECT_EQ(Ctl("verify --db " + db()).exit_code, 0);
}

TEST_F(LedgerctlCompactTest, DemoTwiceAppendsNothing) {
  ASSERT_EQ(Ctl("demo --db " + db()).exit_code, 0);
  const uint64_t size = LogSize();
  ASSERT_GT(size, 0u);
  auto again = Ctl("demo --db " + db());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr(" 0 new"));
  EXPECT_EQ(LogSize(), size);
}

// A demo database made from another version of the seed scenario (a line
// changed, so its request id too) is refused with what to do, unchanged.
TEST_F(LedgerctlCompactTest, ADemoOfAnotherScenarioVersionIsRefusedSayingToUseANewDb) {
  std::ifstream in(SourcePath("scenarios/worcestershire.jsonl"));
  std::string older, line;
  for (int n = 1; std::getline(in, line); ++n) {
    // As the scenario read before two registrations were marked inferred.
    if (n == 30) line = line.substr(0, line.find(", \"inferred\": true")) + "}";
    older += line + "\n";
  }
  std::ofstream(dir_.Sub("older.jsonl")) << older;
  ASSERT_EQ(Ctl("demo --db " + db() + " --scenario " + dir_.Sub("older.jsonl")).exit_code, 0);
  const std::string root = Ctl("root --db " + db()).out;
  auto r = Ctl("demo --db " + db());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr(" already held "));
  EXPECT_THAT(r.err, HasSubstr("run the demo with a new --db"));
  EXPECT_EQ(Ctl("root --db " + db()).out, root);
}

TEST_F(LedgerctlCompactTest, TheDemosBuiltInScenarioIsTheCheckoutsSeedFile) {
  // The demo needs no source tree: it loads the copy built into ledgerctl.
  // Importing the checkout's file afterwards appends nothing (request ids
  // come from each line's bytes), so the copy is the file, line for line.
  auto demo = Ctl("demo --db " + db());
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  EXPECT_THAT(demo.out, HasSubstr("imported scenarios/worcestershire.jsonl (built in): "));
  const uint64_t size = LogSize();
  auto again = Ctl("import " + SourcePath("scenarios/worcestershire.jsonl") + " --db " + db());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr(" 0 new"));
  EXPECT_EQ(LogSize(), size);
}

TEST_F(LedgerctlCompactTest, TheDemoLoadsAnotherScenarioWhenGivenOne) {
  auto demo = Ctl("demo --db " + db() + " --scenario " +
                  SourcePath("scenarios/eastmere-fictional.jsonl"));
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  EXPECT_THAT(demo.out, HasSubstr("eastmere-fictional.jsonl: "));
  auto missing = Ctl("demo --db " + dir_.Sub("other") + " --scenario " + dir_.Sub("absent.jsonl"));
  EXPECT_EQ(missing.exit_code, 3) << missing.out;
  EXPECT_THAT(missing.err, HasSubstr("absent.jsonl"));
  // A file that is not a scenario is bad input, as for import, and the
  // database is not created.
  auto bad = Ctl("demo --db " + dir_.Sub("other") + " --scenario " +
                 Write("bad.jsonl", "{\"not\": \"an event\"}\n"));
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_THAT(bad.err, HasSubstr("bad.jsonl:1"));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("other")));
}

TEST_F(LedgerctlCompactTest, ReplayAtTellingDates) {
  ASSERT_EQ(Ctl("demo --db " + db()).exit_code, 0);
  auto early = Ctl("replay --db " + db() + " --at 2005-01-15");
  ASSERT_EQ(early.exit_code, 0) << early.err;
  EXPECT_THAT(early.out, HasSubstr("No compact is known to exist"));

  auto json = Ctl("replay --db " + db() + " --at 2006-07-01 --compact worcestershire-2006 "
                  "--format json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto j = nlohmann::json::parse(json.out);
  ASSERT_EQ(j["compacts"].size(), 1u);
  const auto& adoption = j["compacts"][0]["adoptions"][0];
  EXPECT_EQ(adoption["fact"]["certainty"], "CERTAINTY_UNCERTAIN") << adoption.dump();
}

TEST_F(LedgerctlCompactTest, ReplayRefusesMalformedDates) {
  ASSERT_EQ(Ctl("demo --db " + db()).exit_code, 0);
  for (const char* at : {"2006-13", "June 2006", "2006-06-31", "2005-22", "[..2006]"}) {
    auto r = Ctl("replay --db " + db() + " --at '" + at + "'");
    EXPECT_EQ(r.exit_code, 2) << at << ": " << r.out;
    EXPECT_FALSE(r.err.empty()) << at;
  }
  auto known = Ctl("replay --db " + db() + " --at 2007 --as-known-at yesterday");
  EXPECT_EQ(known.exit_code, 2);
  EXPECT_THAT(known.err, HasSubstr("RFC 3339"));
  auto unknown = Ctl("replay --db " + db() + " --at 2007 --compact nope");
  EXPECT_EQ(unknown.exit_code, 2);
}

TEST_F(LedgerctlCompactTest, AsKnownAtBeforeAnythingWasRecordedShowsNothing) {
  ASSERT_EQ(Ctl("demo --db " + db()).exit_code, 0);
  auto r = Ctl("replay --db " + db() + " --at 2011 --as-known-at 2000-01-01T00:00:00Z");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("No compact is known to exist"));
}

TEST_F(LedgerctlCompactTest, HistoryListsTheCompactsEvents) {
  ASSERT_EQ(Ctl("demo --db " + db()).exit_code, 0);
  auto r = Ctl("history --db " + db() + " --compact wyre-forest-interim-2005");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("REGISTERED compact wyre-forest-interim-2005"));
  EXPECT_THAT(r.out, HasSubstr("supersession"));
  auto json = Ctl("history --db " + db() + " --compact wyre-forest-interim-2005 --format json");
  ASSERT_EQ(json.exit_code, 0);
  auto first = nlohmann::json::parse(json.out.substr(0, json.out.find('\n')));
  EXPECT_TRUE(first.contains("sequence"));
  EXPECT_TRUE(first.contains("recordedAt"));
  EXPECT_EQ(Ctl("history --db " + db() + " --compact nope").exit_code, 2);
}

// The sources' conflict over a meeting's month is dated by its annotation.
TEST_F(LedgerctlCompactTest, HistoryDatesAConflictByItsOwnDate) {
  ASSERT_EQ(Ctl("demo --db " + db()).exit_code, 0);
  auto r = Ctl("history --db " + db() + " --compact worcestershire-2006");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const size_t at = r.out.find("CONFLICT on ref 'claim-december-meeting'");
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string line = r.out.substr(r.out.rfind('\n', at) + 1, at - r.out.rfind('\n', at) - 1);
  EXPECT_THAT(line, HasSubstr("[2011-11,2011-12]"));
  EXPECT_THAT(line, ::testing::Not(HasSubstr("(undated)")));
}

TEST_F(LedgerctlCompactTest, HistoryIsInDateOrderByDefaultAndInLedgerOrderOnRequest) {
  ASSERT_EQ(Ctl("demo --db " + db()).exit_code, 0);
  const std::string base = "history --db " + db() + " --compact worcestershire-2006";
  auto text = Ctl(base);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("In date order: each event at the first day its date allows"));
  EXPECT_THAT(text.out, HasSubstr("by 2006-04-04 (open start)"));
  auto by_date = Ctl(base + " --format json");
  auto by_ledger = Ctl(base + " --format json --order ledger");
  ASSERT_EQ(by_date.exit_code, 0) << by_date.err;
  ASSERT_EQ(by_ledger.exit_code, 0) << by_ledger.err;
  auto lines = [](const std::string& out) {
    std::vector<nlohmann::json> v;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) v.push_back(nlohmann::json::parse(line));
    return v;
  };
  const auto dated = lines(by_date.out);
  const auto recorded = lines(by_ledger.out);
  ASSERT_EQ(dated.size(), recorded.size());
  std::vector<uint64_t> date_seqs, ledger_seqs;
  std::string last_day;
  bool undated_done = false;
  for (const auto& item : dated) {
    date_seqs.push_back(item["sequence"].get<uint64_t>());
    if (item["placement"] == "undated") {
      EXPECT_FALSE(undated_done) << "undated events come first";
      continue;
    }
    undated_done = true;
    const std::string day = item["placedAt"].get<std::string>();
    EXPECT_LE(last_day, day) << item.dump();
    last_day = day;
  }
  for (const auto& item : recorded) {
    ledger_seqs.push_back(item["sequence"].get<uint64_t>());
    EXPECT_FALSE(item.contains("placedAt"));
  }
  EXPECT_TRUE(std::is_sorted(ledger_seqs.begin(), ledger_seqs.end()));
  EXPECT_NE(date_seqs, ledger_seqs);
  std::sort(date_seqs.begin(), date_seqs.end());
  EXPECT_EQ(date_seqs, ledger_seqs);
  auto bad = Ctl(base + " --order alphabetical");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("use date or ledger"));
}

TEST_F(LedgerctlCompactTest, MalformedImportNamesTheLineAndAppendsNothing) {
  ASSERT_EQ(Ctl("demo --db " + db()).exit_code, 0);
  const std::string bad = Write("bad.jsonl",
      "{\"sourceRegistered\": {\"sourceId\": \"x\", \"date\": {\"edtf\": \"2011\"}}}\n"
      "{\"compactRegistered\": {\"compactId\": \"y\"\n");
  ExpectImportRefused(bad, {"bad.jsonl:2"});
}

TEST_F(LedgerctlCompactTest, ImportOfAnEventAboveTheEntryLimitAppendsNothing) {
  ASSERT_EQ(Ctl("demo --db " + db()).exit_code, 0);
  const std::string big = Write("big.jsonl",
      "{\"sourceRegistered\": {\"sourceId\": \"x\", \"title\": \"X\", \"date\": "
      "{\"edtf\": \"2011\"}}}\n"
      "{\"sourceRegistered\": {\"sourceId\": \"y\", \"title\": \"" +
      std::string(70'000, 't') + "\", \"date\": {\"edtf\": \"2011\"}}}\n");
  ExpectImportRefused(big, {"the limit is 65535"});
}

TEST_F(LedgerctlCompactTest, RefusedImportNamesTheLineAndAppendsNothing) {
  ASSERT_EQ(Ctl("demo --db " + db()).exit_code, 0);
  // Well-formed, but the second line endorses a compact that does not exist.
  const std::string refused = Write("refused.jsonl",
      "{\"sourceRegistered\": {\"sourceId\": \"minutes\", \"title\": \"Minutes\", "
      "\"date\": {\"edtf\": \"2012-01\"}}}\n"
      "{\"decision\": {\"kind\": \"DECISION_KIND_ENDORSE\", \"action\": {\"kind\": "
      "\"ACTION_KIND_ENDORSE_COMPACT\", \"compactId\": \"no-such-compact\"}}, \"actor\": "
      "{\"bodyId\": \"worcestershire-partnership-board\"}, \"date\": {\"edtf\": \"2012-01\"}, "
      "\"citations\": [{\"sourceId\": \"minutes\", \"quote\": \"endorsed\"}]}\n");
  ExpectImportRefused(refused, {"refused.jsonl:2", "no-such-compact"});
}

TEST_F(LedgerctlCompactTest, ReplayMarksFormerPartiesAndRefusesWithdrawingANonParty) {
  auto imported =
      Ctl("import --db " + db() + " " + SourcePath("scenarios/eastmere-fictional.jsonl"));
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  auto before = Ctl("replay --db " + db() + " --at 2013-03-30 --compact eastmere-2010");
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_THAT(before.out, Not(HasSubstr("FORMER party")));
  auto after = Ctl("replay --db " + db() + " --at 2013-07-01");
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_THAT(after.out, HasSubstr("  - Eastmere PCT: was IN_FORCE (former party)\n      FORMER party: ceased (body "
                                   "dissolved) on 2013-03-31 (\"31st March 2013\"), replaced by "
                                   "Eastmere Clinical Commissioning Group [#"));
  EXPECT_THAT(after.out, HasSubstr("FORMER party: withdrew on 2013-06-30 (\"30th June 2013\")"));
  EXPECT_THAT(after.out, HasSubstr("Withdrawals:\n  - withdrawal by Eastmere Council for "
                                   "Voluntary Service"));
  auto json = Ctl("replay --db " + db() + " --at 2013-04-15 --compact eastmere-2008 --format json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json report = nlohmann::json::parse(json.out);
  bool cvs = false;
  for (const auto& p : report["compacts"][0]["partyStatuses"]) {
    if (p["bodyId"] != "eastmere-cvs") continue;
    cvs = true;
    EXPECT_EQ(p["standing"], "PARTY_STANDING_CURRENT") << p.dump();
    EXPECT_EQ(p["standingCertainty"], "CERTAINTY_UNCERTAIN") << p.dump();
  }
  EXPECT_TRUE(cvs);

  const std::string refused = Write("withdraw.jsonl",
      "{\"occurrence\": {\"action\": {\"kind\": \"ACTION_KIND_WITHDRAW_FROM_COMPACT\", "
      "\"compactId\": \"eastmere-2010\", \"bodyIds\": [\"eastmere-ccg\"]}}, \"date\": "
      "{\"edtf\": \"2013-05\"}, \"citations\": [{\"sourceId\": \"eastmere-partners-2013-05\", "
      "\"quote\": \"has not signed the Compact\"}]}\n");
  ExpectImportRefused(refused,
                      {"withdraw.jsonl:1", "'eastmere-ccg' is not a party of compact 'eastmere-2010'"});
}

TEST_F(LedgerctlCompactTest, ImportOfMissingFileIsUnreadable) {
  auto r = Ctl("import " + dir_.Sub("absent.jsonl") + " --db " + db());
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("cannot read"));
}

TEST_F(LedgerctlCompactTest, CompactCommandsOnMissingDatabaseAreUnreadable) {
  EXPECT_EQ(Ctl("replay --db " + dir_.Sub("none") + " --at 2007").exit_code, 3);
  EXPECT_EQ(Ctl("history --db " + dir_.Sub("none") + " --compact x").exit_code, 3);
}

TEST_F(LedgerctlCompactTest, ReplayHelpExplainsReducedPrecision) {
  auto r = Ctl("replay --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("END of that period"));
}

TEST_F(LedgerctlCompactTest, ExportPopoloTellsWhoWasWhoWithoutInventingWhenItBegan) {
  ASSERT_EQ(Ctl("demo --db " + db()).exit_code, 0);
  auto r = Ctl("export-popolo --db " + db());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json popolo = nlohmann::json::parse(r.out);
  for (const char* list : {"organizations", "persons", "posts", "memberships"}) {
    ASSERT_TRUE(popolo.contains(list) && popolo[list].is_array()) << list;
    EXPECT_FALSE(popolo[list].empty()) << list;
  }
  // The seed knows memberships only "as of" a paper's date: no start or end
  // is invented, and the paper's own words are kept.
  bool ewsg_as_written = false;
  for (const nlohmann::json& membership : popolo["memberships"]) {
    const nlohmann::json& ours = membership["compact_ledger"];
    ASSERT_TRUE(ours.contains("as_of")) << membership.dump();
    EXPECT_FALSE(membership.contains("start_date")) << membership.dump();
    EXPECT_FALSE(membership.contains("end_date")) << membership.dump();
    if (membership["organization_id"] == "ewsg" &&
        ours["as_of"]["as_written"] == "2nd June 2006" && ours["as_of"]["edtf"] == "2006-06-02") {
      ewsg_as_written = true;
    }
  }
  EXPECT_TRUE(ewsg_as_written) << r.out;
  // The Cabinet member, with his title, and his membership.
  const auto& persons = popolo["persons"];
  const auto clee = std::find_if(persons.begin(), persons.end(),
                                 [](const nlohmann::json& p) { return p["id"] == "stephen-clee"; });
  ASSERT_NE(clee, persons.end()) << r.out;
  EXPECT_EQ((*clee)["honorific_prefix"], "Cllr.");
  const auto& memberships = popolo["memberships"];
  EXPECT_TRUE(std::any_of(memberships.begin(), memberships.end(), [](const nlohmann::json& m) {
    return m.value("person_id", "") == "stephen-clee" && m.value("role", "") == "CABINET MEMBER";
  }));
}

TEST_F(LedgerctlCompactTest, ExportPopoloOfNoDatabaseSaysWhereItLookedAndCreatesNothing) {
  auto r = Ctl("export-popolo --db " + db());
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("no ledger database at " + db()));
  EXPECT_THAT(r.err, HasSubstr("ledgerctl demo --db DIR"));
  EXPECT_FALSE(std::ifstream(db() + "/CURRENT").good());
}

TEST_F(LedgerctlCompactTest, ExportFormatPopoloWritesWhatExportPopoloWritesWithMeetingsAndMotions) {
  ASSERT_EQ(Ctl("demo --db " + db()).exit_code, 0);
  auto spelled = Ctl("export --format popolo --db " + db());
  ASSERT_EQ(spelled.exit_code, 0) << spelled.err;
  auto old = Ctl("export-popolo --db " + db());
  ASSERT_EQ(old.exit_code, 0) << old.err;
  EXPECT_EQ(spelled.out, old.out);
  const nlohmann::json popolo = nlohmann::json::parse(spelled.out);
  ASSERT_EQ(popolo["events"].size(), 5u);
  ASSERT_EQ(popolo["motions"].size(), 19u);
  // The report's proposal to Cabinet: put to the Cabinet of 29 June 2006, no
  // result (Cabinet's resolution is not in the sources).
  const auto& events = popolo["events"];
  const auto cabinet = std::find_if(events.begin(), events.end(), [](const nlohmann::json& e) {
    return e["organization_id"] == "wyre-forest-dc-cabinet";
  });
  ASSERT_NE(cabinet, events.end());
  EXPECT_EQ((*cabinet)["start_date"], "2006-06-29");
  const auto& motions = popolo["motions"];
  EXPECT_TRUE(std::any_of(motions.begin(), motions.end(), [&](const nlohmann::json& m) {
    return m.value("legislative_session_id", "") == (*cabinet)["id"] && !m.contains("result");
  }));
}

TEST_F(LedgerctlCompactTest, ExportOfAnUnknownFormatNamesTheFormatsAndOpensNothing) {
  auto r = Ctl("export --format csv --db " + db());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "ledgerctl export: --format 'csv' is not known: the formats are popolo\n");
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(std::ifstream(db() + "/CURRENT").good());
  auto missing = Ctl("export --db " + db());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("--format"));
  auto help = Ctl("export --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("Output format: popolo"));
}

}  // namespace
}  // namespace ledger
