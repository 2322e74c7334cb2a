// End-to-end tests of ledgerctl's log subcommands: the real binary on a real
// database, good input and bad.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "google/protobuf/wrappers.pb.h"
#include "ledger/log/log.h"
#include "ledger/log/proof_verify.h"
#include "tests/testing/run_command.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::LedgerctlPath;

namespace ledger {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::RunCommand;

class LedgerctlLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions options;
    options.path = db();
    auto log = log::Log::Open(options);
    ASSERT_THAT(log, IsOk());
    for (int i = 0; i < 20; ++i) {
      google::protobuf::StringValue value;
      value.set_value("entry " + std::to_string(i));
      log::AppendRequest r;
      r.stream = "compact/x";
      r.actor = "clerk";
      r.payload.PackFrom(value);
      ASSERT_THAT((*log)->Append(r), IsOk());
    }
    head_ = (*log)->Head();
  }
  std::string db() const { return dir_.Sub("db"); }
  testing::CommandResult Ctl(const std::string& args) {
    return RunCommand(LedgerctlPath() + " " + args);
  }

  testing::TempDir dir_;
  log::TreeHead head_;
};

TEST_F(LedgerctlLogTest, VerifyAcceptsGoodLog) {
  auto r = Ctl("verify --db " + db());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("verified: 20 entries"));
  EXPECT_THAT(r.out, HasSubstr(log::ToHex(head_.root)));
}

TEST_F(LedgerctlLogTest, RootMatchesLibrary) {
  auto r = Ctl("root --db " + db() + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["treeSize"], 20);
  EXPECT_EQ(j["rootHash"], log::ToHex(head_.root));
}

TEST_F(LedgerctlLogTest, ProveOutputVerifiesIndependently) {
  auto r = Ctl("prove --db " + db() + " --seq 7 --size 13 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  std::vector<log::Hash> proof;
  for (const auto& h : j["hashes"]) proof.push_back(*log::HashFromHex(h.get<std::string>()));
  EXPECT_THAT(log::VerifyInclusion(7, 13, *log::HashFromHex(j["leafHash"].get<std::string>()),
                                   proof, *log::HashFromHex(j["rootHash"].get<std::string>())),
              IsOk());
}

TEST_F(LedgerctlLogTest, ConsistencyOutputVerifiesIndependently) {
  auto r = Ctl("consistency --db " + db() + " --from 5 --to 20 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  std::vector<log::Hash> proof;
  for (const auto& h : j["hashes"]) proof.push_back(*log::HashFromHex(h.get<std::string>()));
  EXPECT_THAT(
      log::VerifyConsistency(5, 20, proof, *log::HashFromHex(j["firstRoot"].get<std::string>()),
                             *log::HashFromHex(j["secondRoot"].get<std::string>())),
      IsOk());
  EXPECT_EQ(j["secondRoot"], log::ToHex(head_.root));
}

TEST_F(LedgerctlLogTest, LogPrintsEntriesAsTextAndJson) {
  auto text = Ctl("log --db " + db() + " --from 18");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("#18"));
  EXPECT_THAT(text.out, HasSubstr("#19"));
  EXPECT_THAT(text.out, ::testing::Not(HasSubstr("#17")));
  auto json = Ctl("log --db " + db() + " --from 3 --limit 1 --format json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["sequence"], 3);
  EXPECT_EQ(j["entry"]["stream"], "compact/x");
  EXPECT_EQ(j["entry"]["payload"]["value"], "entry 3");
}

TEST_F(LedgerctlLogTest, MissingDatabaseIsUnreadableWithAHint) {
  auto r = Ctl("verify --db " + dir_.Sub("nope"));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("no ledger database"));
  // The core says what is wrong; the CLI adds its own command for it.
  EXPECT_THAT(r.err, HasSubstr("`ledgerctl demo --db DIR`"));
  for (const char* sub : {"log", "root", "prove --seq 0", "consistency --from 0"}) {
    auto other = Ctl(std::string(sub) + " --db " + dir_.Sub("nope"));
    EXPECT_EQ(other.exit_code, 3) << sub << ": " << other.err;
  }
}

TEST_F(LedgerctlLogTest, OutOfRangeSequencesAreBadInput) {
  auto prove = Ctl("prove --db " + db() + " --seq 20");
  EXPECT_EQ(prove.exit_code, 2);
  EXPECT_THAT(prove.err, HasSubstr("entry 20"));
  EXPECT_EQ(Ctl("prove --db " + db() + " --seq 3 --size 99").exit_code, 2);
  EXPECT_EQ(Ctl("consistency --db " + db() + " --from 9 --to 4").exit_code, 2);
  EXPECT_EQ(Ctl("root --db " + db() + " --size 21").exit_code, 2);
  EXPECT_EQ(Ctl("log --db " + db() + " --from 21").exit_code, 2);
}

TEST_F(LedgerctlLogTest, GarbageFlagsAreUsageErrors) {
  for (const char* args : {"", "verify", "verify --db", "prove --db x --seq abc",
                           "root --db x --format yaml", "frobnicate", "log --db x --bogus"}) {
    auto r = Ctl(args);
    EXPECT_EQ(r.exit_code, 2) << "'" << args << "': " << r.out << r.err;
    EXPECT_FALSE(r.err.empty()) << args;
  }
}

TEST_F(LedgerctlLogTest, NegativeNumbersBundleFlagsWithoutABundleAndUnknownCommandsAreRefused) {
  for (const char* args : {"log --from -1", "prove --seq -3", "root --size -1"}) {
    auto r = Ctl(std::string(args) + " --db " + db());
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("must not be negative")) << args;
    EXPECT_THAT(r.err, Not(HasSubstr("18446744073709551615"))) << args;
  }
  // The bundle's trust flags check nothing of a database: refused, not ignored.
  for (const char* flag : {"--policy p.txt", "--origin example.com/log", "--key k"}) {
    auto r = Ctl(absl::StrCat("verify --db ", db(), " ", flag));
    EXPECT_EQ(r.exit_code, 2) << flag << ": " << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("requires --bundle")) << flag;
  }
  auto unknown = Ctl("frobnicate --db " + db());
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown command \"frobnicate\""));
}

TEST_F(LedgerctlLogTest, HelpWorksForEverySubcommand) {
  for (const char* sub : {"verify", "log", "prove", "consistency", "root"}) {
    auto r = Ctl(std::string(sub) + " --help");
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_THAT(r.out, HasSubstr("--db")) << sub;
  }
}

TEST_F(LedgerctlLogTest, NonLedgerDirectoryIsRefused) {
  auto r = Ctl("verify --db /");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("no ledger database at /"));
}

}  // namespace
}  // namespace ledger
