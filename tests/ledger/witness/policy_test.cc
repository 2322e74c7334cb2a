#include "ledger/witness/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "ledger/log/checkpoint.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::StatusIs;

namespace ledger::witness {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

log::Ed25519Seed Seed(uint8_t fill) {
  log::Ed25519Seed seed;
  seed.fill(fill);
  return seed;
}

Cosigner Witness(const std::string& name, uint8_t fill) { return *Cosigner::FromSeed(name, Seed(fill)); }
log::NoteSigner LogKey(uint8_t fill = 100) { return *log::NoteSigner::FromSeed("example.com/log", Seed(fill)); }

// The spec's two-level example with real keys.
std::string SpecExample() {
  std::string text = absl::StrCat("# the tlog-policy example\nlog ", LogKey().verifier().KeyString(), "\n\n");
  for (int i = 1; i <= 3; ++i) {
    absl::StrAppend(&text, "witness X", i, " ", Witness(absl::StrCat("x", i, ".example"), i).verifier().KeyString(), "\n");
  }
  absl::StrAppend(&text, "group X-witnesses 2 X1 X2 X3\n\n");
  for (int i = 1; i <= 3; ++i) {
    absl::StrAppend(&text, "\twitness  Y", i, "\t", Witness(absl::StrCat("y", i, ".example"), 10 + i).verifier().KeyString(),
                    " https://y", i, ".example/  \n");
  }
  absl::StrAppend(&text, "group Y-witnesses any Y1 Y2 Y3\n\ngroup X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n");
  return text;
}

absl::Status ParseError(const std::string& text) { return Policy::Parse(text).status(); }

TEST(PolicyTest, ParsesTheSpecExample) {
  auto policy = Policy::Parse(SpecExample());
  ASSERT_THAT(policy, IsOk());
  ASSERT_EQ(policy->logs().size(), 1u);
  EXPECT_EQ(policy->logs()[0].key.name(), "example.com/log");
  ASSERT_EQ(policy->witnesses().size(), 6u);
  EXPECT_EQ(policy->witnesses()[3].name, "Y1");
  EXPECT_EQ(policy->witnesses()[3].url, "https://y1.example/");
  ASSERT_EQ(policy->groups().size(), 3u);
  EXPECT_EQ(policy->groups()[0].threshold, 2u);
  EXPECT_EQ(policy->groups()[1].threshold, 1u);
  EXPECT_EQ(policy->groups()[2].threshold, 2u);
  EXPECT_EQ(policy->quorum(), "X-and-Y");
}

TEST(PolicyTest, QuorumNeedsTwoXAndOneY) {
  auto policy = *Policy::Parse(SpecExample());
  EXPECT_TRUE(policy.Evaluate({"X1", "X3", "Y2"}).met);
  EXPECT_THAT(policy.Evaluate({"X1", "X3", "Y2"}).cosigned, ElementsAre("X1", "X3", "Y2"));
  EXPECT_FALSE(policy.Evaluate({"X1", "Y1", "Y2", "Y3"}).met);
  EXPECT_FALSE(policy.Evaluate({"X1", "X2", "X3"}).met);
  const QuorumResult unmet = policy.Evaluate({"X2", "unknown"});
  EXPECT_FALSE(unmet.met);
  EXPECT_THAT(unmet.cosigned, ElementsAre("X2"));
  EXPECT_THAT(unmet.explanation, HasSubstr("X-and-Y needs 2"));
}

TEST(PolicyTest, QuorumNoneIsAlwaysMet) {
  auto policy = Policy::Parse("quorum none\n");
  ASSERT_THAT(policy, IsOk());
  EXPECT_TRUE(policy->Evaluate({}).met);
}

TEST(PolicyTest, SingleWitnessQuorum) {
  auto policy = *Policy::Parse(absl::StrCat("witness w ", Witness("w.example", 1).verifier().KeyString(), "\nquorum w\n"));
  EXPECT_TRUE(policy.Evaluate({"w"}).met);
  EXPECT_FALSE(policy.Evaluate({}).met);
}

TEST(PolicyTest, LogsOnlyFileParsesWhenNoQuorumIsRequired) {
  const std::string text = absl::StrCat("log ", LogKey().verifier().KeyString(), "\n");
  EXPECT_THAT(Policy::Parse(text).status().message(), HasSubstr("no quorum line"));
  auto logs = Policy::Parse(text, {.require_quorum = false});
  ASSERT_THAT(logs, IsOk());
  EXPECT_EQ(logs->quorum(), "");
  EXPECT_FALSE(logs->Evaluate({}).met);
}

TEST(PolicyTest, ErrorsNameTheLine) {
  const std::string w1 = Witness("w1.example", 1).verifier().KeyString();
  const std::string w2 = Witness("w2.example", 2).verifier().KeyString();
  const std::string log = LogKey().verifier().KeyString();
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"quorum none", "line 1: the last line does not end in a newline"},
      {"quorum none\r\n", "line 1: control character 0x0d"},
      {"# ok\nwitnes w " + w1 + "\n", "line 2: unknown keyword \"witnes\""},
      {"log\n", "line 1: write `log <vkey> [<url>]`"},
      {"log " + w1 + "\n", "line 1: the log key is not an Ed25519"},
      {"log " + log + "\nlog " + log + "\n", "line 2: this public key is already listed"},
      {"witness w " + log + "\n", "line 1: the witness key is not a cosignature key"},
      {"witness w " + w1 + "\nwitness v " + w1 + "\n", "line 2: this public key is already listed"},
      {"witness w " + w1 + "\nwitness w " + w2 + "\n", "line 2: the name \"w\" is already defined"},
      {"witness none " + w1 + "\n", "line 1: the name \"none\" is reserved"},
      {"witness w " + w1 + " url extra\n", "line 1: write `witness"},
      {"group g any w\n", "line 1: member \"w\" is not a witness or group defined on an earlier line"},
      {"witness w " + w1 + "\ngroup g any\n", "line 2: write `group"},
      {"witness w " + w1 + "\ngroup g any w w\n", "line 2: member \"w\" is listed twice"},
      {"witness w " + w1 + "\nwitness v " + w2 + "\ngroup a any w\ngroup b any w v\n",
       "line 4: \"w\" is already a member of group \"a\"; a name can be a member of one group only"},
      {"witness w " + w1 + "\ngroup a any w\ngroup b any a\ngroup c all a b\n",
       "line 4: \"a\" is already a member of group \"b\""},
      {"# DEL \x7f in a comment\nquorum none\n", "line 1: control character 0x7f"},
      {"witness w " + w1 + "\ngroup g 2 w\n", "line 2: the threshold \"2\" must be"},
      {"witness w " + w1 + "\ngroup g 0 w\n", "line 2: the threshold \"0\""},
      {"witness w " + w1 + "\ngroup g 01 w\n", "line 2: the threshold \"01\""},
      {"witness w " + w1 + "\ngroup g some w\n", "line 2: the threshold \"some\""},
      {"witness w " + w1 + "\ngroup g any none\n", "line 2: \"none\" cannot be a group member"},
      {"witness w " + w1 + "\ngroup w any w\n", "line 2: the name \"w\" is already defined"},
      {"quorum g\n", "line 1: the quorum \"g\" is not a witness or group"},
      {"quorum none\nquorum none\n", "line 2: a second quorum line"},
      {"quorum\n", "line 1: write `quorum <name>`"},
      {"witness w " + w1 + "\n", "no quorum line"},
  };
  for (const Case& c : cases) {
    const absl::Status status = ParseError(c.text);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.text;
  }
}

// tlog-policy forbids duplicate logs and duplicate witnesses, not a log and a
// witness that wrap the same public key.
TEST(PolicyTest, ALogAndAWitnessMayShareAKey) {
  const std::string text = absl::StrCat("log ", LogKey(7).verifier().KeyString(), "\nwitness w ",
                                        Witness("w.example", 7).verifier().KeyString(), "\nquorum w\n");
  auto policy = Policy::Parse(text);
  ASSERT_THAT(policy, IsOk());
  EXPECT_TRUE(policy->Evaluate({"w"}).met);
}

TEST(PolicyTest, GroupCannotReferToALaterName) {
  const std::string text = absl::StrCat("group g any w\nwitness w ", Witness("w.example", 1).verifier().KeyString(),
                                        "\nquorum g\n");
  EXPECT_THAT(ParseError(text).message(), HasSubstr("line 1:"));
}

class PolicyCheckTest : public ::testing::Test {
 protected:
  PolicyCheckTest()
      : log_key_(LogKey()), w1_(Witness("w1.example", 1)), w2_(Witness("w2.example", 2)), w3_(Witness("w3.example", 3)) {
    policy_ = *Policy::Parse(absl::StrCat("log ", log_key_.verifier().KeyString(), "\nwitness A ", w1_.verifier().KeyString(),
                                          "\nwitness B ", w2_.verifier().KeyString(), "\nwitness C ",
                                          w3_.verifier().KeyString(), "\ngroup partners 2 A B C\nquorum partners\n"));
    log::TreeHead head;
    head.tree_size = 5;
    head.root.fill(0x11);
    note_ = *log::SignCheckpoint("example.com/log", head, log_key_);
  }

  std::string Cosigned(std::initializer_list<const Cosigner*> witnesses) const {
    auto parsed = *log::ParseNote(note_);
    for (const Cosigner* w : witnesses) parsed.signatures.push_back(*w->Cosign(parsed.text, 1700000000));
    return *log::FormatNote(parsed);
  }

  log::NoteSigner log_key_;
  Cosigner w1_, w2_, w3_;
  Policy policy_;
  std::string note_;
};

TEST_F(PolicyCheckTest, TwoOfThreeCosignaturesMeetTheQuorum) {
  auto checked = policy_.Check(Cosigned({&w1_, &w3_}), "");
  ASSERT_THAT(checked, IsOk());
  EXPECT_TRUE(checked->quorum.met);
  EXPECT_THAT(checked->quorum.cosigned, ElementsAre("A", "C"));
  EXPECT_EQ(checked->checkpoint.checkpoint.tree_size, 5u);
}

TEST_F(PolicyCheckTest, OneCosignatureDoesNotMeetTheQuorum) {
  auto checked = policy_.Check(Cosigned({&w2_}), "");
  EXPECT_EQ(checked.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(checked.status().message(), HasSubstr("needs 2 of A, B, C; 1 witnessed (cosigned: B)"));
}

TEST_F(PolicyCheckTest, BadCosignatureByAPolicyWitnessIsDataLoss) {
  auto parsed = *log::ParseNote(Cosigned({&w1_, &w2_}));
  parsed.signatures.back().signature[20] ^= 1;
  EXPECT_EQ(policy_.Check(*log::FormatNote(parsed), "").status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(PolicyCheckTest, CheckpointOfAnotherOriginIsRefused) {
  auto checked = policy_.Check(Cosigned({&w1_, &w2_}), "example.com/other");
  EXPECT_EQ(checked.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(checked.status().message(), HasSubstr("not a log of the policy"));
}

TEST_F(PolicyCheckTest, CheckpointNotSignedByThePolicysLogIsRefused) {
  const log::NoteSigner other = LogKey(101);  // same name, another key
  log::TreeHead head;
  head.tree_size = 5;
  std::string note = *log::SignCheckpoint("example.com/log", head, other);
  EXPECT_EQ(policy_.Check(note, "").status().code(), absl::StatusCode::kDataLoss);
}

// Each group names the two before it: evaluating every path separately
// would take about 1.6^200 steps; once per group it is immediate.
// A name is a member of one group only, so groups cannot share subgroups
// (which, chained, would make a naive evaluation exponential); a deep chain
// of groups is evaluated.
TEST(PolicyTest, GroupsCannotShareSubgroupsAndADeepChainIsEvaluated) {
  std::string shared = absl::StrCat("witness g0 ", Witness("w0.example", 1).verifier().KeyString(), "\n");
  absl::StrAppend(&shared, "witness g1 ", Witness("w1.example", 2).verifier().KeyString(), "\n");
  for (int i = 2; i < 200; ++i) absl::StrAppend(&shared, "group g", i, " any g", i - 1, " g", i - 2, "\n");
  shared += "quorum g199\n";
  EXPECT_THAT(Policy::Parse(shared).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 4: \"g1\" is already a member of group \"g2\"")));

  std::string chain = absl::StrCat("witness w0 ", Witness("w0.example", 1).verifier().KeyString(), "\n");
  for (int i = 1; i < 200; ++i) {
    absl::StrAppend(&chain, "witness w", i, " ", Witness(absl::StrCat("w", i, ".example"), i + 1).verifier().KeyString(),
                    "\n");
  }
  absl::StrAppend(&chain, "group g1 any w0 w1\n");
  for (int i = 2; i < 200; ++i) absl::StrAppend(&chain, "group g", i, " any g", i - 1, " w", i, "\n");
  chain += "quorum g199\n";
  auto policy = Policy::Parse(chain);
  ASSERT_THAT(policy, IsOk());
  EXPECT_TRUE(policy->Evaluate({"w0"}).met);
  EXPECT_TRUE(policy->Evaluate({"w199"}).met);
  EXPECT_FALSE(policy->Evaluate({}).met);
}

}  // namespace
}  // namespace ledger::witness
