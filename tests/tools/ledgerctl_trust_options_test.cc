// End-to-end tests of what an auditor trusts (tools/ledgerctl/trust_options):
// `verify-proof` and `verify --bundle` with the origin pinned (by default to
// the verifier key's name, or --origin) and with a C2SP tlog-policy whose
// quorum of witnesses must have cosigned the checkpoint.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ledger/log/signed_note.h"
#include "ledger/witness/cosignature.h"
#include "tests/ledger/witness/witness_test_util.h"
#include "tests/testing/run_command.h"
#include "tests/testing/seed_scenario.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::LedgerctlPath;

namespace ledger {
namespace {

using ::ledger::witness::testing::TestSeed;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RunCommand;

constexpr char kOrigin[] = "example.org/compacts";

// The checkpoint note's text (the lines before the blank line).
std::string NoteText(const std::string& note) { return note.substr(0, note.find("\n\n") + 1); }

class LedgerctlTrustOptionsTest : public ::testing::Test {
 protected:
  LedgerctlTrustOptionsTest()
      : witnesses_{*witness::Cosigner::FromSeed("w1.example/witness", TestSeed(11)),
                   *witness::Cosigner::FromSeed("w2.example/witness", TestSeed(12)),
                   *witness::Cosigner::FromSeed("w3.example/witness", TestSeed(13))} {}

  // A demo ledger signed by a key named `key_name` with origin `origin`, its
  // bundle, and the tlog-proof of the compact's first event.
  void MakeLedger(const std::string& key_name, const std::string& origin = kOrigin) {
    ASSERT_EQ(Ctl("demo --db " + Path("db")).exit_code, 0);
    auto keygen = Ctl("keygen --name " + key_name + " --out " + Path("key"));
    ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
    key_ = keygen.out.substr(0, keygen.out.find('\n'));
    auto signed_head = Ctl("checkpoint --db " + Path("db") + " --sign-key " + Path("key") + " --origin " + origin);
    ASSERT_EQ(signed_head.exit_code, 0) << signed_head.err;
    ASSERT_EQ(Ctl("export-bundle --db " + Path("db") + " --out " + Path("bundle")).exit_code, 0);
    auto proof = Ctl("prove --db " + Path("db") + " --compact worcestershire-2006 --event " +
                     std::to_string(testing::kSeedCompactRegistration));
    ASSERT_EQ(proof.exit_code, 0) << proof.err;
    tlog_proof_ = nlohmann::json::parse(proof.out)["tlogProof"].get<std::string>();
    Write("proof", tlog_proof_);
  }

  std::string Path(const std::string& name) const { return dir_.Sub(name); }
  testing::CommandResult Ctl(const std::string& args) const {
    return RunCommand(LedgerctlPath() + " " + args);
  }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(Path(name), std::ios::binary) << text;
  }

  // A 2-of-3 policy over the three witnesses, for the ledger's key.
  std::string Policy() const {
    std::string text = absl::StrCat("log ", key_, "\n");
    for (size_t i = 0; i < witnesses_.size(); ++i) {
      absl::StrAppend(&text, "witness w", i + 1, " ", witnesses_[i].verifier().KeyString(), "\n");
    }
    return text + "group partners 2 w1 w2 w3\nquorum partners\n";
  }

  // `note` with the cosignatures of the witnesses numbered in `which` (1-based).
  std::string Cosigned(const std::string& note, const std::vector<int>& which) const {
    std::string out = note;
    for (int i : which) {
      auto cosignature = witnesses_[i - 1].Cosign(NoteText(note), 1700000000 + i);
      out += witness::SignatureLine(*cosignature);
    }
    return out;
  }

  // The tlog-proof with its checkpoint cosigned by `which`.
  void CosignProof(const std::vector<int>& which) {
    const size_t checkpoint = tlog_proof_.find("\n\n") + 2;
    Write("proof", tlog_proof_.substr(0, checkpoint) + Cosigned(tlog_proof_.substr(checkpoint), which));
  }

  // The bundle with its last checkpoint cosigned by `which`.
  void CosignBundle(const std::vector<int>& which) {
    std::vector<std::string> lines = absl::StrSplit(testing::ReadFile(Path("bundle")), '\n');
    for (size_t i = lines.size(); i-- > 0;) {
      if (lines[i].rfind("checkpoint ", 0) != 0) continue;
      std::vector<std::string> parts = absl::StrSplit(lines[i], ' ');
      std::string note;
      ASSERT_TRUE(absl::Base64Unescape(parts[2], &note));
      lines[i] = absl::StrCat(parts[0], " ", parts[1], " ", absl::Base64Escape(Cosigned(note, which)));
      break;
    }
    Write("bundle", absl::StrJoin(lines, "\n"));
  }

  testing::TempDir dir_;
  std::vector<witness::Cosigner> witnesses_;
  std::string key_;
  std::string tlog_proof_;
};

TEST_F(LedgerctlTrustOptionsTest, WithoutAPolicyTheVerdictSaysOnlyTheOperatorsKeyWasChecked) {
  MakeLedger(kOrigin);
  auto r = Ctl("verify-proof " + Path("proof") + " --key '" + key_ + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("only the operator's key was checked"));
  r = Ctl("verify --bundle " + Path("bundle") + " --key '" + key_ + "'");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("only the operator's key was checked"));
}

TEST_F(LedgerctlTrustOptionsTest, OriginIsPinnedToTheKeysNameUnlessGiven) {
  MakeLedger("operator.example/key", kOrigin);
  auto r = Ctl("verify-proof " + Path("proof") + " --key '" + key_ + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("as C2SP asks"));
  EXPECT_THAT(r.err, HasSubstr("--origin"));
  r = Ctl("verify --bundle " + Path("bundle") + " --key '" + key_ + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("--origin"));

  r = Ctl("verify-proof " + Path("proof") + " --key '" + key_ + "' --origin " + kOrigin);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Ctl("verify --bundle " + Path("bundle") + " --key '" + key_ + "' --origin " + kOrigin);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = Ctl("verify-proof " + Path("proof") + " --key '" + key_ + "' --origin other.example/log");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("other.example/log"));
}

TEST_F(LedgerctlTrustOptionsTest, KeysOfSeveralNamesNeedAnOrigin) {
  MakeLedger(kOrigin);
  auto other = Ctl("keygen --name other.example/key --out " + Path("other"));
  const std::string other_key = other.out.substr(0, other.out.find('\n'));
  auto r = Ctl("verify-proof " + Path("proof") + " --key '" + key_ + "' --key '" + other_key + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("give it with --origin"));
  r = Ctl("verify-proof " + Path("proof") + " --key '" + key_ + "' --key '" + other_key +
          "' --origin " + kOrigin);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(LedgerctlTrustOptionsTest, AQuorumOfCosignaturesVerifiesAndNamesTheWitnesses) {
  MakeLedger(kOrigin);
  Write("policy", Policy());
  CosignProof({1, 3});
  auto r = Ctl("verify-proof " + Path("proof") + " --policy " + Path("policy"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("quorum \"partners\" met; cosigned by w1, w3"));
  r = Ctl("verify-proof " + Path("proof") + " --policy " + Path("policy") + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["witnesses"]["quorum"], "met");
  EXPECT_EQ(report["witnesses"]["cosignedBy"], (std::vector<std::string>{"w1", "w3"}));

  CosignBundle({2, 3});
  r = Ctl("verify --bundle " + Path("bundle") + " --key '" + key_ + "' --policy " + Path("policy"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("cosigned by w2, w3"));
}

TEST_F(LedgerctlTrustOptionsTest, AnUnmetQuorumDoesNotVerifyAndSaysWhoCosigned) {
  MakeLedger(kOrigin);
  Write("policy", Policy());
  CosignProof({2});
  auto r = Ctl("verify-proof " + Path("proof") + " --policy " + Path("policy"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("NOT satisfied"));
  EXPECT_THAT(r.err, HasSubstr("cosigned by: w2"));
  EXPECT_THAT(r.out, Not(HasSubstr("verified")));

  CosignBundle({});
  r = Ctl("verify --bundle " + Path("bundle") + " --policy " + Path("policy"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("DOES NOT VERIFY: the newest checkpoint"));
  EXPECT_THAT(r.out, HasSubstr("no witness of the policy"));
}

TEST_F(LedgerctlTrustOptionsTest, ABadCosignatureByAPolicyWitnessDoesNotVerify) {
  MakeLedger(kOrigin);
  Write("policy", Policy());
  const size_t checkpoint = tlog_proof_.find("\n\n") + 2;
  const std::string note = tlog_proof_.substr(checkpoint);
  // w1's cosignature of another text, and w2's good one.
  auto wrong = witnesses_[0].Cosign("example.org/compacts\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", 1);
  Write("proof", tlog_proof_.substr(0, checkpoint) + Cosigned(note, {2}) + witness::SignatureLine(*wrong));
  auto r = Ctl("verify-proof " + Path("proof") + " --policy " + Path("policy"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("w1.example/witness"));
}

TEST_F(LedgerctlTrustOptionsTest, PolicyFilesThatCannotBeUsedAreRefused) {
  MakeLedger(kOrigin);
  Write("bad-policy", "log " + key_ + "\nwitness w1 not-a-key\nquorum w1\n");
  auto r = Ctl("verify-proof " + Path("proof") + " --policy " + Path("bad-policy"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("line 2"));
  Write("no-quorum", "log " + key_ + "\n");
  r = Ctl("verify --bundle " + Path("bundle") + " --policy " + Path("no-quorum"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("quorum"));
  r = Ctl("verify-proof " + Path("proof") + " --policy " + Path("missing"));
  EXPECT_EQ(r.exit_code, 3);
  r = Ctl("verify-proof " + Path("proof"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--key"));
}

}  // namespace
}  // namespace ledger
