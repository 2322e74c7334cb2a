// WitnessClient against a real Witness served over HTTP on port 0
// (WitnessHttpServer), and against scripted HTTP servers for the answers a
// correct witness never gives: each status of C2SP tlog-witness is turned
// into the error the header documents, naming the witness and quoting its
// body.
#include "ledger/witness/witness_client.h"

#include <httplib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/notification.h"
#include "ledger/witness/add_checkpoint.h"
#include "ledger/witness/witness.h"
#include "ledger/witness/witness_http.h"
#include "tests/ledger/witness/witness_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ledger::witness {
namespace {

using ::ledger::testing::IsOk;
using ::ledger::testing::StatusIs;
using ::ledger::witness::testing::TestLog;
using ::ledger::witness::testing::TestSeed;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr char kOrigin[] = "example.org/log";

// An HTTP server whose POST /add-checkpoint answers as `handler` says.
class ScriptedServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  explicit ScriptedServer(Handler handler) {
    server_.Post("/add-checkpoint", std::move(handler));
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~ScriptedServer() { Stop(); }
  void Stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = -1;
  std::thread thread_;
};

class WitnessClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto w = Witness::Open(cosigner_, {log_.key().verifier()}, dir_.Sub("state"));
    ASSERT_THAT(w, IsOk());
    witness_ = *std::move(w);
    auto server = WitnessHttpServer::Start(witness_.get(), "127.0.0.1", 0);
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
  }

  PolicyWitness Named(const std::string& url) const {
    return PolicyWitness{"w1", cosigner_.verifier(), url};
  }

  std::unique_ptr<WitnessClient> Client(const std::string& url) const {
    auto client = WitnessClient::Create(Named(url));
    EXPECT_THAT(client, IsOk());
    return client.ok() ? *std::move(client) : nullptr;
  }
  std::unique_ptr<WitnessClient> Client() const { return Client(server_->url()); }

  // Has the witness cosign `log`'s checkpoint of `size` directly (from 0).
  void Cosigned(const TestLog& log, uint64_t size) {
    ASSERT_EQ(witness_->AddCheckpoint(log.Request(0, size)).status, 200);
  }

  absl::StatusOr<CosignatureAnswer> Ask(WitnessClient& client, const std::string& note,
                                        absl::Duration timeout = absl::Seconds(30)) {
    auto checkpoint = PrepareCheckpoint(note);
    EXPECT_THAT(checkpoint, IsOk());
    const ConsistencyProofSource proofs = [this](uint64_t from, uint64_t to) {
      proofs_asked_.emplace_back(from, to);
      return absl::StatusOr<std::vector<log::Hash>>(log_.Proof(from, to));
    };
    return client.RequestCosignature(*checkpoint, proofs, absl::Now() + timeout);
  }

  ledger::testing::TempDir dir_;
  TestLog log_{kOrigin, 1, "leaf", 20};
  Cosigner cosigner_ = *Cosigner::FromSeed("witness.example/w1", TestSeed(9));
  std::unique_ptr<Witness> witness_;
  std::unique_ptr<WitnessHttpServer> server_;
  std::vector<std::pair<uint64_t, uint64_t>> proofs_asked_;
};

TEST_F(WitnessClientTest, A200CarriesTheWitnessesValidCosignature) {
  auto client = Client();
  auto answer = Ask(*client, log_.Checkpoint(5));
  ASSERT_THAT(answer.status(), IsOk());
  EXPECT_TRUE(cosigner_.verifier().Matches(answer->cosignature));
  const std::string text = log::ParseNote(log_.Checkpoint(5))->text;
  EXPECT_THAT(cosigner_.verifier().Verify(text, answer->cosignature.signature).status(), IsOk());
  EXPECT_EQ(client->known_size(), 5u);
  EXPECT_EQ(witness_->CosignedSize(kOrigin), 5u);
  EXPECT_TRUE(proofs_asked_.empty()) << "a first checkpoint needs no proof";
}

TEST_F(WitnessClientTest, LaterCheckpointsGoWithAProofFromTheKnownSize) {
  auto client = Client();
  ASSERT_THAT(Ask(*client, log_.Checkpoint(5)).status(), IsOk());
  ASSERT_THAT(Ask(*client, log_.Checkpoint(12)).status(), IsOk());
  EXPECT_THAT(proofs_asked_, ElementsAre(Pair(5u, 12u)));
  EXPECT_EQ(witness_->CosignedSize(kOrigin), 12u);
}

TEST_F(WitnessClientTest, A409TeachesTheWitnessesSizeAndTheRetryCarriesAProofFromIt) {
  Cosigned(log_, 7);
  auto client = Client();  // believes the witness has cosigned nothing
  auto answer = Ask(*client, log_.Checkpoint(15));
  ASSERT_THAT(answer.status(), IsOk());
  EXPECT_THAT(proofs_asked_, ElementsAre(Pair(7u, 15u)));
  EXPECT_EQ(client->known_size(), 15u);
  EXPECT_EQ(witness_->CosignedSize(kOrigin), 15u);
}

TEST_F(WitnessClientTest, AWitnessAheadOfTheCheckpointIsReportedNotRetried) {
  Cosigned(log_, 15);
  auto client = Client();
  EXPECT_THAT(Ask(*client, log_.Checkpoint(9)).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("witness w1"), HasSubstr("tree size 15"),
                             HasSubstr("larger than this checkpoint's 9"))));
  EXPECT_EQ(witness_->CosignedSize(kOrigin), 15u);
}

TEST_F(WitnessClientTest, AnUnknownOriginIs404WithTheWitnessesBody) {
  const TestLog other("other.example/log", 1, "leaf", 5);
  auto client = Client();
  EXPECT_THAT(Ask(*client, other.Checkpoint(5)).status(),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr("witness w1 (" + server_->url() + ")"),
                             HasSubstr("does not witness the log other.example/log"),
                             HasSubstr("\"unknown log origin \"other.example/log\"\""))));
}

TEST_F(WitnessClientTest, AnUntrustedLogKeyIs403WithTheWitnessesBody) {
  const TestLog impostor(kOrigin, 2, "leaf", 5);  // same origin, another key
  auto client = Client();
  auto answer = Ask(*client, impostor.Checkpoint(5));
  EXPECT_THAT(answer.status(), StatusIs(absl::StatusCode::kPermissionDenied,
                                        AllOf(HasSubstr("witness w1"),
                                              HasSubstr("trusts none of the checkpoint's signatures"))));
  EXPECT_THAT(std::string(answer.status().message()), HasSubstr(": \""));  // the body, quoted
  EXPECT_FALSE(witness_->CosignedSize(kOrigin).has_value());
}

TEST_F(WitnessClientTest, AProofAgainstAnotherTreeIs422WithTheWitnessesBody) {
  // The witness cosigned size 5 of another history under the same key.
  const TestLog fork(kOrigin, 1, "forked", 20);
  Cosigned(fork, 5);
  auto client = Client();
  client->set_known_size(5);
  auto answer = Ask(*client, log_.Checkpoint(12));
  EXPECT_THAT(answer.status(),
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(HasSubstr("witness w1"), HasSubstr("refused the checkpoint of tree size 12 from size 5"),
                             HasSubstr("split view"))));
  EXPECT_THAT(std::string(answer.status().message()), HasSubstr(": \""));
  EXPECT_EQ(witness_->CosignedSize(kOrigin), 5u);
}

TEST_F(WitnessClientTest, AWitnessThatNeverAnswersHitsTheDeadline) {
  absl::Notification release;
  ScriptedServer silent([&](const httplib::Request&, httplib::Response& res) {
    release.WaitForNotification();
    res.status = 500;
  });
  auto client = Client(silent.url());
  auto answer = Ask(*client, log_.Checkpoint(5), absl::Milliseconds(300));
  release.Notify();
  EXPECT_THAT(answer.status(), StatusIs(absl::StatusCode::kDeadlineExceeded,
                                        AllOf(HasSubstr("witness w1 (" + silent.url() + ")"),
                                              HasSubstr("did not answer in time"))));
}

TEST_F(WitnessClientTest, A204IsAProtocolErrorNamingTheWitnessEveryTime) {
  ScriptedServer no_content([](const httplib::Request&, httplib::Response& res) {
    res.status = 204;
    res.set_content("cosigned, trust me\n", "text/plain");
  });
  auto client = Client(no_content.url());
  // Twice: a body sent after a 204 must not be read as the next answer on
  // the same connection (which made the second attempt "cannot be reached").
  for (int attempt = 0; attempt < 3; ++attempt) {
    EXPECT_THAT(Ask(*client, log_.Checkpoint(5)).status(),
                StatusIs(absl::StatusCode::kDataLoss,
                         AllOf(HasSubstr("witness w1 (" + no_content.url() + ") answered HTTP 204"),
                               HasSubstr("answers 200 with its cosignature"))))
        << "attempt " << attempt;
  }
}

TEST_F(WitnessClientTest, A200WithoutSignatureLinesIsAProtocolErrorQuotingTheBody) {
  ScriptedServer garbage([](const httplib::Request&, httplib::Response& res) {
    res.set_content("<html>welcome</html>", "text/html");
  });
  auto client = Client(garbage.url());
  EXPECT_THAT(Ask(*client, log_.Checkpoint(5)).status(),
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(HasSubstr("witness w1"), HasSubstr("not signature lines"),
                             HasSubstr("<html>welcome</html>"))));
  EXPECT_EQ(client->known_size(), 0u);
}

TEST_F(WitnessClientTest, A200WithAnotherWitnessesCosignatureIsRefused) {
  // A real witness with another key answers; the policy names w1's key.
  const Cosigner other = *Cosigner::FromSeed("witness.example/other", TestSeed(10));
  auto w = Witness::Open(other, {log_.key().verifier()}, dir_.Sub("other-state"));
  ASSERT_THAT(w, IsOk());
  auto server = WitnessHttpServer::Start(w->get(), "127.0.0.1", 0);
  ASSERT_THAT(server, IsOk());
  auto client = Client((*server)->url());
  EXPECT_THAT(Ask(*client, log_.Checkpoint(5)).status(),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("without a cosignature by its key witness.example/w1+")));
}

TEST_F(WitnessClientTest, OtherStatusesAreReportedWithTheWitnessesBody) {
  struct Case {
    int status;
    std::string body;
    absl::StatusCode code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {400, "malformed request\n", absl::StatusCode::kInvalidArgument, "refused the request (HTTP 400): \"malformed request\""},
      {503, "overloaded\n", absl::StatusCode::kUnavailable, "failed (HTTP 503): \"overloaded\""},
      {409, "not a size\n", absl::StatusCode::kInvalidArgument, "answered 409 without a tree size: \"not a size\""},
      {409, "3\n", absl::StatusCode::kFailedPrecondition, "answered 409 (it cosigned tree size 3) twice"},
  };
  for (const Case& c : cases) {
    ScriptedServer scripted([&c](const httplib::Request&, httplib::Response& res) {
      res.status = c.status;
      res.set_content(c.body, c.status == 409 ? kTlogSizeContentType : "text/plain");
    });
    auto client = Client(scripted.url());
    EXPECT_THAT(Ask(*client, log_.Checkpoint(5)).status(),
                StatusIs(c.code, AllOf(HasSubstr("witness w1"), HasSubstr(c.says))))
        << c.status << " " << c.body;
  }
}

TEST_F(WitnessClientTest, AWitnessThatIsDownCannotBeReached) {
  const std::string url = server_->url();
  server_->Stop();
  auto client = Client(url);
  EXPECT_THAT(Ask(*client, log_.Checkpoint(5)).status(),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("witness w1 (" + url + ") cannot be reached")));
}

TEST_F(WitnessClientTest, AClientWithATransportReadsTheAnswersAsOverHttp) {
  // The witness in process, without HTTP: the 409 and its retry, then a
  // cosignature, exactly as A409TeachesTheWitnessesSize... over a socket.
  Cosigned(log_, 7);
  std::vector<uint64_t> old_sizes;
  auto client = WitnessClient::CreateWithTransport(
      Named("https://witness.example/w1"),
      [&](const std::string& body, absl::Time) -> absl::StatusOr<WitnessClient::HttpReply> {
        auto request = ParseAddCheckpointRequest(body);
        EXPECT_THAT(request, IsOk());
        if (request.ok()) old_sizes.push_back(request->old_size);
        WitnessResponse response = witness_->AddCheckpoint(body);
        return WitnessClient::HttpReply{response.status, response.body};
      });
  auto answer = Ask(*client, log_.Checkpoint(15));
  ASSERT_THAT(answer.status(), IsOk());
  EXPECT_TRUE(cosigner_.verifier().Matches(answer->cosignature));
  EXPECT_THAT(old_sizes, ElementsAre(0u, 7u));
  EXPECT_THAT(proofs_asked_, ElementsAre(Pair(7u, 15u)));
  EXPECT_EQ(client->known_size(), 15u);

  // A transport's failure is the client's, unchanged.
  auto broken = WitnessClient::CreateWithTransport(
      Named("https://witness.example/w1"),
      [](const std::string&, absl::Time) -> absl::StatusOr<WitnessClient::HttpReply> {
        return absl::UnavailableError("witness w1 (https://witness.example/w1) cannot be reached");
      });
  EXPECT_THAT(Ask(*broken, log_.Checkpoint(15)).status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("cannot be reached")));
  EXPECT_EQ(broken->known_size(), 0u);
}

TEST_F(WitnessClientTest, CreateRefusesURLsThatAreNotSubmissionPrefixes) {
  for (const std::string url : {"", "ftp://witness.example", "http://", "http://user@witness.example",
                                "https://witness.example/path?query"}) {
    EXPECT_THAT(WitnessClient::Create(Named(url)).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("witness w1")))
        << url;
  }
}

}  // namespace
}  // namespace ledger::witness
