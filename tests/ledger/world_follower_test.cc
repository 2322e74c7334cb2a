// WorldFollower: folding the log from the start or from a snapshot, picking
// the newest snapshot at or before a bound, never trusting one over the log,
// and "as known at T".
#include "ledger/world_follower.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "google/protobuf/util/message_differencer.h"
#include "ledger/compact_ledger.h"
#include "tests/testing/events.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::StatusIs;

namespace ledger {
namespace {

using ::testing::HasSubstr;
using namespace ::ledger::testing::events;  // NOLINT: test helpers
using google::protobuf::util::MessageDifferencer;

class WorldFollowerTest : public ::testing::Test {
 protected:
  // Records a source, two bodies and a compact, then `endorsements`
  // endorsements one by one, each an hour after the one before; closes the
  // ledger and opens its bare log.
  void Build(int endorsements) {
    log::LogOptions options;
    options.path = dir_.Sub("db");
    options.clock = [this] { return now_; };
    {
      auto ledger = CompactLedger::Open(options);
      ASSERT_THAT(ledger, IsOk());
      ASSERT_THAT(
          (*ledger)->Record({Source(), Body("council"), Body("board"), Compact("c1")}, "clerk"),
          IsOk());
      for (int i = 0; i < endorsements; ++i) {
        now_ += absl::Hours(1);
        ASSERT_THAT((*ledger)->Record({Endorse("c1", "board", "2006-04-04")}, "clerk"), IsOk());
      }
    }
    options.clock = nullptr;
    auto log = log::Log::Open(options);
    ASSERT_THAT(log, IsOk());
    log_ = *std::move(log);
  }

  // The state of the first `size` entries, folded from the first entry.
  ::compact::v1::WorldState FromScratch(uint64_t size) {
    WorldFollower follower(*log_);
    EXPECT_THAT(follower.FoldTo(size), IsOk());
    return follower.world().state();
  }

  void StoreSnapshotOf(uint64_t size) {
    WorldFollower follower(*log_);
    ASSERT_THAT(follower.FoldTo(size), IsOk());
    ASSERT_THAT(follower.StoreSnapshot(*log_), IsOk());
  }

  uint64_t ResumedFrom(uint64_t at_most) {
    WorldFollower follower(*log_);
    EXPECT_THAT(follower.Resume(at_most), IsOk());
    EXPECT_EQ(follower.folded(), follower.resumed_from());
    return follower.resumed_from();
  }

  testing::TempDir dir_;
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
  std::unique_ptr<log::Log> log_;
};

TEST_F(WorldFollowerTest, WithoutASnapshotItFoldsEveryEntryFromTheFirst) {
  Build(5);
  WorldFollower follower(*log_);
  ASSERT_THAT(follower.Resume(), IsOk());
  EXPECT_EQ(follower.resumed_from(), 0u);
  ASSERT_THAT(follower.CatchUp(), IsOk());
  EXPECT_EQ(follower.folded(), log_->Size());
  auto state = follower.world().StateAt({2006, 5, 1}, "c1");
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->compacts(0).endorsements_size(), 5);
}

TEST_F(WorldFollowerTest, ResumesFromTheNewestSnapshotAtOrBeforeTheBound) {
  Build(6);
  StoreSnapshotOf(3);
  StoreSnapshotOf(7);
  EXPECT_EQ(ResumedFrom(2), 0u);
  EXPECT_EQ(ResumedFrom(3), 3u);
  EXPECT_EQ(ResumedFrom(6), 3u);
  EXPECT_EQ(ResumedFrom(7), 7u);
  EXPECT_EQ(ResumedFrom(log_->Size()), 7u);
  // Resumed, then caught up: the same state as folding from the first entry.
  WorldFollower follower(*log_);
  ASSERT_THAT(follower.Resume(6), IsOk());
  ASSERT_THAT(follower.FoldTo(9), IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals(follower.world().state(), FromScratch(9)));
}

TEST_F(WorldFollowerTest, ASnapshotThatNoLongerMatchesTheLogGivesWayToTheOneBefore) {
  Build(6);
  StoreSnapshotOf(3);
  StoreSnapshotOf(7);
  auto newest = log_->FindSnapshotAtOrBefore("compact/world/", WorldSnapshotName(7));
  ASSERT_THAT(newest, IsOk());
  ASSERT_TRUE(newest->has_value());
  std::string forged = (*newest)->bytes;
  forged[8] ^= 0x01;  // claims another entry 6
  ASSERT_THAT(log_->PutSnapshot((*newest)->name, forged), IsOk());
  EXPECT_EQ(ResumedFrom(log_->Size()), 3u);
}

TEST_F(WorldFollowerTest, EntriesKnownAtCountsTheEntriesRecordedByThen) {
  Build(4);  // the seed at now_, then one entry an hour for 4 hours
  const absl::Time start = absl::FromUnixSeconds(1'800'000'000);
  auto known = [&](absl::Time t) { return *WorldFollower::EntriesKnownAt(*log_, t); };
  EXPECT_EQ(known(start - absl::Seconds(1)), 0u);
  EXPECT_EQ(known(start), 4u);
  EXPECT_EQ(known(start + absl::Minutes(90)), 5u);
  EXPECT_EQ(known(start + absl::Hours(4)), 8u);
  EXPECT_EQ(known(absl::InfiniteFuture()), log_->Size());
}

// "As known at T" (CompactLedger::StateAt) asks the state folded to the end
// for the entries recorded by T: the same report as folding only those.
TEST_F(WorldFollowerTest, AsKnownAtIsTheStateOfTheEntriesRecordedByThenFoldedAlone) {
  Build(8);
  WorldFollower all(*log_);
  ASSERT_THAT(all.CatchUp(), IsOk());
  const absl::Time start = absl::FromUnixSeconds(1'800'000'000);
  const compact::CivilDay day{2010, 1, 1};
  for (int hours = 0; hours <= 8; ++hours) {
    auto entries = WorldFollower::EntriesKnownAt(*log_, start + absl::Hours(hours));
    ASSERT_THAT(entries, IsOk());
    EXPECT_EQ(*entries, 4u + hours);
    auto alone = compact::World::FromState(FromScratch(*entries));
    ASSERT_THAT(alone, IsOk());
    ::compact::v1::StateReport known_then, expected;
    ASSERT_THAT(all.world().StateAt(day, "", *entries, &known_then), IsOk());
    ASSERT_THAT(alone->StateAt(day, "", &expected), IsOk());
    EXPECT_TRUE(MessageDifferencer::Equals(known_then, expected)) << hours;
  }
}

TEST_F(WorldFollowerTest, AnEntryThatDoesNotFoldIsNamedAndEndsTheFold) {
  Build(1);
  log::AppendRequest foreign;
  foreign.stream = "compact/c1";
  foreign.payload.set_type_url("type.googleapis.com/other.Thing");
  ASSERT_THAT(log_->Append(foreign), IsOk());
  WorldFollower follower(*log_);
  const absl::Status folded = follower.CatchUp();
  EXPECT_THAT(folded, StatusIs(absl::StatusCode::kInvalidArgument,
                               ::testing::AllOf(HasSubstr("entry 5"), HasSubstr("other.Thing"))));
  EXPECT_EQ(follower.folded(), 5u);
}

TEST_F(WorldFollowerTest, ASnapshotOfAReadOnlyLogIsNotStored) {
  Build(1);
  log_.reset();
  log::LogOptions options;
  options.path = dir_.Sub("db");
  options.read_only = true;
  auto log = log::Log::Open(options);
  ASSERT_THAT(log, IsOk());
  WorldFollower follower(**log);
  ASSERT_THAT(follower.CatchUp(), IsOk());
  ASSERT_THAT(follower.StoreSnapshot(**log), IsOk());
  WorldFollower resumed(**log);
  ASSERT_THAT(resumed.Resume(), IsOk());
  EXPECT_EQ(resumed.resumed_from(), 0u);
}

}  // namespace
}  // namespace ledger
