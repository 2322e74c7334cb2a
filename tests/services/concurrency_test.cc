// Racing recorders and retries through a real server: exactly one winner
// per expected version, dense sequences, a log that verifies afterwards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "ledger/compact_ledger.h"
#include "ledger/log/verify.h"
#include "tests/services/service_test_util.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::services {
namespace {

using compact::v1::CompactService;
using namespace ledger::services::testing;  // NOLINT: test helpers
using namespace ::ledger::testing::events;  // NOLINT: test helpers

constexpr int kRecorders = 32;
constexpr int kRounds = 4;

// A reusable barrier (libstdc++ 12's std::barrier can hang under load).
class Barrier {
 public:
  explicit Barrier(int count) : count_(count) {}
  void ArriveAndWait() {
    std::unique_lock<std::mutex> lock(mu_);
    const uint64_t generation = generation_;
    if (++arrived_ == count_) {
      arrived_ = 0;
      ++generation_;
      cv_.notify_all();
      return;
    }
    cv_.wait(lock, [&] { return generation_ != generation; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  const int count_;
  int arrived_ = 0;
  uint64_t generation_ = 0;
};

compact::v1::RecordEventRequest Racing(int round, int recorder, uint64_t expected) {
  compact::v1::RecordEventRequest r;
  *r.mutable_event() = Endorse(kCompact, BodyId(recorder), "2006-04-04",
                               {.note = absl::StrCat("round ", round, " by ", recorder)});
  *r.mutable_expected() = Exact(expected);
  return r;
}

TEST(ConcurrencyTest, RacingRecordersGetExactlyOneWinnerPerVersion) {
  TestServer server;
  ASSERT_THAT(server.Start(), IsOk());
  auto seed_client = server.Client();
  ASSERT_THAT(server.SeedWorld(*seed_client, kRecorders), IsOk());
  const uint64_t start_size = server.Size(*seed_client);
  std::vector<std::unique_ptr<LedgerClient>> clients;
  for (int i = 0; i < kRecorders; ++i) {
    ClientOptions options;
    options.own_connection = true;
    clients.push_back(server.Client(options));
    // Connect before the race: 32 connections opened by the first racing
    // call at once can see a transient connect error, which would be a
    // failure of the test's set-up, not of the race being tested.
    ASSERT_TRUE(clients.back()->channel()->WaitForConnected(
        std::chrono::system_clock::now() + std::chrono::seconds(30)))
        << "recorder " << i << " could not connect";
  }
  std::mutex mu;
  std::vector<uint64_t> winner_sequences;
  std::vector<int> winners_per_round(kRounds, 0);
  std::atomic<int> unexpected{0};
  Barrier sync(kRecorders);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRecorders; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < kRounds; ++round) {
        sync.ArriveAndWait();
        // The compact's stream holds its registration and one endorsement
        // per earlier round.
        const uint64_t expected = 1 + round;
        auto r = clients[i]->Call(&CompactService::Stub::RecordEvent, clients[i]->compact(),
                                  Racing(round, i, expected));
        {
          std::lock_guard<std::mutex> lock(mu);
          if (r.ok()) {
            ++winners_per_round[round];
            winner_sequences.push_back(r->sequence());
            if (r->stream_version() != expected + 1) ++unexpected;
          } else if (r.status().code() != absl::StatusCode::kAborted ||
                     r.status().message().find(absl::StrCat("version ", expected + 1)) ==
                         std::string::npos) {
            ADD_FAILURE() << r.status();
          }
        }
        sync.ArriveAndWait();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int round = 0; round < kRounds; ++round) EXPECT_EQ(winners_per_round[round], 1) << round;
  EXPECT_EQ(unexpected.load(), 0);
  std::sort(winner_sequences.begin(), winner_sequences.end());
  for (size_t i = 0; i < winner_sequences.size(); ++i) {
    EXPECT_EQ(winner_sequences[i], start_size + i);
  }
  EXPECT_EQ(server.Size(*seed_client), start_size + kRounds);
  server.Stop();
  auto report = log::VerifyLogAt(server.options().db);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->message;
}

// Racers on different streams whose commands contradict each other: each
// registers a compact of its own under one ref. Expected versions cannot
// see that; the check at commit gives one winner, and the log still folds.
TEST(ConcurrencyTest, RacersOnDifferentStreamsClaimingOneRefGetOneWinner) {
  TestServer server;
  ASSERT_THAT(server.Start(), IsOk());
  auto seed_client = server.Client();
  ASSERT_THAT(server.SeedWorld(*seed_client), IsOk());
  const uint64_t start_size = server.Size(*seed_client);
  std::vector<std::unique_ptr<LedgerClient>> clients;
  for (int i = 0; i < kRecorders; ++i) clients.push_back(server.Client());
  std::mutex mu;
  std::vector<int> winners_per_round(kRounds, 0);
  Barrier sync(kRecorders);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRecorders; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < kRounds; ++round) {
        compact::v1::RecordEventRequest r;
        *r.mutable_event() = Compact(absl::StrCat("claim-", round, "-", i));
        r.mutable_event()->set_ref(absl::StrCat("claimed-", round));
        sync.ArriveAndWait();
        auto result =
            clients[i]->Call(&CompactService::Stub::RecordEvent, clients[i]->compact(), r);
        {
          std::lock_guard<std::mutex> lock(mu);
          if (result.ok()) {
            ++winners_per_round[round];
          } else if (result.status().code() != absl::StatusCode::kAlreadyExists) {
            ADD_FAILURE() << result.status();
          }
        }
        sync.ArriveAndWait();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int round = 0; round < kRounds; ++round) EXPECT_EQ(winners_per_round[round], 1) << round;
  EXPECT_EQ(server.Size(*seed_client), start_size + kRounds);
  server.Stop();
  log::LogOptions options;
  options.path = server.options().db;
  auto reopened = CompactLedger::Open(options);
  ASSERT_THAT(reopened, IsOk());
}

TEST(ConcurrencyTest, ConcurrentRecordersOnManyStreamsKeepSequencesDense) {
  TestServer server;
  ASSERT_THAT(server.Start(), IsOk());
  auto seed_client = server.Client();
  ASSERT_THAT(server.SeedWorld(*seed_client, kRecorders), IsOk());
  const uint64_t start_size = server.Size(*seed_client);
  constexpr int kEach = 5;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::vector<uint64_t> sequences;
  for (int i = 0; i < kRecorders; ++i) {
    threads.emplace_back([&, i] {
      auto client = server.Client();
      for (int k = 0; k < kEach; ++k) {
        compact::v1::RecordEventRequest r;
        // Each recorder registers its own compacts: one stream each.
        *r.mutable_event() = Compact(absl::StrCat("c-", i, "-", k));
        auto result = client->Call(&CompactService::Stub::RecordEvent, client->compact(), r);
        ASSERT_THAT(result, IsOk());
        std::lock_guard<std::mutex> lock(mu);
        sequences.push_back(result->sequence());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::sort(sequences.begin(), sequences.end());
  ASSERT_EQ(sequences.size(), static_cast<size_t>(kRecorders * kEach));
  for (size_t i = 0; i < sequences.size(); ++i) EXPECT_EQ(sequences[i], start_size + i);
  server.Stop();
  auto report = log::VerifyLogAt(server.options().db);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->message;
}

TEST(ConcurrencyTest, ConcurrentRetriesWithOneRequestIdAppendOnce) {
  TestServer server;
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  ASSERT_THAT(server.SeedWorld(*client), IsOk());
  const uint64_t start_size = server.Size(*client);
  compact::v1::RecordEventRequest request;
  *request.mutable_event() = Endorse(kCompact, BodyId(1), "2006-04-04", {.note = "retried"});
  request.set_request_id("one-decision");
  constexpr int kRetries = 16;
  std::vector<absl::StatusOr<compact::v1::RecordResponse>> results(
      kRetries, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kRetries; ++i) {
    threads.emplace_back([&, i] {
      auto own = server.Client();
      results[i] = own->Call(&CompactService::Stub::RecordEvent, own->compact(), request);
    });
  }
  for (auto& t : threads) t.join();
  int fresh = 0;
  for (const auto& r : results) {
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(r->sequence(), start_size);
    EXPECT_EQ(r->leaf_hash(), results[0]->leaf_hash());
    fresh += r->deduplicated() ? 0 : 1;
  }
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(server.Size(*client), start_size + 1);
}

// Recording calls are finished from the log's commit thread: a shutdown
// with calls in flight must wait for them or fail them cleanly, and every
// acknowledged one must be in the log afterwards.
TEST(ConcurrencyTest, ShutdownUnderRecordingLoadKeepsEveryAcknowledgedAppend) {
  TestServer server;
  ASSERT_THAT(server.Start(), IsOk());
  auto seed_client = server.Client();
  ASSERT_THAT(server.SeedWorld(*seed_client, kRecorders), IsOk());
  constexpr int kLoaders = 8;
  std::mutex mu;
  std::condition_variable progress;
  std::vector<std::pair<uint64_t, std::string>> acknowledged;  // sequence, leaf hash
  int stopped = 0;  // loaders whose call failed; guarded by mu
  std::vector<std::thread> threads;
  for (int i = 0; i < kLoaders; ++i) {
    threads.emplace_back([&, i] {
      auto client = server.Client();
      for (int k = 0;; ++k) {
        ledger::v1::AppendRequest r;
        r.set_stream(absl::StrCat("compact/", kCompact));
        r.mutable_expected()->set_kind(ledger::v1::ExpectedVersion::KIND_ANY);
        r.mutable_payload()->PackFrom(
            Endorse(kCompact, BodyId(i), "2006-04-04", {.note = absl::StrCat("load ", k)}));
        auto result = client->Call(&ledger::v1::LedgerService::Stub::Append, client->ledger(), r);
        std::lock_guard<std::mutex> lock(mu);
        if (!result.ok()) {  // the server is going away
          ++stopped;
          progress.notify_all();
          return;
        }
        acknowledged.emplace_back(result->sequence(), result->leaf_hash());
        progress.notify_all();
      }
    });
  }
  {
    // Shut down under load: once 200 appends were answered. If every loader
    // failed first, or the load stalls, shut down anyway and fail below.
    std::unique_lock<std::mutex> lock(mu);
    progress.wait_for(lock, std::chrono::seconds(120),
                      [&] { return acknowledged.size() >= 200 || stopped == kLoaders; });
  }
  server.server().Shutdown(absl::Seconds(2));
  for (auto& t : threads) t.join();
  server.Stop();
  ASSERT_GE(acknowledged.size(), 200u);
  log::LogOptions options;
  options.path = server.options().db;
  options.read_only = true;
  auto log = log::Log::Open(options);
  ASSERT_THAT(log, IsOk());
  for (const auto& [sequence, leaf_hash] : acknowledged) {
    auto entry = (*log)->GetEntry(sequence);
    ASSERT_THAT(entry, IsOk()) << "acknowledged entry " << sequence << ": " << entry.status();
    EXPECT_EQ(log::HashBytes(entry->leaf_hash), leaf_hash) << "entry " << sequence;
  }
  auto report = log::VerifyLogAt(server.options().db);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->message;
}

}  // namespace
}  // namespace ledger::services
