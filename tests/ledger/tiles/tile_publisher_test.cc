#include "ledger/tiles/tile_publisher.h"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/log/checkpoint.h"
#include "ledger/log/signed_note.h"
#include "ledger/tiles/tile_fetcher.h"
#include "ledger/tiles/verified_tree.h"
#include "tests/ledger/tiles/tiles_test_util.h"
#include "tests/testing/run_command.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::IsOk;

namespace ledger::tiles {
namespace {

using ::ledger::testing::SourcePath;
using ::ledger::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kOrigin[] = "example.com/published";

// The relative paths of the files under `dir`.
std::set<std::string> FilesUnder(const std::string& dir) {
  std::set<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files.insert(std::filesystem::relative(e.path(), dir).string());
  }
  return files;
}

class TilePublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = testing::OpenLog(dir_.Sub("db"));
    ASSERT_NE(log_, nullptr);
    auto signer = log::NoteSigner::Generate(kOrigin);
    ASSERT_THAT(signer, IsOk());
    signers_.push_back(*signer);
    auto out = publication::DirectoryWriter::Open(dir_.Sub("out"));
    ASSERT_THAT(out, IsOk());
    out_.emplace(*std::move(out));
  }
  std::string CheckpointAt(uint64_t size, const std::string& origin = kOrigin) {
    testing::GrowLog(*log_, size);
    auto note = log::SignCheckpoint(origin, log_->Head(), signers_[0]);
    EXPECT_THAT(note, IsOk());
    EXPECT_THAT(log_->PutCheckpoint(*note), IsOk());
    return *note;
  }
  absl::StatusOr<PublishReport> Publish(PublishOptions options = {}) {
    return PublishTiles(*log_, *out_, options);
  }
  // Verifies the published directory as a mirror would: checkpoint
  // signature, every tile against its root, every entry against its hash.
  absl::StatusOr<VerifiedTree> ReadBack(const VerifiedTree* previous) {
    const TileFetcher fetch = DirectoryFetcher(dir_.Sub("out"));
    auto note = fetch("checkpoint");
    if (!note.ok()) return note.status();
    std::vector<log::NoteVerifier> keys = {signers_[0].verifier()};
    auto checkpoint = log::VerifyCheckpoint(*note, keys, kOrigin);
    if (!checkpoint.ok()) return checkpoint.status();
    auto tree = VerifiedTree::Fetch(
        fetch, {checkpoint->checkpoint.tree_size, checkpoint->checkpoint.root}, previous);
    if (!tree.ok()) return tree.status();
    for (uint64_t bundle = 0; bundle * 256 < tree->size(); ++bundle) {
      auto entries = tree->FetchEntries(fetch, bundle);
      if (!entries.ok()) return entries.status();
      for (size_t i = 0; i < entries->size(); ++i) {
        auto stored = log_->GetEntry(bundle * 256 + i);
        if (!stored.ok()) return stored.status();
        if (stored->bytes != (*entries)[i]) return absl::DataLossError("entry differs");
      }
    }
    return tree;
  }

  ledger::testing::TempDir dir_;
  std::unique_ptr<log::Log> log_;
  std::vector<log::NoteSigner> signers_;
  std::optional<publication::DirectoryWriter> out_;
};

TEST_F(TilePublisherTest, RefusesALogWithoutACheckpointAndSaysWhatToRun) {
  testing::GrowLog(*log_, 3);
  EXPECT_THAT(Publish(), StatusIs(absl::StatusCode::kNotFound, HasSubstr("sign one first")));
  EXPECT_TRUE(FilesUnder(dir_.Sub("out")).empty());
}

TEST_F(TilePublisherTest, APublishedDirectoryVerifiesAndHoldsTheStoredEntries) {
  const std::string note = CheckpointAt(700);
  auto report = Publish();
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->previous_size, 0u);
  EXPECT_EQ(report->tree_size, 700u);
  EXPECT_EQ(ledger::testing::ReadFile(dir_.Sub("out/checkpoint")), note);
  auto tree = ReadBack(nullptr);
  ASSERT_THAT(tree, IsOk());
  EXPECT_EQ(tree->size(), 700u);
  EXPECT_EQ(FilesUnder(dir_.Sub("out")),
            (std::set<std::string>{"checkpoint", "tile/0/000", "tile/0/001", "tile/0/002.p/188",
                                   "tile/entries/000", "tile/entries/001",
                                   "tile/entries/002.p/188", "tile/1/000.p/2"}));
}

TEST_F(TilePublisherTest, ASecondRunWritesOnlyWhatChangedAndRemovesPartialsOfFullTiles) {
  CheckpointAt(100);
  auto first = Publish();
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->files.written, 3u);  // two partial tiles, the checkpoint
  auto first_tree = ReadBack(nullptr);
  ASSERT_THAT(first_tree, IsOk());

  auto again = Publish();
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->files.written, 0u);
  EXPECT_EQ(again->files.unchanged, 1u);  // only the checkpoint is looked at

  CheckpointAt(300);
  auto grown = Publish();
  ASSERT_THAT(grown, IsOk());
  EXPECT_EQ(grown->previous_size, 100u);
  // tile/0/000, tile/0/001.p/44, bundles alike, tile/1/000.p/1, checkpoint.
  EXPECT_EQ(grown->files.written, 6u);
  EXPECT_EQ(grown->partial_dirs_removed, 2u);
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("out/tile/0/000.p")));
  // Consistent with what a reader verified before.
  auto grown_tree = ReadBack(&*first_tree);
  ASSERT_THAT(grown_tree, IsOk());
}

TEST_F(TilePublisherTest, PartialTilesOfAStillPartialTileStayForOlderCheckpoints) {
  // Checkpoint and publish at every size from 1 to 15, as Tessera's test log
  // was written: the directory then has Tessera's layout file for file.
  for (uint64_t size = 1; size <= 15; ++size) {
    CheckpointAt(size);
    auto report = Publish();
    ASSERT_THAT(report, IsOk()) << size;
  }
  std::set<std::string> tessera = FilesUnder(SourcePath("tests/testdata/tessera-log/tile"));
  std::set<std::string> ours = FilesUnder(dir_.Sub("out/tile"));
  EXPECT_EQ(ours, tessera);
  EXPECT_EQ(ours.size(), 30u);
  auto tree = ReadBack(nullptr);
  ASSERT_THAT(tree, IsOk());
}

// tlog-tiles: "Logs MUST serve partial tiles corresponding to tree sizes for
// which a checkpoint was produced", including checkpoints signed between two
// publications, which a witness or an auditor may hold.
TEST_F(TilePublisherTest, OneRunPublishesThePartialTilesOfEveryCheckpointSignedSince) {
  for (uint64_t size = 1; size <= 15; ++size) CheckpointAt(size);
  auto report = Publish();
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->previous_size, 0u);
  EXPECT_EQ(FilesUnder(dir_.Sub("out/tile")),
            FilesUnder(SourcePath("tests/testdata/tessera-log/tile")));

  // Since the last run: checkpoints at 100, 200 and 300. Tile 0 is full at
  // 300, so its partial tiles of 100 and 200 are not written (and those of
  // 1 to 15 go); tile 1 of level 0 and tile 0 of level 1 are still partial.
  CheckpointAt(100);
  CheckpointAt(200);
  CheckpointAt(300);
  auto grown = Publish();
  ASSERT_THAT(grown, IsOk());
  EXPECT_EQ(grown->previous_size, 15u);
  EXPECT_EQ(FilesUnder(dir_.Sub("out/tile")),
            (std::set<std::string>{"0/000", "0/001.p/44", "entries/000", "entries/001.p/44",
                                   "1/000.p/1"}));
  CheckpointAt(400);
  CheckpointAt(480);
  CheckpointAt(520);
  auto more = Publish();
  ASSERT_THAT(more, IsOk());
  EXPECT_EQ(FilesUnder(dir_.Sub("out/tile")),
            (std::set<std::string>{"0/000", "0/001", "0/002.p/8", "entries/000", "entries/001",
                                   "entries/002.p/8", "1/000.p/1", "1/000.p/2"}));
  EXPECT_THAT(ReadBack(nullptr), IsOk());
}

TEST_F(TilePublisherTest, AllRepairsDeletedFiles) {
  CheckpointAt(300);
  ASSERT_THAT(Publish(), IsOk());
  std::filesystem::remove(dir_.Sub("out/tile/0/000"));
  auto incremental = Publish();
  ASSERT_THAT(incremental, IsOk());
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("out/tile/0/000")));
  auto all = Publish(PublishOptions{.all = true, .beside = {}});
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->files.written, 1u);
  EXPECT_THAT(ReadBack(nullptr), IsOk());
}

TEST_F(TilePublisherTest, RefusesADirectoryOfAnotherLog) {
  CheckpointAt(10);
  ASSERT_THAT(Publish(), IsOk());
  // Another log with the same origin and more entries: its root at 10 differs.
  ledger::testing::TempDir other_dir;
  auto other = testing::OpenLog(other_dir.Sub("db"));
  testing::GrowLog(*other, 20, "other");
  auto note = log::SignCheckpoint(kOrigin, other->Head(), signers_[0]);
  ASSERT_THAT(other->PutCheckpoint(*note), IsOk());
  const std::string before = ledger::testing::ReadFile(dir_.Sub("out/checkpoint"));
  EXPECT_THAT(PublishTiles(*other, *out_),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("another log")));
  EXPECT_EQ(ledger::testing::ReadFile(dir_.Sub("out/checkpoint")), before);

  ledger::testing::TempDir third_dir;
  auto third = testing::OpenLog(third_dir.Sub("db"));
  testing::GrowLog(*third, 5);
  auto renamed = log::SignCheckpoint("example.com/other", third->Head(), signers_[0]);
  ASSERT_THAT(third->PutCheckpoint(*renamed), IsOk());
  EXPECT_THAT(PublishTiles(*third, *out_),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("its own directory")));
}

TEST_F(TilePublisherTest, RefusesADirectoryAheadOfTheLogOrNotACheckpoint) {
  CheckpointAt(10);
  ledger::testing::TempDir ahead_dir;
  auto ahead = testing::OpenLog(ahead_dir.Sub("db"));
  testing::GrowLog(*ahead, 30);
  auto note = log::SignCheckpoint(kOrigin, ahead->Head(), signers_[0]);
  ASSERT_THAT(out_->Write("checkpoint", *note), IsOk());
  EXPECT_THAT(Publish(), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("ahead")));
  ASSERT_THAT(out_->Write("checkpoint", "not a note"), IsOk());
  EXPECT_THAT(Publish(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is not a checkpoint")));
}


// A source of pages published beside the tiles that notes, each time it is
// read, whether the directory already had a checkpoint then.
class PagesSource : public publication::FileSource {
 public:
  explicit PagesSource(std::string dir) : dir_(std::move(dir)) {}
  absl::StatusOr<publication::PublishedFile> Get(std::string_view path) const override {
    saw_checkpoint_.push_back(std::filesystem::exists(dir_ + "/checkpoint"));
    if (fail_) return absl::UnavailableError("the pages cannot be read");
    return publication::PublishedFile{.bytes = "<p>" + std::string(path) + " v" +
                                               std::to_string(version_),
                                      .content_type = "text/html",
                                      .caching = publication::Caching::kShort};
  }
  int version_ = 1;
  bool fail_ = false;
  mutable std::vector<bool> saw_checkpoint_;

 private:
  std::string dir_;
};

TEST_F(TilePublisherTest, FilesBesideTheTilesAreWrittenBeforeTheCheckpointAndOnlyWhenChanged) {
  CheckpointAt(300);
  PagesSource pages(dir_.Sub("out"));
  PublishOptions options;
  options.beside.push_back({.source = &pages, .paths = {"index.html", "data/a.json"}});
  auto first = Publish(options);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->beside.written, 2u);
  EXPECT_THAT(pages.saw_checkpoint_, ::testing::ElementsAre(false, false));
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("out") + "/data/a.json"));
  ASSERT_THAT(ReadBack(nullptr), IsOk());

  auto same = Publish(options);
  ASSERT_THAT(same, IsOk());
  EXPECT_EQ(same->beside.written, 0u);
  EXPECT_EQ(same->beside.unchanged, 2u);
  EXPECT_EQ(same->files.written, 0u);

  pages.version_ = 2;
  CheckpointAt(301);
  auto grown = Publish(options);
  ASSERT_THAT(grown, IsOk());
  EXPECT_EQ(grown->beside.written, 2u);
  EXPECT_EQ(grown->tree_size, 301u);
}

TEST_F(TilePublisherTest, AFailingBesideSourceLeavesTheOldCheckpoint) {
  CheckpointAt(10);
  ASSERT_THAT(Publish(), IsOk());
  const std::string before = *DirectoryFetcher(dir_.Sub("out"))("checkpoint");
  CheckpointAt(20);
  PagesSource pages(dir_.Sub("out"));
  pages.fail_ = true;
  PublishOptions options;
  options.beside.push_back({.source = &pages, .paths = {"index.html"}});
  EXPECT_THAT(Publish(options).status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("index.html")));
  EXPECT_EQ(*DirectoryFetcher(dir_.Sub("out"))("checkpoint"), before);
}

TEST_F(TilePublisherTest, RefusesBesidePathsThatWouldShadowTheLogsFiles) {
  CheckpointAt(10);
  PagesSource pages(dir_.Sub("out"));
  for (const std::string path : {"checkpoint", "tile/0/000", "tile"}) {
    PublishOptions options;
    options.beside.push_back({.source = &pages, .paths = {path}});
    EXPECT_THAT(Publish(options).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("own that path")))
        << path;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("out") + "/checkpoint"));
}

}  // namespace
}  // namespace ledger::tiles
