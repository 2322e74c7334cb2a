// End-to-end tests of `ledgerctl demo --witnesses` (the real binary, a temp
// dir): three example partner witnesses cosign the demo's checkpoint with a
// 2-of-3 quorum, and a proof of the Council's adoption verifies against the
// policy the demo writes.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/testing/run_command.h"
#include "tests/testing/seed_scenario.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::LedgerctlPath;
using ::ledger::testing::SourcePath;

namespace ledger {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPolicyFile[] = "demo-witness-policy.txt";
constexpr char kProofFile[] = "demo-council-adoption.tlog-proof";
constexpr const char* kWitnesses[] = {"partner-a", "partner-b", "partner-c"};

class LedgerctlDemoWitnessesTest : public ::testing::Test {
 protected:
  std::string db() const { return dir_.Sub("db"); }
  std::string In(const std::string& name) const { return db() + "/" + name; }
  std::string KeyFile(const std::string& witness) const {
    return In(absl::StrCat("demo-witnesses/", witness, ".key"));
  }

  testing::CommandResult Ledgerctl(const std::string& args) const {
    return testing::RunCommand(absl::StrCat(LedgerctlPath(), " ", args));
  }
  testing::CommandResult Demo(const std::string& more = "") const {
    return Ledgerctl(absl::StrCat("demo --db ", db(), " --witnesses", more));
  }

  // The verifier keys the demo printed, one per witness, in order.
  static std::vector<std::string> VerifierKeys(const std::string& out) {
    std::vector<std::string> keys;
    for (absl::string_view line : absl::StrSplit(out, '\n')) {
      const size_t at = line.find("verifier key ");
      if (at == absl::string_view::npos) continue;
      absl::string_view rest = line.substr(at + 13);
      keys.emplace_back(rest.substr(0, rest.find(' ')));
    }
    return keys;
  }

  testing::TempDir dir_;
};

TEST_F(LedgerctlDemoWitnessesTest, PublishesACheckpointCosignedByAQuorumAndTheAdoptionProofVerifies) {
  auto r = Demo();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // The plain demo first, then the witnessed step, labelled as the demo's
  // own infrastructure.
  EXPECT_THAT(r.out, HasSubstr("== State at 2011-10"));
  EXPECT_THAT(r.out, HasSubstr("EXAMPLE PARTNER WITNESSES"));
  EXPECT_THAT(r.out, HasSubstr("not facts of the sources"));
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("asked every witness to cosign the checkpoint of tree size ",
                                            testing::kSeedEntries)));
  EXPECT_THAT(r.out, HasSubstr("quorum partners met: cosigned by partner-a, partner-b, partner-c"));
  for (const char* w : kWitnesses) {
    EXPECT_THAT(r.out, HasSubstr(absl::StrCat("  ", w, ": cosigned (timestamp ")));
    // The note's cosignature line of each witness.
    EXPECT_THAT(r.out, HasSubstr(absl::StrCat("\n\xE2\x80\x94 ", w, ".witness.demo.compact-ledger.example ")));
    struct stat key {};
    ASSERT_EQ(stat(KeyFile(w).c_str(), &key), 0) << KeyFile(w);
    EXPECT_EQ(key.st_mode & 0777, 0600u) << w << "'s private key is readable by others";
  }
  // The proof's verdict names the quorum and the witnesses.
  EXPECT_THAT(r.out, HasSubstr("A proof of the Council's adoption"));
  EXPECT_THAT(r.out, HasSubstr("adoption of compact worcestershire-2006"));
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("verified: entry ", testing::kSeedCouncilAdoption,
                                            " is in the tree of size ", testing::kSeedEntries)));
  EXPECT_THAT(r.out, HasSubstr("witness quorum \"partners\" met; cosigned by partner-a, partner-b, partner-c"));

  // The policy holds the printed keys and a 2-of-3 group.
  const std::string policy = testing::ReadFile(In(kPolicyFile));
  const std::vector<std::string> keys = VerifierKeys(r.out);
  ASSERT_EQ(keys.size(), 3u) << r.out;
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_THAT(policy, HasSubstr(absl::StrCat("witness ", kWitnesses[i], " ", keys[i], " http://127.0.0.1:")));
  }
  EXPECT_THAT(policy, HasSubstr("\ngroup partners 2 partner-a partner-b partner-c\nquorum partners\n"));

  // The stored checkpoint carries the cosignatures.
  auto stored = Ledgerctl("checkpoint --db " + db());
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_THAT(stored.out, HasSubstr("\xE2\x80\x94 partner-b.witness.demo.compact-ledger.example "));

  // An auditor's own check of the files agrees; a policy that asks for a
  // witness that did not cosign refuses the same proof.
  auto verified = Ledgerctl(absl::StrCat("verify-proof ", In(kProofFile), " --policy ", In(kPolicyFile)));
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("witness quorum \"partners\" met; cosigned by partner-a, partner-b, partner-c"));
  auto outsider = Ledgerctl(absl::StrCat("witness-keygen --name outsider.example --out ", dir_.Sub("outsider.key")));
  ASSERT_EQ(outsider.exit_code, 0) << outsider.err;
  std::string stricter = policy.substr(0, policy.find("group "));
  absl::StrAppend(&stricter, "witness outsider ", outsider.out.substr(0, outsider.out.find('\n')),
                  "\ngroup both all partner-a outsider\nquorum both\n");
  std::ofstream(dir_.Sub("stricter-policy.txt")) << stricter;
  auto refused = Ledgerctl(absl::StrCat("verify-proof ", In(kProofFile), " --policy ",
                                        dir_.Sub("stricter-policy.txt")));
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("NOT satisfied"));
}

// With the ledger's policy, the published pages check its witnesses: the
// index lists their keys and the group's quorum.
TEST_F(LedgerctlDemoWitnessesTest, PublishedPagesCheckThePolicysWitnesses) {
  ASSERT_EQ(Demo().exit_code, 0);
  const std::string out = dir_.Sub("published");
  auto published = Ledgerctl(absl::StrCat("publish --db ", db(), " --out ", out,
                                          " --witness-policy ", In(kPolicyFile)));
  ASSERT_EQ(published.exit_code, 0) << published.err;
  std::ifstream in(out + "/data/index.json");
  const std::string index((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(index, HasSubstr("\"witnessQuorum\": 2"));
  for (const char* w : kWitnesses) EXPECT_THAT(index, HasSubstr(absl::StrCat(w, ".witness.demo")));
  auto tiles_only = Ledgerctl(absl::StrCat("publish --tiles-only --db ", db(), " --out ", out,
                                           " --witness-policy ", In(kPolicyFile)));
  EXPECT_EQ(tiles_only.exit_code, 2);
  EXPECT_THAT(tiles_only.err, HasSubstr("--tiles-only publishes no pages"));
}

TEST_F(LedgerctlDemoWitnessesTest, ASecondRunReusesTheWitnessKeysAndTheirCosignedCheckpoint) {
  auto first = Demo();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const std::string key_a = testing::ReadFile(KeyFile("partner-a"));
  auto second = Demo();
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(VerifierKeys(second.out), VerifierKeys(first.out));
  EXPECT_EQ(testing::ReadFile(KeyFile("partner-a")), key_a);
  EXPECT_THAT(first.out, HasSubstr("key made now in " + KeyFile("partner-c")));
  EXPECT_THAT(second.out, HasSubstr("key reused from " + KeyFile("partner-c")));
  EXPECT_THAT(second.out, HasSubstr("nothing new to cosign"));
  EXPECT_THAT(second.out, HasSubstr("witness quorum \"partners\" met; cosigned by partner-a, partner-b, partner-c"));
}

TEST_F(LedgerctlDemoWitnessesTest, TheWitnessesCosignTheGrownLogFromWhatTheyCosignedBefore) {
  ASSERT_EQ(Demo().exit_code, 0);
  auto grown = Demo(absl::StrCat(" --scenario ", SourcePath("scenarios/eastmere-fictional.jsonl")));
  ASSERT_EQ(grown.exit_code, 0) << grown.out << grown.err;
  // The witnesses kept size 84 in their state: they cosign the larger tree
  // only with a consistency proof from it.
  EXPECT_THAT(grown.out, Not(HasSubstr("nothing new to cosign")));
  EXPECT_THAT(grown.out, HasSubstr("quorum partners met: cosigned by partner-a, partner-b, partner-c"));
  EXPECT_THAT(grown.out, HasSubstr("witness quorum \"partners\" met"));
}

TEST_F(LedgerctlDemoWitnessesTest, ThePlainDemoStartsNoWitnesses) {
  auto r = Ledgerctl("demo --db " + db());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("== State at 2011-10"));
  EXPECT_THAT(r.out, Not(HasSubstr("EXAMPLE PARTNER WITNESSES")));
  EXPECT_THAT(r.out, Not(HasSubstr("cosign")));
  struct stat unused {};
  EXPECT_NE(stat(In("demo-witnesses").c_str(), &unused), 0);
}

TEST_F(LedgerctlDemoWitnessesTest, ACheckpointStoredWithoutTheWitnessesIsRefusedAndKept) {
  ASSERT_EQ(Ledgerctl("demo --db " + db()).exit_code, 0);
  // The demo key signs a checkpoint of the same size without witnesses.
  ASSERT_EQ(Ledgerctl(absl::StrCat("keygen --name demo.compact-ledger.example/worcestershire --out ",
                                   In("demo-checkpoint-signing.key")))
                .exit_code,
            0);
  ASSERT_EQ(Ledgerctl(absl::StrCat("checkpoint --db ", db(), " --sign-key ",
                                   In("demo-checkpoint-signing.key"),
                                   " --origin demo.compact-ledger.example/worcestershire"))
                .exit_code,
            0);
  const std::string before = Ledgerctl("checkpoint --db " + db()).out;
  auto r = Demo();
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("a stored checkpoint cannot gain cosignatures"));
  EXPECT_THAT(r.err, HasSubstr("with a new --db"));
  EXPECT_THAT(r.out, Not(HasSubstr("verified: entry")));
  EXPECT_EQ(Ledgerctl("checkpoint --db " + db()).out, before);
}

TEST_F(LedgerctlDemoWitnessesTest, ALedgerSignedUnderAnotherOriginIsRefusedBeforeAnythingIsWritten) {
  ASSERT_EQ(Ledgerctl("demo --db " + db()).exit_code, 0);
  const std::string key = dir_.Sub("other.key");
  ASSERT_EQ(Ledgerctl("keygen --name other.example/log --out " + key).exit_code, 0);
  ASSERT_EQ(Ledgerctl(absl::StrCat("checkpoint --db ", db(), " --sign-key ", key,
                                   " --origin other.example/log"))
                .exit_code,
            0);
  for (const std::string more : {" --witnesses", " --http 127.0.0.1:0"}) {
    auto r = Ledgerctl(absl::StrCat("demo --db ", db(), more));
    EXPECT_EQ(r.exit_code, 2) << more << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("are signed as \"other.example/log\""));
    EXPECT_THAT(r.err, HasSubstr("run it with a new --db"));
    EXPECT_THAT(r.err, Not(HasSubstr("--origin"))) << "the demo has no --origin flag";
  }
  EXPECT_FALSE(std::filesystem::exists(In("demo-witnesses")));
  EXPECT_FALSE(std::filesystem::exists(In("demo-checkpoint-signing.key")));
}

TEST_F(LedgerctlDemoWitnessesTest, AWitnessKeyOthersMayReadIsRefused) {
  ASSERT_EQ(Demo().exit_code, 0);
  ASSERT_EQ(chmod(KeyFile("partner-b").c_str(), 0644), 0);
  auto r = Demo();
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr(KeyFile("partner-b")));
  EXPECT_THAT(r.out, Not(HasSubstr("verified: entry")));
}

}  // namespace
}  // namespace ledger
