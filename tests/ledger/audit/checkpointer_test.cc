#include "ledger/audit/checkpointer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/base/next_step.h"
#include "ledger/log/checkpoint.h"
#include "tests/ledger/audit/audit_test_util.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

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
