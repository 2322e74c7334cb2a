// `ledgerctl serve` as a separate process under load from concurrent gRPC
// recorders, stopped mid-load by SIGTERM (graceful) or SIGKILL (crash).
// Either way every append the server acknowledged is in the log afterwards,
// byte for byte (same leaf hash at the same sequence), and the log verifies.
// SIGTERM must also end the process cleanly (exit 0) with calls in flight.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <cstdio>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ledger/log/log.h"
#include "ledger/log/verify.h"
#include "services/client.h"
#include "tests/services/service_test_util.h"
#include "tests/testing/serve_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::LedgerctlPath;

namespace ledger::services {
namespace {

using namespace ::ledger::services::testing;  // NOLINT: test helpers
using namespace ::ledger::testing::events;  // NOLINT: test helpers

constexpr int kRecorders = 8;

struct Acked {
  uint64_t sequence;
  std::string leaf_hash;
};

// Runs kRecorders threads that each register new bodies until a call fails;
// returns what the server acknowledged. Calls `mid_load` once at least
// `before_signal` appends were acknowledged, or, when every recorder stopped
// before that, once they all did (the caller then sees too few acknowledged
// appends and fails instead of waiting for a server that was never stopped).
// Round `round` registers bodies and uses request ids no other round does.
std::vector<Acked> LoadUntilTheServerStops(const std::string& address, int round,
                                           uint64_t before_signal,
                                           const std::function<void()>& mid_load) {
  ClientOptions options;
  options.target = address;
  options.timeout = absl::Seconds(10);
  std::mutex mu;
  std::vector<Acked> acked;
  std::atomic<uint64_t> count{0};
  std::atomic<bool> signalled{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kRecorders; ++t) {
    threads.emplace_back([&, t] {
      ClientOptions own = options;
      own.own_connection = true;
      auto client = LedgerClient::Connect(own);
      if (!client.ok()) return;
      for (int n = 0;; ++n) {
        compact::v1::RecordEventRequest request;
        request.set_request_id(absl::StrCat("load-", round, "-", t, "-", n));
        *request.mutable_event() = Body(BodyId(10'000'000 * (round + 1) + 1'000'000 * t + n));
        auto result = (*client)->Call(&compact::v1::CompactService::Stub::RecordEvent,
                                      (*client)->compact(), request);
        if (!result.ok()) return;  // the server went away: stop
        {
          std::lock_guard<std::mutex> lock(mu);
          acked.push_back({result->sequence(), result->leaf_hash()});
        }
        if (++count >= before_signal && !signalled.exchange(true)) mid_load();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  if (!signalled.exchange(true)) mid_load();
  return acked;
}

// Opens the stopped server's database and checks every acknowledged append.
void ExpectEveryAckedAppendDurable(const std::string& db, const std::vector<Acked>& acked) {
  auto report = log::VerifyLogAt(db);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->message;
  log::LogOptions options;
  options.path = db;
  options.create_if_missing = false;
  auto opened = log::Log::Open(options);
  ASSERT_THAT(opened, IsOk());
  for (const Acked& a : acked) {
    auto stored = (*opened)->GetEntry(a.sequence);
    ASSERT_THAT(stored, IsOk()) << "acknowledged entry " << a.sequence << " is gone";
    EXPECT_EQ(log::HashBytes(stored->leaf_hash), a.leaf_hash) << a.sequence;
  }
}

void SeedOverTheWire(const std::string& address) {
  ClientOptions options;
  options.target = address;
  auto client = LedgerClient::Connect(options);
  ASSERT_THAT(client, IsOk());
  compact::v1::RecordEventsRequest request;
  *request.add_events()->mutable_event() = Source();
  ASSERT_THAT((*client)
                  ->Call(&compact::v1::CompactService::Stub::RecordEvents, (*client)->compact(),
                         request), IsOk());
}

TEST(ServeProcessTest, SigtermMidLoadEndsCleanlyAndLosesNothingAcknowledged) {
  ledger::testing::TempDir dir;
  const std::string db = dir.Sub("db");
  ::ledger::testing::ServeProcess serve(LedgerctlPath(), db);
  const std::string address = serve.Address();
  ASSERT_FALSE(address.empty()) << serve.output();
  SeedOverTheWire(address);
  const std::vector<Acked> acked =
      LoadUntilTheServerStops(address, 0, 200, [&] { serve.Signal(SIGTERM); });
  const int status = serve.Wait();
  ASSERT_TRUE(WIFEXITED(status)) << "serve did not exit by itself";
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ASSERT_GE(acked.size(), 200u);
  ExpectEveryAckedAppendDurable(db, acked);
}

TEST(ServeProcessTest, SigkillMidLoadLosesNothingAcknowledged) {
  ledger::testing::TempDir dir;
  const std::string db = dir.Sub("db");
  std::vector<Acked> all;
  // Three crashes in a row, each resuming on the same database.
  for (int round = 0; round < 3; ++round) {
    ::ledger::testing::ServeProcess serve(LedgerctlPath(), db);
    const std::string address = serve.Address();
    ASSERT_FALSE(address.empty()) << serve.output();
    if (round == 0) SeedOverTheWire(address);
    const std::vector<Acked> acked = LoadUntilTheServerStops(
        address, round, 150, [&] { serve.Signal(SIGKILL); });
    const int status = serve.Wait();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "wait status " << status;
    ASSERT_GE(acked.size(), 150u) << "the server answered too few appends before the crash";
    all.insert(all.end(), acked.begin(), acked.end());
    ExpectEveryAckedAppendDurable(db, all);
    if (::testing::Test::HasFailure()) return;
  }
}

// A client records with request ids while the server is killed (SIGKILL)
// mid-load; it restarts on the same database and the client resends every
// request it sent, answered or not, with the same ids. Each ends appended
// exactly once: the answered ones are found at their first sequence, the
// others are appended (or found, when they were committed unanswered), and
// the log holds one entry per request, no more.
TEST(ServeProcessTest, ResendAfterSigkillAppendsEveryRequestExactlyOnce) {
  ledger::testing::TempDir dir;
  const std::string db = dir.Sub("db");
  struct Sent {
    compact::v1::RecordEventRequest request;
    std::optional<uint64_t> acked_sequence;
  };
  std::vector<Sent> sent;
  uint64_t size_before = 0;
  {
    ::ledger::testing::ServeProcess serve(LedgerctlPath(), db);
    const std::string address = serve.Address();
    ASSERT_FALSE(address.empty()) << serve.output();
    SeedOverTheWire(address);
    size_before = 1;  // the seed
    std::mutex mu;
    std::atomic<uint64_t> acked{0};
    std::atomic<bool> killed{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kRecorders; ++t) {
      threads.emplace_back([&, t] {
        ClientOptions options;
        options.target = address;
        options.timeout = absl::Seconds(10);
        options.own_connection = true;
        auto client = LedgerClient::Connect(options);
        if (!client.ok()) return;
        for (int n = 0;; ++n) {
          Sent one;
          one.request.set_request_id(absl::StrCat("resend-", t, "-", n));
          *one.request.mutable_event() = Body(BodyId(1'000'000 * (t + 1) + n));
          auto result = (*client)->Call(&compact::v1::CompactService::Stub::RecordEvent,
                                        (*client)->compact(), one.request);
          if (result.ok()) one.acked_sequence = result->sequence();
          {
            std::lock_guard<std::mutex> lock(mu);
            sent.push_back(one);
          }
          if (!result.ok()) return;  // the server went away
          if (++acked >= 150 && !killed.exchange(true)) serve.Signal(SIGKILL);
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    if (!killed.exchange(true)) serve.Signal(SIGKILL);
    const int status = serve.Wait();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "wait status " << status;
    ASSERT_GE(acked.load(), 150u) << "the server answered too few appends before the crash";
  }

  ::ledger::testing::ServeProcess serve(LedgerctlPath(), db);
  const std::string address = serve.Address();
  ASSERT_FALSE(address.empty()) << serve.output();
  ClientOptions options;
  options.target = address;
  auto client = LedgerClient::Connect(options);
  ASSERT_THAT(client, IsOk());
  std::set<uint64_t> sequences;
  int unanswered = 0;
  for (const Sent& one : sent) {
    auto result = (*client)->Call(&compact::v1::CompactService::Stub::RecordEvent,
                                  (*client)->compact(), one.request);
    ASSERT_THAT(result, IsOk()) << one.request.request_id() << ": " << result.status();
    if (one.acked_sequence.has_value()) {
      EXPECT_EQ(result->sequence(), *one.acked_sequence) << one.request.request_id();
    } else {
      ++unanswered;
    }
    EXPECT_TRUE(sequences.insert(result->sequence()).second)
        << one.request.request_id() << " shares sequence " << result->sequence();
  }
  EXPECT_GT(unanswered, 0);  // the kill left requests unanswered
  auto head = (*client)->Call(&ledger::v1::LedgerService::Stub::GetCheckpoint,
                              (*client)->ledger(), ledger::v1::GetCheckpointRequest());
  ASSERT_THAT(head, IsOk());
  EXPECT_EQ(head->tree_size(), size_before + sent.size());
  const int status = serve.Stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status;
  auto report = log::VerifyLogAt(db);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->message;
}

}  // namespace
}  // namespace ledger::services
