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
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::PythonStubsDir;
using ::ledger::testing::SourcePath;

namespace ledger::services {
namespace {

using ::testing::HasSubstr;
using compact::v1::CompactService;
using namespace ledger::services::testing;  // NOLINT: test helpers

// A TLS server with a recorder token for the Python client, its test world
// seeded, and a C++ client of it to check what Python recorded.
class PythonTlsTest : public ::testing::Test {
 protected:
  PythonTlsTest() : ca_(certs_.path()) {}

  void SetUp() override {
    const PemFiles pem = ca_.Issue("localhost", /*server=*/true);
    WritePrivateFile(certs_.Sub("access"), "token recorder python-clerk py-s3cret\n");
    server_.options().tls_cert_file = pem.cert;
    server_.options().tls_key_file = pem.key;
    server_.options().access_file = certs_.Sub("access");
    ASSERT_THAT(server_.Start(), IsOk());
    ClientOptions tls;
    tls.ca_file = ca_.ca_file();
    tls.server_name = "localhost";
    tls.token = "py-s3cret";
    client_ = server_.Client(tls);
    ASSERT_THAT(server_.SeedWorld(*client_), IsOk());
  }

  // `script` with the connection flags of this server, then `flags`.
  ledger::testing::CommandResult RunPython(const std::string& script, const std::string& flags) {
    return ledger::testing::RunCommand(
        absl::StrCat("PYTHONPATH=", PythonStubsDir(), " /usr/bin/python3 ", script, " --server ",
                     server_.server().address(), " --ca ", ca_.ca_file(),
                     " --server-name localhost --token py-s3cret ", flags));
  }

  ledger::testing::TempDir certs_;
  TestCa ca_;
  TestServer server_;
  std::unique_ptr<LedgerClient> client_;
};

TEST_F(PythonTlsTest, RecordsAnEndorsementAndReadsItBack) {
  auto run = RunPython(SourcePath("examples/python/record_and_read.py"),
                       absl::StrCat("--compact ", kCompact, " --body ", BodyId(2), " --source ",
                                    kSource, " --quote 'the source says so' --date 2006-06-07"));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("retry deduplicated: True"));
  EXPECT_THAT(run.out, HasSubstr("endorsed by body-2"));
  EXPECT_THAT(run.out, HasSubstr("recorded by python-clerk"));
  EXPECT_THAT(run.out, HasSubstr("inclusion proofs verify"));

  compact::v1::GetHistoryRequest history;
  history.set_compact_id(kCompact);
  auto events = client_->Call(&CompactService::Stub::GetHistory, client_->compact(), history);
  ASSERT_THAT(events, IsOk());
  ASSERT_EQ(events->events_size(), 2);  // registration, the one endorsement
  EXPECT_EQ(events->events(1).actor(), "python-clerk");
}

TEST_F(PythonTlsTest, AppendsEndorsementsOverOneStreamingCall) {
  auto run = RunPython(SourcePath("examples/python/append_stream.py"),
                       absl::StrCat("--compact ", kCompact, " --bodies ", BodyId(0), ",", BodyId(1),
                                    ",", BodyId(2), " --source ", kSource,
                                    " --quote 'the source says so' --date 2006-06-07"));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("3 endorsements appended on one call; resend deduplicated: True"));

  compact::v1::GetHistoryRequest history;
  history.set_compact_id(kCompact);
  auto events = client_->Call(&CompactService::Stub::GetHistory, client_->compact(), history);
  ASSERT_THAT(events, IsOk());
  ASSERT_EQ(events->events_size(), 4);  // registration, three endorsements
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(events->events(i).actor(), "python-clerk");
    EXPECT_EQ(events->events(i).event().actor().body_id(), BodyId(i - 1));
  }

  // A refusal is reported with its code, and the exit status says so.
  auto refused = RunPython(SourcePath("examples/python/append_stream.py"),
                           absl::StrCat("--compact no-such-compact --bodies ", BodyId(0),
                                        " --source ", kSource, " --date 2006-06-07"));
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("refused: "));
}

TEST(PythonClientTest, WrongTokenIsRefused) {
  TestServer server;
  ledger::testing::TempDir dir;
  WritePrivateFile(dir.Sub("access"), "token recorder python-clerk py-s3cret\n");
  server.options().access_file = dir.Sub("access");
  ASSERT_THAT(server.Start(), IsOk());
  auto run = ledger::testing::RunCommand(
      absl::StrCat("PYTHONPATH=", PythonStubsDir(), " /usr/bin/python3 ",
                   SourcePath("examples/python/record_and_read.py"), " --server ",
                   server.server().address(), " --token wrong"));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("UNAUTHENTICATED"));
}

}  // namespace
}  // namespace ledger::services
