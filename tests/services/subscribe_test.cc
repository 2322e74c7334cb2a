// Subscribe through a real server: catch-up then live with concurrent
// appends (no gap, no duplicate), and resuming after a server restart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/services/service_test_util.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::services {
namespace {

using compact::v1::CompactService;
using ledger::v1::LedgerService;
using namespace ledger::services::testing;  // NOLINT: test helpers
using namespace ::ledger::testing::events;  // NOLINT: test helpers

// Notified whenever a follower adds to its `seen` (under its mutex).
std::condition_variable& SeenChanged() {
  static std::condition_variable changed;
  return changed;
}

// Reads a subscription from `from` into `seen` until `stop` or the stream
// ends; returns the final status.
grpc::Status Follow(LedgerClient& client, uint64_t from, std::vector<uint64_t>& seen,
                    std::mutex& mu, grpc::ClientContext& context) {
  ledger::v1::SubscribeRequest request;
  request.set_from_sequence(from);
  auto reader = client.ledger().Subscribe(&context, request);
  ledger::v1::LogEntry entry;
  while (reader->Read(&entry)) {
    EXPECT_EQ(entry.entry().sequence(), entry.sequence());
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(entry.sequence());
    SeenChanged().notify_all();
  }
  return reader->Finish();
}

void AppendEndorsements(LedgerClient& client, int count, int writer) {
  for (int i = 0; i < count; ++i) {
    compact::v1::RecordEventRequest r;
    *r.mutable_event() = Endorse(kCompact, BodyId(writer), "2006-04-04",
                                 {.note = absl::StrCat("w", writer, " #", i)});
    r.mutable_expected()->set_kind(ledger::v1::ExpectedVersion::KIND_ANY);
    auto result = client.Call(&CompactService::Stub::RecordEvent, client.compact(), r);
    ASSERT_THAT(result, IsOk());
  }
}

// Waits until `seen` holds `count` sequences; a test failure when that has
// not happened within a minute.
void WaitForCount(const std::vector<uint64_t>& seen, std::mutex& mu, size_t count) {
  std::unique_lock<std::mutex> lock(mu);
  if (!SeenChanged().wait_for(lock, std::chrono::minutes(1),
                              [&] { return seen.size() >= count; })) {
    ADD_FAILURE() << "the subscription delivered " << seen.size() << " of " << count << " entries";
  }
}

void ExpectExactly(const std::vector<uint64_t>& seen, uint64_t count) {
  ASSERT_EQ(seen.size(), count);
  for (uint64_t i = 0; i < count; ++i) ASSERT_EQ(seen[i], i) << "gap or duplicate at " << i;
}

TEST(SubscribeTest, CatchesUpThenFollowsConcurrentAppendsWithoutGapOrDuplicate) {
  TestServer server;
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  ASSERT_THAT(server.SeedWorld(*client), IsOk());
  std::mutex mu;
  std::vector<uint64_t> seen;
  grpc::ClientContext context;
  std::thread follower([&] { Follow(*client, 0, seen, mu, context); });
  constexpr int kWriters = 4, kEach = 25;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] { AppendEndorsements(*server.Client(), kEach, w); });
  }
  for (auto& t : writers) t.join();
  // A last entry after all the others: the stream is in order, so a gap or
  // a duplicate among the earlier ones shows before it arrives.
  AppendEndorsements(*server.Client(), 1, 0);
  const uint64_t total = server.Size(*client);
  WaitForCount(seen, mu, total);
  context.TryCancel();
  follower.join();
  ExpectExactly(seen, total);
}

TEST(SubscribeTest, ResumesFromTheLastSeenSequenceAfterARestart) {
  TestServer server;
  ASSERT_THAT(server.Start(), IsOk());
  ASSERT_THAT(server.SeedWorld(*server.Client()), IsOk());
  std::mutex mu;
  std::vector<uint64_t> seen;
  std::atomic<bool> done{false};
  std::thread follower([&] {
    auto client = server.Client();
    while (!done) {
      uint64_t from = 0;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!seen.empty()) from = seen.back() + 1;
      }
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
      Follow(*client, from, seen, mu, context);
    }
  });
  AppendEndorsements(*server.Client(), 10, 0);
  const uint64_t before = server.Size(*server.Client());
  WaitForCount(seen, mu, before);
  server.Stop();  // ends the subscription mid-stream
  ASSERT_THAT(server.Start(), IsOk());
  AppendEndorsements(*server.Client(), 10, 1);
  const uint64_t total = server.Size(*server.Client());
  WaitForCount(seen, mu, total);
  done = true;
  follower.join();
  ExpectExactly(seen, total);
}

TEST(SubscribeTest, EndsWithUnavailableOnShutdown) {
  TestServer server;
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  ASSERT_THAT(server.SeedWorld(*client), IsOk());
  std::mutex mu;
  std::vector<uint64_t> seen;
  grpc::ClientContext context;
  grpc::Status status;
  std::thread follower([&] { status = Follow(*client, 0, seen, mu, context); });
  WaitForCount(seen, mu, server.Size(*client));
  server.Stop();
  follower.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

}  // namespace
}  // namespace ledger::services
