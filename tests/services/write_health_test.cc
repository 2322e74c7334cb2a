// Health after the disk fails: a recording that cannot be written (a full
// disk, injected by FaultFs on the log's write-ahead log) is answered
// UNAVAILABLE, nothing is appended, grpc.health.v1 answers NOT_SERVING for
// the server and both services from then on, the server's log says why,
// and reads are still answered. The same holds when the failed write comes
// through LedgerService.AppendStream: each request on the stream is
// answered, refused, and nothing is appended.
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/health_client.h"
#include "tests/services/service_test_util.h"
#include "tests/testing/fault_fs.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::StatusIs;

namespace ledger::services {
namespace {

using ::testing::HasSubstr;
using compact::v1::CompactService;
using ledger::testing::FaultFs;
using ledger::v1::AppendRequest;
using ledger::v1::AppendStreamResponse;
using namespace ledger::services::testing;  // NOLINT: test helpers
using namespace ::ledger::testing::events;  // NOLINT: test helpers

constexpr char kLedgerService[] = "ledger.v1.LedgerService";
constexpr char kCompactService[] = "compact.v1.CompactService";

TEST(WriteHealthTest, FailedWriteTurnsHealthToNotServingAndTheLogSaysWhy) {
  auto fs = std::make_shared<FaultFs>();
  TestServer server;
  server.options().env = FaultFs::NewEnv(fs);
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  ASSERT_THAT(server.SeedWorld(*client), IsOk());
  HealthClient health(client->channel());
  for (const char* service : {"", kLedgerService, kCompactService}) {
    auto serving = health.Check(service);
    ASSERT_THAT(serving, IsOk());
    EXPECT_TRUE(*serving) << service;
  }
  const uint64_t size = server.Size(*client);

  fs->InjectError(FaultFs::Op::kWalAppend, rocksdb::IOStatus::NoSpace("injected ENOSPC"));
  compact::v1::RecordEventRequest request;
  *request.mutable_event() = Body(BodyId(100));
  request.set_request_id("on-a-full-disk");
  auto failed = client->Call(&CompactService::Stub::RecordEvent, client->compact(), request);
  ASSERT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
  EXPECT_THAT(std::string(failed.status().message()), HasSubstr("disk is full"));

  for (const char* service : {"", kLedgerService, kCompactService}) {
    auto serving = health.Check(service);
    ASSERT_THAT(serving, IsOk());
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
  ASSERT_THAT(serving, IsOk());
  EXPECT_FALSE(*serving);
}

// A new body's registration, sent on AppendStream.
AppendRequest RegisterBody(int i, const std::string& request_id) {
  AppendRequest r;
  r.set_stream(absl::StrCat("body/", BodyId(i)));
  r.set_request_id(request_id);
  r.mutable_payload()->PackFrom(Body(BodyId(i)));
  return r;
}

// Sends `requests` on one AppendStream call and returns its answers; the
// call itself ends OK (refusals answer one request each).
std::vector<AppendStreamResponse> SendOnOneStream(LedgerClient& client,
                                                  const std::vector<AppendRequest>& requests) {
  auto context = client.NewStreamContext();
  auto stream = client.ledger().AppendStream(context.get());
  for (const AppendRequest& r : requests) EXPECT_TRUE(stream->Write(r));
  EXPECT_TRUE(stream->WritesDone());
  std::vector<AppendStreamResponse> answers;
  AppendStreamResponse answer;
  while (stream->Read(&answer)) answers.push_back(answer);
  const grpc::Status status = stream->Finish();
  EXPECT_THAT(status, IsOk()) << status.error_message();
  return answers;
}

TEST(WriteHealthTest, AFailedWriteOnAnAppendStreamIsRefusedAndLaterStreamsAreRefusedToo) {
  auto fs = std::make_shared<FaultFs>();
  TestServer server;
  server.options().env = FaultFs::NewEnv(fs);
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  ASSERT_THAT(server.SeedWorld(*client), IsOk());
  const uint64_t size = server.Size(*client);

  fs->InjectError(FaultFs::Op::kWalAppend, rocksdb::IOStatus::IOError("injected EIO"));
  auto failed = SendOnOneStream(*client, {RegisterBody(100, "stream-on-a-bad-disk")});
  ASSERT_EQ(failed.size(), 1u);
  ASSERT_TRUE(failed[0].has_refused());
  EXPECT_EQ(failed[0].refused().code(), grpc::StatusCode::UNAVAILABLE)
      << failed[0].refused().message();
  EXPECT_EQ(failed[0].request_id(), "stream-on-a-bad-disk");
  HealthClient health(client->channel());
  auto serving = health.Check(kLedgerService);
  ASSERT_THAT(serving, IsOk());
  EXPECT_FALSE(*serving);
  EXPECT_THAT(server.log_text(), HasSubstr("ERROR: the ledger cannot write"));

  // The disk answers again; the server still refuses every request on a
  // new stream, each with its own answer, and appends nothing.
  fs->ClearErrors();
  auto refused = SendOnOneStream(
      *client, {RegisterBody(100, "stream-on-a-bad-disk"), RegisterBody(101, "another")});
  ASSERT_EQ(refused.size(), 2u);
  for (const AppendStreamResponse& answer : refused) {
    ASSERT_TRUE(answer.has_refused()) << answer.request_id();
    EXPECT_EQ(answer.refused().code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_THAT(answer.refused().message(), HasSubstr("until it is restarted"));
  }
  EXPECT_EQ(server.Size(*client), size);
}

TEST(WriteHealthTest, RefusedRecordingsLeaveHealthServing) {
  TestServer server;
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  ASSERT_THAT(server.SeedWorld(*client), IsOk());
  // A body registered twice is refused by the domain, not by the disk.
  compact::v1::RecordEventRequest request;
  *request.mutable_event() = Body(BodyId(0));
  auto refused = client->Call(&CompactService::Stub::RecordEvent, client->compact(), request);
  ASSERT_THAT(refused, StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("already registered")));
  HealthClient health(client->channel());
  auto serving = health.Check(kLedgerService);
  ASSERT_THAT(serving, IsOk());
  EXPECT_TRUE(*serving);
}

}  // namespace
}  // namespace ledger::services
