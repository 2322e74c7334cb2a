// End-to-end tests of ledgerctl's auditing subcommands (keygen, checkpoint,
// export-bundle, verify --bundle, prove --compact, verify-proof) and of
// `record` without a server: the real binary on the demo ledger, good input
// and bad, and the documented exit codes (0 verified, 1 does not verify,
// 2 bad input, 3 could not read).
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/testing/run_command.h"
#include "tests/testing/seed_scenario.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::LedgerctlPath;

namespace ledger {
namespace {

using ::testing::HasSubstr;
using testing::RunCommand;

constexpr char kOrigin[] = "example.org/compacts";

class LedgerctlAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Ctl("demo --db " + Path("db")).exit_code, 0);
    auto keygen = Ctl("keygen --name " + std::string(kOrigin) + " --out " + Path("key"));
    ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
    key_ = keygen.out.substr(0, keygen.out.find('\n'));
  }

  std::string Path(const std::string& name) const { return dir_.Sub(name); }
  testing::CommandResult Ctl(const std::string& args) const {
    return RunCommand(LedgerctlPath() + " " + args);
  }
  // Signs the demo ledger and writes its bundle to Path("bundle").
  void SignAndExport() {
    auto signed_head = Ctl("checkpoint --db " + Path("db") + " --sign-key " + Path("key") +
                           " --origin " + kOrigin);
    ASSERT_EQ(signed_head.exit_code, 0) << signed_head.err;
    auto exported = Ctl("export-bundle --db " + Path("db") + " --out " + Path("bundle"));
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
  }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(Path(name), std::ios::binary) << text;
  }

  ledger::testing::TempDir dir_;
  std::string key_;
};

TEST_F(LedgerctlAuditTest, KeygenPrintsAVerifierKeyAndWritesAPrivateFile) {
  EXPECT_TRUE(std::regex_match(key_, std::regex(R"(example\.org/compacts\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*)")))
      << key_;
  struct stat st {};
  ASSERT_EQ(stat(Path("key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(LedgerctlAuditTest, KeygenRefusesToOverwriteOrToRunWithoutAName) {
  auto again = Ctl("keygen --name " + std::string(kOrigin) + " --out " + Path("key"));
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("already exists"));
  EXPECT_EQ(Ctl("keygen --out " + Path("other")).exit_code, 2);
}

TEST_F(LedgerctlAuditTest, CheckpointRefusesBadKeysOriginsAndDatabases) {
  auto no_origin = Ctl("checkpoint --db " + Path("db") + " --sign-key " + Path("key"));
  EXPECT_EQ(no_origin.exit_code, 2);
  EXPECT_THAT(no_origin.err, HasSubstr("--origin"));
  Write("junk.key", "not a key\n");
  chmod(Path("junk.key").c_str(), 0600);
  EXPECT_EQ(Ctl("checkpoint --db " + Path("db") + " --sign-key " + Path("junk.key") +
                " --origin " + kOrigin).exit_code, 2);
  EXPECT_EQ(Ctl("checkpoint --db " + Path("db") + " --sign-key " + Path("missing.key") +
                " --origin " + kOrigin).exit_code, 3);
  EXPECT_EQ(Ctl("checkpoint --db " + Path("no-db") + " --sign-key " + Path("key") +
                " --origin " + kOrigin).exit_code, 3);
  // Nothing was signed by the refused calls.
  EXPECT_EQ(Ctl("checkpoint --db " + Path("db")).exit_code, 2);
}

TEST_F(LedgerctlAuditTest, BundleVerifiesAndEachBreakageHasItsExitCode) {
  SignAndExport();
  auto good = Ctl("verify --bundle " + Path("bundle") + " --key '" + key_ + "'");
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_THAT(good.out, HasSubstr(absl::StrCat("verified: ", testing::kSeedEntries, " entries")));

  // One byte of an entry changed: tampered, and the entry is named.
  std::string bytes = testing::ReadFile(Path("bundle"));
  const size_t entry = bytes.find("\nentry 42 ");
  ASSERT_NE(entry, std::string::npos);
  char& digit = bytes[entry + 40];
  digit = digit == 'A' ? 'B' : 'A';
  Write("tampered", bytes);
  auto tampered = Ctl("verify --bundle " + Path("tampered") + " --key '" + key_ + "'");
  EXPECT_EQ(tampered.exit_code, 1);
  EXPECT_THAT(tampered.out + tampered.err, HasSubstr("entry 42"));

  // Cut short: tampered (the end line is missing).
  Write("short", testing::ReadFile(Path("bundle")).substr(0, 2000));
  EXPECT_EQ(Ctl("verify --bundle " + Path("short") + " --key '" + key_ + "'").exit_code, 1);

  // Not a bundle, or no such file: could not read.
  Write("text", "hello\n");
  EXPECT_EQ(Ctl("verify --bundle " + Path("text") + " --key '" + key_ + "'").exit_code, 3);
  EXPECT_EQ(Ctl("verify --bundle " + Path("none") + " --key '" + key_ + "'").exit_code, 3);

  // A malformed key, or none: bad input.
  auto malformed = Ctl("verify --bundle " + Path("bundle") + " --key 'garbage+1234'");
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_THAT(malformed.err, HasSubstr("not a verifier key"));
  EXPECT_EQ(Ctl("verify --bundle " + Path("bundle")).exit_code, 2);

  // Another key of the same name: the signature is not trusted.
  auto other = Ctl("keygen --name " + std::string(kOrigin) + " --out " + Path("other"));
  ASSERT_EQ(other.exit_code, 0);
  const std::string other_key = other.out.substr(0, other.out.find('\n'));
  auto untrusted = Ctl("verify --bundle " + Path("bundle") + " --key '" + other_key + "'");
  EXPECT_EQ(untrusted.exit_code, 1);
  EXPECT_THAT(untrusted.out + untrusted.err, HasSubstr("bad-signature"));
}

TEST_F(LedgerctlAuditTest, ExportRefusesBadInputAndNeverOverwrites) {
  SignAndExport();
  EXPECT_EQ(Ctl("export-bundle --db " + Path("db") + " --out " + Path("bundle")).exit_code,
            2);
  EXPECT_EQ(Ctl("export-bundle --db " + Path("db") + " --server 127.0.0.1:1 --out " +
                Path("b2")).exit_code, 2);
  EXPECT_EQ(Ctl("export-bundle --db " + Path("no-db") + " --out " + Path("b3")).exit_code, 3);
}

TEST_F(LedgerctlAuditTest, ProofOfOneDecisionVerifiesOfflineAndRefusesTampering) {
  SignAndExport();
  auto proof = Ctl("prove --db " + Path("db") + " --compact worcestershire-2006 --event " +
                   std::to_string(testing::kSeedCompactRegistration));
  ASSERT_EQ(proof.exit_code, 0) << proof.err;
  Write("proof.json", proof.out);
  auto good = Ctl("verify-proof " + Path("proof.json") + " --key '" + key_ + "'");
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_THAT(good.out, HasSubstr(absl::StrCat("entry ", testing::kSeedCompactRegistration,
                                             " is in the tree of size ", testing::kSeedEntries)));

  std::string text = proof.out;
  const size_t leaf = text.find("\"leafHash\":\"");
  ASSERT_NE(leaf, std::string::npos);
  char& hex = text[leaf + 12];
  hex = hex == '0' ? '1' : '0';
  Write("bad.json", text);
  EXPECT_EQ(Ctl("verify-proof " + Path("bad.json") + " --key '" + key_ + "'").exit_code, 1);

  Write("junk.json", "{");
  EXPECT_EQ(Ctl("verify-proof " + Path("junk.json") + " --key '" + key_ + "'").exit_code, 3);
  auto not_its_event =
      Ctl("prove --db " + Path("db") + " --compact worcestershire-2006 --event 3");
  EXPECT_EQ(not_its_event.exit_code, 2);
  EXPECT_THAT(not_its_event.err, HasSubstr("does not concern"));
  EXPECT_EQ(Ctl("prove --db " + Path("db") + " --compact no-such --event 3").exit_code, 2);
}

TEST_F(LedgerctlAuditTest, RecordWithoutAServerSaysItCannotReachIt) {
  auto r = Ctl("record endorse --server 127.0.0.1:1 --compact worcestershire-2006 --by x "
               "--date 2006 --source s --quote q");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("127.0.0.1:1"));
}

}  // namespace
}  // namespace ledger
