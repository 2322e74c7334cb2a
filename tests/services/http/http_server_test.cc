// `serve --http` over real HTTP on 127.0.0.1:0: a seed ledger with a signed
// checkpoint served as tlog-tiles and as its web view, read by cpp-httplib
// clients and by a raw socket for the requests a client library would not
// send; every status, the caching and CORS headers, bearer tokens and TLS.
#include "services/http/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <httplib.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/audit/checkpointer.h"
#include "ledger/compact_ledger.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/signed_note.h"
#include "ledger/scenario_file.h"
#include "ledger/tiles/tile_fetcher.h"
#include "ledger/tiles/verified_tree.h"
#include "tests/services/test_certs.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::SourcePath;

namespace ledger::services::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kOrigin[] = "example.org/served-ledger";
constexpr char kToken[] = "s3cret-auditor-token";

// Sends `request` as is on a new connection and returns everything the
// server answers until it closes the connection.
std::string RawRequest(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return "connect failed";
  }
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, 0);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0;) answer.append(buffer, n);
  ::close(fd);
  return answer;
}

// The status code of a raw answer ("HTTP/1.1 404 Not Found" -> 404).
int StatusOf(const std::string& answer) {
  if (answer.size() < 12 || !answer.starts_with("HTTP/1.1 ")) return -1;
  return std::stoi(answer.substr(9, 3));
}

std::string RawGet(int port, const std::string& target, const std::string& method = "GET") {
  return RawRequest(port, method + " " + target +
                              " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions options;
    options.path = dir_.Sub("db");
    options.create_if_missing = true;
    auto ledger = CompactLedger::Open(options);
    ASSERT_THAT(ledger, IsOk());
    ledger_ = *std::move(ledger);
    auto scenario = ReadScenarioFile(SourcePath("scenarios/worcestershire.jsonl"));
    ASSERT_THAT(scenario, IsOk());
    auto recorded =
        ledger_->Record(scenario->commands, "test", scenario->request_ids, scenario->labels);
    ASSERT_THAT(recorded, IsOk());
    auto signer = log::NoteSigner::Generate(kOrigin);
    ASSERT_THAT(signer, IsOk());
    signers_.push_back(*signer);
  }

  void Sign() {
    auto checkpoint = audit::PublishCheckpoint(ledger_->log(), signers_, kOrigin);
    ASSERT_THAT(checkpoint, IsOk());
  }

  void Start(HttpOptions options = {}) {
    options.log = &start_log_;
    auto server = HttpServer::Start(options, LedgerFileSources(*ledger_));
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  std::string WriteAccessFile() {
    const std::string path = dir_.Sub("access");
    std::ofstream(path) << "token auditor alice " << kToken << "\n";
    ::chmod(path.c_str(), 0600);
    return path;
  }

  // A TileFetcher over HTTP, as a mirror or the browser reads the log.
  tiles::TileFetcher Fetcher() {
    return [this](const std::string& path) -> absl::StatusOr<std::string> {
      auto res = client_->Get("/" + path);
      if (!res) return absl::UnavailableError(httplib::to_string(res.error()));
      if (res->status == 404) return absl::NotFoundError(path);
      if (res->status != 200) return absl::InternalError(std::to_string(res->status));
      return res->body;
    };
  }

  ledger::testing::TempDir dir_;
  std::unique_ptr<CompactLedger> ledger_;
  std::vector<log::NoteSigner> signers_;
  std::ostringstream start_log_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpServerTest, AClientVerifiesTheServedCheckpointTilesAndEntries) {
  Sign();
  Start();
  const tiles::TileFetcher fetch = Fetcher();
  auto note = fetch("checkpoint");
  ASSERT_THAT(note, IsOk());
  std::vector<log::NoteVerifier> keys = {signers_[0].verifier()};
  auto checkpoint = log::VerifyCheckpoint(*note, keys, kOrigin);
  ASSERT_THAT(checkpoint, IsOk());
  EXPECT_EQ(checkpoint->checkpoint.tree_size, ledger_->log().Size());
  auto tree = tiles::VerifiedTree::Fetch(
      fetch, {checkpoint->checkpoint.tree_size, checkpoint->checkpoint.root}, nullptr);
  ASSERT_THAT(tree, IsOk());
  auto entries = tree->FetchEntries(fetch, 0);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), tree->size());
  for (size_t i = 0; i < entries->size(); ++i) {
    EXPECT_EQ((*entries)[i], ledger_->log().GetEntry(i)->bytes) << i;
  }
}

TEST_F(HttpServerTest, CachingFollowsTlogTilesAndCorsLetsAnyOriginRead) {
  Sign();
  Start();
  auto checkpoint = client_->Get("/checkpoint");
  ASSERT_TRUE(checkpoint);
  EXPECT_EQ(checkpoint->status, 200);
  EXPECT_EQ(checkpoint->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(checkpoint->get_header_value("Cache-Control"), "public, max-age=5, must-revalidate");
  EXPECT_EQ(checkpoint->get_header_value("Access-Control-Allow-Origin"), "*");
  // The seed is smaller than one tile: its tiles are partial, and immutable.
  const uint64_t size = ledger_->log().Size();
  ASSERT_LT(size, 256u);
  auto tile = client_->Get("/tile/0/000.p/" + std::to_string(size));
  ASSERT_TRUE(tile);
  EXPECT_EQ(tile->status, 200);
  EXPECT_EQ(tile->body.size(), size * 32);
  EXPECT_EQ(tile->get_header_value("Content-Type"), "application/octet-stream");
  EXPECT_EQ(tile->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  auto bundle = client_->Get("/tile/entries/000.p/" + std::to_string(size));
  ASSERT_TRUE(bundle);
  EXPECT_EQ(bundle->status, 200);
  EXPECT_EQ(bundle->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  auto page = client_->Get("/compact.html");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Cache-Control"), "public, max-age=5, must-revalidate");
  EXPECT_EQ(page->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_THAT(page->body, HasSubstr("<meta http-equiv=\"Content-Security-Policy\" "
                                    "content=\"default-src 'self';"));
  EXPECT_THAT(page->get_header_value("Content-Security-Policy"),
              HasSubstr("frame-ancestors 'self'"));
  EXPECT_EQ(page->get_header_value("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(tile->get_header_value("Content-Security-Policy"), "");
}

TEST_F(HttpServerTest, ServesTheWebViewsIndexAtTheRootAndItsData) {
  Sign();
  Start();
  for (const char* root : {"/", "/index.html"}) {
    auto index = client_->Get(root);
    ASSERT_TRUE(index);
    EXPECT_EQ(index->status, 200) << root;
    EXPECT_THAT(index->get_header_value("Content-Type"), StartsWith("text/html")) << root;
    EXPECT_THAT(index->body, HasSubstr("<html")) << root;
  }
  auto data = client_->Get("/data/index.json");
  ASSERT_TRUE(data);
  EXPECT_EQ(data->status, 200);
  EXPECT_THAT(data->body, HasSubstr(signers_[0].verifier().KeyString()));
  EXPECT_THAT(data->body, HasSubstr(kOrigin));
}

// tlog-tiles: entry bundles "SHOULD be compressed at the HTTP layer".
TEST_F(HttpServerTest, EntryBundlesAreGzippedForClientsThatAcceptItAndTilesNever) {
  Sign();
  Start();
  const std::string bundle = "/tile/entries/000.p/" + std::to_string(ledger_->log().Size());
  const std::string identity = RawGet(server_->port(), bundle);
  ASSERT_EQ(StatusOf(identity), 200) << identity;
  EXPECT_THAT(identity, Not(HasSubstr("Content-Encoding")));
  EXPECT_THAT(identity, HasSubstr("Vary: Accept-Encoding"));
  const std::string identity_body = identity.substr(identity.find("\r\n\r\n") + 4);

  const std::string gzip_request = "GET " + bundle +
                                   " HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n"
                                   "Connection: close\r\n\r\n";
  const std::string gzipped = RawRequest(server_->port(), gzip_request);
  ASSERT_EQ(StatusOf(gzipped), 200) << gzipped;
  EXPECT_THAT(gzipped, HasSubstr("Content-Encoding: gzip"));
  const std::string gzipped_body = gzipped.substr(gzipped.find("\r\n\r\n") + 4);
  EXPECT_LT(gzipped_body.size(), identity_body.size() / 2) << "the seed's entries are text";
  // A client library that accepts gzip reads the same bytes.
  auto decoded = client_->Get(bundle, {{"Accept-Encoding", "gzip, identity"}});
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(decoded->body, identity_body);

  // "gzip;q=0" refuses it; hash tiles are random bytes and never compressed.
  const std::string refused = RawRequest(
      server_->port(), "GET " + bundle + " HTTP/1.1\r\nHost: localhost\r\n"
                       "Accept-Encoding: *, gzip;q=0\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(refused, Not(HasSubstr("Content-Encoding")));
  const std::string tile = RawRequest(
      server_->port(), "GET /tile/0/000.p/" + std::to_string(ledger_->log().Size()) +
                           " HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n"
                           "Connection: close\r\n\r\n");
  ASSERT_EQ(StatusOf(tile), 200);
  EXPECT_THAT(tile, Not(HasSubstr("Content-Encoding")));
}

TEST_F(HttpServerTest, HeadAnswersTheHeadersOfGetWithoutTheBody) {
  Sign();
  Start();
  auto get = client_->Get("/checkpoint");
  auto head = client_->Head("/checkpoint");
  ASSERT_TRUE(get);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(head->get_header_value("Content-Length"), std::to_string(get->body.size()));
  EXPECT_EQ(head->get_header_value("Cache-Control"), get->get_header_value("Cache-Control"));
  auto missing = client_->Head("/nothing-here");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(HttpServerTest, OptionsIsTheCorsPreflightAndOtherMethodsAre405) {
  Sign();
  Start();
  auto options = client_->Options("/tile/0/000");
  ASSERT_TRUE(options);
  EXPECT_EQ(options->status, 204);
  EXPECT_EQ(options->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(options->get_header_value("Access-Control-Allow-Methods"), "GET, HEAD");
  EXPECT_THAT(options->get_header_value("Access-Control-Allow-Headers"), HasSubstr("Authorization"));
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
    const std::string answer = RawGet(server_->port(), "/checkpoint", method);
    EXPECT_EQ(StatusOf(answer), 405) << method << answer;
    EXPECT_THAT(answer, HasSubstr("Allow: GET, HEAD, OPTIONS")) << method;
    EXPECT_THAT(answer, HasSubstr("only reads the published ledger")) << method;
  }
  // A method cpp-httplib does not know is refused before it is routed.
  const std::string brew = RawGet(server_->port(), "/checkpoint", "BREW");
  EXPECT_EQ(StatusOf(brew), 400) << brew;
}

TEST_F(HttpServerTest, AMissingFileIs404SayingWhatIsServed) {
  Sign();
  Start();
  const uint64_t size = ledger_->log().Size();
  const std::vector<std::string> missing = {"/nothing-here", "/tile/0/000", "/tile/entries/001",
                                            "/tile/0/000.p/" + std::to_string(size + 1),
                                            "/data/none.json"};
  for (const std::string& path : missing) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_THAT(res->body, HasSubstr("nothing is published at " + path)) << path;
    EXPECT_THAT(res->body, HasSubstr("/checkpoint")) << path;
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store") << path;
  }
}

TEST_F(HttpServerTest, BadAndHostilePathsAre400AndNeverLeaveTheServedFiles) {
  Sign();
  Start();
  // A file beside the database that a traversal would reach.
  std::ofstream(dir_.Sub("secret")) << "do not serve";
  for (const std::string target :
       {"/../secret", "/tile/../../secret", "/%2e%2e/secret", "/tile/%2E%2E/%2e%2e/secret",
        "/./checkpoint", "//checkpoint", "/tile//0/000", "/a%00b", "/tile\\..\\secret",
        "/tile/0/1", "/tile/0/x001", "/tile/0/0000", "/tile/0/000.p/0", "/tile/0/000.p/256",
        "/tile/0/x000/000", "/tile/99999999999999999999/000"}) {
    const std::string answer = RawGet(server_->port(), target);
    EXPECT_EQ(StatusOf(answer), 400) << target << "\n" << answer;
    EXPECT_THAT(answer, ::testing::Not(HasSubstr("do not serve"))) << target;
  }
  // A request target that is not a path at all.
  EXPECT_EQ(StatusOf(RawGet(server_->port(), "secret")), 400);
}

TEST_F(HttpServerTest, BeforeAnyCheckpointNothingIsServedAndTheBodySaysHowToSignOne) {
  Start();
  for (const char* path : {"/checkpoint", "/", "/data/index.json"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_THAT(res->body, HasSubstr("no signed checkpoint yet")) << path;
  }
}

TEST_F(HttpServerTest, ServesTheLiveLedgerAsItGrows) {
  Sign();
  Start();
  auto before = client_->Get("/data/index.json");
  ASSERT_TRUE(before);
  const uint64_t size = ledger_->log().Size();
  EXPECT_THAT(before->body, HasSubstr("\"treeSize\": " + std::to_string(size)));
  // One more fact the domain accepts: the seed's compact registered again
  // under another id.
  auto scenario = ReadScenarioFile(SourcePath("scenarios/worcestershire.jsonl"));
  ASSERT_THAT(scenario, IsOk());
  compact::v1::Event again;
  for (const compact::v1::Event& command : scenario->commands) {
    if (command.has_compact_registered()) {
      again = command;
      break;
    }
  }
  ASSERT_TRUE(again.has_compact_registered());
  again.mutable_compact_registered()->set_compact_id("served-live-compact");
  auto recorded = ledger_->Record({again}, "test");
  ASSERT_THAT(recorded, IsOk());
  Sign();
  auto checkpoint = client_->Get("/checkpoint");
  ASSERT_TRUE(checkpoint);
  EXPECT_THAT(checkpoint->body, HasSubstr("\n" + std::to_string(size + 1) + "\n"));
  auto after = client_->Get("/data/index.json");
  ASSERT_TRUE(after);
  EXPECT_THAT(after->body, HasSubstr("\"treeSize\": " + std::to_string(size + 1)));
  EXPECT_THAT(after->body, HasSubstr("served-live-compact"));
}

TEST_F(HttpServerTest, WithAnAccessFileEveryReadNeedsAKnownBearerToken) {
  Sign();
  HttpOptions options;
  options.access_file = WriteAccessFile();
  Start(options);
  auto none = client_->Get("/checkpoint");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(none->get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_THAT(none->body, HasSubstr("this ledger is private"));
  auto wrong = client_->Get("/checkpoint", {{"Authorization", "Bearer not-the-token"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_THAT(wrong->body, HasSubstr("unknown bearer token"));
  auto basic = client_->Get("/checkpoint", {{"Authorization", "Basic YWxpY2U6eA=="}});
  ASSERT_TRUE(basic);
  EXPECT_EQ(basic->status, 401);
  auto right = client_->Get("/checkpoint", {{"Authorization", std::string("Bearer ") + kToken}});
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200);
  EXPECT_THAT(right->body, StartsWith(kOrigin));
  // No shared cache may keep a private ledger's files.
  EXPECT_EQ(right->get_header_value("Cache-Control"), "private, max-age=5, must-revalidate");
  EXPECT_EQ(right->get_header_value("Vary"), "Authorization");
  // Preflights carry no credentials and need none.
  auto preflight = client_->Options("/checkpoint");
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
}

TEST_F(HttpServerTest, ServesOverTlsWithTheGivenCertificate) {
  Sign();
  services::testing::TestCa ca(dir_.path());
  const services::testing::PemFiles pem = ca.Issue("localhost", /*server=*/true);
  HttpOptions options;
  options.tls_cert_file = pem.cert;
  options.tls_key_file = pem.key;
  Start(options);
  EXPECT_THAT(server_->url(), StartsWith("https://127.0.0.1:"));
  httplib::SSLClient tls("127.0.0.1", server_->port());
  tls.set_ca_cert_path(ca.ca_file().c_str());
  tls.enable_server_certificate_verification(true);
  auto res = tls.Get("/checkpoint");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->body, StartsWith(kOrigin));
  EXPECT_THAT(start_log_.str(), ::testing::Not(HasSubstr("plaintext")));
}

TEST_F(HttpServerTest, RefusesUnsafeOrMalformedConfigurations) {
  const auto start = [this](const std::string& listen, const std::string& cert = "",
                            const std::string& key = "", const std::string& access = "") {
    HttpOptions options;
    options.listen = listen;
    options.tls_cert_file = cert;
    options.tls_key_file = key;
    options.access_file = access;
    options.log = &start_log_;
    return HttpServer::Start(options, LedgerFileSources(*ledger_)).status();
  };
  EXPECT_THAT(start("0.0.0.0:0").message(), HasSubstr("not a loopback address"));
  EXPECT_THAT(start("127.0.0.1").message(), HasSubstr("has no port"));
  EXPECT_THAT(start("127.0.0.1:99999").message(), HasSubstr("port number"));
  EXPECT_THAT(start("127.0.0.1:http").message(), HasSubstr("port number"));
  EXPECT_THAT(start("[::1:0").message(), HasSubstr("[host]:port"));
  EXPECT_THAT(start("127.0.0.1:0", dir_.Sub("cert.pem")).message(), HasSubstr("both"));
  std::ofstream(dir_.Sub("junk.pem")) << "not a certificate";
  const absl::Status junk = start("127.0.0.1:0", dir_.Sub("junk.pem"), dir_.Sub("junk.pem"));
  EXPECT_EQ(junk.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(junk.message(), HasSubstr("cannot load the TLS certificate"));
  EXPECT_EQ(start("127.0.0.1:0", "", "", dir_.Sub("no-such-file")).code(),
            absl::StatusCode::kNotFound);
  // The port taken by another listener.
  Start();
  const absl::Status taken = start("127.0.0.1:" + std::to_string(server_->port()));
  EXPECT_EQ(taken.code(), absl::StatusCode::kUnavailable) << taken;
}

TEST_F(HttpServerTest, SaysAtStartThatItIsPlaintextAndOpen) {
  Start();
  EXPECT_THAT(start_log_.str(), HasSubstr("plaintext, on loopback only"));
  EXPECT_THAT(start_log_.str(), HasSubstr("open to anyone"));
  EXPECT_THAT(server_->url(), StartsWith("http://127.0.0.1:"));
  server_->Shutdown();
  server_->Shutdown();  // idempotent
}

}  // namespace
}  // namespace ledger::services::http
