#include "ledger/compact_ledger.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <map>
#include <string_view>
#include <thread>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "ledger/log/storage_format.h"
#include "ledger/log/verify.h"
#include "ledger/world_follower.h"
#include "tests/testing/events.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::StatusIs;

namespace ledger {
namespace {

// The newest world snapshot stored in `log`, if any.
std::optional<log::Log::NamedSnapshot> NewestSnapshot(const log::Log& log) {
  auto found = log.FindSnapshotAtOrBefore("compact/world/", WorldSnapshotName(~uint64_t{0}));
  EXPECT_THAT(found, IsOk());
  return found.ok() ? *found : std::nullopt;
}

using ::testing::HasSubstr;
using namespace ::ledger::testing::events;  // NOLINT: test helpers

log::AppendRequest ForeignPayload() {
  log::AppendRequest raw;
  raw.stream = "compact/c1";
  raw.payload.set_type_url("type.googleapis.com/other.Thing");
  return raw;
}

// Appends, below the domain (no ledger open on `path`), an entry whose
// payload is not a compact event.
void AppendForeignPayload(const std::string& path) {
  log::LogOptions options;
  options.path = path;
  auto log = log::Log::Open(options);
  ASSERT_THAT(log, IsOk());
  ASSERT_THAT((*log)->Append(ForeignPayload()), IsOk());
}

// A clock for the log that, once armed, holds the commit thread at the start
// of its next group until released: a second recorder then checks its
// command while the first one's batch is on its way to disk.
class CommitGate {
 public:
  absl::Time Now() {
    std::unique_lock<std::mutex> lock(mu_);
    if (armed_) {
      held_ = true;
      changed_.notify_all();
      changed_.wait(lock, [&] { return !armed_; });
    }
    return absl::FromUnixSeconds(1'800'000'000);
  }
  void Arm() {
    std::lock_guard<std::mutex> lock(mu_);
    armed_ = true;
    held_ = false;
  }
  void WaitUntilHeld() {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return held_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    armed_ = false;
    changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  bool armed_ = false;
  bool held_ = false;
};

class CompactLedgerTest : public ::testing::Test {
 protected:
  std::unique_ptr<CompactLedger> Open() {
    log::LogOptions options;
    options.path = dir_.Sub("db");
    options.clock = [this] { return now_; };
    auto ledger = CompactLedger::Open(options);
    EXPECT_THAT(ledger, IsOk());
    return ledger.ok() ? *std::move(ledger) : nullptr;
  }
  void Seed(CompactLedger& ledger) {
    auto r = ledger.Record({Source(), Body("council"), Body("board"), Compact("c1")}, "clerk");
    ASSERT_THAT(r, IsOk());
  }
  // A seeded ledger, closed, then an entry that does not fold appended to
  // its bare log (an open ledger would refuse it).
  void SeedThenAppendForeignPayload() {
    {
      auto ledger = Open();
      Seed(*ledger);
    }
    AppendForeignPayload(dir_.Sub("db"));
  }
  static compact::CivilDay Day(int y, int m, int d) { return {y, m, d}; }

  testing::TempDir dir_;
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
};

TEST_F(CompactLedgerTest, RecordedEventsShowInState) {
  auto ledger = Open();
  Seed(*ledger);
  ASSERT_THAT(ledger->Record({Endorse("c1", "board", "2006-04-04")}, "clerk"), IsOk());
  auto state = ledger->StateAt(Day(2006, 5, 1), "c1");
  ASSERT_THAT(state, IsOk());
  ASSERT_EQ(state->compacts_size(), 1);
  ASSERT_EQ(state->compacts(0).endorsements_size(), 1);
  EXPECT_EQ(state->compacts(0).status(), ::compact::v1::COMPACT_STATUS_ENDORSED);
}

TEST_F(CompactLedgerTest, EventsGoToTheirStreamsWithDenseVersions) {
  auto ledger = Open();
  Seed(*ledger);
  ASSERT_THAT(ledger->Record({Endorse("c1", "board", "2006-04-04"),
                              Endorse("c1", "council", "2006-06-07")}, "clerk"), IsOk());
  EXPECT_EQ(*ledger->log().StreamVersion("compact/c1"), 3u);
  EXPECT_EQ(*ledger->log().StreamVersion("body/board"), 1u);
  auto entries = ledger->log().ReadStream("compact/c1", 1, 10);
  ASSERT_THAT(entries, IsOk());
  EXPECT_EQ(entries->back().entry.actor(), "clerk");
}

TEST_F(CompactLedgerTest, RefusedCommandAppendsNothing) {
  auto ledger = Open();
  Seed(*ledger);
  const uint64_t before = ledger->log().Size();
  auto unknown = ledger->Record({Endorse("no-such-compact", "board", "2006-04-04")}, "clerk");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  auto bad_date = ledger->Record({Endorse("c1", "board", "2006-13")}, "clerk");
  EXPECT_EQ(bad_date.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger->log().Size(), before);
}

TEST_F(CompactLedgerTest, BatchIsAllOrNothingAndNamesTheBadCommand) {
  auto ledger = Open();
  Seed(*ledger);
  const uint64_t before = ledger->log().Size();
  auto result = ledger->Record({Endorse("c1", "board", "2006-04-04"), Compact("c1")}, "clerk",
                               {}, {"line 7", "line 8"});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("line 8"));
  EXPECT_EQ(ledger->log().Size(), before);
  // The first command of the failed batch was not folded either.
  auto state = ledger->StateAt(Day(2006, 5, 1), "c1");
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->compacts(0).endorsements_size(), 0);
}

TEST_F(CompactLedgerTest, BatchChecksEachCommandAgainstTheEarlierOnes) {
  auto ledger = Open();
  Seed(*ledger);
  const uint64_t before = ledger->log().Size();
  // The second command names the compact the first registers.
  auto recorded = ledger->Record({Compact("c9"), Endorse("c9", "board", "2006-04-04")}, "clerk");
  ASSERT_THAT(recorded, IsOk());
  EXPECT_EQ(ledger->log().Size(), before + 2);
  auto state = ledger->StateAt(Day(2006, 5, 1), "c9");
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->compacts(0).endorsements_size(), 1);
  // A command that contradicts an earlier one of its batch is refused.
  auto twice = ledger->Record({Compact("c10"), Compact("c10")}, "clerk", {}, {"line 1", "line 2"});
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(twice.status().message()), HasSubstr("line 2"));
  EXPECT_EQ(ledger->log().Size(), before + 2);
  EXPECT_EQ(ledger->StateAt(Day(2006, 5, 1), "c10").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CompactLedgerTest, RetryReturnsFirstResultEvenWhenRulesWouldNowRefuse) {
  auto ledger = Open();
  Seed(*ledger);
  auto first = ledger->Record({Compact("c2")}, "clerk", {"req-42"});
  ASSERT_THAT(first, IsOk());
  auto retry = ledger->Record({Compact("c2")}, "clerk", {"req-42"});
  ASSERT_THAT(retry, IsOk());
  EXPECT_TRUE((*retry)[0].deduplicated);
  EXPECT_EQ((*retry)[0].sequence, (*first)[0].sequence);
  // Without the request id, registering c2 again is a contradiction.
  EXPECT_EQ(ledger->Record({Compact("c2")}, "clerk").status().code(),
            absl::StatusCode::kAlreadyExists);
  // The same id for a different command is refused.
  EXPECT_EQ(ledger->Record({Compact("c3")}, "clerk", {"req-42"}).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(CompactLedgerTest, ReopenRebuildsTheSameState) {
  ::compact::v1::StateReport before;
  {
    auto ledger = Open();
    Seed(*ledger);
    ASSERT_THAT(ledger->Record({Endorse("c1", "board", "2006-04-04")}, "clerk"), IsOk());
    before = *ledger->StateAt(Day(2007, 1, 1), "");
  }
  auto ledger = Open();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      *ledger->StateAt(Day(2007, 1, 1), ""), before));
}

TEST_F(CompactLedgerTest, RecordingRunsTheRulesTwicePerCommandAndFoldingRunsThemNoMore) {
  auto ledger = Open();
  Seed(*ledger);
  // Once when the command is checked against the folded state, once when
  // the admission checks it again at commit; the fold takes the event as
  // the admission folded it.
  uint64_t runs = compact::World::RuleRuns();
  ASSERT_THAT(ledger->Record({Endorse("c1", "board", "2006-04-04")}, "clerk"), IsOk());
  ASSERT_THAT(ledger->StateAt(Day(2006, 5, 1), "c1"), IsOk());
  EXPECT_EQ(compact::World::RuleRuns() - runs, 2u);
  runs = compact::World::RuleRuns();
  ASSERT_THAT(ledger->Record({Endorse("c1", "council", "2006-04-04"), Body("third"),
                              Endorse("c1", "third", "2006-04-05")},
                             "clerk"),
              IsOk());
  ASSERT_THAT(ledger->StateAt(Day(2006, 5, 1), "c1"), IsOk());
  EXPECT_EQ(compact::World::RuleRuns() - runs, 6u);
}

TEST_F(CompactLedgerTest, SnapshotIsUsedAndNeverTrustedOverTheLog) {
  {
    auto ledger = Open();
    Seed(*ledger);
    std::vector<Event> many;
    for (int i = 0; i < 1100; ++i) many.push_back(Endorse("c1", "board", "2006-04-04"));
    ASSERT_THAT(ledger->Record(many, "clerk"), IsOk());
    ASSERT_THAT(ledger->WaitForSnapshot(), IsOk());
    ASSERT_TRUE(NewestSnapshot(ledger->log()).has_value());
  }
  {
    auto ledger = Open();
    EXPECT_EQ(ledger->StateAt(Day(2006, 5, 1), "c1")->compacts(0).endorsements_size(), 1100);
    // A snapshot that no longer matches the log is ignored: overwrite it
    // with one claiming a different last entry.
    auto newest = NewestSnapshot(ledger->log());
    ASSERT_TRUE(newest.has_value());
    std::string forged = newest->bytes;
    forged[8] ^= 0x01;
    ASSERT_THAT(ledger->log().PutSnapshot(newest->name, forged), IsOk());
  }
  auto ledger = Open();
  EXPECT_EQ(ledger->StateAt(Day(2006, 5, 1), "c1")->compacts(0).endorsements_size(), 1100);
}

TEST_F(CompactLedgerTest, AsKnownAtSeesOnlyWhatWasRecordedThen) {
  auto ledger = Open();
  Seed(*ledger);
  ASSERT_THAT(ledger->Record({Endorse("c1", "board", "2006-04-04", {.ref = "e1"})}, "clerk"),
              IsOk());
  const absl::Time before_correction = now_;
  now_ += absl::Hours(24);
  Event correction = Correction("e1", "the minutes say June");
  correction.mutable_annotation()->mutable_date()->set_edtf("2006-06-07");
  ASSERT_THAT(ledger->Record({correction}, "clerk"), IsOk());

  auto then = ledger->StateAt(Day(2006, 5, 1), "c1", before_correction);
  ASSERT_THAT(then, IsOk());
  EXPECT_EQ(then->compacts(0).endorsements_size(), 1) << "as known before the correction";
  auto now = ledger->StateAt(Day(2006, 5, 1), "c1");
  ASSERT_THAT(now, IsOk());
  ASSERT_EQ(now->compacts_size(), 1);
  EXPECT_EQ(now->compacts(0).endorsements_size(), 0) << "corrected to June";
  // Known before anything was recorded: nothing exists.
  auto nothing = ledger->StateAt(Day(2006, 5, 1), "", before_correction - absl::Hours(1));
  ASSERT_THAT(nothing, IsOk());
  EXPECT_EQ(nothing->compacts_size(), 0);
}

TEST_F(CompactLedgerTest, AsKnownAtFoldsNothingAndLeavesOutWhatCameLater) {
  auto ledger = Open();
  Seed(*ledger);
  std::vector<Event> many;
  for (int i = 0; i < 1100; ++i) many.push_back(Endorse("c1", "board", "2006-04-04"));
  ASSERT_THAT(ledger->Record(many, "clerk"), IsOk());
  ASSERT_THAT(ledger->WaitForSnapshot(), IsOk());  // of the first 1104 entries
  now_ += absl::Hours(1);
  ASSERT_THAT(ledger->Record({Endorse("c1", "council", "2006-04-04")}, "clerk"), IsOk());
  const absl::Time known_at = now_;
  now_ += absl::Hours(1);
  ASSERT_THAT(ledger->Record({Endorse("c1", "board", "2006-04-05")}, "clerk"), IsOk());

  const uint64_t runs = compact::World::RuleRuns();
  auto then = ledger->StateAt(Day(2006, 5, 1), "c1", known_at);
  ASSERT_THAT(then, IsOk());
  EXPECT_EQ(then->compacts(0).endorsements_size(), 1101);
  auto now = ledger->StateAt(Day(2006, 5, 1), "c1");
  ASSERT_THAT(now, IsOk());
  EXPECT_EQ(now->compacts(0).endorsements_size(), 1102);
  // Answered from the state already folded: no entry is folded again, from
  // a snapshot or from the start.
  EXPECT_EQ(compact::World::RuleRuns() - runs, 0u);
}

TEST_F(CompactLedgerTest, HistoryListsEventsConcerningTheCompact) {
  auto ledger = Open();
  Seed(*ledger);
  ASSERT_THAT(ledger->Record({Endorse("c1", "board", "2006-04-04")}, "clerk"), IsOk());
  auto history = ledger->History("c1");
  ASSERT_THAT(history, IsOk());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_TRUE((*history)[0].event.has_compact_registered());
  EXPECT_TRUE((*history)[1].event.has_decision());
  EXPECT_EQ(ledger->History("nope").status().code(), absl::StatusCode::kNotFound);
  auto sequences = ledger->SequencesConcerning("c1");
  ASSERT_THAT(sequences, IsOk());
  ASSERT_EQ(sequences->size(), 2u);
  EXPECT_EQ((*sequences)[0], (*history)[0].sequence);
  EXPECT_EQ((*sequences)[1], (*history)[1].sequence);
  EXPECT_EQ(ledger->SequencesConcerning("nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CompactLedgerTest, OpenToReadReadsWithoutWritingAndRefusesToRecord) {
  {
    auto ledger = Open();
    Seed(*ledger);
  }
  auto reader = CompactLedger::OpenToRead(dir_.Sub("db"));
  ASSERT_THAT(reader, IsOk());
  int compacts = 0;
  ASSERT_THAT((*reader)->ReadWorld([&](const compact::World& world) {
    compacts = world.state().compacts_size();
  }),
              IsOk());
  EXPECT_GT(compacts, 0);
  EXPECT_THAT((*reader)->Record({Endorse("c1", "board", "2006-04-04")}, "clerk"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("read-only")));
  EXPECT_EQ(CompactLedger::OpenToRead(dir_.Sub("nowhere")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CompactLedgerTest, ForeignPayloadInTheLogIsReportedAtOpen) {
  SeedThenAppendForeignPayload();
  log::LogOptions options;
  options.path = dir_.Sub("db");
  auto reopened = CompactLedger::Open(options);
  EXPECT_THAT(reopened, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("entry 4")));
}

TEST_F(CompactLedgerTest, RacingRecordersOnOneCompactHaveOneWinnerPerVersion) {
  auto ledger = Open();
  Seed(*ledger);
  const uint64_t version = *ledger->log().StreamVersion("compact/c1");
  std::atomic<int> winners{0}, aborted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      RecordRequest r;
      r.command = Endorse("c1", "board", "2006-04-04");
      r.expected = log::ExpectedVersion::Exact(version);
      auto result = ledger->Record(std::vector<RecordRequest>{r}, "clerk");
      if (result.ok()) ++winners;
      else if (result.status().code() == absl::StatusCode::kAborted) ++aborted;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(aborted.load(), 15);
  EXPECT_EQ(*ledger->log().StreamVersion("compact/c1"), version + 1);
}

TEST_F(CompactLedgerTest, ConcurrentRecordersOnDifferentCompactsAllLand) {
  auto ledger = Open();
  Seed(*ledger);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const std::string id = "k" + std::to_string(t);
      EXPECT_THAT(ledger->Record({Compact(id)}, "clerk"), IsOk());
      for (int i = 0; i < 5; ++i) {
        auto r = ledger->Record({Endorse(id, "board", "2006-04-04")}, "clerk");
        EXPECT_THAT(r, IsOk());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ledger->ListCompacts().size(), 9u);
  auto state = ledger->StateAt(Day(2007, 1, 1), "k3");
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->compacts(0).endorsements_size(), 5);
  auto report = log::VerifyLogAt(dir_.Sub("db"));
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->message;
}

TEST_F(CompactLedgerTest, ExplicitExpectedVersionMismatchNamesActualVersion) {
  auto ledger = Open();
  Seed(*ledger);
  RecordRequest r;
  r.command = Endorse("c1", "board", "2006-04-04");
  r.expected = log::ExpectedVersion::Exact(7);
  auto result = ledger->Record(std::vector<RecordRequest>{r}, "clerk");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("at version 1"));
}

TEST_F(CompactLedgerTest, RetryOfACommandTheRulesStillAcceptIsDeduplicated) {
  auto ledger = Open();
  Seed(*ledger);
  auto first = ledger->Record({Endorse("c1", "board", "2006-04-04")}, "clerk", {"req-7"});
  ASSERT_THAT(first, IsOk());
  const uint64_t size = ledger->log().Size();
  // Endorsing again would be accepted by the rules: the id alone makes it a
  // retry.
  auto retry = ledger->Record({Endorse("c1", "board", "2006-04-04")}, "clerk", {"req-7"});
  ASSERT_THAT(retry, IsOk());
  EXPECT_TRUE((*retry)[0].deduplicated);
  EXPECT_EQ((*retry)[0].sequence, (*first)[0].sequence);
  EXPECT_EQ((*retry)[0].stream_version, (*first)[0].stream_version);
  EXPECT_EQ((*retry)[0].leaf_hash, (*first)[0].leaf_hash);
  EXPECT_EQ(ledger->log().Size(), size);
  EXPECT_EQ(ledger->StateAt(Day(2006, 5, 1), "c1")->compacts(0).endorsements_size(), 1);
  // The same id for another command the rules accept: refused, named.
  auto other = ledger->Record({Endorse("c1", "council", "2006-06-07")}, "clerk", {"req-7"});
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(other.status().message()), HasSubstr("already used"));
  auto labelled = ledger->Record({Endorse("c1", "council", "2006-06-07")}, "clerk", {"req-7"},
                                 {"line 3"});
  EXPECT_EQ(labelled.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(labelled.status().message()), HasSubstr("line 3: request id"));
  EXPECT_EQ(ledger->log().Size(), size);
}

TEST_F(CompactLedgerTest, RetryWithAStaleExpectedVersionReturnsFirstResult) {
  auto ledger = Open();
  Seed(*ledger);
  RecordRequest r;
  r.command = Endorse("c1", "board", "2006-04-04");
  r.expected = log::ExpectedVersion::Exact(*ledger->log().StreamVersion("compact/c1"));
  r.request_id = "req-8";
  auto first = ledger->Record(std::vector<RecordRequest>{r}, "clerk");
  ASSERT_THAT(first, IsOk());
  auto retry = ledger->Record(std::vector<RecordRequest>{r}, "clerk");
  ASSERT_THAT(retry, IsOk());
  EXPECT_TRUE((*retry)[0].deduplicated);
  EXPECT_EQ((*retry)[0].sequence, (*first)[0].sequence);
  // Without the id the stale version is refused with the actual one.
  r.request_id.clear();
  auto stale = ledger->Record(std::vector<RecordRequest>{r}, "clerk");
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(stale.status().message()), HasSubstr("at version 2"));
}

// Record folds its own events from memory and the rest from the log; the
// state must be exactly what folding the whole log gives.
TEST_F(CompactLedgerTest, StateFoldedWhileRecordingEqualsStateFoldedFromTheLog) {
  ::compact::v1::StateReport live;
  std::map<std::string, std::vector<uint64_t>> live_history;
  {
    auto ledger = Open();
    Seed(*ledger);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        const std::string id = absl::StrCat("k", t);
        EXPECT_THAT(ledger->Record({Compact(id)}, "clerk"), IsOk());
        for (int i = 0; i < 12; ++i) {
          auto r = i % 3 == 0
                       ? ledger->Record({Endorse(id, "board", "2006-04-04"),
                                         Endorse(id, "council", "2006-05-05")},
                                        absl::StrCat("clerk-", t))
                       : ledger->Record({Endorse(id, "board", "2006-04-04")},
                                        absl::StrCat("clerk-", t),
                                        {absl::StrCat(id, "-", i)});
          EXPECT_THAT(r, IsOk());
        }
      });
    }
    // Another writer appending to the log directly, between the recorders.
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        log::AppendRequest raw;
        raw.stream = absl::StrCat("body/raw", i);
        raw.actor = "importer";
        raw.payload.PackFrom(Body(absl::StrCat("raw", i)));
        auto appended = ledger->log().Append(raw);
        EXPECT_THAT(appended, IsOk());
      }
    });
    for (auto& th : threads) th.join();
    ASSERT_LT(ledger->log().Size(), 1024u) << "no snapshot: the reopened ledger folds the log";
    live = *ledger->StateAt(Day(2007, 1, 1), "");
    for (const auto& compact : ledger->ListCompacts()) {
      auto items = ledger->History(compact.compact_id());
      ASSERT_THAT(items, IsOk());
      for (const auto& item : *items) live_history[compact.compact_id()].push_back(item.sequence);
    }
  }
  auto ledger = Open();
  ASSERT_NE(ledger, nullptr);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      *ledger->StateAt(Day(2007, 1, 1), ""), live));
  std::map<std::string, std::vector<uint64_t>> history;
  for (const auto& compact : ledger->ListCompacts()) {
    auto items = ledger->History(compact.compact_id());
    ASSERT_THAT(items, IsOk());
    for (const auto& item : *items) history[compact.compact_id()].push_back(item.sequence);
  }
  EXPECT_EQ(history, live_history);
  EXPECT_EQ(history.size(), 9u);
  EXPECT_EQ(ledger->StateAt(Day(2007, 1, 1), "k5")->compacts(0).endorsements_size(), 16);
}

// Waits for RecordAsync outcomes.
class Outcomes {
 public:
  CompactLedger::RecordDone Callback() {
    return [this](absl::StatusOr<std::vector<log::AppendResult>> result) {
      std::lock_guard<std::mutex> lock(mu_);
      done_.push_back(std::move(result));
      cv_.notify_all();
    };
  }
  std::vector<absl::StatusOr<std::vector<log::AppendResult>>> WaitFor(size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return done_.size() >= count; });
    return done_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<absl::StatusOr<std::vector<log::AppendResult>>> done_;
};

// Expecting any version: recorders racing on one compact all land.
RecordRequest WithId(Event command, const std::string& id) {
  RecordRequest r;
  r.command = std::move(command);
  r.request_id = id;
  r.expected = log::ExpectedVersion::Any();
  return r;
}

TEST_F(CompactLedgerTest, RecordAsyncRecordsFoldsAndDeduplicatesLikeRecord) {
  ::compact::v1::StateReport live;
  {
    auto ledger = Open();
    Seed(*ledger);
    Outcomes outcomes;
    constexpr int kThreads = 4, kEach = 25;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          ledger->RecordAsync({WithId(Endorse("c1", t % 2 ? "board" : "council", "2006-04-04"),
                                      absl::StrCat("async-", t, "-", i))},
                              "clerk", outcomes.Callback());
        }
      });
    }
    for (auto& th : threads) th.join();
    const auto done = outcomes.WaitFor(kThreads * kEach);
    for (const auto& r : done) {
      ASSERT_THAT(r, IsOk());
      ASSERT_EQ(r->size(), 1u);
      EXPECT_FALSE(r->front().deduplicated);
      EXPECT_EQ(r->front().stream, "compact/c1");
    }
    // Visible to readers as soon as the callback ran.
    EXPECT_EQ(ledger->StateAt(Day(2006, 5, 1), "c1")->compacts(0).endorsements_size(),
              kThreads * kEach);

    // A retry is answered with the first result and appends nothing.
    const uint64_t size = ledger->log().Size();
    Outcomes retried;
    ledger->RecordAsync({WithId(Endorse("c1", "council", "2006-04-04"), "async-0-7")}, "clerk",
                        retried.Callback());
    const auto retry = retried.WaitFor(1).front();
    ASSERT_THAT(retry, IsOk());
    EXPECT_TRUE(retry->front().deduplicated);
    EXPECT_EQ(ledger->log().Size(), size);

    // A refusal is told on the calling thread, before RecordAsync returns.
    Outcomes refused;
    ledger->RecordAsync({WithId(Endorse("no-such-compact", "board", "2006-04-04"), "x")},
                        "clerk", refused.Callback());
    ASSERT_EQ(refused.WaitFor(0).size(), 1u);
    EXPECT_THAT(refused.WaitFor(1).front(),
                StatusIs(absl::StatusCode::kNotFound, HasSubstr("no-such-compact")));
    EXPECT_EQ(ledger->log().Size(), size);
    live = *ledger->StateAt(Day(2007, 1, 1), "");
  }
  auto ledger = Open();
  ASSERT_NE(ledger, nullptr);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      *ledger->StateAt(Day(2007, 1, 1), ""), live));
  auto report = log::VerifyLogAt(dir_.Sub("db"));
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->message;
}

// RecordAsync does not fold on the log's commit thread: the next recorder
// folds what was handed over, and takes the snapshot once it is due, so a
// server that records only asynchronously still leaves snapshots behind.
TEST_F(CompactLedgerTest, AsynchronousRecordersAreFoldedAndSnapshottedByTheNextOne) {
  constexpr int kRecords = 1100;  // past the first snapshot, at 1024 entries
  ::compact::v1::StateReport live;
  {
    auto ledger = Open();
    Seed(*ledger);
    Outcomes outcomes;
    for (int i = 0; i < kRecords; ++i) {
      ledger->RecordAsync({WithId(Endorse("c1", "board", "2006-04-04"), absl::StrCat("s-", i))},
                          "clerk", outcomes.Callback());
    }
    for (const auto& r : outcomes.WaitFor(kRecords)) ASSERT_THAT(r, IsOk());
    Outcomes next;
    ledger->RecordAsync({WithId(Endorse("c1", "council", "2006-04-04"), "s-next")}, "clerk",
                        next.Callback());
    ASSERT_THAT(next.WaitFor(1).front(), IsOk());
    ASSERT_THAT(ledger->WaitForSnapshot(), IsOk());
    auto snapshot = NewestSnapshot(ledger->log());
    ASSERT_TRUE(snapshot.has_value()) << "no snapshot after " << kRecords << " async records";
    // It covers the log up to where it was taken: at least the first 1024.
    const uint64_t covered =
        log::format::DecodeUint64(std::string_view(snapshot->bytes).substr(0, 8)).value_or(0);
    EXPECT_GE(covered, 1024u);
    EXPECT_LE(covered, ledger->log().Size());
    live = *ledger->StateAt(Day(2006, 5, 1), "c1");
    EXPECT_EQ(live.compacts(0).endorsements_size(), kRecords + 1);
  }
  auto ledger = Open();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      *ledger->StateAt(Day(2006, 5, 1), "c1"), live));
}

// The state folded from the log's first `size` entries, from scratch.
compact::World FoldedFromScratch(const log::Log& log, uint64_t size) {
  WorldFollower follower(log);
  EXPECT_THAT(follower.FoldTo(size), IsOk());
  return follower.TakeWorld();
}

// The newest stored snapshot covers `covered` entries and holds their state.
void ExpectStoredSnapshot(const log::Log& log, uint64_t covered) {
  WorldFollower stored(log);
  ASSERT_THAT(stored.Resume(), IsOk());
  ASSERT_GT(stored.resumed_from(), 0u) << "no snapshot stored";
  EXPECT_EQ(stored.resumed_from(), covered);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      stored.world().state(), FoldedFromScratch(log, covered).state()));
}

TEST_F(CompactLedgerTest, SnapshotterRebuildsEachPrefixFromTheStoredSnapshotAndTheLog) {
  auto ledger = Open();  // below 1024 entries: the ledger asks for no snapshot itself
  Seed(*ledger);
  for (int i = 0; i < 6; ++i) {
    ASSERT_THAT(ledger->Record({Endorse("c1", "board", "2006-04-04")}, "clerk"), IsOk());
  }
  log::Log& log = ledger->log();
  WorldSnapshotter snapshots(log);
  snapshots.Request(6);
  ASSERT_THAT(snapshots.Wait(), IsOk());
  ExpectStoredSnapshot(log, 6);
  // The next one starts from the stored one and folds only the entries since.
  snapshots.Request(log.Size());
  ASSERT_THAT(snapshots.Wait(), IsOk());
  ExpectStoredSnapshot(log, log.Size());
  // An ask older than the stored snapshot leaves it as it is.
  snapshots.Request(3);
  ASSERT_THAT(snapshots.Wait(), IsOk());
  ExpectStoredSnapshot(log, log.Size());
}

TEST_F(CompactLedgerTest, SnapshotterStoresTheLastAskBeforeItIsDestroyed) {
  auto ledger = Open();
  Seed(*ledger);
  {
    WorldSnapshotter snapshots(ledger->log());
    snapshots.Request(2);
    snapshots.Request(4);  // replaces the first ask if it has not started
  }
  ExpectStoredSnapshot(ledger->log(), 4);
}

TEST_F(CompactLedgerTest, SnapshotterReportsAnEntryThatDoesNotFoldAndStoresNothing) {
  SeedThenAppendForeignPayload();
  log::LogOptions options;
  options.path = dir_.Sub("db");
  auto log = log::Log::Open(options);
  ASSERT_THAT(log, IsOk());
  WorldSnapshotter snapshots(**log);
  snapshots.Request((*log)->Size());
  const absl::Status taken = snapshots.Wait();
  EXPECT_THAT(taken, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("other.Thing")));
  EXPECT_FALSE(NewestSnapshot(**log).has_value());
}

TEST_F(CompactLedgerTest, ReadOnlyLedgerStoresNoSnapshot) {
  {
    auto ledger = Open();
    Seed(*ledger);
  }
  log::LogOptions options;
  options.path = dir_.Sub("db");
  options.read_only = true;
  auto log = log::Log::Open(options);
  ASSERT_THAT(log, IsOk());
  WorldSnapshotter snapshots(**log);
  snapshots.Request((*log)->Size());
  ASSERT_THAT(snapshots.Wait(), IsOk());
  EXPECT_FALSE(NewestSnapshot(**log).has_value());
}

TEST_F(CompactLedgerTest, ClosingWaitsForEveryRecordAsyncInFlight) {
  Outcomes outcomes;
  constexpr int kRecords = 200;
  {
    auto ledger = Open();
    Seed(*ledger);
    for (int i = 0; i < kRecords; ++i) {
      ledger->RecordAsync({WithId(Endorse("c1", "board", "2006-04-04"), absl::StrCat("c-", i))},
                          "clerk", outcomes.Callback());
    }
  }  // destroyed with records queued: each is committed and called back first
  const auto done = outcomes.WaitFor(kRecords);
  ASSERT_EQ(done.size(), static_cast<size_t>(kRecords));
  for (const auto& r : done) EXPECT_THAT(r, IsOk());
  auto ledger = Open();
  EXPECT_EQ(ledger->StateAt(Day(2006, 5, 1), "c1")->compacts(0).endorsements_size(), kRecords);
}

}  // namespace
}  // namespace ledger

namespace ledger {
namespace {

// Two recorders whose commands contradict each other across streams, the
// second checked while the first is on its way to disk: expected versions
// do not see it, the check at commit does.
class CommitRaceTest : public CompactLedgerTest {
 protected:
  void SetUp() override {
    log::LogOptions options;
    options.path = dir_.Sub("db");
    options.clock = [this] { return gate_.Now(); };
    auto opened = CompactLedger::Open(options);
    ASSERT_THAT(opened, IsOk());
    ledger_ = *std::move(opened);
    Seed(*ledger_);
    ASSERT_THAT(ledger_->Record({Compact("c2")}, "clerk"), IsOk());
  }

  // Records `first`, and `second` while `first` is held before its commit;
  // returns both outcomes.
  std::pair<absl::Status, absl::Status> Race(const std::vector<Event>& first,
                                             const std::vector<Event>& second) {
    return Race(Requests(first), Requests(second));
  }
  std::pair<absl::Status, absl::Status> Race(const std::vector<RecordRequest>& first,
                                             const std::vector<RecordRequest>& second) {
    std::mutex mu;
    std::condition_variable answered;
    std::vector<absl::Status> outcomes(2);
    int count = 0;
    auto record = [&](std::vector<RecordRequest> requests, size_t k) {
      ledger_->RecordAsync(std::move(requests), "clerk", [&, k](auto results) {
        std::lock_guard<std::mutex> lock(mu);
        outcomes[k] = results.status();
        ++count;
        answered.notify_all();
      });
    };
    gate_.Arm();
    record(first, 0);
    gate_.WaitUntilHeld();
    record(second, 1);
    gate_.Release();
    std::unique_lock<std::mutex> lock(mu);
    answered.wait(lock, [&] { return count == 2; });
    return {outcomes[0], outcomes[1]};
  }

  static std::vector<RecordRequest> Requests(const std::vector<Event>& commands) {
    std::vector<RecordRequest> requests(commands.size());
    for (size_t i = 0; i < commands.size(); ++i) requests[i].command = commands[i];
    return requests;
  }

  // The ledger still records, and reopens to the same state.
  void ExpectLedgerStillWhole() {
    ASSERT_THAT(ledger_->Record({Endorse("c1", "council", "2006-06")}, "clerk"), IsOk());
    const uint64_t size = ledger_->log().Size();
    ledger_.reset();
    log::LogOptions options;
    options.path = dir_.Sub("db");
    auto reopened = CompactLedger::Open(options);
    ASSERT_THAT(reopened, IsOk());
    EXPECT_EQ((*reopened)->log().Size(), size);
  }

  CommitGate gate_;
  std::unique_ptr<CompactLedger> ledger_;
};

TEST_F(CommitRaceTest, TheSameRefOnTwoStreamsHasOneWinner) {
  const uint64_t before = ledger_->log().Size();
  auto [first, second] = Race({Endorse("c1", "board", "2006-05", {.ref = "same-ref"})},
                              {Endorse("c2", "board", "2006-05", {.ref = "same-ref"})});
  EXPECT_THAT(first, IsOk()) << first;
  EXPECT_EQ(second.code(), absl::StatusCode::kAlreadyExists) << second;
  EXPECT_THAT(std::string(second.message()), HasSubstr("same-ref"));
  EXPECT_THAT(std::string(second.message()), HasSubstr("checked again at commit"));
  EXPECT_EQ(ledger_->log().Size(), before + 1);
  ExpectLedgerStillWhole();
}

TEST_F(CommitRaceTest, AnEndorsementAfterASupersessionRecordedMeanwhileIsRefused) {
  const uint64_t before = ledger_->log().Size();
  auto [first, second] = Race({Supersede("c2", "c1", "2011-09")},
                              {Endorse("c1", "board", "2012-01-10")});
  EXPECT_THAT(first, IsOk()) << first;
  EXPECT_EQ(second.code(), absl::StatusCode::kFailedPrecondition) << second;
  EXPECT_EQ(ledger_->log().Size(), before + 1);
  // Checked alone now, against the folded supersession, it is refused too.
  EXPECT_EQ(ledger_->Record({Endorse("c1", "board", "2012-01-10")}, "clerk").status().code(),
            absl::StatusCode::kFailedPrecondition);
  ExpectLedgerStillWhole();
}

TEST_F(CommitRaceTest, ARefusedBatchLeavesNoTrace) {
  const uint64_t before = ledger_->log().Size();
  auto [first, second] = Race({Endorse("c1", "board", "2006-05", {.ref = "taken"})},
                              {Compact("c3"), Endorse("c3", "board", "2006-05", {.ref = "taken"})});
  EXPECT_THAT(first, IsOk()) << first;
  EXPECT_EQ(second.code(), absl::StatusCode::kAlreadyExists) << second;
  EXPECT_THAT(std::string(second.message()), HasSubstr("command 2 of 2:"));
  EXPECT_EQ(ledger_->log().Size(), before + 1);
  // Nothing of the refused batch was kept, at commit or in the folded state.
  auto again = ledger_->Record({Compact("c3"), Endorse("c3", "board", "2006-05", {.ref = "free"})},
                               "clerk");
  EXPECT_THAT(again, IsOk());
  ExpectLedgerStillWhole();
}

TEST_F(CommitRaceTest, ABatchNamingItsOwnEventByRefLandsWhereverItIsCommitted) {
  // Prepared as if it would start at the log's end; it starts one later.
  auto [first, second] = Race({Endorse("c2", "board", "2006-05")},
                              {Endorse("c1", "board", "2006-05", {.ref = "e9"}),
                               Correction("e9", "endorsed in June")});
  EXPECT_THAT(first, IsOk()) << first;
  ASSERT_THAT(second, IsOk()) << second;
  // The correction is stored by ref alone, and folds onto the endorsement.
  auto stored = ledger_->log().GetEntry(ledger_->log().Size() - 1);
  ASSERT_THAT(stored, IsOk());
  Event correction;
  ASSERT_TRUE(stored->entry.payload().UnpackTo(&correction));
  EXPECT_FALSE(correction.annotation().target().has_sequence());
  EXPECT_EQ(correction.annotation().target().ref(), "e9");
  auto history = ledger_->History("c1");
  ASSERT_THAT(history, IsOk());
  EXPECT_TRUE(history->back().event.has_annotation());
  ExpectLedgerStillWhole();
}

TEST_F(CommitRaceTest, TheRefusalNamesTheCommandAsTheCallerLabelledIt) {
  std::vector<RecordRequest> earlier = Requests({Compact("c3")});
  earlier[0].request_id = "import-line-1";
  ASSERT_THAT(ledger_->Record(earlier, "clerk"), IsOk());
  // The import again, with two new lines; its first line is a retry and does
  // not enter the batch, so the refused command is the batch's second.
  std::vector<RecordRequest> import =
      Requests({Compact("c3"), Compact("c4"), Endorse("c4", "board", "2006-05", {.ref = "taken"})});
  import[0].request_id = "import-line-1";
  for (size_t i = 0; i < import.size(); ++i) import[i].label = absl::StrCat("line ", i + 1);
  auto [first, second] =
      Race(Requests({Endorse("c1", "board", "2006-05", {.ref = "taken"})}), import);
  EXPECT_THAT(first, IsOk()) << first;
  EXPECT_EQ(second.code(), absl::StatusCode::kAlreadyExists) << second;
  EXPECT_THAT(std::string(second.message()), ::testing::StartsWith("line 3: "));
  EXPECT_THAT(std::string(second.message()), HasSubstr("nothing was recorded"));
  ExpectLedgerStillWhole();
}

TEST_F(CompactLedgerTest, AnEntryThatWouldNotFoldIsRefusedEvenBelowTheDomain) {
  auto ledger = Open();
  Seed(*ledger);
  const uint64_t before = ledger->log().Size();
  auto foreign = ledger->log().Append(ForeignPayload());
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(foreign.status().message()), HasSubstr("other.Thing"));
  // A compact event appended straight to the log is checked as well.
  log::AppendRequest twice;
  twice.stream = "compact/c1";
  twice.payload.PackFrom(Compact("c1"));
  EXPECT_EQ(ledger->log().Append(twice).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ledger->log().Size(), before);
  EXPECT_THAT(ledger->Record({Endorse("c1", "board", "2006-05")}, "clerk"), IsOk());
}

}  // namespace
}  // namespace ledger
