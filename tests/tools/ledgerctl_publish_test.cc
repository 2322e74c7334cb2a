// End-to-end: `ledgerctl publish` on the demo ledger, read back by the
// verifying tile reader; its refusals of bad input; and publishing while
// `ledgerctl serve` holds the database.
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ledger/log/checkpoint.h"
#include "ledger/log/signed_note.h"
#include "ledger/tiles/tile_fetcher.h"
#include "ledger/tiles/verified_tree.h"
#include "tests/testing/run_command.h"
#include "tests/testing/serve_process.h"
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

constexpr char kOrigin[] = "example.org/published-ledger";

class LedgerctlPublishTest : public ::testing::Test {
 protected:
  std::string db() const { return dir_.Sub("db"); }
  std::string out() const { return dir_.Sub("out"); }
  testing::CommandResult Ctl(const std::string& args) {
    return RunCommand(LedgerctlPath() + " " + args);
  }
  // The demo ledger with a signed checkpoint; returns the verifier key.
  std::string SignedDemo() {
    auto demo = Ctl("demo --db " + db());
    EXPECT_EQ(demo.exit_code, 0) << demo.err;
    auto key = Ctl(std::string("keygen --name ") + kOrigin + " --out " + dir_.Sub("key"));
    EXPECT_EQ(key.exit_code, 0) << key.err;
    auto signed_ = Ctl("checkpoint --db " + db() + " --sign-key " + dir_.Sub("key") +
                       " --origin " + kOrigin);
    EXPECT_EQ(signed_.exit_code, 0) << signed_.err;
    return key.out.substr(0, key.out.find('\n'));
  }

  testing::TempDir dir_;
};

TEST_F(LedgerctlPublishTest, PublishedDemoVerifiesWithTheTileReaderAndRepublishesNothing) {
  const std::string vkey = SignedDemo();
  auto published = Ctl("publish --db " + db() + " --out " + out());
  ASSERT_EQ(published.exit_code, 0) << published.err;
  EXPECT_THAT(published.out, HasSubstr("(was 0)"));

  const tiles::TileFetcher fetch = tiles::DirectoryFetcher(out());
  auto note = fetch("checkpoint");
  ASSERT_THAT(note, IsOk());
  auto verifier = log::NoteVerifier::FromKeyString(vkey);
  ASSERT_THAT(verifier, IsOk());
  std::vector<log::NoteVerifier> keys = {*verifier};
  auto checkpoint = log::VerifyCheckpoint(*note, keys, kOrigin);
  ASSERT_THAT(checkpoint, IsOk());
  const uint64_t size = checkpoint->checkpoint.tree_size;
  ASSERT_GT(size, 10u);
  auto tree = tiles::VerifiedTree::Fetch(fetch, {size, checkpoint->checkpoint.root}, nullptr);
  ASSERT_THAT(tree, IsOk());
  for (uint64_t bundle = 0; bundle * 256 < size; ++bundle) {
    auto entries = tree->FetchEntries(fetch, bundle);
    ASSERT_THAT(entries, IsOk());
  }

  auto again = Ctl("publish --db " + db() + " --out " + out());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr(": 0 files written, 1 unchanged"));
  EXPECT_THAT(again.out, HasSubstr("web view: 0 files written"));
}

// The web view is published beside the tiles, trusting the key that signed
// the checkpoint, and from one root with them.
TEST_F(LedgerctlPublishTest, PublishesTheWebViewBesideTheTiles) {
  const std::string vkey = SignedDemo();
  auto published = Ctl("publish --db " + db() + " --out " + out());
  ASSERT_EQ(published.exit_code, 0) << published.err;
  EXPECT_THAT(published.out, ::testing::MatchesRegex(".*web view: [1-9][0-9]* files written, 0 "
                                                     "unchanged\n"));
  for (const char* page : {"index.html", "compact.html", "body.html", "auditor.html",
                           "data/index.json", "data/schema.json"}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(out() + "/" + page)) << page;
  }
  std::ifstream index_file(out() + "/data/index.json");
  const std::string index((std::istreambuf_iterator<char>(index_file)),
                          std::istreambuf_iterator<char>());
  EXPECT_THAT(index, HasSubstr(vkey));
  EXPECT_THAT(index, HasSubstr(kOrigin));
  EXPECT_FALSE(std::filesystem::is_empty(out() + "/data/compact"));
}

// --witness-policy gives the pages the quorum's witness keys, k of n; a
// quorum that nests groups is not k of n, and publish says what the pages do
// instead.
TEST_F(LedgerctlPublishTest, GivesThePagesTheWitnessPolicysQuorumAndSaysWhenItNests) {
  SignedDemo();
  std::vector<std::string> vkeys;
  for (const char* name : {"one", "two"}) {
    auto keygen = Ctl(std::string("witness-keygen --name ") + name + ".example/w --out " +
                      dir_.Sub(name));
    ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
    vkeys.push_back(keygen.out.substr(0, keygen.out.find('\n')));
  }
  const std::string witnesses = "witness one " + vkeys[0] + "\nwitness two " + vkeys[1] + "\n";
  const auto index = [&] {
    std::ifstream in(out() + "/data/index.json");
    return nlohmann::json::parse(in);
  };

  std::ofstream(dir_.Sub("flat")) << witnesses << "group both 2 one two\nquorum both\n";
  auto flat = Ctl("publish --db " + db() + " --out " + out() + " --witness-policy " + dir_.Sub("flat"));
  ASSERT_EQ(flat.exit_code, 0) << flat.err;
  EXPECT_THAT(flat.err, Not(HasSubstr("nests groups")));
  EXPECT_EQ(index()["witnessKeys"], nlohmann::json(vkeys));
  EXPECT_EQ(index()["witnessQuorum"], 2);

  std::ofstream(dir_.Sub("nested")) << witnesses << "group inner 1 one\ngroup top 2 inner two\nquorum top\n";
  auto nested = Ctl("publish --db " + db() + " --out " + out() + " --witness-policy " + dir_.Sub("nested"));
  ASSERT_EQ(nested.exit_code, 0) << nested.err;
  EXPECT_THAT(nested.err, HasSubstr("the quorum \"top\" nests groups"));
  EXPECT_EQ(index()["witnessKeys"], nlohmann::json(vkeys));
  EXPECT_EQ(index()["witnessQuorum"], 0);

  EXPECT_EQ(Ctl("publish --db " + db() + " --out " + out() + " --tiles-only --witness-policy " +
                dir_.Sub("flat")).exit_code, 2);
  EXPECT_EQ(Ctl("publish --db " + db() + " --out " + out() + " --witness-policy " +
                dir_.Sub("missing")).exit_code, 3);
  std::ofstream(dir_.Sub("bad")) << "quorum nobody\n";
  const auto bad = Ctl("publish --db " + db() + " --out " + out() + " --witness-policy " + dir_.Sub("bad"));
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

TEST_F(LedgerctlPublishTest, TilesOnlyLeavesTheWebViewOut) {
  SignedDemo();
  auto published = Ctl("publish --tiles-only --db " + db() + " --out " + out());
  ASSERT_EQ(published.exit_code, 0) << published.err;
  EXPECT_THAT(published.out, ::testing::Not(HasSubstr("web view")));
  EXPECT_TRUE(std::filesystem::exists(out() + "/checkpoint"));
  EXPECT_FALSE(std::filesystem::exists(out() + "/index.html"));
}

TEST_F(LedgerctlPublishTest, PublishesWhileServeHoldsTheDatabase) {
  SignedDemo();
  testing::ServeProcess serve(LedgerctlPath(), db());
  ASSERT_FALSE(serve.Address().empty()) << serve.output();
  auto published = Ctl("publish --db " + db() + " --out " + out());
  EXPECT_EQ(published.exit_code, 0) << published.err;
  EXPECT_TRUE(std::filesystem::exists(out() + "/checkpoint"));
  const int status = serve.Stop();
  EXPECT_TRUE(WIFEXITED(status)) << serve.output();
}

TEST_F(LedgerctlPublishTest, AMissingDatabaseIsUnreadable) {
  auto result = Ctl("publish --db " + dir_.Sub("nothing") + " --out " + out());
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err, HasSubstr("no ledger database"));
  EXPECT_FALSE(std::filesystem::exists(out()));
}

TEST_F(LedgerctlPublishTest, ALedgerWithoutACheckpointSaysWhatToRun) {
  auto demo = Ctl("demo --db " + db());
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  auto result = Ctl("publish --db " + db() + " --out " + out());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("no signed checkpoint yet"));
  EXPECT_THAT(result.err, HasSubstr("ledgerctl checkpoint --db"));
  EXPECT_FALSE(std::filesystem::exists(out() + "/checkpoint"));
}

TEST_F(LedgerctlPublishTest, AnOutputThatIsNotAWritableDirectoryIsRefused) {
  SignedDemo();
  std::ofstream(dir_.Sub("file")) << "x";
  auto file = Ctl("publish --db " + db() + " --out " + dir_.Sub("file"));
  EXPECT_EQ(file.exit_code, 2);
  EXPECT_THAT(file.err, HasSubstr("is not a directory"));
  auto below = Ctl("publish --db " + db() + " --out " + dir_.Sub("file/out"));
  EXPECT_EQ(below.exit_code, 3);
  EXPECT_THAT(below.err, HasSubstr("cannot create directory"));
}

// A static host serves all of a published directory: publishing never mixes
// it with a database, either way round.
TEST_F(LedgerctlPublishTest, ADatabaseAndAPublishedDirectoryNeverShareADirectory) {
  SignedDemo();
  const std::string scenario = testing::SourcePath("scenarios/eastmere-fictional.jsonl");
  ASSERT_EQ(Ctl("import --db " + dir_.Sub("other-db") + " " + scenario).exit_code, 0);
  for (const std::string& target : {db(), dir_.Sub("other-db")}) {
    auto into = Ctl("publish --db " + db() + " --out " + target);
    EXPECT_EQ(into.exit_code, 2) << target << into.out;
    EXPECT_THAT(into.err, HasSubstr("holds a database (its CURRENT file)"));
    EXPECT_FALSE(std::filesystem::exists(target + "/checkpoint"));
  }

  ASSERT_EQ(Ctl("publish --db " + db() + " --out " + out()).exit_code, 0);
  for (const std::string& command : {"import --db " + out() + " " + scenario, "demo --db " + out()}) {
    auto r = Ctl(command);
    EXPECT_EQ(r.exit_code, 3) << command << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("the directory holds other files"));
    EXPECT_FALSE(std::filesystem::exists(out() + "/CURRENT"));
    EXPECT_FALSE(std::filesystem::exists(out() + "/LOCK"));
  }
}

TEST_F(LedgerctlPublishTest, ADirectoryOfAnotherLogIsRefusedUnchanged) {
  SignedDemo();
  std::filesystem::create_directories(out());
  std::ofstream(out() + "/checkpoint") << "other.example/log\n3\n"
                                          "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n"
                                          "\xe2\x80\x94 other.example/log AAAAAAAAAAAA\n";
  auto result = Ctl("publish --db " + db() + " --out " + out());
  EXPECT_EQ(result.exit_code, 2) << result.out;
  EXPECT_THAT(result.err, HasSubstr("not of this log"));
  EXPECT_FALSE(std::filesystem::exists(out() + "/tile"));
}

}  // namespace
}  // namespace ledger
