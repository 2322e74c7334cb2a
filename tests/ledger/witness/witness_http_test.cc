// WitnessHttpServer: a Witness served over HTTP from a background thread.
// The statuses themselves are the Witness's (witness_test.cc) and, through
// `ledgerctl witness`, tests/tools/ledgerctl_witness_test.cc.
#include "ledger/witness/witness_http.h"

#include <httplib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "ledger/log/signed_note.h"
#include "ledger/witness/add_checkpoint.h"
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

// signed-note: verifiers "MUST accept at least up to 16 signatures" and
// post-quantum ones are "up to nearly 5kB". The body is read alike whatever
// its Content-Type (tlog-witness names none), up to the limit, chunked too.
TEST_F(WitnessHttpServerTest, ReadsLargeBodiesAlikeWhateverTheirContentType) {
  auto server = WitnessHttpServer::Start(witness_.get(), "127.0.0.1", 0);
  ASSERT_THAT(server, IsOk());
  httplib::Client client((*server)->url());
  // The log's checkpoint with 16 more signatures of 4,900 bytes by keys the
  // witness does not know (which it ignores): a body of about 105 KB.
  auto note = log::ParseNote(log_.Checkpoint(8));
  ASSERT_THAT(note, IsOk());
  for (uint32_t i = 0; i < 16; ++i) {
    note->signatures.push_back({"pq.example/w" + std::to_string(i), 0x01020300 + i,
                                std::string(4900, static_cast<char>('a' + i))});
  }
  auto checkpoint = log::FormatNote(*note);
  ASSERT_THAT(checkpoint, IsOk());
  const std::string body = FormatAddCheckpointRequest({0, {}, *checkpoint});
  ASSERT_GT(body.size(), 100'000u);

  auto form = client.Post("/add-checkpoint", body, "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200) << form->body;
  EXPECT_THAT(form->body, StartsWith("\xE2\x80\x94 witness.example/w "));

  // Chunked, with no Content-Length: read to the end, and the same state.
  auto chunked = client.Post(
      "/add-checkpoint",
      [&body](size_t offset, httplib::DataSink& sink) {
        sink.write(body.data() + offset, std::min<size_t>(4096, body.size() - offset));
        if (offset + 4096 >= body.size()) sink.done();
        return true;
      },
      "text/plain");
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->status, 409) << chunked->body;
  EXPECT_EQ(chunked->body, "8\n");

  // Above the limit: by its Content-Length, or as it arrives when chunked.
  const std::string huge(kMaxAddCheckpointBytes + 1, 'a');
  auto declared = client.Post("/add-checkpoint", huge, "application/x-www-form-urlencoded");
  ASSERT_TRUE(declared);
  EXPECT_EQ(declared->status, 413);
  EXPECT_THAT(declared->body, HasSubstr("at most 1048576 bytes"));
  httplib::Client fresh((*server)->url());
  auto streamed = fresh.Post(
      "/add-checkpoint",
      [&huge](size_t offset, httplib::DataSink& sink) {
        sink.write(huge.data() + offset, std::min<size_t>(65536, huge.size() - offset));
        if (offset + 65536 >= huge.size()) sink.done();
        return true;
      },
      "text/plain");
  ASSERT_TRUE(streamed);
  EXPECT_EQ(streamed->status, 413);
  EXPECT_THAT(streamed->body, HasSubstr("at most 1048576 bytes"));

  httplib::Client third((*server)->url());
  third.set_keep_alive(true);
  auto multipart = third.Post("/add-checkpoint", "--b\r\n\r\nx\r\n--b--\r\n",
                              "multipart/form-data; boundary=b");
  ASSERT_TRUE(multipart);
  EXPECT_EQ(multipart->status, 415);
  EXPECT_THAT(multipart->body, HasSubstr("not a multipart form"));
  // The form is left unread, so the connection closes rather than read its
  // bytes as the start of a next request.
  EXPECT_EQ(multipart->get_header_value("Connection"), "close");
  auto after = third.Get("/" + std::string(64, '0') + "/checkpoint");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 404) << after->body;
}

TEST_F(WitnessHttpServerTest, ATakenPortIsAnError) {
  auto first = WitnessHttpServer::Start(witness_.get(), "127.0.0.1", 0);
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(WitnessHttpServer::Start(witness_.get(), "127.0.0.1", (*first)->port()).status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("cannot listen on 127.0.0.1:")));
}

}  // namespace
}  // namespace ledger::witness
