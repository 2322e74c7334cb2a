// LedgerService.AppendStream against a real server on loopback: answers in
// request order once durable, refusals that answer one request and append
// nothing, retries, read-ahead bounded by answers taken, access, client
// cancellation and shutdown with calls open.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "ledger/log/verify.h"
#include "tests/services/service_test_util.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::services {
namespace {

using ::testing::HasSubstr;
using ledger::v1::AppendRequest;
using ledger::v1::AppendStreamResponse;
using ledger::v1::LedgerService;
using namespace ledger::services::testing;  // NOLINT: test helpers
using namespace ::ledger::testing::events;  // NOLINT: test helpers

using Stream = grpc::ClientReaderWriter<AppendRequest, AppendStreamResponse>;

constexpr int kNotedBodies = 4;

// Bodies whose registrations carry a ref (their id), so notes can target them.
std::string NotedBody(int i) { return absl::StrCat("noted-", i); }

absl::Status RegisterNotedBodies(LedgerClient& client) {
  compact::v1::RecordEventsRequest request;
  for (int i = 0; i < kNotedBodies; ++i) {
    *request.add_events()->mutable_event() = Body(NotedBody(i), {.ref = NotedBody(i)});
  }
  return client.Call(&compact::v1::CompactService::Stub::RecordEvents, client.compact(), request)
      .status();
}

// A note on noted body `body`'s stream.
AppendRequest Note(int body, const std::string& text, const std::string& request_id = "") {
  AppendRequest r;
  r.set_stream(absl::StrCat("body/", NotedBody(body)));
  r.set_request_id(request_id);
  // Several notes on one stream are in flight at once: with an unspecified
  // version the later ones would be refused as soon as an earlier commits.
  r.mutable_expected()->set_kind(ledger::v1::ExpectedVersion::KIND_ANY);
  r.mutable_payload()->PackFrom(events::Note(NotedBody(body), text));
  return r;
}

class AppendStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().max_receive_message_bytes = 64 << 10;
    ASSERT_THAT(server_.Start(), IsOk());
    client_ = server_.Client();
    ASSERT_THAT(server_.SeedWorld(*client_), IsOk());
    ASSERT_THAT(RegisterNotedBodies(*client_), IsOk());
  }

  struct Call {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<Stream> stream;
  };
  Call Open(LedgerClient& client) {
    Call call;
    call.context = client.NewStreamContext();
    call.stream = client.ledger().AppendStream(call.context.get());
    return call;
  }
  Call Open() { return Open(*client_); }

  // Sends every request, half-closes, then reads every answer.
  std::vector<AppendStreamResponse> SendAll(const std::vector<AppendRequest>& requests,
                                            grpc::Status* status) {
    Call call = Open();
    for (const AppendRequest& r : requests) EXPECT_TRUE(call.stream->Write(r));
    EXPECT_TRUE(call.stream->WritesDone());
    std::vector<AppendStreamResponse> answers;
    AppendStreamResponse answer;
    while (call.stream->Read(&answer)) answers.push_back(answer);
    *status = call.stream->Finish();
    return answers;
  }

  // A client on a TCP connection of its own.
  std::unique_ptr<LedgerClient> OwnConnection() {
    ClientOptions options;
    options.own_connection = true;
    return server_.Client(options);
  }

  // Stops the server and checks the whole log offline.
  void StopAndVerify() {
    server_.Stop();
    auto report = log::VerifyLogAt(server_.options().db);
    ASSERT_THAT(report, IsOk());
    EXPECT_TRUE(report->ok()) << report->message;
  }

  ledger::v1::Entry EntryAt(uint64_t sequence) {
    ledger::v1::GetEntryRequest get;
    get.set_sequence(sequence);
    auto entry = client_->Call(&LedgerService::Stub::GetEntry, client_->ledger(), get);
    EXPECT_THAT(entry, IsOk());
    return entry.ok() ? entry->entry() : ledger::v1::Entry();
  }

  TestServer server_;
  std::unique_ptr<LedgerClient> client_;
};

TEST_F(AppendStreamTest, AnswersEveryRequestInOrderOnceRecorded) {
  const uint64_t size = server_.Size(*client_);
  std::vector<AppendRequest> requests;
  for (int i = 0; i < 10; ++i) {
    requests.push_back(Note(i % 2, absl::StrCat("note ", i), absl::StrCat("id-", i)));
  }
  grpc::Status status;
  const auto answers = SendAll(requests, &status);
  ASSERT_THAT(status, IsOk()) << status.error_message();
  ASSERT_EQ(answers.size(), requests.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(answers[i].request_id(), absl::StrCat("id-", i));
    ASSERT_TRUE(answers[i].has_appended()) << answers[i].refused().message();
    const auto& appended = answers[i].appended();
    // One call's requests are committed in the order sent.
    EXPECT_EQ(appended.sequence(), size + i);
    EXPECT_EQ(appended.stream(), requests[i].stream());
    EXPECT_EQ(appended.stream_version(), 1 + (i / 2) + 1);  // after the registration
    EXPECT_FALSE(appended.deduplicated());
    const ledger::v1::Entry entry = EntryAt(appended.sequence());
    EXPECT_EQ(entry.actor(), kLocalIdentity);
    EXPECT_EQ(entry.request_id(), requests[i].request_id());
  }
  EXPECT_EQ(server_.Size(*client_), size + requests.size());
}

TEST_F(AppendStreamTest, RequestsOnOneStreamAreCheckedInTheOrderSent) {
  // Sent without waiting for answers: each unspecified or exact-version
  // request is checked only after the one before it on its stream is
  // recorded, so none is refused for a version the earlier one makes.
  const uint64_t size = server_.Size(*client_);
  std::vector<AppendRequest> requests;
  for (int i = 0; i < 6; ++i) {
    AppendRequest unspecified = Note(0, absl::StrCat("unspecified ", i));
    unspecified.clear_expected();
    requests.push_back(unspecified);
    AppendRequest exact = Note(1, absl::StrCat("exact ", i));
    *exact.mutable_expected() = Exact(1 + i);  // the registration is version 1
    requests.push_back(exact);
  }
  grpc::Status status;
  const auto answers = SendAll(requests, &status);
  ASSERT_THAT(status, IsOk()) << status.error_message();
  ASSERT_EQ(answers.size(), requests.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    SCOPED_TRACE(i);
    ASSERT_TRUE(answers[i].has_appended()) << answers[i].refused().message();
    EXPECT_EQ(answers[i].appended().sequence(), size + i);
    EXPECT_EQ(answers[i].appended().stream_version(), 2 + i / 2);
  }
  // A stale exact version among them is still refused, alone.
  AppendRequest stale = Note(1, "stale");
  *stale.mutable_expected() = Exact(3);
  const auto refused = SendAll({Note(1, "fine"), stale, Note(1, "also fine")}, &status);
  ASSERT_EQ(refused.size(), 3u);
  EXPECT_TRUE(refused[0].has_appended());
  ASSERT_TRUE(refused[1].has_refused());
  EXPECT_EQ(refused[1].refused().code(), static_cast<int>(grpc::StatusCode::ABORTED));
  EXPECT_TRUE(refused[2].has_appended());
}

TEST_F(AppendStreamTest, ARefusalAnswersItsRequestOnlyAndAppendsNothing) {
  const uint64_t size = server_.Size(*client_);
  AppendRequest wrong_stream = Note(0, "misfiled");
  wrong_stream.set_stream("body/noted-1");
  AppendRequest not_an_event = Note(0, "raw");
  not_an_event.mutable_payload()->set_type_url("type.googleapis.com/ledger.v1.Entry");
  AppendRequest empty_stream = Note(0, "nowhere");
  empty_stream.clear_stream();
  AppendRequest unknown_body = Note(0, "ghost");
  unknown_body.set_stream("body/no-such-body");
  AppendRequest stale = Note(0, "late");
  *stale.mutable_expected() = Exact(7);
  const std::vector<AppendRequest> requests = {Note(0, "first"), wrong_stream, not_an_event,
                                               empty_stream,     unknown_body, stale,
                                               Note(1, "last")};
  grpc::Status status;
  const auto answers = SendAll(requests, &status);
  ASSERT_THAT(status, IsOk()) << status.error_message();
  ASSERT_EQ(answers.size(), requests.size());
  ASSERT_TRUE(answers.front().has_appended());
  ASSERT_TRUE(answers.back().has_appended());
  EXPECT_EQ(answers.back().appended().sequence(), size + 1);
  const std::vector<grpc::StatusCode> codes = {
      grpc::StatusCode::INVALID_ARGUMENT, grpc::StatusCode::INVALID_ARGUMENT,
      grpc::StatusCode::INVALID_ARGUMENT, grpc::StatusCode::INVALID_ARGUMENT,
      grpc::StatusCode::ABORTED};
  for (size_t i = 1; i + 1 < answers.size(); ++i) {
    SCOPED_TRACE(i);
    ASSERT_TRUE(answers[i].has_refused());
    EXPECT_EQ(answers[i].refused().code(), codes[i - 1]) << answers[i].refused().message();
    EXPECT_FALSE(answers[i].refused().message().empty());
  }
  EXPECT_THAT(answers[5].refused().message(), HasSubstr("not the expected version 7"));
  EXPECT_EQ(server_.Size(*client_), size + 2);
}

TEST_F(AppendStreamTest, ARetriedRequestIdIsAnsweredWithTheFirstResult) {
  grpc::Status status;
  AppendRequest other = Note(0, "something else", "once");
  const auto answers =
      SendAll({Note(0, "only once", "once"), Note(0, "only once", "once"), other}, &status);
  ASSERT_THAT(status, IsOk()) << status.error_message();
  ASSERT_EQ(answers.size(), 3u);
  ASSERT_TRUE(answers[0].has_appended());
  ASSERT_TRUE(answers[1].has_appended());
  EXPECT_TRUE(answers[1].appended().deduplicated());
  EXPECT_EQ(answers[1].appended().sequence(), answers[0].appended().sequence());
  ASSERT_TRUE(answers[2].has_refused());
  EXPECT_EQ(answers[2].refused().code(), static_cast<int>(grpc::StatusCode::ALREADY_EXISTS));
  // And again on a new call, as a client resending after a lost answer does.
  const auto again = SendAll({Note(0, "only once", "once")}, &status);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].appended().deduplicated());
  EXPECT_EQ(again[0].appended().sequence(), answers[0].appended().sequence());
}

TEST_F(AppendStreamTest, ReadsAheadOnlyAsFarAsAnswersAreTaken) {
  // More requests than the server reads ahead, sent by one thread while
  // another takes the answers: everything is answered, nothing is lost.
  const int count = static_cast<int>(AppendStreams::kMaxUnanswered) * 5;
  const uint64_t size = server_.Size(*client_);
  Call call = Open();
  std::thread sender([&] {
    for (int i = 0; i < count; ++i) {
      if (!call.stream->Write(Note(i % 4, absl::StrCat("bulk ", i), absl::StrCat("bulk-", i)))) {
        break;
      }
    }
    call.stream->WritesDone();
  });
  std::vector<AppendStreamResponse> answers;
  AppendStreamResponse answer;
  while (call.stream->Read(&answer)) answers.push_back(answer);
  sender.join();
  const grpc::Status status = call.stream->Finish();
  ASSERT_THAT(status, IsOk()) << status.error_message();
  ASSERT_EQ(answers.size(), static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    ASSERT_TRUE(answers[i].has_appended()) << i << ": " << answers[i].refused().message();
    EXPECT_EQ(answers[i].appended().sequence(), size + i);
  }
  StopAndVerify();
}

TEST_F(AppendStreamTest, ConcurrentCallsKeepSequencesDenseAndTheLogVerifies) {
  constexpr int kCalls = 8;
  constexpr int kEach = 40;
  const uint64_t size = server_.Size(*client_);
  std::vector<std::vector<uint64_t>> sequences(kCalls);
  std::vector<std::thread> threads;
  for (int c = 0; c < kCalls; ++c) {
    threads.emplace_back([&, c] {
      auto client = OwnConnection();
      Call call = Open(*client);
      for (int i = 0; i < kEach; ++i) {
        // One request at a time, as an interactive recorder would.
        if (!call.stream->Write(Note(c % 4, absl::StrCat("call ", c, " #", i)))) return;
        AppendStreamResponse answer;
        if (!call.stream->Read(&answer) || !answer.has_appended()) return;
        sequences[c].push_back(answer.appended().sequence());
      }
      call.stream->WritesDone();
      EXPECT_THAT(call.stream->Finish(), IsOk());
    });
  }
  for (auto& t : threads) t.join();
  std::set<uint64_t> all;
  for (const auto& s : sequences) {
    EXPECT_EQ(s.size(), static_cast<size_t>(kEach));
    EXPECT_TRUE(std::is_sorted(s.begin(), s.end()));
    all.insert(s.begin(), s.end());
  }
  ASSERT_EQ(all.size(), static_cast<size_t>(kCalls * kEach));
  EXPECT_EQ(*all.begin(), size);
  EXPECT_EQ(*all.rbegin(), size + kCalls * kEach - 1);
  StopAndVerify();
}

TEST_F(AppendStreamTest, AnOversizedRequestEndsTheCallAndAppendsNothing) {
  const uint64_t size = server_.Size(*client_);
  Call call = Open();
  call.stream->Write(Note(0, std::string(100 << 10, 'x')));
  call.stream->WritesDone();
  AppendStreamResponse answer;
  EXPECT_FALSE(call.stream->Read(&answer));
  const grpc::Status status = call.stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_EQ(server_.Size(*client_), size);
}

TEST_F(AppendStreamTest, ACancelledCallLeavesTheServerServing) {
  Call call = Open();
  for (int i = 0; i < 20; ++i) call.stream->Write(Note(0, absl::StrCat("cancelled ", i)));
  call.context->TryCancel();
  EXPECT_EQ(call.stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // Whatever was committed before the cancel is in the log whole; the
  // server goes on answering.
  grpc::Status status;
  const auto answers = SendAll({Note(1, "after the cancel")}, &status);
  ASSERT_THAT(status, IsOk()) << status.error_message();
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_TRUE(answers[0].has_appended());
  StopAndVerify();
}

TEST_F(AppendStreamTest, ShutdownEndsOpenCallsWithUnavailableAndKeepsWhatWasAnswered) {
  Call call = Open();
  ASSERT_TRUE(call.stream->Write(Note(0, "answered before the shutdown", "kept")));
  AppendStreamResponse answer;
  ASSERT_TRUE(call.stream->Read(&answer));
  ASSERT_TRUE(answer.has_appended());
  // The call stays open and idle; a graceful shutdown with a long grace
  // must end it itself rather than wait for the client (which would end
  // with CANCELLED once the grace ran out).
  std::thread stopper([&] { server_.server().Shutdown(absl::Minutes(5)); });
  EXPECT_FALSE(call.stream->Read(&answer));
  const grpc::Status status = call.stream->Finish();
  stopper.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("same request id"));
  server_.Stop();
  ASSERT_THAT(server_.Start(), IsOk());
  client_ = server_.Client();
  ledger::v1::GetEntryRequest get;
  get.set_sequence(answer.appended().sequence());
  auto entry = client_->Call(&LedgerService::Stub::GetEntry, client_->ledger(), get);
  ASSERT_THAT(entry, IsOk());
  EXPECT_EQ(entry->entry().request_id(), "kept");
}

TEST_F(AppendStreamTest, ShutdownUnderLoadKeepsEveryAcknowledgedAppend) {
  // Calls that keep requests in flight while the server shuts down: each
  // ends with UNAVAILABLE (or CANCELLED, if the grace ran out first), and
  // every request answered as appended is in the reopened log.
  constexpr int kCalls = 4;
  std::vector<std::vector<std::pair<std::string, uint64_t>>> acked(kCalls);
  std::vector<grpc::StatusCode> ends(kCalls, grpc::StatusCode::OK);
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kCalls; ++c) {
    threads.emplace_back([&, c] {
      auto client = OwnConnection();
      Call call = Open(*client);
      std::thread sender([&] {
        for (int i = 0; i < 100000; ++i) {
          if (!call.stream->Write(
                  Note(c, absl::StrCat("load ", i), absl::StrCat("load-", c, "-", i)))) {
            break;
          }
        }
      });
      AppendStreamResponse answer;
      while (call.stream->Read(&answer)) {
        if (answer.has_appended()) {
          acked[c].emplace_back(answer.request_id(), answer.appended().sequence());
        }
        ++answered;
      }
      ends[c] = call.stream->Finish().error_code();
      call.context->TryCancel();  // unblocks a sender stuck on flow control
      sender.join();
    });
  }
  while (answered.load() < 200) std::this_thread::yield();
  server_.server().Shutdown(absl::Seconds(30));
  for (auto& t : threads) t.join();
  for (int c = 0; c < kCalls; ++c) {
    EXPECT_TRUE(ends[c] == grpc::StatusCode::UNAVAILABLE ||
                ends[c] == grpc::StatusCode::CANCELLED)
        << c << ": " << ends[c];
  }
  StopAndVerify();
  ASSERT_THAT(server_.Start(), IsOk());
  client_ = server_.Client();
  size_t checked = 0;
  for (const auto& call : acked) {
    for (const auto& [request_id, sequence] : call) {
      EXPECT_EQ(EntryAt(sequence).request_id(), request_id);
      ++checked;
    }
  }
  EXPECT_GE(checked, 100u);
}

TEST(AppendStreamAccessTest, CallersWhoMayNotRecordAreRefusedAtOnce) {
  ledger::testing::TempDir dir;
  WritePrivateFile(dir.Sub("access"), "token recorder alice s3cret-recorder\n"
                                      "token auditor audrey s3cret-auditor\n");
  TestServer server;
  server.options().access_file = dir.Sub("access");
  ASSERT_THAT(server.Start(), IsOk());
  ClientOptions recorder_options;
  recorder_options.token = "s3cret-recorder";
  auto recorder = server.Client(recorder_options);
  ASSERT_THAT(server.SeedWorld(*recorder), IsOk());
  ASSERT_THAT(RegisterNotedBodies(*recorder), IsOk());
  const uint64_t size = server.Size(*recorder);
  struct Case {
    std::string token;
    grpc::StatusCode code;
  };
  for (const Case& c : {Case{"s3cret-auditor", grpc::StatusCode::PERMISSION_DENIED},
                        Case{"", grpc::StatusCode::UNAUTHENTICATED},
                        Case{"wrong", grpc::StatusCode::UNAUTHENTICATED}}) {
    SCOPED_TRACE(c.token);
    ClientOptions options;
    options.token = c.token;
    auto client = server.Client(options);
    auto context = client->NewStreamContext();
    auto stream = client->ledger().AppendStream(context.get());
    stream->Write(Note(0, "not allowed"));
    stream->WritesDone();
    AppendStreamResponse answer;
    EXPECT_FALSE(stream->Read(&answer));
    EXPECT_EQ(stream->Finish().error_code(), c.code);
  }
  EXPECT_EQ(server.Size(*recorder), size);
  // The recorder's own call records as the authenticated identity.
  auto context = recorder->NewStreamContext();
  auto stream = recorder->ledger().AppendStream(context.get());
  ASSERT_TRUE(stream->Write(Note(0, "allowed")));
  AppendStreamResponse answer;
  ASSERT_TRUE(stream->Read(&answer));
  ASSERT_TRUE(answer.has_appended()) << answer.refused().message();
  stream->WritesDone();
  EXPECT_THAT(stream->Finish(), IsOk());
  ledger::v1::GetEntryRequest get;
  get.set_sequence(answer.appended().sequence());
  auto entry = recorder->Call(&LedgerService::Stub::GetEntry, recorder->ledger(), get);
  ASSERT_THAT(entry, IsOk());
  EXPECT_EQ(entry->entry().actor(), "alice");
}

}  // namespace
}  // namespace ledger::services
