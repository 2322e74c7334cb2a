// "As known at T" answered from the whole folded state with a sequence
// limit (World::StateAt with known_through) must be exactly the report of a
// World that folded only the events before the limit. Checked for every
// prefix of both scenarios (the seed papers and the fictional Eastmere,
// which has corrections recorded years after the facts they correct, a
// dissolution, a withdrawal and effects that wait on later events), for
// every compact and for all of them, on a range of days.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "ledger/compact/scenario.h"
#include "ledger/compact/world.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::SourcePath;

namespace ledger::compact {
namespace {

std::vector<ScenarioLine> Lines(const std::string& relative) {
  std::ifstream in(SourcePath(relative), std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  absl::StatusOr<std::vector<ScenarioLine>> lines = ParseScenario(buffer.str());
  EXPECT_THAT(lines, IsOk());
  return lines.ok() ? *lines : std::vector<ScenarioLine>();
}

// Mid-year and year-end days over the years both scenarios cover.
std::vector<CivilDay> Days() {
  std::vector<CivilDay> days;
  for (int year = 2003; year <= 2016; ++year) {
    days.push_back(CivilDay{year, 6, 30});
    days.push_back(CivilDay{year, 12, 31});
  }
  return days;
}

// Compares, for every prefix of `lines`, the limited report of the whole
// world with the report of the prefix's own world. Returns how many reports
// were compared that differ from the whole world's unlimited report (so a
// limit that changed nothing would be noticed).
int ExpectEveryPrefixMatches(const std::vector<ScenarioLine>& lines) {
  World whole;
  EXPECT_THAT(ApplyScenario(lines, 0, &whole), IsOk());
  std::vector<std::string> ids = {""};
  for (const auto& [id, record] : whole.state().compacts()) ids.push_back(id);
  const std::vector<CivilDay> days = Days();
  int differs_from_whole = 0;
  World prefix;
  for (size_t known = 0; known <= lines.size(); ++known) {
    if (known > 0) {
      const std::vector<ScenarioLine> next(lines.begin() + (known - 1), lines.begin() + known);
      EXPECT_THAT(ApplyScenario(next, known - 1, &prefix), IsOk()) << "line " << known;
    }
    for (const std::string& id : ids) {
      for (const CivilDay& day : days) {
        ::compact::v1::StateReport limited, expected, unlimited;
        const absl::Status got = whole.StateAt(day, id, known, &limited);
        const absl::Status want = prefix.StateAt(day, id, &expected);
        SCOPED_TRACE(::testing::Message() << "known through " << known << ", compact '" << id
                                        << "', on " << day.ToString());
        EXPECT_EQ(got.code(), want.code()) << got << " / " << want;
        if (!want.ok() || !got.ok()) {
          EXPECT_EQ(got.message(), want.message());
          continue;
        }
        std::string difference;
        google::protobuf::util::MessageDifferencer differ;
        differ.ReportDifferencesToString(&difference);
        EXPECT_TRUE(differ.Compare(expected, limited)) << difference;
        if (whole.StateAt(day, id, &unlimited).ok() &&
            !google::protobuf::util::MessageDifferencer::Equals(unlimited, limited)) {
          ++differs_from_whole;
        }
      }
    }
  }
  return differs_from_whole;
}

TEST(AsKnownThroughTest, EveryPrefixOfTheSeedMatchesItsOwnFold) {
  const std::vector<ScenarioLine> lines = Lines("scenarios/worcestershire.jsonl");
  ASSERT_GT(lines.size(), 80u);
  EXPECT_GT(ExpectEveryPrefixMatches(lines), 0);
}

TEST(AsKnownThroughTest, EveryPrefixOfEastmereMatchesItsOwnFold) {
  const std::vector<ScenarioLine> lines = Lines("scenarios/eastmere-fictional.jsonl");
  ASSERT_GT(lines.size(), 25u);
  EXPECT_GT(ExpectEveryPrefixMatches(lines), 0);
}

// The limit is a sequence: facts at or above it are not seen, whatever the
// day asked about.
TEST(AsKnownThroughTest, NothingKnownThroughZeroAndEverythingThroughTheEnd) {
  const std::vector<ScenarioLine> lines = Lines("scenarios/eastmere-fictional.jsonl");
  World whole;
  ASSERT_THAT(ApplyScenario(lines, 0, &whole), IsOk());
  ::compact::v1::StateReport none, all, plain;
  ASSERT_THAT(whole.StateAt(CivilDay{2016, 1, 1}, "", 0, &none), IsOk());
  EXPECT_EQ(none.compacts_size(), 0);
  EXPECT_TRUE(none.body_names().empty());
  ASSERT_THAT(whole.StateAt(CivilDay{2016, 1, 1}, "", lines.size(), &all), IsOk());
  ASSERT_THAT(whole.StateAt(CivilDay{2016, 1, 1}, "", &plain), IsOk());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(all, plain));
  EXPECT_GT(plain.compacts_size(), 0);
}

}  // namespace
}  // namespace ledger::compact
