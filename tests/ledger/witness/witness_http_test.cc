// WitnessHttpServer: a Witness served over HTTP from a background thread.
// The statuses themselves are the Witness's (witness_test.cc) and, through
// `ledgerctl witness`, tests/tools/ledgerctl_witness_test.cc.
#include "ledger/witness/witness_http.h"

#include <httplib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "ledger/witness/witness.h"
#include "tests/ledger/witness/witness_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

using ::ledger::testing::IsOk;

namespace ledger::witness {
namespace {

using ::ledger::testing::StatusIs;
using ::ledger::witness::testing::TestLog;
using ::ledger::witness::testing::TestSeed;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class WitnessHttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto w = Witness::Open(*Cosigner::FromSeed("witness.example/w", TestSeed(9)),
                           {log_.key().verifier()}, dir_.Sub("state"));
    ASSERT_THAT(w, IsOk());
    witness_ = *std::move(w);
  }
  ledger::testing::TempDir dir_;
  TestLog log_{"example.org/log", 1, "leaf", 8};
  std::unique_ptr<Witness> witness_;
};

TEST_F(WitnessHttpServerTest, ServesAddCheckpointOnAFreePortUntilStopped) {
  auto server = WitnessHttpServer::Start(witness_.get(), "127.0.0.1", 0);
  ASSERT_THAT(server, IsOk());
  EXPECT_GT((*server)->port(), 0);
  EXPECT_EQ((*server)->url(), "http://127.0.0.1:" + std::to_string((*server)->port()));
  httplib::Client client((*server)->url());
  auto cosigned = client.Post("/add-checkpoint", log_.Request(0, 8), "text/plain");
  ASSERT_TRUE(cosigned);
  EXPECT_EQ(cosigned->status, 200);
  EXPECT_THAT(cosigned->body, StartsWith("\xE2\x80\x94 witness.example/w "));
  auto stale = client.Post("/add-checkpoint", log_.Request(0, 8), "text/plain");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 409);
  EXPECT_EQ(stale->get_header_value("Content-Type"), kTlogSizeContentType);
  EXPECT_EQ(stale->body, "8\n");
  auto get = client.Get("/add-checkpoint");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  EXPECT_EQ(get->get_header_value("Allow"), "POST");

  (*server)->Stop();
  (*server)->Stop();  // idempotent
  httplib::Client after((*server)->url());
  EXPECT_FALSE(after.Post("/add-checkpoint", log_.Request(8, 8), "text/plain"));
}

TEST_F(WitnessHttpServerTest, ATakenPortIsAnError) {
  auto first = WitnessHttpServer::Start(witness_.get(), "127.0.0.1", 0);
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(WitnessHttpServer::Start(witness_.get(), "127.0.0.1", (*first)->port()).status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("cannot listen on 127.0.0.1:")));
}

}  // namespace
}  // namespace ledger::witness
