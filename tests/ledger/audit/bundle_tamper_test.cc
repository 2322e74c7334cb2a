// Every kind of tampering with an audit bundle's entries and checkpoints is
// detected and named: which entry, which checkpoint.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/audit/bundle_verifier.h"
#include "tests/ledger/audit/audit_test_util.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::audit {
namespace {

using ::testing::HasSubstr;
using namespace ::ledger::audit::testing;  // NOLINT: test helpers

// 20 entries; checkpoints 0..3 of tree sizes 5, 10, 15, 20.
class BundleTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = OpenLog(dir_.Sub("db"));
    AppendTwentyWithFourCheckpoints(*log_, key_);
    lines_ = Lines(Export(*log_, keys_));
  }

  // Replaces entry `sequence`'s actor, keeping its previous hash.
  void AlterEntry(uint64_t sequence) {
    const int at = Find(lines_, "entry " + std::to_string(sequence) + " ");
    ledger::v1::Entry entry = EntryOfLine(lines_[at]);
    entry.set_actor("mallory");
    lines_[at] = EntryLine(sequence, entry);
  }

  // Re-links the previous hash of every entry after `sequence` so that the
  // chain is whole again.
  void Relink(uint64_t sequence) {
    std::string previous;
    for (uint64_t s = sequence; s < 20; ++s) {
      const int at = Find(lines_, "entry " + std::to_string(s) + " ");
      ledger::v1::Entry entry = EntryOfLine(lines_[at]);
      if (s > sequence) entry.set_previous_hash(previous);
      lines_[at] = EntryLine(s, entry);
      previous = log::HashBytes(log::LeafHash(entry.SerializeAsString()));
    }
  }

  BundleReport Check() { return Verify(Join(lines_), keys_); }

  ledger::testing::TempDir dir_;
  std::unique_ptr<log::Log> log_;
  log::NoteSigner key_ = TestKey(1);
  std::vector<log::NoteVerifier> keys_ = {key_.verifier()};
  std::vector<std::string> lines_;
};

TEST_F(BundleTamperTest, AlteredEntryIsPinpointed) {
  AlterEntry(7);
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kEntryHashMismatch);
  EXPECT_EQ(r.sequence, 7u);
  EXPECT_EQ(r.checkpoint, 1u);
  EXPECT_THAT(r.message,
              HasSubstr("entry 7's hash differs from what checkpoint 1 (tree size 10) commits to"));
}

TEST_F(BundleTamperTest, AlteredLastEntryBeforeCheckpointIsPinpointed) {
  AlterEntry(9);
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kEntryHashMismatch);
  EXPECT_EQ(r.sequence, 9u);
  EXPECT_EQ(r.checkpoint, 1u);
}

TEST_F(BundleTamperTest, AlteredFirstEntryIsPinpointed) {
  AlterEntry(0);
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kEntryHashMismatch);
  EXPECT_EQ(r.sequence, 0u);
  EXPECT_EQ(r.checkpoint, 0u);
}

TEST_F(BundleTamperTest, AlteredPreviousHashIsPinpointed) {
  const int at = Find(lines_, "entry 12 ");
  ledger::v1::Entry entry = EntryOfLine(lines_[at]);
  entry.set_previous_hash(std::string(32, 'x'));
  lines_[at] = EntryLine(12, entry);
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kEntryHashMismatch);
  EXPECT_EQ(r.checkpoint, 2u);
  EXPECT_EQ(r.sequence, 12u) << r.message;
}

TEST_F(BundleTamperTest, AlteredNewestEntryIsARootMismatch) {
  AlterEntry(19);  // nothing after it to pinpoint it by
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kRootMismatch);
  EXPECT_EQ(r.checkpoint, 3u);
  EXPECT_THAT(r.message, HasSubstr("entries 15..19"));
}

TEST_F(BundleTamperTest, RewrittenAndRelinkedHistoryIsARootMismatch) {
  AlterEntry(12);
  Relink(12);
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kRootMismatch);
  EXPECT_EQ(r.checkpoint, 2u);
  EXPECT_THAT(r.message, HasSubstr("entries 10..14 do not hash to the root of checkpoint 2"));
}

TEST_F(BundleTamperTest, UnparseableEntryIsPinpointed) {
  const int at = Find(lines_, "entry 3 ");
  lines_[at] = "entry 3 " + absl::Base64Escape(std::string("\xff\xff\xff", 3));
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kEntryHashMismatch);
  EXPECT_EQ(r.sequence, 3u);
  EXPECT_THAT(r.message, HasSubstr("no longer parse"));
}

TEST_F(BundleTamperTest, DeletedEntryIsMissing) {
  lines_.erase(lines_.begin() + Find(lines_, "entry 7 "));
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kMissingEntry);
  EXPECT_EQ(r.sequence, 7u);
  EXPECT_THAT(r.message, HasSubstr("entry 7 is not in the bundle"));
}

TEST_F(BundleTamperTest, DeletedEntryBeforeCheckpointIsMissing) {
  lines_.erase(lines_.begin() + Find(lines_, "entry 9 "));
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kMissingEntry);
  EXPECT_EQ(r.sequence, 9u);
  EXPECT_THAT(r.message, HasSubstr("entries 9..9 are not in the bundle"));
}

TEST_F(BundleTamperTest, SwappedEntriesAreReordered) {
  const int a = Find(lines_, "entry 3 "), b = Find(lines_, "entry 4 ");
  std::swap(lines_[a], lines_[b]);
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kReorderedEntry);
  EXPECT_EQ(r.sequence, 3u);
  EXPECT_THAT(r.message, HasSubstr("entry 3 comes later"));
}

TEST_F(BundleTamperTest, SwappedEntryBytesUnderTheirLineNumbersAreReordered) {
  const int a = Find(lines_, "entry 3 "), b = Find(lines_, "entry 4 ");
  const std::string bytes_a = lines_[a].substr(8), bytes_b = lines_[b].substr(8);
  lines_[a] = "entry 3 " + bytes_b;
  lines_[b] = "entry 4 " + bytes_a;
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kReorderedEntry);
  EXPECT_EQ(r.sequence, 3u);
  EXPECT_THAT(r.message, HasSubstr("says it is entry 4"));
}

TEST_F(BundleTamperTest, DuplicatedEntryIsExtra) {
  const int at = Find(lines_, "entry 5 ");
  lines_.insert(lines_.begin() + at + 1, lines_[at]);
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kExtraEntry);
  EXPECT_EQ(r.sequence, 5u);
  EXPECT_THAT(r.message, HasSubstr("entry 5 appears again"));
}

TEST_F(BundleTamperTest, EntriesAfterTheLastCheckpointAreExtra) {
  ledger::v1::Entry entry = EntryOfLine(lines_[Find(lines_, "entry 19 ")]);
  entry.set_sequence(20);
  entry.set_previous_hash(log::HashBytes(log::LeafHash(entry.SerializeAsString())));
  lines_.insert(lines_.end() - 1, EntryLine(20, entry));
  lines_.back() = "end 21 4";
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kExtraEntry);
  EXPECT_THAT(r.message, HasSubstr("no signed checkpoint covers them"));
}

TEST_F(BundleTamperTest, DeletedCheckpointIsABadTrailer) {
  lines_.erase(lines_.begin() + Find(lines_, "checkpoint 10 "));
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kBadTrailer);
}

TEST_F(BundleTamperTest, MovedCheckpointIsMisplaced) {
  const int at = Find(lines_, "checkpoint 10 ");
  std::swap(lines_[at], lines_[at + 1]);  // now after entry 10
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kMisplacedCheckpoint);
  EXPECT_EQ(r.checkpoint, 1u);
}

// A second log, signed by the same key, that differs from entry 8 on.
class ForkTest : public BundleTamperTest {
 protected:
  std::string ForkCheckpoint(uint64_t size) {
    auto fork = OpenLog(dir_.Sub("fork"));
    AppendEntries(*fork, 8);
    AppendEntries(*fork, static_cast<int>(size) - 8, "forked");
    SignHead(*fork, {key_});
    auto note = fork->GetCheckpoint(size);
    EXPECT_THAT(note, IsOk());
    EXPECT_TRUE(note->has_value());
    return "checkpoint " + std::to_string(size) + " " + absl::Base64Escape(**note);
  }
};

TEST_F(ForkTest, TwoCheckpointsOfOneSizeWithDifferentRootsAreAFork) {
  lines_.insert(lines_.begin() + Find(lines_, "checkpoint 10 ") + 1, ForkCheckpoint(10));
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kFork);
  EXPECT_EQ(r.checkpoint, 2u);
  EXPECT_THAT(r.message, HasSubstr("both signed for tree size 10"));
}

TEST_F(ForkTest, OlderCheckpointInconsistentWithNewerIsAFork) {
  lines_[Find(lines_, "checkpoint 10 ")] = ForkCheckpoint(10);
  BundleReport r = Check();
  EXPECT_EQ(r.problem, BundleProblem::kFork);
  EXPECT_EQ(r.checkpoint, 1u);
  EXPECT_THAT(r.message, HasSubstr("checkpoint 1 (tree size 10)"));
  EXPECT_THAT(r.message, HasSubstr("is not consistent with checkpoint 2 (tree size 15)"));
}

TEST_F(ForkTest, DuplicateCheckpointWithTheSameRootIsAccepted) {
  const int at = Find(lines_, "checkpoint 10 ");
  lines_.insert(lines_.begin() + at + 1, lines_[at]);
  lines_.back() = "end 20 5";
  BundleReport r = Check();
  EXPECT_TRUE(r.ok()) << r.message;
}

}  // namespace
}  // namespace ledger::audit
