#include "ledger/tiles/mirror.h"

#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/log/checkpoint.h"
#include "ledger/log/signed_note.h"
#include "ledger/tiles/tile_fetcher.h"
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

constexpr char kOrigin[] = "example.org/mirrored";

// A published log: the tiles of `log` at the size of the checkpoint it
// serves, signed by `signer`, with room to tamper with any resource.
struct Published {
  testing::LogFetcher tiles;
  std::string checkpoint;

  TileFetcher Fetcher() {
    return [this](const std::string& path) -> absl::StatusOr<std::string> {
      if (path == kCheckpointPath) return checkpoint;
      return tiles.Fetcher()(path);
    };
  }
};

class MirrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = testing::OpenLog(dir_.Sub("source"));
    copy_ = testing::OpenLog(dir_.Sub("copy"));
    ASSERT_NE(source_, nullptr);
    ASSERT_NE(copy_, nullptr);
    testing::GrowLog(*source_, 600);
    auto signer = log::NoteSigner::Generate(kOrigin);
    ASSERT_THAT(signer, IsOk());
    signer_ = std::make_unique<log::NoteSigner>(*signer);
    Publish(300);
  }
  // The source publishes its tree of `size`.
  void Publish(uint64_t size, const log::Log* log = nullptr) {
    const log::Log* from = log == nullptr ? source_.get() : log;
    published_.tiles = {from, size, {}};
    published_.checkpoint = *log::SignCheckpoint(kOrigin, {size, *from->RootAt(size)}, *signer_);
  }
  MirrorOptions Options() {
    MirrorOptions options;
    options.keys = {signer_->verifier()};
    options.origin = kOrigin;
    return options;
  }
  std::unique_ptr<Mirror> OpenMirror(log::Log* log) {
    auto mirror = Mirror::Open(log, published_.Fetcher(), Options());
    EXPECT_THAT(mirror, IsOk());
    return mirror.ok() ? *std::move(mirror) : nullptr;
  }
  // The copy is the source's first `size` entries, with its checkpoint.
  void ExpectCopyOf(uint64_t size) {
    ASSERT_EQ(copy_->Size(), size);
    EXPECT_EQ(copy_->Head().root, *source_->RootAt(size));
    for (uint64_t i : {uint64_t{0}, size / 2, size - 1}) {
      EXPECT_EQ(copy_->GetEntry(i)->bytes, source_->GetEntry(i)->bytes) << i;
    }
  }

  ledger::testing::TempDir dir_;
  std::unique_ptr<log::Log> source_;
  std::unique_ptr<log::Log> copy_;
  std::unique_ptr<log::NoteSigner> signer_;
  Published published_;
};

TEST_F(MirrorTest, CopiesThePublishedLogThenFollowsItCheckpointByCheckpoint) {
  auto mirror = OpenMirror(copy_.get());
  auto first = mirror->CatchUp();
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->previous_size, 0u);
  EXPECT_EQ(first->tree_size, 300u);
  EXPECT_EQ(first->entries, 300u);
  EXPECT_TRUE(first->checkpoint_stored);
  ExpectCopyOf(300);
  EXPECT_EQ(*copy_->LatestCheckpoint(), published_.checkpoint);

  Publish(600);
  auto second = mirror->CatchUp();
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->entries, 300u);
  ExpectCopyOf(600);

  // Nothing new: nothing copied, nothing stored again.
  auto third = mirror->CatchUp();
  ASSERT_THAT(third, IsOk());
  EXPECT_EQ(third->entries, 0u);
  EXPECT_FALSE(third->checkpoint_stored);
}

TEST_F(MirrorTest, AReopenedMirrorGoesOnFromItsCopy) {
  ASSERT_THAT(OpenMirror(copy_.get())->CatchUp(), IsOk());
  Publish(600);
  auto reopened = OpenMirror(copy_.get());
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->size(), 300u);
  published_.tiles.fetches = 0;
  auto round = reopened->CatchUp();
  ASSERT_THAT(round, IsOk());
  EXPECT_EQ(round->previous_size, 300u);
  EXPECT_EQ(round->entries, 300u);
  ExpectCopyOf(600);
}

TEST_F(MirrorTest, ACheckpointWithABadSignatureOrAnotherOriginChangesNothing) {
  auto mirror = OpenMirror(copy_.get());
  auto other = log::NoteSigner::Generate(kOrigin);
  published_.checkpoint = *log::SignCheckpoint(kOrigin, {300, *source_->RootAt(300)}, *other);
  auto unsigned_round = mirror->CatchUp();
  EXPECT_THAT(unsigned_round,
              StatusIs(absl::StatusCode::kDataLoss,
                       ::testing::AllOf(HasSubstr("the published checkpoint does not verify"),
                                        HasSubstr("the copy is unchanged"))));

  auto elsewhere = log::NoteSigner::Generate("example.org/elsewhere");
  published_.checkpoint =
      *log::SignCheckpoint("example.org/elsewhere", {300, *source_->RootAt(300)}, *elsewhere);
  EXPECT_THAT(mirror->CatchUp(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("no signature by a known key")));
  EXPECT_EQ(copy_->Size(), 0u);
}

TEST_F(MirrorTest, ACheckpointSmallerThanTheCopyIsRefused) {
  Publish(600);
  auto mirror = OpenMirror(copy_.get());
  ASSERT_THAT(mirror->CatchUp(), IsOk());
  Publish(300);
  auto back = mirror->CatchUp();
  EXPECT_EQ(back.status().code(), absl::StatusCode::kFailedPrecondition) << back.status();
  EXPECT_THAT(back.status().message(), HasSubstr("below the size 600"));
  ExpectCopyOf(600);
}

TEST_F(MirrorTest, AnAlteredEntryIsNamedAndTheVerifiedEntriesBeforeItAreKept) {
  auto mirror = OpenMirror(copy_.get());
  ASSERT_THAT(mirror->CatchUp(), IsOk());
  Publish(600);
  // Bundle 1 (entries 256..511) served with entry 300 changed.
  std::vector<std::string> bundle;
  for (uint64_t i = 256; i < 512; ++i) bundle.push_back(source_->GetEntry(i)->bytes);
  bundle[300 - 256].back() ^= 0x01;
  std::string bytes;
  for (const std::string& entry : bundle) {
    bytes.push_back(static_cast<char>(entry.size() >> 8));
    bytes.push_back(static_cast<char>(entry.size() & 0xff));
    bytes += entry;
  }
  published_.tiles.overrides["tile/entries/001"] = bytes;
  auto round = mirror->CatchUp();
  EXPECT_EQ(round.status().code(), absl::StatusCode::kDataLoss) << round.status();
  EXPECT_THAT(round.status().message(), HasSubstr("entry 300 in tile/entries/001"));
  // Nothing of the altered bundle was copied; the checkpoint of 600 is not stored.
  EXPECT_EQ(copy_->Size(), 300u);
  EXPECT_FALSE(copy_->GetCheckpoint(600)->has_value());

  published_.tiles.overrides.clear();
  auto repaired = mirror->CatchUp();
  ASSERT_THAT(repaired, IsOk());
  ExpectCopyOf(600);
  EXPECT_TRUE(copy_->GetCheckpoint(600)->has_value());
}

TEST_F(MirrorTest, AFailureAfterSomeBundlesKeepsThemAndTheNextRoundGoesOn) {
  auto mirror = OpenMirror(copy_.get());
  Publish(600);
  published_.tiles.overrides["tile/entries/002.p/88"] = "";  // missing
  auto round = mirror->CatchUp();
  EXPECT_EQ(round.status().code(), absl::StatusCode::kNotFound) << round.status();
  EXPECT_THAT(round.status().message(), HasSubstr("tile/entries/002.p/88"));
  EXPECT_EQ(copy_->Size(), 512u);  // bundles 0 and 1, verified against the signed tree
  EXPECT_EQ(mirror->size(), 512u);
  EXPECT_FALSE(copy_->LatestCheckpoint()->has_value());

  published_.tiles.overrides.clear();
  auto next = mirror->CatchUp();
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->previous_size, 512u);
  ExpectCopyOf(600);
}

TEST_F(MirrorTest, AnAlteredHashTileIsNamed) {
  auto mirror = OpenMirror(copy_.get());
  std::string tile = *LogTiles(*source_).Read(*ParseTilePath("tile/0/000"), 300);
  tile[5] ^= 0x01;
  published_.tiles.overrides["tile/0/000"] = tile;
  auto round = mirror->CatchUp();
  EXPECT_EQ(round.status().code(), absl::StatusCode::kDataLoss) << round.status();
  EXPECT_THAT(round.status().message(), HasSubstr("tile/0/000"));
  EXPECT_EQ(copy_->Size(), 0u);
}

TEST_F(MirrorTest, ATruncatedTileOrABundleWithEntriesSwappedIsRefused) {
  auto mirror = OpenMirror(copy_.get());
  std::string tile = *LogTiles(*source_).Read(*ParseTilePath("tile/0/000"), 300);
  published_.tiles.overrides["tile/0/000"] = tile.substr(0, tile.size() - 32);
  auto truncated = mirror->CatchUp();
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kDataLoss) << truncated.status();
  EXPECT_THAT(truncated.status().message(), HasSubstr("tile/0/000"));

  published_.tiles.overrides.clear();
  std::string bundle = *LogTiles(*source_).Read(*ParseTilePath("tile/entries/000"), 300);
  // Entries 0 and 1 swapped: each is a uint16 length and its bytes.
  const auto length = [&](size_t at) {
    return (static_cast<uint8_t>(bundle[at]) << 8 | static_cast<uint8_t>(bundle[at + 1])) + 2;
  };
  const size_t first = length(0), second = length(first);
  bundle = bundle.substr(first, second) + bundle.substr(0, first) + bundle.substr(first + second);
  published_.tiles.overrides["tile/entries/000"] = bundle;
  auto swapped = mirror->CatchUp();
  EXPECT_EQ(swapped.status().code(), absl::StatusCode::kDataLoss) << swapped.status();
  EXPECT_THAT(swapped.status().message(), HasSubstr("entry 0 in tile/entries/000"));
  EXPECT_EQ(copy_->Size(), 0u);
}

TEST_F(MirrorTest, AForkIsRefusedAndTheCopyKept) {
  auto mirror = OpenMirror(copy_.get());
  ASSERT_THAT(mirror->CatchUp(), IsOk());
  // Another log: the first 200 entries the same, then different.
  auto fork = testing::OpenLog(dir_.Sub("fork"));
  ASSERT_THAT(fork->AppendCopied([&] {
    std::vector<std::string> bytes;
    for (uint64_t i = 0; i < 200; ++i) bytes.push_back(source_->GetEntry(i)->bytes);
    return bytes;
  }()),
              IsOk());
  testing::GrowLog(*fork, 600, "forked");
  Publish(600, fork.get());
  auto round = mirror->CatchUp();
  EXPECT_EQ(round.status().code(), absl::StatusCode::kDataLoss) << round.status();
  EXPECT_THAT(round.status().message(), HasSubstr("fork"));
  ExpectCopyOf(300);
}

TEST_F(MirrorTest, VerifyOnlyChecksEverythingAndKeepsNothing) {
  auto mirror = OpenMirror(nullptr);
  auto round = mirror->CatchUp();
  ASSERT_THAT(round, IsOk());
  EXPECT_EQ(round->entries, 300u);
  EXPECT_FALSE(round->checkpoint_stored);
  EXPECT_EQ(mirror->size(), 300u);
  Publish(600);
  published_.tiles.overrides["tile/entries/002.p/88"] = "x";
  EXPECT_EQ(mirror->CatchUp().status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(mirror->size(), 300u);
}

TEST_F(MirrorTest, AWitnessCheckCanRefuseACheckpoint) {
  MirrorOptions options = Options();
  options.check_note = [](std::string_view) {
    return absl::FailedPreconditionError("quorum not met");
  };
  auto mirror = Mirror::Open(copy_.get(), published_.Fetcher(), options);
  ASSERT_THAT(mirror, IsOk());
  auto round = (*mirror)->CatchUp();
  EXPECT_THAT(round.status().message(), HasSubstr("quorum not met"));
  EXPECT_EQ(copy_->Size(), 0u);
}

TEST_F(MirrorTest, EntriesThatAreNotLedgerEntriesAreRefusedAsMalformed) {
  // Tessera's test log verifies as tlog-tiles, but its entries are words.
  auto key = log::NoteVerifier::FromKeyString(
      "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx");
  ASSERT_THAT(key, IsOk());
  MirrorOptions options;
  options.keys = {*key};
  options.origin = "example.com/log/testdata";
  auto verify_only =
      Mirror::Open(nullptr, DirectoryFetcher(SourcePath("tests/testdata/tessera-log")), options);
  ASSERT_THAT(verify_only, IsOk());
  auto checked = (*verify_only)->CatchUp();
  ASSERT_THAT(checked, IsOk());
  EXPECT_EQ(checked->entries, 15u);

  auto mirror = Mirror::Open(copy_.get(),
                             DirectoryFetcher(SourcePath("tests/testdata/tessera-log")), options);
  ASSERT_THAT(mirror, IsOk());
  auto copied = (*mirror)->CatchUp();
  EXPECT_EQ(copied.status().code(), absl::StatusCode::kDataLoss) << copied.status();
  EXPECT_THAT(copied.status().message(), HasSubstr("tile/entries/000.p/15"));
  EXPECT_THAT(copied.status().message(), HasSubstr("is not a ledger entry"));
  EXPECT_EQ(copy_->Size(), 0u);
}

TEST_F(MirrorTest, AMirrorNeedsAKeyAndAnOrigin) {
  EXPECT_THAT(Mirror::Open(copy_.get(), published_.Fetcher(), MirrorOptions{}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("verifier key")));
  MirrorOptions no_origin = Options();
  no_origin.origin.clear();
  EXPECT_EQ(Mirror::Open(copy_.get(), published_.Fetcher(), no_origin).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledger::tiles
