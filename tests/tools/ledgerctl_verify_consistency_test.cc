// End-to-end tests of `ledgerctl verify-consistency`: a kept checkpoint
// against a later audit bundle (offline), a checkpoint of the same size, and
// a published tile log (a directory, and the same over HTTP): Tessera's test
// log, written by an independent implementation.
#include <httplib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/merkle.h"
#include "ledger/log/signed_note.h"
#include "tests/testing/run_command.h"
#include "tests/testing/seed_scenario.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::LedgerctlPath;
using ::ledger::testing::SourcePath;

namespace ledger {
namespace {

using ::testing::HasSubstr;
using testing::RunCommand;

constexpr char kOrigin[] = "example.org/compacts";
constexpr char kTesseraKey[] =
    "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";

class LedgerctlVerifyConsistencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Ctl("demo --db " + Path("db")).exit_code, 0);
    auto keygen = Ctl("keygen --name " + std::string(kOrigin) + " --out " + Path("key"));
    ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
    key_ = keygen.out.substr(0, keygen.out.find('\n'));
    auto signed_head = Ctl("checkpoint --db " + Path("db") + " --sign-key " + Path("key") + " --origin " + kOrigin);
    ASSERT_EQ(signed_head.exit_code, 0) << signed_head.err;
    newest_ = signed_head.out;
    ASSERT_EQ(Ctl("export-bundle --db " + Path("db") + " --out " + Path("bundle")).exit_code, 0);
    // The leaf hashes of the bundle's entries, to sign older checkpoints.
    for (const auto line : absl::StrSplit(testing::ReadFile(Path("bundle")), '\n')) {
      std::vector<std::string> parts = absl::StrSplit(line, ' ');
      if (parts.size() != 3 || parts[0] != "entry") continue;
      std::string bytes;
      ASSERT_TRUE(absl::Base64Unescape(parts[2], &bytes));
      leaves_.push_back(log::LeafHash(bytes));
    }
    ASSERT_EQ(leaves_.size(), testing::kSeedEntries);
    signer_ = std::make_unique<log::NoteSigner>(
        *log::NoteSigner::FromPrivateKeyString(testing::ReadFile(Path("key"))));
  }

  std::string Path(const std::string& name) const { return dir_.Sub(name); }
  testing::CommandResult Ctl(const std::string& args) const {
    return RunCommand(LedgerctlPath() + " " + args);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(Path(name), std::ios::binary) << text;
    return Path(name);
  }

  // A checkpoint of `size` that the operator signed: of the log as it is,
  // or of another history when `root` is given.
  std::string Kept(uint64_t size, std::optional<log::Hash> root = std::nullopt) {
    const log::Hash r = root.value_or(log::ReferenceRoot(std::span<const log::Hash>(leaves_.data(), size)));
    return Write(absl::StrCat("kept-", size), *log::SignCheckpoint(kOrigin, {size, r}, *signer_));
  }

  testing::CommandResult Verify(const std::string& old, const std::string& now,
                                const std::string& extra = "") {
    return Ctl("verify-consistency --old " + old + " --new " + now + " --key '" + key_ + "' " + extra);
  }

  testing::TempDir dir_;
  std::string key_;
  std::string newest_;
  std::vector<log::Hash> leaves_;
  std::unique_ptr<log::NoteSigner> signer_;
};

TEST_F(LedgerctlVerifyConsistencyTest, ALaterBundleExtendsEveryKeptCheckpointOfTheSameLog) {
  for (uint64_t size : {uint64_t{0}, uint64_t{1}, uint64_t{30}, uint64_t{64}, testing::kSeedEntries}) {
    auto r = Verify(Kept(size), Path("bundle"));
    EXPECT_EQ(r.exit_code, 0) << size << ": " << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr(absl::StrCat("extends your checkpoint of size ", size)));
  }
  auto r = Verify(Kept(30), Path("bundle"), "--format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["consistent"], true);
  EXPECT_EQ(report["oldTreeSize"], 30);
  EXPECT_EQ(report["newTreeSize"], testing::kSeedEntries);
  EXPECT_GT(report["proofHashes"].get<int>(), 0);
  EXPECT_EQ(report["witnesses"]["quorum"], "not checked");
}

TEST_F(LedgerctlVerifyConsistencyTest, ARewrittenLogIsCaughtAndTheContradictingCheckpointNamed) {
  log::Hash other{};
  other[0] = 1;
  auto r = Verify(Kept(30, other), Path("bundle"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("DOES NOT VERIFY: the log was rewritten"));
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("of size ", testing::kSeedEntries)));
  EXPECT_THAT(r.out, HasSubstr("Keep both checkpoints"));
}

TEST_F(LedgerctlVerifyConsistencyTest, AViewSmallerThanTheKeptCheckpointDoesNotExtendIt) {
  auto r = Verify(Kept(testing::kSeedEntries), Kept(30));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("below your kept checkpoint's ", testing::kSeedEntries)));
}

TEST_F(LedgerctlVerifyConsistencyTest, TwoCheckpointsAreComparedOnlyAtTheSameSize) {
  EXPECT_EQ(Verify(Kept(testing::kSeedEntries), Write("newest", newest_)).exit_code, 0);
  log::Hash other{};
  auto r = Verify(Kept(testing::kSeedEntries, other), Path("newest"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("sign different roots"));
  r = Verify(Kept(30), Path("newest"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("give --new an audit bundle or the URL"));
}

TEST_F(LedgerctlVerifyConsistencyTest, BadInputIsRefusedWithTheDocumentedExitCodes) {
  EXPECT_EQ(Verify(Path("missing"), Path("bundle")).exit_code, 3);
  EXPECT_EQ(Verify(Kept(30), Path("missing")).exit_code, 3);
  EXPECT_EQ(Verify(Write("junk", "not a checkpoint\n"), Path("bundle")).exit_code, 2);
  // A kept checkpoint signed by another key.
  auto other = log::NoteSigner::FromSeed(kOrigin, log::Ed25519Seed{});
  auto r = Verify(Write("forged", *log::SignCheckpoint(kOrigin, {30, log::Hash{}}, *other)), Path("bundle"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // A tampered bundle.
  std::string bundle = testing::ReadFile(Path("bundle"));
  const size_t entry = bundle.find("entry 5 ");
  bundle[entry + 12] = bundle[entry + 12] == 'A' ? 'B' : 'A';
  r = Verify(Kept(30), Write("tampered", bundle));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("the bundle does not verify"));
  // Origin pinned to the key's name.
  r = Verify(Kept(30), Path("bundle"), "--origin other.example/log");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("other.example/log"));
}

TEST_F(LedgerctlVerifyConsistencyTest, TesserasPublishedLogExtendsItsOwnEarlierCheckpoints) {
  const std::string log_dir = SourcePath("tests/testdata/tessera-log");
  for (int size : {0, 1, 7, 15}) {
    auto r = Ctl(absl::StrCat("verify-consistency --old ", log_dir, "/checkpoint.", size, " --new ", log_dir,
                              " --key ", kTesseraKey));
    EXPECT_EQ(r.exit_code, 0) << size << ": " << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("the log at tree size 15 extends"));
  }
}

TEST_F(LedgerctlVerifyConsistencyTest, APublishedLogIsReadOverHttp) {
  const std::string log_dir = SourcePath("tests/testdata/tessera-log");
  httplib::Server server;
  ASSERT_TRUE(server.set_mount_point("/log", log_dir));
  const int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  // Bound and listening already: the child's connections wait in the backlog.
  std::thread serving([&server] { server.listen_after_bind(); });
  auto r = Ctl(absl::StrCat("verify-consistency --old ", log_dir, "/checkpoint.9 --new http://127.0.0.1:",
                            port, "/log --key ", kTesseraKey));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("extends your checkpoint of size 9"));
  r = Ctl(absl::StrCat("verify-consistency --old ", log_dir, "/checkpoint.9 --new http://127.0.0.1:", port,
                       "/nothing-here --key ", kTesseraKey));
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_THAT(r.err, HasSubstr("404"));
  server.stop();
  serving.join();
}

}  // namespace
}  // namespace ledger
