// End-to-end tests of what ledgerctl refuses about access and limits, with
// the real binary: `serve` with an access file that has no rule or that
// others may read, or a message limit out of bounds, and clients that would
// send a token or record over plaintext to an address that is not loopback.
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/services/test_certs.h"
#include "tests/testing/run_command.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::LedgerctlPath;

namespace ledger {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::RunCommand;

class LedgerctlAccessTest : public ::testing::Test {
 protected:
  LedgerctlAccessTest() : ca_(dir_.path()), server_pem_(ca_.Issue("localhost", true)) {}

  testing::CommandResult Ctl(const std::string& args, const std::string& env = "") {
    return RunCommand(env + " " + LedgerctlPath() + " " + args);
  }
  std::string Write(const std::string& name, const std::string& text, mode_t mode = 0600) {
    std::ofstream(dir_.Sub(name)) << text;
    chmod(dir_.Sub(name).c_str(), mode);
    return dir_.Sub(name);
  }
  std::string Serve(const std::string& access_file) {
    return "serve --db " + dir_.Sub("db") + " --listen 0.0.0.0:0 --tls-cert " +
           server_pem_.cert + " --tls-key " + server_pem_.key + " --tokens " + access_file;
  }

  testing::TempDir dir_;
  services::testing::TestCa ca_;
  services::testing::PemFiles server_pem_;
};

// The issue's reproduction: every token commented out used to open the
// server to anonymous recorders.
TEST_F(LedgerctlAccessTest, ServeRefusesACommentOnlyAccessFile) {
  auto r = Ctl(Serve(Write("access", "# all tokens revoked\n")));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("no rule"));
  EXPECT_THAT(r.err, HasSubstr("token <role> <name> <secret>"));
  EXPECT_THAT(r.out, Not(HasSubstr("listening")));
}

// HTTP off loopback without TLS is refused; "listening on" is printed only
// once every server asked for is up, so a script waiting for it is not misled.
TEST_F(LedgerctlAccessTest, ServeRefusesPlaintextHttpOffLoopbackBeforeSayingItListens) {
  ASSERT_EQ(Ctl("demo --db " + dir_.Sub("db")).exit_code, 0);
  auto r = Ctl("serve --db " + dir_.Sub("db") + " --http 0.0.0.0:0");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("listening")));
  EXPECT_FALSE(r.err.empty());
}

TEST_F(LedgerctlAccessTest, ServeRefusesAnAccessFileOthersMayRead) {
  auto r = Ctl(Serve(Write("access", "token admin ops s3cret\n", 0644)));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("chmod 600"));
}

TEST_F(LedgerctlAccessTest, ClientsRefuseATokenOverPlaintextOffLoopback) {
  const std::string token = Write("token", "s3cret\n");
  for (const char* server : {"192.0.2.1:443", "127.evil.example:443"}) {
    auto r = Ctl(std::string("replay --server ") + server +
                 " --compact c --at 2006 --token-file " + token);
    EXPECT_EQ(r.exit_code, 2) << server << r.err;
    EXPECT_THAT(r.err, HasSubstr("bearer token")) << server;
    EXPECT_THAT(r.err, HasSubstr("--ca")) << server;
    r = Ctl(std::string("history --server ") + server + " --compact c", "LEDGERCTL_TOKEN=s3cret");
    EXPECT_EQ(r.exit_code, 2) << server << r.err;
    EXPECT_THAT(r.err, HasSubstr("--ca")) << server;
  }
}

TEST_F(LedgerctlAccessTest, ClientsRefuseToRecordOverPlaintextOffLoopback) {
  const std::string scenario = Write(
      "scenario.jsonl",
      R"({"sourceRegistered": {"sourceId": "s", "title": "S", "date": {"edtf": "2006"}}})"
      "\n");
  auto r = Ctl("record import --server 192.0.2.1:443 " + scenario);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("refusing to record over plaintext"));
  EXPECT_THAT(r.err, HasSubstr("--ca"));
  r = Ctl("record endorse --server ledger.example:443 --date 2006-04-04 --compact c --by b "
          "--source s --locator x --quote q");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--ca"));
}

TEST_F(LedgerctlAccessTest, ServeRefusesAMessageLimitOutOfBounds) {
  for (const char* bytes : {"-1", "0", "1000000000"}) {
    auto r = Ctl("serve --db " + dir_.Sub("db") + " --max-message-bytes " + bytes);
    EXPECT_EQ(r.exit_code, 2) << bytes << r.err;
    EXPECT_THAT(r.err, HasSubstr("67108864")) << bytes;
  }
}

}  // namespace
}  // namespace ledger
