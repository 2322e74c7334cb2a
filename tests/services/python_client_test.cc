// The Python example client (examples/python/record_and_read.py, Debian's
// python3-grpcio under /usr/bin/python3) against a real TLS server with a
// bearer token: it records an endorsement and reads the compact back; and
// examples/python/append_stream.py appends endorsements over one
// AppendStream call.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/services/service_test_util.h"
#include "tests/services/test_certs.h"
#include "tests/testing/run_command.h"

namespace ledger::services {
namespace {

using ::testing::HasSubstr;
using compact::v1::CompactService;
using namespace ledger::services::testing;  // NOLINT: test helpers

TEST(PythonClientTest, RecordsAnEndorsementOverTlsAndReadsItBack) {
  ledger::testing::TempDir certs;
  TestCa ca(certs.path());
  const PemFiles pem = ca.Issue("localhost", /*server=*/true);
  std::ofstream(certs.Sub("access")) << "token recorder python-clerk py-s3cret\n";
  TestServer server;
  server.options().tls_cert_file = pem.cert;
  server.options().tls_key_file = pem.key;
  server.options().access_file = certs.Sub("access");
  ASSERT_TRUE(server.Start().ok());
  ClientOptions tls;
  tls.ca_file = ca.ca_file();
  tls.server_name = "localhost";
  tls.token = "py-s3cret";
  auto client = server.Client(tls);
  ASSERT_TRUE(server.SeedWorld(*client).ok());

  const std::string command = absl::StrCat(
      "PYTHONPATH=", LEDGER_PY_STUBS, " /usr/bin/python3 ", LEDGER_PY_EXAMPLE,
      " --server ", server.server().address(), " --ca ", ca.ca_file(),
      " --server-name localhost --token py-s3cret --compact ", kCompact, " --body ", Body(2),
      " --source ", kSource, " --quote 'the source says so' --date 2006-06-07");
  auto run = ledger::testing::RunCommand(command);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("retry deduplicated: True"));
  EXPECT_THAT(run.out, HasSubstr("endorsed by body-2"));
  EXPECT_THAT(run.out, HasSubstr("recorded by python-clerk"));
  EXPECT_THAT(run.out, HasSubstr("inclusion proofs verify"));

  compact::v1::GetHistoryRequest history;
  history.set_compact_id(kCompact);
  auto events = client->Call(&CompactService::Stub::GetHistory, client->compact(), history);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->events_size(), 2);  // registration, the one endorsement
  EXPECT_EQ(events->events(1).actor(), "python-clerk");
}

TEST(PythonClientTest, AppendsEndorsementsOverOneStreamingCall) {
  ledger::testing::TempDir certs;
  TestCa ca(certs.path());
  const PemFiles pem = ca.Issue("localhost", /*server=*/true);
  std::ofstream(certs.Sub("access")) << "token recorder python-clerk py-s3cret\n";
  TestServer server;
  server.options().tls_cert_file = pem.cert;
  server.options().tls_key_file = pem.key;
  server.options().access_file = certs.Sub("access");
  ASSERT_TRUE(server.Start().ok());
  ClientOptions tls;
  tls.ca_file = ca.ca_file();
  tls.server_name = "localhost";
  tls.token = "py-s3cret";
  auto client = server.Client(tls);
  ASSERT_TRUE(server.SeedWorld(*client).ok());

  auto run = ledger::testing::RunCommand(absl::StrCat(
      "PYTHONPATH=", LEDGER_PY_STUBS, " /usr/bin/python3 ", LEDGER_PY_STREAM_EXAMPLE,
      " --server ", server.server().address(), " --ca ", ca.ca_file(),
      " --server-name localhost --token py-s3cret --compact ", kCompact, " --bodies ",
      Body(0), ",", Body(1), ",", Body(2), " --source ", kSource,
      " --quote 'the source says so' --date 2006-06-07"));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("3 endorsements appended on one call; resend deduplicated: True"));

  compact::v1::GetHistoryRequest history;
  history.set_compact_id(kCompact);
  auto events = client->Call(&CompactService::Stub::GetHistory, client->compact(), history);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->events_size(), 4);  // registration, three endorsements
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(events->events(i).actor(), "python-clerk");
    EXPECT_EQ(events->events(i).event().actor().body_id(), Body(i - 1));
  }

  // A refusal is reported with its code, and the exit status says so.
  auto refused = ledger::testing::RunCommand(absl::StrCat(
      "PYTHONPATH=", LEDGER_PY_STUBS, " /usr/bin/python3 ", LEDGER_PY_STREAM_EXAMPLE,
      " --server ", server.server().address(), " --ca ", ca.ca_file(),
      " --server-name localhost --token py-s3cret --compact no-such-compact --bodies ",
      Body(0), " --source ", kSource, " --date 2006-06-07"));
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("refused: "));
}

TEST(PythonClientTest, WrongTokenIsRefused) {
  TestServer server;
  ledger::testing::TempDir dir;
  std::ofstream(dir.Sub("access")) << "token recorder python-clerk py-s3cret\n";
  server.options().access_file = dir.Sub("access");
  ASSERT_TRUE(server.Start().ok());
  auto run = ledger::testing::RunCommand(absl::StrCat(
      "PYTHONPATH=", LEDGER_PY_STUBS, " /usr/bin/python3 ", LEDGER_PY_EXAMPLE, " --server ",
      server.server().address(), " --token wrong"));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("UNAUTHENTICATED"));
}

}  // namespace
}  // namespace ledger::services
