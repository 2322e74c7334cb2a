// DomainAdmission on its own: what it admits and refuses, that a refusal
// changes nothing, and that after Abandon it starts again from the log.
#include "ledger/domain_admission.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/compact_ledger.h"
#include "ledger/world_follower.h"
#include "tests/testing/events.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger {
namespace {

using ::testing::HasSubstr;
using namespace ::ledger::testing::events;  // NOLINT: test helpers

class DomainAdmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions options;
    options.path = dir_.Sub("db");
    {
      auto ledger = CompactLedger::Open(options);
      ASSERT_THAT(ledger, IsOk());
      auto seeded = (*ledger)->Record(
          {Source(), Compact("c1", {.ref = "first"})},
          "clerk");
      ASSERT_THAT(seeded, IsOk());
    }
    // The bare log: the admission is driven by hand, nothing is appended.
    auto log = log::Log::Open(options);
    ASSERT_THAT(log, IsOk());
    log_ = *std::move(log);
    WorldFollower committed(*log_, compact::WorldOptions{.keep_facts = false});
    ASSERT_THAT(committed.CatchUp(), IsOk());
    follower_ = std::make_unique<WorldFollower>(*log_);
    ASSERT_THAT(follower_->CatchUp(), IsOk());
    admission_ =
        std::make_unique<DomainAdmission>(*log_, committed.TakeWorld(), follower_.get());
  }

  // Offers `events` as a batch whose entries would follow the ones offered
  // (and admitted) so far.
  absl::Status Offer(const std::vector<Event>& events) {
    std::vector<log::AppendRequest> requests(events.size());
    std::vector<log::AppendResult> results(events.size());
    for (size_t i = 0; i < events.size(); ++i) {
      requests[i].stream = "compact/x";
      requests[i].actor = "clerk";
      requests[i].payload.PackFrom(events[i]);
      results[i].sequence = next_ + i;
    }
    absl::Status admitted = admission_->Admit(requests, results);
    if (admitted.ok()) next_ += events.size();
    return admitted;
  }

  testing::TempDir dir_;
  std::unique_ptr<log::Log> log_;
  // Handed the admitted events of each group said to be durable.
  std::unique_ptr<WorldFollower> follower_;
  std::unique_ptr<DomainAdmission> admission_;
  uint64_t next_ = 2;  // the seeded log's size
};

TEST_F(DomainAdmissionTest, AdmitsWhatFoldsAndRefusesWhatContradictsTheCommittedEvents) {
  EXPECT_THAT(Offer({Compact("c2", {.ref = "second"})}), IsOk());
  const absl::Status twice = Offer({Compact("c3", {.ref = "second"})});
  EXPECT_EQ(twice.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(twice.message()), HasSubstr("checked again at commit"));
  EXPECT_EQ(Offer({Compact("c1")}).code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(DomainAdmissionTest, ARefusedBatchChangesNothing) {
  const absl::Status refused =
      Offer({Compact("c2", {.ref = "free"}), Compact("c3", {.ref = "first"})});
  EXPECT_EQ(refused.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(RefusedRequest(refused), 1u);
  // Neither c2 nor its ref was kept.
  EXPECT_THAT(Offer({Compact("c2", {.ref = "free"})}), IsOk());
}

TEST_F(DomainAdmissionTest, ARetryInTheBatchIsSkippedAndTheRefusalKeepsTheBatchIndex) {
  std::vector<log::AppendRequest> requests(3);
  std::vector<log::AppendResult> results(3);
  requests[0].payload.set_type_url("type.googleapis.com/not.Looked.At");  // a retry
  results[0].deduplicated = true;
  requests[1].payload.PackFrom(Compact("c2", {.ref = "free"}));
  results[1].sequence = next_;
  requests[2].payload.PackFrom(Compact("c3", {.ref = "first"}));
  results[2].sequence = next_ + 1;
  const absl::Status refused = admission_->Admit(requests, results);
  EXPECT_EQ(refused.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(RefusedRequest(refused), 2u);
  EXPECT_EQ(RefusedRequest(absl::AlreadyExistsError("not from the admission")), std::nullopt);
}

TEST_F(DomainAdmissionTest, APayloadOfAnotherTypeIsRefusedWithItsType) {
  log::AppendRequest foreign;
  foreign.stream = "compact/x";
  foreign.payload.set_type_url("type.googleapis.com/other.Thing");
  log::AppendResult result;
  result.sequence = next_;
  const absl::Status refused = admission_->Admit({foreign}, {result});
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("other.Thing"));
  EXPECT_THAT(Offer({Compact("c2")}), IsOk());
}

TEST_F(DomainAdmissionTest, AfterAbandonItStartsAgainFromTheLog) {
  ASSERT_THAT(Offer({Compact("c2", {.ref = "second"})}), IsOk());
  // The group holding c2 was never written: the log still ends at c1.
  admission_->Abandon();
  next_ = log_->Size();
  EXPECT_THAT(Offer({Compact("c2", {.ref = "second"})}), IsOk());
  EXPECT_EQ(Offer({Compact("c2")}).code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(DomainAdmissionTest, AfterAbandonItStartsAgainFromTheStoredSnapshot) {
  WorldFollower full(*log_);
  ASSERT_THAT(full.CatchUp(), IsOk());
  ASSERT_THAT(full.StoreSnapshot(*log_), IsOk());
  ASSERT_THAT(Offer({Compact("c2", {.ref = "second"})}), IsOk());
  admission_->Abandon();
  next_ = log_->Size();
  EXPECT_THAT(Offer({Compact("c2", {.ref = "second"})}), IsOk());
  EXPECT_EQ(Offer({Compact("c1")}).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Offer({Compact("c3", {.ref = "first"})}).code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(DomainAdmissionTest, ADurableGroupIsHandedOverAndFoldedWithoutRunningTheRulesAgain) {
  ASSERT_THAT(Offer({Compact("c2", {.ref = "second"}), Compact("c3", {.ref = "third"})}), IsOk());
  // Not durable yet: nothing to fold.
  ASSERT_THAT(follower_->FoldHandedOver(), IsOk());
  EXPECT_EQ(follower_->folded(), 2u);
  admission_->Committed();
  const uint64_t runs = compact::World::RuleRuns();
  ASSERT_THAT(follower_->FoldHandedOver(), IsOk());
  EXPECT_EQ(compact::World::RuleRuns(), runs);
  EXPECT_EQ(follower_->folded(), 4u);
  EXPECT_TRUE(follower_->world().HasCompact("c3"));
}

TEST_F(DomainAdmissionTest, AnAbandonedGroupIsNeverHandedOver) {
  ASSERT_THAT(Offer({Compact("c2", {.ref = "second"})}), IsOk());
  admission_->Abandon();
  admission_->Committed();
  ASSERT_THAT(follower_->FoldHandedOver(), IsOk());
  EXPECT_EQ(follower_->folded(), 2u);
  EXPECT_FALSE(follower_->world().HasCompact("c2"));
}

TEST_F(DomainAdmissionTest, ABatchRunsTheRulesOncePerEvent) {
  const uint64_t runs = compact::World::RuleRuns();
  ASSERT_THAT(
      Offer({Compact("c2", {.ref = "second"}), Compact("c3", {.ref = "third"}), Compact("c4")}),
      IsOk());
  EXPECT_EQ(compact::World::RuleRuns() - runs, 3u);
}

}  // namespace
}  // namespace ledger
