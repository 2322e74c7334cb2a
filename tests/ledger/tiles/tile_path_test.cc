#include "ledger/tiles/tile_path.h"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::StatusIs;
using ::testing::HasSubstr;

namespace ledger::tiles {
namespace {

TEST(TilePathTest, IndexIsWrittenInXPrefixedGroupsOfThreeDigits) {
  // The spec's example: index 1234067 is x001/x234/067.
  EXPECT_EQ(TilePath({.level = 0, .index = 1234067}), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath({.level = 0, .index = 0}), "tile/0/000");
  EXPECT_EQ(TilePath({.level = 2, .index = 999}), "tile/2/999");
  EXPECT_EQ(TilePath({.level = 1, .index = 1000}), "tile/1/x001/000");
}

TEST(TilePathTest, PartialTilesAndBundlesCarryTheirWidth) {
  EXPECT_EQ(TilePath({.level = 0, .index = 3, .width = 112}), "tile/0/003.p/112");
  EXPECT_EQ(TilePath({.entries = true, .index = 273}), "tile/entries/273");
  EXPECT_EQ(TilePath({.entries = true, .index = 1000, .width = 1}), "tile/entries/x001/000.p/1");
}

TEST(TilePathTest, ParseInvertsFormatting) {
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  for (const TileId tile : {TileId{.level = 0, .index = 0}, TileId{.level = 63, .index = 5, .width = 1},
                            TileId{.level = 1, .index = 1234067, .width = 255},
                            TileId{.entries = true, .index = max},
                            TileId{.entries = true, .index = 999999, .width = 17}}) {
    const std::string path = TilePath(tile);
    auto parsed = ParseTilePath(path);
    ASSERT_THAT(parsed, IsOk()) << path;
    EXPECT_EQ(*parsed, tile) << path;
  }
  EXPECT_EQ(TilePath({.entries = true, .index = max}), "tile/entries/x018/x446/x744/x073/x709/x551/615");
}

TEST(TilePathTest, NonCanonicalOrHostilePathsAreRefused) {
  for (const char* path : {
           "", "checkpoint", "tile", "tile/0", "tile/0/", "/tile/0/000", "tile/0/000/",
           "tile//000", "tile/../000", "tile/0/..", "tile/0/../../etc/passwd", "tile/0/x001/..",
           "tile/00/000", "tile/01/000", "tile/64/000", "tile/-1/000", "tile/+1/000",
           "tile/0/0", "tile/0/00", "tile/0/0000", "tile/0/1", "tile/0/x001", "tile/0/001/000",
           "tile/0/x000/001", "tile/0/x000/x001/000", "tile/0/X001/000", "tile/0/x01/000",
           "tile/0/x001/x002", "tile/0/00a", "tile/0/000.p", "tile/0/000.p/", "tile/0/000.p/0",
           "tile/0/000.p/256", "tile/0/000.p/007", "tile/0/000.p/1000", "tile/0/000.p/1/2",
           "tile/0/000.q/5", "tile/0/.p/5", "tile/0/000.p.p/5", "tile/entries", "tile/entries/",
           "tile/entries/000.p/0", "tile/entries/x000/000", "tile/Entries/000", "tile/0/000?x=1",
           "tile/0/000%2F", "tile/0/x018/x446/x744/x073/x709/x551/616",
           "tile/0/x001/x000/x000/x000/x000/x000/x000/000", "tile/0/999/000", "tile/0/ 000",
       }) {
    EXPECT_THAT(ParseTilePath(path),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tile")))
        << path;
  }
}

TEST(TilePathTest, OverlongPathsAreRefusedBeforeSplitting) {
  const std::string path = "tile/0/" + std::string(100000, 'x');
  auto parsed = ParseTilePath(path);
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("no canonical tile path is longer than")));
}

TEST(TilePathTest, ErrorsSayWhatIsWrong) {
  EXPECT_NE(ParseTilePath("tile/0/x000/001").status().message().find("x000"), std::string::npos);
  EXPECT_NE(ParseTilePath("tile/0/000.p/256").status().message().find("width"), std::string::npos);
  EXPECT_NE(ParseTilePath("tile/0/x018/x446/x744/x073/x709/x551/616").status().message().find("64 bits"),
            std::string::npos);
}

}  // namespace
}  // namespace ledger::tiles
