#include "ledger/tiles/verified_tree.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/tiles/tile_format.h"
#include "tests/ledger/tiles/tiles_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::StatusIs;

namespace ledger::tiles {
namespace {

using ::testing::HasSubstr;

std::string FlipLastByte(std::string bytes) {
  bytes.back() ^= 0x01;
  return bytes;
}

class VerifiedTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = testing::OpenLog(dir_.Sub("db"));
    ASSERT_NE(log_, nullptr);
    testing::GrowLog(*log_, 600);
  }
  log::TreeHead HeadAt(uint64_t size) { return {size, *log_->RootAt(size)}; }
  testing::LogFetcher At(uint64_t size) { return {log_.get(), size, {}}; }
  std::string Tile(const TileId& tile, uint64_t size) { return *LogTiles(*log_).Read(tile, size); }

  ledger::testing::TempDir dir_;
  std::unique_ptr<log::Log> log_;
};

TEST_F(VerifiedTreeTest, TilesOfTheLogVerifyAgainstItsRoot) {
  auto served = At(600);
  auto tree = VerifiedTree::Fetch(served.Fetcher(), HeadAt(600), nullptr);
  ASSERT_THAT(tree, IsOk());
  EXPECT_EQ(tree->size(), 600u);
  for (uint64_t i : {0, 255, 256, 599}) {
    EXPECT_EQ(tree->LeafHash(i), log_->GetEntry(i)->leaf_hash);
  }
  // Any root and proof computed from the tiles is the log's.
  EXPECT_EQ(*log::RootAt(tree->Nodes(), 333), *log_->RootAt(333));
  EXPECT_EQ(*log::BuildInclusionProof(tree->Nodes(), 300, 600), *log_->InclusionProof(300, 600));
}

TEST_F(VerifiedTreeTest, BundlesVerifyAgainstTheTiles) {
  auto served = At(600);
  auto tree = VerifiedTree::Fetch(served.Fetcher(), HeadAt(600), nullptr);
  ASSERT_THAT(tree, IsOk());
  auto entries = tree->FetchEntries(served.Fetcher(), 2);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 88u);
  EXPECT_EQ((*entries)[0], log_->GetEntry(512)->bytes);
  EXPECT_EQ(tree->FetchEntries(served.Fetcher(), 3).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(VerifiedTreeTest, EmptyTreeNeedsNoTiles) {
  auto served = At(0);
  auto tree = VerifiedTree::Fetch(served.Fetcher(), {0, log::EmptyTreeRoot()}, nullptr);
  ASSERT_THAT(tree, IsOk());
  EXPECT_EQ(served.fetches, 0);
}

TEST_F(VerifiedTreeTest, GrowingReusesFullTilesAndChecksConsistency) {
  auto first = At(300);
  auto before = VerifiedTree::Fetch(first.Fetcher(), HeadAt(300), nullptr);
  ASSERT_THAT(before, IsOk());
  auto second = At(600);
  auto after = VerifiedTree::Fetch(second.Fetcher(), HeadAt(600), &*before);
  ASSERT_THAT(after, IsOk());
  // tile/0/000 was full at 300: only tile/0/001, tile/0/002.p/88, tile/1/000.p/2.
  EXPECT_EQ(second.fetches, 3);
  EXPECT_EQ(after->LeafHash(599), log_->GetEntry(599)->leaf_hash);
}

TEST_F(VerifiedTreeTest, AlteredFullTileIsNamed) {
  auto served = At(600);
  served.overrides["tile/0/001"] = FlipLastByte(Tile({.level = 0, .index = 1}, 600));
  auto tree = VerifiedTree::Fetch(served.Fetcher(), HeadAt(600), nullptr);
  EXPECT_THAT(tree, StatusIs(absl::StatusCode::kDataLoss,
                             ::testing::AllOf(HasSubstr("tile/0/001 hashes to"),
                                              HasSubstr("tile/1/000.p/2 holds"))));
}

TEST_F(VerifiedTreeTest, AlteredPartialTileFailsTheRoot) {
  auto served = At(600);
  served.overrides["tile/0/002.p/88"] = FlipLastByte(Tile({.level = 0, .index = 2, .width = 88}, 600));
  auto tree = VerifiedTree::Fetch(served.Fetcher(), HeadAt(600), nullptr);
  EXPECT_THAT(tree, StatusIs(absl::StatusCode::kDataLoss,
                             ::testing::AllOf(HasSubstr("not the checkpoint's"),
                                              HasSubstr("tile/0/002.p/88"))));
}

TEST_F(VerifiedTreeTest, TruncatedOrMissingTilesAreRefused) {
  auto served = At(600);
  served.overrides["tile/0/000"] = Tile({.level = 0, .index = 0}, 600).substr(0, 8000);
  auto truncated = VerifiedTree::Fetch(served.Fetcher(), HeadAt(600), nullptr);
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(truncated.status().message(), HasSubstr("tile/0/000 is 8000 bytes"));
  served.overrides["tile/0/000"] = "";
  auto missing = VerifiedTree::Fetch(served.Fetcher(), HeadAt(600), nullptr);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("fetching tile/0/000"));
}

TEST_F(VerifiedTreeTest, WrongRootIsRefused) {
  auto served = At(600);
  log::TreeHead head = HeadAt(600);
  head.root[0] ^= 1;
  auto tree = VerifiedTree::Fetch(served.Fetcher(), head, nullptr);
  EXPECT_EQ(tree.status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(VerifiedTreeTest, AlteredEntryInABundleIsNamed) {
  auto served = At(600);
  auto tree = VerifiedTree::Fetch(served.Fetcher(), HeadAt(600), nullptr);
  ASSERT_THAT(tree, IsOk());
  served.overrides["tile/entries/001"] = FlipLastByte(Tile({.entries = true, .index = 1}, 600));
  auto entries = tree->FetchEntries(served.Fetcher(), 1);
  EXPECT_THAT(entries,
              StatusIs(absl::StatusCode::kDataLoss,
                       ::testing::AllOf(HasSubstr("entry 511 in tile/entries/001 has leaf hash"),
                                        HasSubstr("tile/0/001"))));
}

TEST_F(VerifiedTreeTest, ReorderedBundleIsRefused) {
  auto served = At(600);
  auto tree = VerifiedTree::Fetch(served.Fetcher(), HeadAt(600), nullptr);
  ASSERT_THAT(tree, IsOk());
  std::string swapped;
  auto entries = DecodeEntryBundle(Tile({.entries = true, .index = 0}, 600), {.entries = true});
  ASSERT_THAT(entries, IsOk());
  std::swap((*entries)[3], (*entries)[4]);
  for (const auto& entry : *entries) ASSERT_THAT(AppendBundleEntry(entry, swapped), IsOk());
  served.overrides["tile/entries/000"] = swapped;
  auto refused = tree->FetchEntries(served.Fetcher(), 0);
  EXPECT_THAT(refused.status().message(), HasSubstr("entry 3 in tile/entries/000"));
}

TEST_F(VerifiedTreeTest, CheckpointGoingBackwardsIsRefused) {
  auto served = At(600);
  auto newer = VerifiedTree::Fetch(served.Fetcher(), HeadAt(600), nullptr);
  ASSERT_THAT(newer, IsOk());
  auto older = At(300);
  auto refused = VerifiedTree::Fetch(older.Fetcher(), HeadAt(300), &*newer);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("never shrinks"));
}

TEST_F(VerifiedTreeTest, ForkedLogIsNamed) {
  // Another log of the same size whose entries differ from this one's.
  ledger::testing::TempDir other_dir;
  auto other = testing::OpenLog(other_dir.Sub("db"));
  ASSERT_NE(other, nullptr);
  testing::GrowLog(*other, 600, "forked");
  auto mine = At(300);
  auto before = VerifiedTree::Fetch(mine.Fetcher(), HeadAt(300), nullptr);
  ASSERT_THAT(before, IsOk());
  testing::LogFetcher theirs{other.get(), 600, {}};
  auto forked = VerifiedTree::Fetch(theirs.Fetcher(), {600, *other->RootAt(600)}, &*before);
  EXPECT_THAT(forked, StatusIs(absl::StatusCode::kDataLoss, HasSubstr("fork")));
}

TEST_F(VerifiedTreeTest, SameSizeWithAnotherRootIsAFork) {
  auto served = At(600);
  auto tree = VerifiedTree::Fetch(served.Fetcher(), HeadAt(600), nullptr);
  ASSERT_THAT(tree, IsOk());
  log::TreeHead other = HeadAt(600);
  other.root[5] ^= 1;
  auto forked = VerifiedTree::Fetch(served.Fetcher(), other, &*tree);
  EXPECT_EQ(forked.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(forked.status().message(), HasSubstr("fork: two checkpoints of tree size 600"));
}

}  // namespace
}  // namespace ledger::tiles
