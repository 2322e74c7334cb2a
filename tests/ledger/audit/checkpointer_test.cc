#include "ledger/audit/checkpointer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/base/next_step.h"
#include "ledger/log/checkpoint.h"
#include "tests/ledger/audit/audit_test_util.h"

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
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_TRUE(published->created);
  EXPECT_EQ(published->head.tree_size, 3u);
  EXPECT_EQ(*log_->LatestCheckpoint(), published->note);
  const log::NoteVerifier v = key_.verifier();
  auto verified = log::VerifyCheckpoint(published->note, {&v, 1}, kOrigin);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->checkpoint.root, log_->Head().root);
}

TEST_F(CheckpointerTest, FirstCheckpointNeedsAnOrigin) {
  auto published = PublishCheckpoint(*log_, {&key_, 1}, "");
  EXPECT_EQ(published.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(published.status().message()), HasSubstr("needs an origin"));
  EXPECT_EQ(NextStepOf(published.status()), NextStep::kGiveOrigin);
}

TEST_F(CheckpointerTest, LaterCheckpointsKeepTheOrigin) {
  ASSERT_TRUE(PublishCheckpoint(*log_, {&key_, 1}, kOrigin).ok());
  AppendEntries(*log_, 1);
  auto again = PublishCheckpoint(*log_, {&key_, 1}, "");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->origin, kOrigin);
  AppendEntries(*log_, 1);
  EXPECT_EQ(PublishCheckpoint(*log_, {&key_, 1}, "other").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(CheckpointerTest, SigningTheSameHeadTwiceIsIdempotent) {
  auto first = PublishCheckpoint(*log_, {&key_, 1}, kOrigin);
  auto second = PublishCheckpoint(*log_, {&key_, 1}, "");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->note, first->note);
  const log::NoteSigner other = TestKey(2);
  EXPECT_EQ(PublishCheckpoint(*log_, {&other, 1}, "").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(CheckpointerTest, SeveralSignersSignOneNote) {
  const std::vector<log::NoteSigner> both = {key_, TestKey(2)};
  auto published = PublishCheckpoint(*log_, both, kOrigin);
  ASSERT_TRUE(published.ok()) << published.status();
  auto note = log::ParseNote(published->note);
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(note->signatures.size(), 2u);
  auto keys = KnownVerifierKeys(*log_);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 2u);
}

}  // namespace
}  // namespace ledger::audit
