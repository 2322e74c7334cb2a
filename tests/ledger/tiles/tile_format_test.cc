#include "ledger/tiles/tile_format.h"

#include <map>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::StatusIs;

namespace ledger::tiles {
namespace {

using ::testing::HasSubstr;

std::map<std::string, int> CountByKind(const std::vector<TileId>& tiles) {
  std::map<std::string, int> counts;
  for (const TileId& tile : tiles) {
    const std::string kind = tile.entries ? "entries" : "level" + std::to_string(tile.level);
    ++counts[kind + (tile.full() ? " full" : " partial " + std::to_string(tile.width))];
  }
  return counts;
}

TEST(TileFormatTest, TreeOfSeventyThousandHasTheTilesTheSpecLists) {
  // tlog-tiles: 273 full level-0 tiles, a partial of width 112, one full
  // level-1 tile, a partial of width 17, and a level-2 partial of width 1.
  const std::map<std::string, int> expected = {
      {"level0 full", 273}, {"level0 partial 112", 1}, {"entries full", 273},
      {"entries partial 112", 1}, {"level1 full", 1}, {"level1 partial 17", 1},
      {"level2 partial 1", 1}};
  EXPECT_EQ(CountByKind(TilesAddedBetween(0, 70000)), expected);
  EXPECT_EQ(TileLevels(70000), 3u);
}

TEST(TileFormatTest, TreeOfTwoHundredFiftySixHasAFullTileAndALevelOnePartial) {
  const std::map<std::string, int> expected = {
      {"level0 full", 1}, {"entries full", 1}, {"level1 partial 1", 1}};
  EXPECT_EQ(CountByKind(TilesAddedBetween(0, 256)), expected);
}

TEST(TileFormatTest, GrowingAddsOnlyCompletedAndNewPartialTiles) {
  EXPECT_TRUE(TilesAddedBetween(300, 300).empty());
  // 300 -> 600: tile 1 of level 0 completes (512), a new partial 2.88 at
  // width 88; level 1 grows from width 1 to 2.
  const std::vector<TileId> added = TilesAddedBetween(300, 600);
  const std::vector<TileId> expected = {
      {.level = 0, .index = 1}, {.level = 0, .index = 2, .width = 88},
      {.entries = true, .index = 1}, {.entries = true, .index = 2, .width = 88},
      {.level = 1, .index = 0, .width = 2}};
  EXPECT_EQ(added, expected);
  EXPECT_TRUE(TilesAddedBetween(0, 0).empty());
}

TEST(TileFormatTest, TileInTreeKnowsFullPartialAndAbsentTiles) {
  EXPECT_EQ(TileInTree(false, 0, 0, 600), (TileId{.level = 0, .index = 0}));
  EXPECT_EQ(TileInTree(false, 0, 2, 600), (TileId{.level = 0, .index = 2, .width = 88}));
  EXPECT_EQ(TileInTree(false, 0, 3, 600), std::nullopt);
  EXPECT_EQ(TileInTree(false, 0, 2, 512), std::nullopt);
  EXPECT_EQ(TileInTree(false, 9, 0, ~uint64_t{0}), std::nullopt);
  EXPECT_EQ(TileInTree(true, 1, 0, 1 << 20), std::nullopt);
  EXPECT_EQ(TileFirstEntry({.level = 1, .index = 3}), 3u * 65536);
  EXPECT_EQ(TileFirstEntry({.level = 7, .index = 1}), std::nullopt);
}

TEST(TileFormatTest, HashTileRoundTripsAndRefusesWrongSizes) {
  std::vector<log::Hash> hashes(3);
  for (size_t i = 0; i < hashes.size(); ++i) hashes[i].fill(static_cast<uint8_t>(i + 1));
  const TileId tile{.level = 0, .index = 0, .width = 3};
  const std::string bytes = EncodeHashTile(hashes);
  EXPECT_EQ(bytes.size(), 96u);
  auto decoded = DecodeHashTile(bytes, tile);
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(*decoded, hashes);
  for (const std::string& wrong : {bytes.substr(0, 95), bytes + "x", std::string()}) {
    auto refused = DecodeHashTile(wrong, tile);
    EXPECT_THAT(refused, StatusIs(absl::StatusCode::kDataLoss, HasSubstr("tile/0/000.p/3")));
  }
  EXPECT_THAT(
      DecodeHashTile(std::string(kFullHashTileBytes - 32, 'a'), TileId{}),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("a tile of width 256 is 8192 bytes")));
}

TEST(TileFormatTest, BundleEntriesHaveABigEndianLength) {
  std::string bundle;
  ASSERT_THAT(AppendBundleEntry("one", bundle), IsOk());
  ASSERT_THAT(AppendBundleEntry(std::string(258, 'z'), bundle), IsOk());
  ASSERT_THAT(AppendBundleEntry("", bundle), IsOk());
  EXPECT_EQ(bundle.substr(0, 5), std::string("\x00\x03one", 5));
  EXPECT_EQ(bundle.substr(5, 2), std::string("\x01\x02", 2));
  auto entries = DecodeEntryBundle(bundle, {.entries = true, .index = 0, .width = 3});
  ASSERT_THAT(entries, IsOk());
  EXPECT_EQ(*entries, (std::vector<std::string>{"one", std::string(258, 'z'), ""}));
}

TEST(TileFormatTest, EntryLongerThanAUint16IsRefused) {
  std::string bundle = "kept";
  ASSERT_THAT(AppendBundleEntry(std::string(kMaxBundleEntryBytes, 'a'), bundle), IsOk());
  const size_t before = bundle.size();
  absl::Status refused = AppendBundleEntry(std::string(kMaxBundleEntryBytes + 1, 'a'), bundle);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("65536 bytes"));
  EXPECT_THAT(refused.message(), HasSubstr("65535"));
  EXPECT_EQ(bundle.size(), before);
}

TEST(TileFormatTest, MalformedBundlesAreRefusedNamingTheEntry) {
  std::string bundle;
  ASSERT_THAT(AppendBundleEntry("one", bundle), IsOk());
  ASSERT_THAT(AppendBundleEntry("two", bundle), IsOk());
  const TileId two{.entries = true, .index = 4, .width = 2};
  struct Case {
    std::string bytes;
    TileId tile;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {bundle.substr(0, bundle.size() - 1), two, "truncated in entry 1"},
           {bundle.substr(0, 6), two, "truncated in the length of entry 1"},
           {bundle + std::string("\x00", 1), two, "more than its 2 entries"},
           {bundle, {.entries = true, .index = 4, .width = 3}, "holds 2 entries; its width is 3"},
           {"", two, "holds 0 entries"}}) {
    auto refused = DecodeEntryBundle(c.bytes, c.tile);
    EXPECT_THAT(refused,
                StatusIs(absl::StatusCode::kDataLoss,
                         ::testing::AllOf(HasSubstr(c.says), HasSubstr("tile/entries/004.p/"))))
        << c.says;
  }
}

}  // namespace
}  // namespace ledger::tiles
