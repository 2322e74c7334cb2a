#include "ledger/tiles/log_tiles.h"

#include <span>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/log/compact_range.h"
#include "ledger/log/merkle.h"
#include "ledger/tiles/tile_format.h"
#include "tests/ledger/tiles/tiles_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::SourcePath;
using ::ledger::testing::StatusIs;

namespace ledger::tiles {
namespace {

using ::testing::HasSubstr;

class LogTilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = testing::OpenLog(dir_.Sub("db"));
    ASSERT_NE(log_, nullptr);
    testing::GrowLog(*log_, 600);
    auto entries = log_->ReadLog(0, 600);
    ASSERT_THAT(entries, IsOk());
    for (const auto& stored : *entries) {
      bytes_.push_back(stored.bytes);
      leaves_.push_back(log::LeafHash(stored.bytes));  // computed here, not read back
    }
  }
  ledger::testing::TempDir dir_;
  std::unique_ptr<log::Log> log_;
  std::vector<std::string> bytes_;
  std::vector<log::Hash> leaves_;
};

TEST_F(LogTilesTest, LevelZeroTilesHoldTheLeafHashesOfTheStoredBytes) {
  LogTiles tiles(*log_);
  auto full = tiles.Read({.level = 0, .index = 1}, 600);
  ASSERT_THAT(full, IsOk());
  EXPECT_EQ(*full, EncodeHashTile(std::span(leaves_).subspan(256, 256)));
  auto partial = tiles.Read({.level = 0, .index = 2, .width = 88}, 600);
  ASSERT_THAT(partial, IsOk());
  EXPECT_EQ(*partial, EncodeHashTile(std::span(leaves_).subspan(512, 88)));
  // The tree of an older checkpoint has its own partial tile.
  auto older = tiles.Read({.level = 0, .index = 0, .width = 17}, 17);
  ASSERT_THAT(older, IsOk());
  EXPECT_EQ(*older, EncodeHashTile(std::span(leaves_).first(17)));
}

TEST_F(LogTilesTest, LevelOneTilesHoldTheRootsOfWholeLevelZeroTiles) {
  auto tile = LogTiles(*log_).Read({.level = 1, .index = 0, .width = 2}, 600);
  ASSERT_THAT(tile, IsOk());
  const std::vector<log::Hash> expected = {log::ReferenceRoot(std::span(leaves_).first(256)),
                                           log::ReferenceRoot(std::span(leaves_).subspan(256, 256))};
  EXPECT_EQ(*tile, EncodeHashTile(expected));
}

TEST_F(LogTilesTest, BundlesHoldTheStoredBytesBehindTheirLength) {
  auto bundle = LogTiles(*log_).Read({.entries = true, .index = 2, .width = 88}, 600);
  ASSERT_THAT(bundle, IsOk());
  auto entries = DecodeEntryBundle(*bundle, {.entries = true, .index = 2, .width = 88});
  ASSERT_THAT(entries, IsOk());
  EXPECT_EQ(*entries, std::vector<std::string>(bytes_.begin() + 512, bytes_.end()));
}

TEST_F(LogTilesTest, TilesNotInTheTreeAreNotFound) {
  LogTiles tiles(*log_);
  for (const TileId tile : {TileId{.level = 0, .index = 2}, TileId{.level = 0, .index = 2, .width = 87},
                            TileId{.level = 0, .index = 3, .width = 1}, TileId{.level = 2, .index = 0, .width = 1},
                            TileId{.entries = true, .index = 9}}) {
    auto read = tiles.Read(tile, 600);
    EXPECT_THAT(read, StatusIs(absl::StatusCode::kNotFound, HasSubstr(TilePath(tile))))
        << TilePath(tile);
  }
  EXPECT_EQ(tiles.Read({.level = 0, .index = 0}, 601).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Tessera's test log (tests/testdata/tessera-log) holds the entries "one",
// "two", ...: our tile builder over the same leaves writes its tile byte for
// byte.
TEST(BuildHashTileTest, MatchesTesserasTileForTheSameLeaves) {
  const std::vector<std::string> words = {"one", "two", "three", "four", "five", "six", "seven", "eit",
                                          "nain", "ten", "ileven", "twelf", "threeten", "fourten",
                                          "fivten"};
  std::map<std::pair<uint8_t, uint64_t>, log::Hash> nodes;
  log::CompactRange range;
  for (const std::string& word : words) {
    range.Append(log::LeafHash(word), [&](const log::CompactRange::NewNode& node) {
      nodes[{node.level, node.index}] = node.hash;
    });
  }
  const NodeRangeReader reader = [&](uint8_t level, uint64_t first,
                                     uint64_t count) -> absl::StatusOr<std::vector<log::Hash>> {
    std::vector<log::Hash> hashes;
    for (uint64_t index = first; index < first + count; ++index) {
      auto it = nodes.find({level, index});
      if (it == nodes.end()) return absl::NotFoundError("no node");
      hashes.push_back(it->second);
    }
    return hashes;
  };
  auto tile = BuildHashTile(reader, {.level = 0, .index = 0, .width = 15});
  ASSERT_THAT(tile, IsOk());
  auto tessera = DirectoryFetcher(SourcePath("tests/testdata/tessera-log"))("tile/0/000.p/15");
  ASSERT_THAT(tessera, IsOk());
  EXPECT_EQ(*tile, *tessera);
  EXPECT_EQ(BuildHashTile(reader, {.level = 0, .index = 0, .width = 16}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(BuildHashTile(reader, {.entries = true}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledger::tiles
