// End-to-end: `ledgerctl mirror` copies the demo's published tiles (over
// HTTP from `ledgerctl serve --http`, or from a published directory) into a
// second database that verifies and replays the same states, follows the
// log as it grows, and refuses tampered tiles; `ledgerctl restore` rebuilds
// a writable ledger from the tiles alone.
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/run_command.h"
#include "tests/testing/serve_process.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::LedgerctlPath;
using ::ledger::testing::SourcePath;

namespace ledger {
namespace {

using ::testing::HasSubstr;
using testing::RunCommand;

constexpr char kOrigin[] = "example.org/published-ledger";
constexpr char kCompact[] = "worcestershire-2006";
// Dates at which the demo's compact reads differently: before it, drafted,
// adopted, and after its supersession.
const std::vector<std::string> kDates = {"2005", "2006-06-02", "2008", "2011-06-01"};

class LedgerctlMirrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Ctl("demo --db " + Db("source")).exit_code, 0);
    auto key = Ctl(std::string("keygen --name ") + kOrigin + " --out " + dir_.Sub("key"));
    ASSERT_EQ(key.exit_code, 0) << key.err;
    vkey_ = key.out.substr(0, key.out.find('\n'));
    SignAndPublish();
  }
  std::string Db(const std::string& name) const { return dir_.Sub(name); }
  std::string Published() const { return dir_.Sub("published"); }
  testing::CommandResult Ctl(const std::string& args) {
    return RunCommand(LedgerctlPath() + " " + args);
  }
  void SignAndPublish() {
    auto signed_ = Ctl("checkpoint --db " + Db("source") + " --sign-key " + dir_.Sub("key") +
                       " --origin " + kOrigin);
    ASSERT_EQ(signed_.exit_code, 0) << signed_.err;
    auto published = Ctl("publish --tiles-only --db " + Db("source") + " --out " + Published());
    ASSERT_EQ(published.exit_code, 0) << published.err;
  }
  std::string KeyFlag() const { return " --key '" + vkey_ + "'"; }
  // The copy reads as the source at every date, and verifies.
  void ExpectSameStates(const std::string& copy) {
    for (const std::string& date : kDates) {
      const std::string args = std::string(" --compact ") + kCompact + " --at " + date;
      auto source = Ctl("replay --db " + Db("source") + args);
      auto copied = Ctl("replay --db " + copy + args);
      ASSERT_EQ(copied.exit_code, 0) << copied.err;
      EXPECT_EQ(copied.out, source.out) << date;
    }
    EXPECT_EQ(Ctl("history --db " + copy + " --compact " + kCompact).out,
              Ctl("history --db " + Db("source") + " --compact " + kCompact).out);
    auto verified = Ctl("verify --db " + copy);
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    EXPECT_EQ(Ctl("root --db " + copy).out, Ctl("root --db " + Db("source")).out);
  }

  testing::TempDir dir_;
  std::string vkey_;
};

TEST_F(LedgerctlMirrorTest, MirrorOverHttpReplaysTheSameStatesAndExportsAVerifyingBundle) {
  testing::ServeProcess serve(LedgerctlPath(), Db("source"), {"--http", "127.0.0.1:0"});
  ASSERT_NE(serve.Address(), "") << serve.output();
  const std::string url = serve.After("serving HTTP on ");
  ASSERT_NE(url, "") << serve.output();

  auto mirrored = Ctl("mirror --once --from " + url + " --db " + Db("copy") + KeyFlag());
  ASSERT_EQ(mirrored.exit_code, 0) << mirrored.err;
  EXPECT_THAT(mirrored.out, HasSubstr("(was 0)"));
  EXPECT_THAT(mirrored.out, HasSubstr("checkpoint stored"));
  ExpectSameStates(Db("copy"));

  auto bundle = Ctl("export-bundle --db " + Db("copy") + " --out " + dir_.Sub("bundle") + KeyFlag());
  ASSERT_EQ(bundle.exit_code, 0) << bundle.err;
  auto verified = Ctl("verify --bundle " + dir_.Sub("bundle") + KeyFlag());
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  auto again = Ctl("mirror --once --from " + url + " --db " + Db("copy") + KeyFlag());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr(": 0 entries copied"));
}

TEST_F(LedgerctlMirrorTest, RestoreRebuildsAWritableLedgerThatServes) {
  auto restored = Ctl("restore --from " + Published() + " --db " + Db("restored") + KeyFlag());
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_THAT(restored.out, HasSubstr("compacts; serve it with: ledgerctl serve --db"));
  ExpectSameStates(Db("restored"));
  // It is a ledger like any other: it takes new records.
  auto imported =
      Ctl("import --db " + Db("restored") + " " + SourcePath("scenarios/eastmere-fictional.jsonl"));
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(Ctl("verify --db " + Db("restored")).exit_code, 0);
}

TEST_F(LedgerctlMirrorTest, RestoreIntoALedgerOfAnotherLogChangesNothingAndSaysSo) {
  ASSERT_EQ(Ctl("import --db " + Db("other") + " " + SourcePath("scenarios/eastmere-fictional.jsonl"))
                .exit_code,
            0);
  const std::string root = Ctl("root --db " + Db("other")).out;
  auto restored = Ctl("restore --from " + Published() + " --db " + Db("other") + KeyFlag());
  EXPECT_EQ(restored.exit_code, 1) << restored.err;
  EXPECT_THAT(restored.err, HasSubstr(Db("other") + " is as it was ("));
  EXPECT_THAT(restored.err, ::testing::Not(HasSubstr("run the same command again")));
  EXPECT_EQ(Ctl("root --db " + Db("other")).out, root);
}

TEST_F(LedgerctlMirrorTest, AFollowingMirrorCopiesWhatIsPublishedLaterAndStopsOnSignal) {
  testing::ServeProcess mirror({LedgerctlPath(), "mirror", "--from", Published(), "--db",
                                Db("copy"), "--key", vkey_, "--interval", "0.1"});
  const std::string first = mirror.After("mirrored tree size ");
  ASSERT_NE(first, "") << mirror.output();
  auto imported =
      Ctl("import --db " + Db("source") + " " + SourcePath("scenarios/eastmere-fictional.jsonl"));
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  SignAndPublish();
  const std::string grown = mirror.After("mirrored tree size ");
  ASSERT_NE(grown, "") << mirror.output();
  EXPECT_GT(std::stoull(grown), std::stoull(first));
  const int status = mirror.Stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << mirror.output();
  EXPECT_EQ(Ctl("root --db " + Db("copy")).out, Ctl("root --db " + Db("source")).out);
}

TEST_F(LedgerctlMirrorTest, ATamperedBundleIsNamedAndTheCopyKeptAsItWas) {
  ASSERT_EQ(Ctl("mirror --once --from " + Published() + " --db " + Db("copy") + KeyFlag())
                .exit_code, 0);
  const std::string root_before = Ctl("root --db " + Db("copy")).out;
  auto imported =
      Ctl("import --db " + Db("source") + " " + SourcePath("scenarios/eastmere-fictional.jsonl"));
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  SignAndPublish();
  // Change one byte of the last entry of the newest entry bundle.
  std::string bundle_path;
  unsigned long widest = 0;
  for (const auto& file : std::filesystem::directory_iterator(Published() + "/tile/entries/000.p")) {
    const unsigned long width = std::stoul(file.path().filename().string());
    if (width > widest) {
      widest = width;
      bundle_path = file.path();
    }
  }
  ASSERT_GT(widest, 84u);
  std::string bytes = testing::ReadFile(bundle_path);
  bytes.back() ^= 0x01;
  std::ofstream(bundle_path, std::ios::binary | std::ios::trunc) << bytes;

  auto tampered = Ctl("mirror --once --from " + Published() + " --db " + Db("copy") + KeyFlag());
  EXPECT_EQ(tampered.exit_code, 1) << tampered.out << tampered.err;
  EXPECT_THAT(tampered.err, HasSubstr("tile/entries/000.p/"));
  EXPECT_THAT(tampered.err, HasSubstr("has leaf hash"));
  EXPECT_THAT(tampered.err, HasSubstr("the copy is unchanged"));
  EXPECT_EQ(Ctl("root --db " + Db("copy")).out, root_before);
}

TEST_F(LedgerctlMirrorTest, BadSourcesKeysAndFlagsAreRefusedAndCreateNothing) {
  auto nowhere = Ctl("mirror --once --from " + dir_.Sub("missing") + " --db " + Db("copy") + KeyFlag());
  EXPECT_EQ(nowhere.exit_code, 2);
  EXPECT_THAT(nowhere.err, HasSubstr("neither an http:// or https:// URL nor a directory"));
  EXPECT_THAT(nowhere.err, HasSubstr("ledgerctl publish --db DIR --out DIR"));
  EXPECT_FALSE(std::filesystem::exists(Db("copy")));

  auto other = Ctl("keygen --name example.org/someone-else --out " + dir_.Sub("other"));
  const std::string other_key = other.out.substr(0, other.out.find('\n'));
  auto wrong_key = Ctl("mirror --once --from " + Published() + " --db " + Db("copy") +
                       " --key '" + other_key + "' --origin " + kOrigin);
  EXPECT_EQ(wrong_key.exit_code, 1) << wrong_key.err;
  EXPECT_THAT(wrong_key.err, HasSubstr("the published checkpoint does not verify"));

  auto both = Ctl("mirror --once --verify-only --from " + Published() + " --db " + Db("copy") +
                  KeyFlag());
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.err, HasSubstr("--verify-only"));
  auto no_key = Ctl("mirror --once --from " + Published() + " --db " + Db("copy"));
  EXPECT_EQ(no_key.exit_code, 2) << no_key.err;
  auto interval = Ctl("mirror --from " + Published() + " --db " + Db("copy") + KeyFlag() +
                      " --interval 0");
  EXPECT_EQ(interval.exit_code, 2);
  EXPECT_THAT(interval.err, HasSubstr("--interval"));
}

TEST_F(LedgerctlMirrorTest, VerifyOnlyChecksALogWrittenByAnotherImplementation) {
  auto checked = Ctl(std::string("mirror --once --verify-only --from ") +
                     SourcePath("tests/testdata/tessera-log") +
                     " --key example.com/log/testdata+33d7b496+"
                     "AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx");
  ASSERT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_THAT(checked.out, HasSubstr("verified tree size 15 (was 0): 15 entries checked"));
}

}  // namespace
}  // namespace ledger
