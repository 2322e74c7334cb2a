// The Python example client (examples/python/record_and_read.py, Debian's
// python3-grpcio under /usr/bin/python3) against a real TLS server with a
// bearer token: it records an endorsement and reads the compact back.
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
