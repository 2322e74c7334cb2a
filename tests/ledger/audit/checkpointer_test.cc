#include "ledger/audit/checkpointer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/base/next_step.h"
#include "ledger/log/checkpoint.h"
#include "tests/ledger/audit/audit_test_util.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::StatusIs;

namespace ledger::audit {
namespace {

using ::testing::HasSubstr;
using namespace ::ledger::audit::testing;  // NOLINT: test helpers

class CheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = OpenLog(dir_.Sub("db"));
    AppendEntries(*log_, 3);
  }
  ledger::testing::TempDir dir_;
  std::unique_ptr<log::Log> log_;
  log::NoteSigner key_ = TestKey(1);
};

TEST_F(CheckpointerTest, SignsAndStoresTheHead) {
  auto published = PublishCheckpoint(*log_, {&key_, 1}, kOrigin);
  ASSERT_THAT(published, IsOk());
  EXPECT_TRUE(published->created);
  EXPECT_EQ(published->head.tree_size, 3u);
  EXPECT_EQ(*log_->LatestCheckpoint(), published->note);
  const log::NoteVerifier v = key_.verifier();
  auto verified = log::VerifyCheckpoint(published->note, {&v, 1}, kOrigin);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->checkpoint.root, log_->Head().root);
}

TEST_F(CheckpointerTest, FirstCheckpointNeedsAnOrigin) {
  auto published = PublishCheckpoint(*log_, {&key_, 1}, "");
  EXPECT_EQ(published.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(published.status().message()), HasSubstr("needs an origin"));
  EXPECT_EQ(NextStepOf(published.status()), NextStep::kGiveOrigin);
}

TEST_F(CheckpointerTest, LaterCheckpointsKeepTheOrigin) {
  ASSERT_THAT(PublishCheckpoint(*log_, {&key_, 1}, kOrigin), IsOk());
  AppendEntries(*log_, 1);
  auto again = PublishCheckpoint(*log_, {&key_, 1}, "");
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->origin, kOrigin);
  AppendEntries(*log_, 1);
  EXPECT_EQ(PublishCheckpoint(*log_, {&key_, 1}, "other").status().code(),
            absl::StatusCode::kInvalidArgument);
}

// The one rule both the offline signer and the server's publisher follow.
TEST(ChooseOriginTest, FirstCheckpointTakesAUsableOriginLaterOnesKeepTheStoredOne) {
  const log::Checkpoint stored{"ledger.example/log", 7, log::Hash{}, {}};
  for (const auto& [newest, requested] :
       {std::pair<std::optional<log::Checkpoint>, std::string>{std::nullopt, "ledger.example/log"},
        {stored, ""},
        {stored, "ledger.example/log"}}) {
    auto chosen = ChooseOrigin(newest, requested);
    ASSERT_THAT(chosen, IsOk()) << "requested \"" << requested << "\"";
    EXPECT_EQ(*chosen, "ledger.example/log");
  }

  auto none = ChooseOrigin(std::nullopt, "");
  EXPECT_THAT(none, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("needs an origin")));
  EXPECT_EQ(NextStepOf(none.status()), NextStep::kGiveOrigin);
  // A checkpoint's first line cannot hold a newline.
  auto unusable = ChooseOrigin(std::nullopt, "two\nlines");
  EXPECT_THAT(unusable, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("cannot name the log's checkpoints")));
  EXPECT_EQ(NextStepOf(unusable.status()), NextStep::kGiveOrigin);
  auto other = ChooseOrigin(stored, "other.example/log");
  EXPECT_THAT(other, StatusIs(absl::StatusCode::kInvalidArgument,
                              HasSubstr("a log keeps one origin")));
  EXPECT_EQ(NextStepOf(other.status()), NextStep::kKeepOrigin);
}

TEST_F(CheckpointerTest, NewestCheckpointIsTheLastStoredParsed) {
  auto none = NewestCheckpoint(*log_);
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->has_value());
  ASSERT_THAT(PublishCheckpoint(*log_, {&key_, 1}, kOrigin), IsOk());
  AppendEntries(*log_, 2);
  ASSERT_THAT(PublishCheckpoint(*log_, {&key_, 1}, ""), IsOk());
  auto newest = NewestCheckpoint(*log_);
  ASSERT_THAT(newest, IsOk());
  ASSERT_TRUE(newest->has_value());
  EXPECT_EQ((*newest)->origin, kOrigin);
  EXPECT_EQ((*newest)->tree_size, 5u);
  EXPECT_EQ((*newest)->root, log_->Head().root);
}

TEST_F(CheckpointerTest, SigningTheSameHeadTwiceIsIdempotent) {
  auto first = PublishCheckpoint(*log_, {&key_, 1}, kOrigin);
  auto second = PublishCheckpoint(*log_, {&key_, 1}, "");
  ASSERT_THAT(second, IsOk());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->note, first->note);
  const log::NoteSigner other = TestKey(2);
  EXPECT_EQ(PublishCheckpoint(*log_, {&other, 1}, "").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(CheckpointerTest, SeveralSignersSignOneNote) {
  const std::vector<log::NoteSigner> both = {key_, TestKey(2)};
  auto published = PublishCheckpoint(*log_, both, kOrigin);
  ASSERT_THAT(published, IsOk());
  auto note = log::ParseNote(published->note);
  ASSERT_THAT(note, IsOk());
  EXPECT_EQ(note->signatures.size(), 2u);
  auto keys = KnownVerifierKeys(*log_);
  ASSERT_THAT(keys, IsOk());
  EXPECT_EQ(keys->size(), 2u);
}

}  // namespace
}  // namespace ledger::audit
