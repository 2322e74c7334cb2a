// Our verifying reader against a log written by another implementation:
// transparency-dev/tessera's testdata/log (see tests/testdata/tessera-log/
// README.md): 15 entries, a signed checkpoint for every size, the partial
// tiles and bundles of every size.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/signed_note.h"
#include "ledger/tiles/tile_fetcher.h"
#include "ledger/tiles/verified_tree.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::SourcePath;
using ::ledger::testing::StatusIs;

namespace ledger::tiles {
namespace {

using ::testing::HasSubstr;

constexpr char kOrigin[] = "example.com/log/testdata";
constexpr char kVerifierKey[] =
    "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";
const std::vector<std::string> kEntries = {"one", "two", "three", "four", "five",
                                           "six", "seven", "eit", "nain", "ten",
                                           "ileven", "twelf", "threeten", "fourten", "fivten"};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

absl::StatusOr<log::TreeHead> VerifiedHead(const std::string& note) {
  auto key = log::NoteVerifier::FromKeyString(kVerifierKey);
  if (!key.ok()) return key.status();
  std::vector<log::NoteVerifier> keys = {*key};
  auto checkpoint = log::VerifyCheckpoint(note, keys, kOrigin);
  if (!checkpoint.ok()) return checkpoint.status();
  return log::TreeHead{checkpoint->checkpoint.tree_size, checkpoint->checkpoint.root};
}

TEST(TesseraLogTest, EveryCheckpointTilesBundlesAndConsistencyVerify) {
  const TileFetcher fetch = DirectoryFetcher(SourcePath("tests/testdata/tessera-log"));
  VerifiedTree tree;
  for (uint64_t size = 0; size <= kEntries.size(); ++size) {
    auto head = VerifiedHead(
        ReadFile(absl::StrCat(SourcePath("tests/testdata/tessera-log"), "/checkpoint.", size)));
    ASSERT_THAT(head, IsOk()) << size;
    ASSERT_EQ(head->tree_size, size);
    auto next = VerifiedTree::Fetch(fetch, *head, &tree);
    ASSERT_THAT(next, IsOk()) << size;
    tree = *std::move(next);
    if (size == 0) continue;
    auto entries = tree.FetchEntries(fetch, 0);
    ASSERT_THAT(entries, IsOk()) << size;
    EXPECT_EQ(*entries, std::vector<std::string>(kEntries.begin(), kEntries.begin() + size));
  }
  auto latest = fetch("checkpoint");
  ASSERT_THAT(latest, IsOk());
  EXPECT_EQ(VerifiedHead(*latest)->tree_size, 15u);
}

TEST(TesseraLogTest, AlteredCopyIsRefused) {
  ledger::testing::TempDir copy;
  std::filesystem::copy(
      SourcePath("tests/testdata/tessera-log"), copy.path(),
      std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
  const std::string bundle = copy.Sub("tile/entries/000.p/15");
  std::string bytes = ReadFile(bundle);
  bytes[bytes.size() - 1] = 'N';  // "fivten" -> "fivteN"
  std::ofstream(bundle, std::ios::binary | std::ios::trunc) << bytes;

  const TileFetcher fetch = DirectoryFetcher(copy.path());
  auto head = VerifiedHead(ReadFile(copy.Sub("checkpoint")));
  ASSERT_THAT(head, IsOk());
  auto tree = VerifiedTree::Fetch(fetch, *head, nullptr);
  ASSERT_THAT(tree, IsOk());
  auto entries = tree->FetchEntries(fetch, 0);
  EXPECT_THAT(entries, StatusIs(absl::StatusCode::kDataLoss,
                                HasSubstr("entry 14 in tile/entries/000.p/15")));

  // A checkpoint of size 15 whose signature no longer matches.
  std::string note = ReadFile(copy.Sub("checkpoint"));
  note.replace(note.find("\n15\n"), 4, "\n14\n");
  EXPECT_EQ(VerifiedHead(note).status().code(), absl::StatusCode::kDataLoss);
}

TEST(TesseraLogTest, DirectoryFetcherReadsOnlyCanonicalPaths) {
  const TileFetcher fetch = DirectoryFetcher(SourcePath("tests/testdata/tessera-log"));
  EXPECT_EQ(fetch("tile/0/../../README.md").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(fetch("checkpoint.15").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(fetch("tile/0/001").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace ledger::tiles
