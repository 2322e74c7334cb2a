// Health after the disk fails: a recording that cannot be written (a full
// disk, injected by FaultFs on the log's write-ahead log) is answered
// UNAVAILABLE, nothing is appended, grpc.health.v1 answers NOT_SERVING for
// the server and both services from then on, the server's log says why,
// and reads are still answered.
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/health_client.h"
#include "tests/services/service_test_util.h"
#include "tests/testing/fault_fs.h"

namespace ledger::services {
namespace {

using ::testing::HasSubstr;
using compact::v1::CompactService;
using ledger::testing::FaultFs;
using namespace ledger::services::testing;  // NOLINT: test helpers

constexpr char kLedgerService[] = "ledger.v1.LedgerService";
constexpr char kCompactService[] = "compact.v1.CompactService";

TEST(WriteHealthTest, FailedWriteTurnsHealthToNotServingAndTheLogSaysWhy) {
  auto fs = std::make_shared<FaultFs>();
  TestServer server;
  server.options().env = FaultFs::NewEnv(fs);
  ASSERT_TRUE(server.Start().ok());
  auto client = server.Client();
  ASSERT_TRUE(server.SeedWorld(*client).ok());
  HealthClient health(client->channel());
  for (const char* service : {"", kLedgerService, kCompactService}) {
    auto serving = health.Check(service);
    ASSERT_TRUE(serving.ok()) << serving.status();
    EXPECT_TRUE(*serving) << service;
  }
  const uint64_t size = server.Size(*client);

  fs->InjectError(FaultFs::Op::kWalAppend, rocksdb::IOStatus::NoSpace("injected ENOSPC"));
  compact::v1::RecordEventRequest request;
  *request.mutable_event() = BodyEvent(100);
  request.set_request_id("on-a-full-disk");
  auto failed = client->Call(&CompactService::Stub::RecordEvent, client->compact(), request);
  ASSERT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
  EXPECT_THAT(std::string(failed.status().message()), HasSubstr("disk is full"));

  for (const char* service : {"", kLedgerService, kCompactService}) {
    auto serving = health.Check(service);
    ASSERT_TRUE(serving.ok()) << serving.status();
    EXPECT_FALSE(*serving) << service;
  }
  EXPECT_THAT(server.log_text(), HasSubstr("ERROR: the ledger cannot write"));
  EXPECT_THAT(server.log_text(), HasSubstr("disk is full"));
  EXPECT_THAT(server.log_text(), HasSubstr("NOT_SERVING"));
  // Nothing was appended, and reads go on.
  EXPECT_EQ(server.Size(*client), size);

  // The disk is fine again, but the ledger still refuses writes until it is
  // restarted, and health keeps saying so.
  fs->ClearErrors();
  auto still = client->Call(&CompactService::Stub::RecordEvent, client->compact(), request);
  EXPECT_EQ(still.status().code(), absl::StatusCode::kUnavailable) << still.status();
  EXPECT_THAT(std::string(still.status().message()), HasSubstr("until it is restarted"));
  EXPECT_EQ(server.Size(*client), size);
  auto serving = health.Check(kLedgerService);
  ASSERT_TRUE(serving.ok());
  EXPECT_FALSE(*serving);
}

TEST(WriteHealthTest, RefusedRecordingsLeaveHealthServing) {
  TestServer server;
  ASSERT_TRUE(server.Start().ok());
  auto client = server.Client();
  ASSERT_TRUE(server.SeedWorld(*client).ok());
  // A body registered twice is refused by the domain, not by the disk.
  compact::v1::RecordEventRequest request;
  *request.mutable_event() = BodyEvent(0);
  auto refused = client->Call(&CompactService::Stub::RecordEvent, client->compact(), request);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().code(), absl::StatusCode::kUnavailable);
  HealthClient health(client->channel());
  auto serving = health.Check(kLedgerService);
  ASSERT_TRUE(serving.ok()) << serving.status();
  EXPECT_TRUE(*serving);
}

}  // namespace
}  // namespace ledger::services
