// TLS, mutual TLS, bearer tokens and roles through a real server, plus the
// configurations the server refuses, health checking and reflection.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <limits>

#include "services/health_client.h"
#include "tests/services/service_test_util.h"
#include "tests/services/test_certs.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::services {
namespace {

using ::testing::HasSubstr;
using compact::v1::CompactService;
using ledger::v1::LedgerService;
using namespace ledger::services::testing;  // NOLINT: test helpers
using namespace ::ledger::testing::events;  // NOLINT: test helpers

constexpr char kAccessFile[] =
    "# test access file\n"
    "token recorder alice s3cret-recorder\n"
    "token auditor audrey s3cret-auditor\n"
    "cert recorder clerk.example\n"
    "cert auditor scrutiny.example\n";

class AuthTest : public ::testing::Test {
 protected:
  AuthTest() : ca_(certs_dir_.path()) {}

  void SetUp() override {
    const PemFiles server = ca_.Issue("localhost", /*server=*/true);
    WritePrivateFile(certs_dir_.Sub("access"), kAccessFile);
    ServerOptions& o = server_.options();
    o.tls_cert_file = server.cert;
    o.tls_key_file = server.key;
    o.client_ca_file = ca_.ca_file();
    o.access_file = certs_dir_.Sub("access");
    ASSERT_THAT(server_.Start(), IsOk());
    auto admin = Client("", "");
    ASSERT_THAT(server_.SeedWorld(*admin), IsOk());  // alice seeds
  }

  // A TLS client with `token` and/or a certificate for `cert_name`.
  std::unique_ptr<LedgerClient> Client(const std::string& token, const std::string& cert_name) {
    ClientOptions o;
    o.ca_file = ca_.ca_file();
    o.server_name = "localhost";
    o.token = token.empty() && cert_name.empty() ? "s3cret-recorder" : token;
    if (!cert_name.empty()) {
      const PemFiles pem = ca_.Issue(cert_name, /*server=*/false);
      o.cert_file = pem.cert;
      o.key_file = pem.key;
    }
    return server_.Client(o);
  }
  std::unique_ptr<LedgerClient> Anonymous() {
    ClientOptions o;
    o.ca_file = ca_.ca_file();
    o.server_name = "localhost";
    return server_.Client(o);
  }
  absl::StatusOr<compact::v1::RecordResponse> Record(LedgerClient& client, int body) {
    compact::v1::RecordEventRequest r;
    *r.mutable_event() = Endorse(kCompact, BodyId(body), "2006-04-04");
    return client.Call(&CompactService::Stub::RecordEvent, client.compact(), r);
  }
  absl::Status Read(LedgerClient& client) {
    return client.Call(&CompactService::Stub::ListCompacts, client.compact(), {}).status();
  }
  std::string ActorOf(LedgerClient& client, uint64_t sequence) {
    ledger::v1::GetEntryRequest r;
    r.set_sequence(sequence);
    return client.Call(&LedgerService::Stub::GetEntry, client.ledger(), r)->entry().actor();
  }

  ledger::testing::TempDir certs_dir_;
  TestCa ca_;
  TestServer server_;
};

TEST_F(AuthTest, RecorderTokenRecordsAsItsName) {
  auto alice = Client("s3cret-recorder", "");
  auto r = Record(*alice, 0);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(ActorOf(*alice, r->sequence()), "alice");
}

TEST_F(AuthTest, AuditorReadsAndProvesButNeverWrites) {
  auto audrey = Client("s3cret-auditor", "");
  const uint64_t size = server_.Size(*audrey);
  auto refused = Record(*audrey, 0);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("auditor"));
  ledger::v1::AppendRequest append;
  append.set_stream("compact/test-compact");
  append.mutable_payload()->PackFrom(Endorse(kCompact, BodyId(0), "2006-04-04"));
  EXPECT_EQ(audrey->Call(&LedgerService::Stub::Append, audrey->ledger(), append).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(server_.Size(*audrey), size);
  EXPECT_THAT(Read(*audrey), IsOk());
  ledger::v1::GetInclusionProofRequest proof;
  proof.set_sequence(0);
  EXPECT_THAT(audrey->Call(&LedgerService::Stub::GetInclusionProof, audrey->ledger(), proof), IsOk());
}

TEST_F(AuthTest, MissingOrUnknownCredentialsAreUnauthenticated) {
  auto nobody = Anonymous();
  EXPECT_EQ(Read(*nobody).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Record(*nobody, 0).status().code(), absl::StatusCode::kUnauthenticated);
  auto guesser = Client("not-a-token", "");
  EXPECT_EQ(Read(*guesser).code(), absl::StatusCode::kUnauthenticated);
  // A plaintext client cannot talk to the TLS server at all.
  ClientOptions plain;
  plain.timeout = absl::Seconds(2);
  EXPECT_EQ(Read(*server_.Client(plain)).code(), absl::StatusCode::kUnavailable);
}

TEST_F(AuthTest, ClientCertificatesCarryTheirRole) {
  auto clerk = Client("", "clerk.example");
  // Client() falls back to alice's token without a cert; with one, no token.
  ClientOptions o;
  o.ca_file = ca_.ca_file();
  o.server_name = "localhost";
  const PemFiles clerk_pem = ca_.Issue("clerk.example", false);
  o.cert_file = clerk_pem.cert;
  o.key_file = clerk_pem.key;
  auto clerk_only = server_.Client(o);
  auto r = Record(*clerk_only, 1);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(ActorOf(*clerk_only, r->sequence()), "clerk.example");
  const PemFiles scrutiny = ca_.Issue("scrutiny.example", false);
  o.cert_file = scrutiny.cert;
  o.key_file = scrutiny.key;
  auto auditor = server_.Client(o);
  EXPECT_THAT(Read(*auditor), IsOk());
  EXPECT_EQ(Record(*auditor, 1).status().code(), absl::StatusCode::kPermissionDenied);
  const PemFiles stranger = ca_.Issue("stranger.example", false);
  o.cert_file = stranger.cert;
  o.key_file = stranger.key;
  auto unknown = server_.Client(o);
  auto refused = Read(*unknown);
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("stranger.example"));
}

TEST(ServerConfigTest, RefusesInsecureConfigurations) {
  ledger::testing::TempDir dir;
  TestCa ca(dir.path());
  const PemFiles pem = ca.Issue("localhost", true);
  WritePrivateFile(dir.Sub("access"), kAccessFile);
  std::ostringstream log;
  auto start = [&](auto edit) {
    ServerOptions o;
    o.db = dir.Sub("db");
    o.log = &log;
    edit(o);
    return LedgerServer::Start(o).status();
  };
  // Plaintext off loopback.
  EXPECT_EQ(start([](ServerOptions& o) { o.listen = "0.0.0.0:0"; }).code(),
            absl::StatusCode::kInvalidArgument);
  // TLS off loopback but nobody authenticates callers.
  EXPECT_EQ(start([&](ServerOptions& o) {
              o.listen = "0.0.0.0:0";
              o.tls_cert_file = pem.cert;
              o.tls_key_file = pem.key;
            }).code(),
            absl::StatusCode::kInvalidArgument);
  // Half a key pair; mTLS without TLS; cert rules without a client CA.
  EXPECT_EQ(start([&](ServerOptions& o) { o.tls_cert_file = pem.cert; }).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(start([&](ServerOptions& o) { o.client_ca_file = ca.ca_file(); }).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(start([&](ServerOptions& o) {
              o.tls_cert_file = pem.cert;
              o.tls_key_file = pem.key;
              o.access_file = dir.Sub("access");
            }).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(start([&](ServerOptions& o) { o.access_file = dir.Sub("missing"); }).code(),
            absl::StatusCode::kNotFound);
}

// The reproduction of the open door: TLS off loopback with an access file
// whose every token was commented out used to let anonymous callers record
// as "local". Now the server refuses to start and says what to do.
TEST(ServerConfigTest, AccessFileWithoutRulesIsRefusedAtStart) {
  ledger::testing::TempDir dir;
  TestCa ca(dir.path());
  const PemFiles pem = ca.Issue("localhost", true);
  for (const char* text : {"# all tokens revoked\n", "", "\n   \n# none\n\t\n"}) {
    WritePrivateFile(dir.Sub("access"), text);
    for (const char* listen : {"0.0.0.0:0", "127.0.0.1:0"}) {
      std::ostringstream log;
      ServerOptions o;
      o.db = dir.Sub("db");
      o.log = &log;
      o.listen = listen;
      o.tls_cert_file = pem.cert;
      o.tls_key_file = pem.key;
      o.access_file = dir.Sub("access");
      auto started = LedgerServer::Start(o);
      EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument) << listen;
      EXPECT_THAT(std::string(started.status().message()), HasSubstr("no rule")) << listen;
      EXPECT_THAT(std::string(started.status().message()), HasSubstr("token <role>"));
    }
  }
  // Nothing was created or appended: the database was never opened.
  EXPECT_FALSE(std::ifstream(dir.Sub("db") + "/CURRENT").good());
}

TEST(ServerConfigTest, AccessFileOthersMayReadIsRefusedAtStart) {
  ledger::testing::TempDir dir;
  WritePrivateFile(dir.Sub("access"), kAccessFile);
  for (mode_t mode : {0644, 0640, 0604, 0620, 0602, 0610}) {
    chmod(dir.Sub("access").c_str(), mode);
    auto policy = AccessPolicy::Load(dir.Sub("access"));
    EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument) << mode;
    EXPECT_THAT(std::string(policy.status().message()), HasSubstr("chmod 600")) << mode;
  }
  chmod(dir.Sub("access").c_str(), 0644);
  TestServer server;
  server.options().access_file = dir.Sub("access");
  EXPECT_EQ(server.Start().code(), absl::StatusCode::kInvalidArgument);
  chmod(dir.Sub("access").c_str(), 0400);
  EXPECT_THAT(AccessPolicy::Load(dir.Sub("access")), IsOk());
}

TEST(ServerConfigTest, ParsedAccessFileIsNeverOpen) {
  auto policy = AccessPolicy::Parse("cert admin ops\n");
  ASSERT_THAT(policy, IsOk());
  EXPECT_FALSE(policy->open());
  EXPECT_TRUE(AccessPolicy().open());
}

TEST(ServerConfigTest, PlaintextListenOnALookalikeNameIsRefused) {
  std::ostringstream log;
  ledger::testing::TempDir dir;
  ServerOptions o;
  o.db = dir.Sub("db");
  o.log = &log;
  o.listen = "127.evil.example:0";
  auto started = LedgerServer::Start(o);
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(started.status().message()), HasSubstr("plaintext"));
}

TEST(ClientConfigTest, NoTokenOrRecordingOverPlaintextOffLoopback) {
  for (const char* target : {"192.0.2.1:443", "127.evil.example:443", "ledger.example:443",
                             "[::]:443", "0.0.0.0:443"}) {
    ClientOptions o;
    o.target = target;
    o.token = "s3cret";
    auto client = LedgerClient::Connect(o);
    EXPECT_EQ(client.status().code(), absl::StatusCode::kInvalidArgument) << target;
    EXPECT_THAT(std::string(client.status().message()), HasSubstr("--ca")) << target;
    EXPECT_THAT(std::string(client.status().message()), HasSubstr("bearer token")) << target;
    o.token.clear();
    o.records = true;
    client = LedgerClient::Connect(o);
    EXPECT_EQ(client.status().code(), absl::StatusCode::kInvalidArgument) << target;
    EXPECT_THAT(std::string(client.status().message()), HasSubstr("record")) << target;
    // Reading anonymously over plaintext is the caller's business.
    o.records = false;
    EXPECT_THAT(LedgerClient::Connect(o), IsOk()) << target;
  }
  ledger::testing::TempDir dir;
  TestCa ca(dir.path());
  for (const char* target : {"192.0.2.1:443", "127.0.0.1:1", "[::1]:1", "localhost:1"}) {
    ClientOptions o;
    o.target = target;
    o.token = "s3cret";
    o.records = true;
    // Over TLS anywhere; over plaintext on loopback.
    EXPECT_EQ(LedgerClient::Connect(o).ok(), IsLoopbackAddress(target)) << target;
    o.ca_file = ca.ca_file();
    EXPECT_THAT(LedgerClient::Connect(o), IsOk()) << target;
  }
}

TEST(ServerConfigTest, MessageSizeLimitOutsideItsBoundsIsRefused) {
  for (int bytes : {-1, 0, kMinReceiveMessageBytes - 1, kMaxReceiveMessageBytes + 1,
                    std::numeric_limits<int>::max()}) {
    TestServer server;
    server.options().max_receive_message_bytes = bytes;
    const absl::Status started = server.Start();
    EXPECT_EQ(started.code(), absl::StatusCode::kInvalidArgument) << bytes;
    EXPECT_THAT(std::string(started.message()), HasSubstr("--max-message-bytes")) << bytes;
  }
  for (int bytes : {kMinReceiveMessageBytes, kMaxReceiveMessageBytes}) {
    TestServer server;
    server.options().max_receive_message_bytes = bytes;
    EXPECT_THAT(server.Start(), IsOk()) << bytes;
  }
}

TEST(ServerConfigTest, PlaintextLoopbackSaysSoAndRecordsAsLocal) {
  TestServer server;
  ASSERT_THAT(server.Start(), IsOk());
  EXPECT_THAT(server.log_text(), HasSubstr("WITHOUT TLS"));
  EXPECT_THAT(server.log_text(), HasSubstr("\"local\""));
}

TEST(ServerConfigTest, AccessFileRejectsMalformedRules) {
  for (const char* text : {"token recorder alice", "cert boss someone", "key x y z",
                           "token admin a s\ntoken admin b s"}) {
    EXPECT_EQ(AccessPolicy::Parse(text).status().code(), absl::StatusCode::kInvalidArgument)
        << text;
  }
  EXPECT_THAT(AccessPolicy::Parse("# nothing\n\ncert admin ops\n"), IsOk());
}

TEST(HealthAndReflectionTest, StandardToolsCanDiscoverTheServer) {
  TestServer server;
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  HealthClient health(client->channel());
  auto serving = health.Check();
  ASSERT_THAT(serving, IsOk());
  EXPECT_TRUE(*serving);
  auto services = ListServicesByReflection(client->channel());
  ASSERT_THAT(services, IsOk());
  EXPECT_THAT(*services, HasSubstr("ledger.v1.LedgerService"));
  EXPECT_THAT(*services, HasSubstr("compact.v1.CompactService"));
  EXPECT_THAT(*services, HasSubstr("grpc.health.v1.Health"));
}

}  // namespace
}  // namespace ledger::services
