#include "ledger/tiles/tile_files.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/base/next_step.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/signed_note.h"
#include "ledger/tiles/tile_format.h"
#include "ledger/tiles/verified_tree.h"
#include "tests/ledger/tiles/tiles_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

using ::ledger::testing::IsOk;

namespace ledger::tiles {
namespace {

using ::ledger::testing::StatusIs;
using ::testing::HasSubstr;
using publication::Caching;

constexpr char kOrigin[] = "example.com/tile-files";

class TileFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = testing::OpenLog(dir_.Sub("db"));
    ASSERT_NE(log_, nullptr);
    auto signer = log::NoteSigner::Generate(kOrigin);
    ASSERT_THAT(signer, IsOk());
    signer_.push_back(*signer);
  }
  // Grows the log to `size` and stores a checkpoint of it; the note.
  std::string CheckpointAt(uint64_t size) {
    testing::GrowLog(*log_, size);
    auto note = log::SignCheckpoint(kOrigin, log_->Head(), signer_[0]);
    EXPECT_THAT(note, IsOk());
    EXPECT_THAT(log_->PutCheckpoint(*note), IsOk());
    return *note;
  }

  ledger::testing::TempDir dir_;
  std::unique_ptr<log::Log> log_;
  std::vector<log::NoteSigner> signer_;
};

TEST_F(TileFilesTest, NothingIsPublishedBeforeTheFirstCheckpoint) {
  testing::GrowLog(*log_, 10);
  TileFiles files(*log_);
  EXPECT_THAT(files.Get("checkpoint"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("sign one first")));
  EXPECT_EQ(NextStepOf(files.Get("checkpoint").status()), NextStep::kSignCheckpoint);
  EXPECT_THAT(files.Get("tile/0/000.p/10"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("")));
}

TEST_F(TileFilesTest, ServesTheNewestCheckpointWithTheSpecsContentTypeAndShortCaching) {
  CheckpointAt(5);
  const std::string newest = CheckpointAt(9);
  auto file = TileFiles(*log_).Get("checkpoint");
  ASSERT_THAT(file, IsOk());
  EXPECT_EQ(file->bytes, newest);
  EXPECT_EQ(file->content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(file->caching, Caching::kShort);
}

// C2SP tlog-tiles: every tile endpoint is immutable; a partial tile's width
// fixes its bytes.
TEST_F(TileFilesTest, FullAndPartialTilesAreImmutable) {
  CheckpointAt(300);
  TileFiles files(*log_);
  auto full = files.Get("tile/0/000");
  ASSERT_THAT(full, IsOk());
  EXPECT_EQ(full->bytes.size(), kFullHashTileBytes);
  EXPECT_EQ(full->content_type, "application/octet-stream");
  EXPECT_EQ(full->caching, Caching::kImmutable);
  auto bundle = files.Get("tile/entries/000");
  ASSERT_THAT(bundle, IsOk());
  EXPECT_EQ(bundle->caching, Caching::kImmutable);
  auto partial = files.Get("tile/0/001.p/44");
  ASSERT_THAT(partial, IsOk());
  EXPECT_EQ(partial->bytes.size(), 44u * 32);
  EXPECT_EQ(partial->caching, Caching::kImmutable);
  auto level1 = files.Get("tile/1/000.p/1");
  ASSERT_THAT(level1, IsOk());
  EXPECT_EQ(level1->caching, Caching::kImmutable);
}

TEST_F(TileFilesTest, AFullHashTileServedAgainIsTheSameTileAndStillOnlyOnceCheckpointed) {
  CheckpointAt(300);
  TileFiles files(*log_);
  const std::string expected = *LogTiles(*log_).Read(*ParseTilePath("tile/0/000"), 300);
  for (int i = 0; i < 3; ++i) {
    auto full = files.Get("tile/0/000");
    ASSERT_THAT(full, IsOk());
    EXPECT_EQ(full->bytes, expected);
  }
  // Kept tiles are still served only within the newest checkpoint's tree:
  // tile/0/001 is full in the log from 512 entries, but not published
  // before a checkpoint of that size.
  testing::GrowLog(*log_, 600);
  EXPECT_THAT(files.Get("tile/0/001"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("is not published")));
  CheckpointAt(600);
  auto second = files.Get("tile/0/001");
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->bytes, *LogTiles(*log_).Read(*ParseTilePath("tile/0/001"), 600));
  EXPECT_EQ(files.Get("tile/0/000")->bytes, expected);
}

TEST_F(TileFilesTest, OnlyTilesOfTheCheckpointedTreeArePublished) {
  CheckpointAt(300);
  testing::GrowLog(*log_, 600);  // appended, not yet in a checkpoint
  TileFiles files(*log_);
  EXPECT_THAT(files.Get("tile/0/001.p/44"), IsOk());
  EXPECT_THAT(files.Get("tile/0/001"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("300")));
  EXPECT_THAT(files.Get("tile/0/001.p/45"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("")));
  EXPECT_THAT(files.Get("tile/entries/002.p/1"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("")));
}

TEST_F(TileFilesTest, PartialTilesOfOlderTreesStayAvailable) {
  CheckpointAt(20);
  CheckpointAt(300);
  TileFiles files(*log_);
  // A reader still holding the checkpoint of 20 verifies against its tiles.
  auto old_partial = files.Get("tile/0/000.p/20");
  ASSERT_THAT(old_partial, IsOk());
  auto full = files.Get("tile/0/000");
  ASSERT_THAT(full, IsOk());
  EXPECT_EQ(old_partial->bytes, full->bytes.substr(0, 20 * 32));
}

TEST_F(TileFilesTest, NonCanonicalTilePathsAreInvalidOtherPathsNotFound) {
  CheckpointAt(300);
  TileFiles files(*log_);
  for (const char* bad : {"tile/0/x000/000", "tile/00/000", "tile/0/000.p/0", "tile/0/000.p/256",
                          "tile/0/../../etc/passwd", "tile/0/0001", "tile/", "tile/entries/000/"}) {
    EXPECT_THAT(files.Get(bad), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("")))
        << bad;
  }
  for (const char* other : {"", "index.html", "checkpoint/", "../checkpoint", "tiles/0/000"}) {
    EXPECT_THAT(files.Get(other), StatusIs(absl::StatusCode::kNotFound, HasSubstr(""))) << other;
  }
}

TEST_F(TileFilesTest, AVerifyingReaderAcceptsWhatItServes) {
  const std::string note = CheckpointAt(700);
  TileFiles files(*log_);
  const TileFetcher fetch = [&](const std::string& path) -> absl::StatusOr<std::string> {
    auto file = files.Get(path);
    if (!file.ok()) return file.status();
    return file->bytes;
  };
  std::vector<log::NoteVerifier> keys = {signer_[0].verifier()};
  auto checkpoint = log::VerifyCheckpoint(note, keys, kOrigin);
  ASSERT_THAT(checkpoint, IsOk());
  auto tree = VerifiedTree::Fetch(
      fetch, {checkpoint->checkpoint.tree_size, checkpoint->checkpoint.root}, nullptr);
  ASSERT_THAT(tree, IsOk());
  for (uint64_t bundle = 0; bundle < 3; ++bundle) {
    auto entries = tree->FetchEntries(fetch, bundle);
    ASSERT_THAT(entries, IsOk());
  }
}

TEST(TileFilesPathsTest, PublishingListsNewTilesThenTheCheckpointLast) {
  EXPECT_EQ(TileFiles::PathsAddedBetween(0, 0), std::vector<std::string>{"checkpoint"});
  EXPECT_EQ(TileFiles::PathsAddedBetween(0, 3),
            (std::vector<std::string>{"tile/0/000.p/3", "tile/entries/000.p/3", "checkpoint"}));
  EXPECT_EQ(TileFiles::PathsAddedBetween(3, 257),
            (std::vector<std::string>{"tile/0/000", "tile/0/001.p/1", "tile/entries/000",
                                      "tile/entries/001.p/1", "tile/1/000.p/1", "checkpoint"}));
  EXPECT_EQ(TileFiles::PathsAddedBetween(257, 257), std::vector<std::string>{"checkpoint"});
}

TEST(ParsePublishedCheckpointTest, RefusesWhatIsNotACheckpointNote) {
  EXPECT_THAT(ParsePublishedCheckpoint("hello\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("")));
}

}  // namespace
}  // namespace ledger::tiles
