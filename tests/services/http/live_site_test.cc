// WitnessesOfPolicy: the ledger's tlog-policy as the pages check it, k of n
// witnesses, and what cannot be said that way.
#include "services/http/live_site.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "ledger/witness/cosignature.h"
#include "ledger/witness/policy.h"

namespace ledger::services::http {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string WitnessKey(const std::string& name, uint8_t fill) {
  log::Ed25519Seed seed;
  seed.fill(fill);
  return witness::Cosigner::FromSeed(name, seed)->verifier().KeyString();
}

witness::Policy Parse(const std::string& text) {
  auto policy = witness::Policy::Parse(text);
  EXPECT_TRUE(policy.ok()) << policy.status();
  return *policy;
}

TEST(WitnessesOfPolicyTest, AQuorumOfOneWitnessOrOfAGroupOfWitnessesIsKOfN) {
  const std::string a = WitnessKey("a.example/w", 1), b = WitnessKey("b.example/w", 2),
                    c = WitnessKey("c.example/w", 3);
  const std::string witnesses = absl::StrCat("witness A ", a, "\nwitness B ", b, "\nwitness C ", c, "\n");
  site::SiteOptions options;
  EXPECT_TRUE(WitnessesOfPolicy(Parse(witnesses + "quorum B\n"), &options));
  EXPECT_THAT(options.witness_keys, ElementsAre(b));
  EXPECT_EQ(options.witness_quorum, 1);

  EXPECT_TRUE(WitnessesOfPolicy(Parse(witnesses + "group partners 2 A B C\nquorum partners\n"), &options));
  EXPECT_THAT(options.witness_keys, ElementsAre(a, b, c));
  EXPECT_EQ(options.witness_quorum, 2);

  EXPECT_TRUE(WitnessesOfPolicy(Parse(witnesses + "quorum none\n"), &options));
  EXPECT_THAT(options.witness_keys, IsEmpty());
  EXPECT_EQ(options.witness_quorum, 0);
}

TEST(WitnessesOfPolicyTest, NestedGroupsListEveryWitnessAndRequireNone) {
  const std::string a = WitnessKey("a.example/w", 1), b = WitnessKey("b.example/w", 2),
                    c = WitnessKey("c.example/w", 3);
  site::SiteOptions options;
  EXPECT_FALSE(WitnessesOfPolicy(
      Parse(absl::StrCat("witness A ", a, "\nwitness B ", b, "\nwitness C ", c,
                         "\ngroup ab any A B\ngroup all-of all ab C\nquorum all-of\n")),
      &options));
  EXPECT_THAT(options.witness_keys, ElementsAre(a, b, c));
  EXPECT_EQ(options.witness_quorum, 0);
}

}  // namespace
}  // namespace ledger::services::http
