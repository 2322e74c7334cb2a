#include "ledger/log/hash.h"

#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::log {
namespace {

// Known SHA-256 values (FIPS 180-2 examples and the RFC 6962 empty-tree and
// empty-leaf hashes used by transparency-dev/merkle's rfc6962 package).
TEST(HashTest, EmptyTreeRootIsSha256OfEmptyString) {
  EXPECT_EQ(ToHex(EmptyTreeRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(HashTest, Sha256OfAbc) {
  EXPECT_EQ(ToHex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HashTest, LeafHashOfEmptyLeaf) {
  EXPECT_EQ(ToHex(LeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST(HashTest, LeafHashIsDomainSeparated) {
  EXPECT_NE(LeafHash("abc"), Sha256("abc"));
  EXPECT_EQ(LeafHash("abc"), Sha256(std::string("\0abc", 4)));
}

TEST(HashTest, NodeHashPrefixesOne) {
  const Hash l = Sha256("l");
  const Hash r = Sha256("r");
  std::string buf("\x01", 1);
  buf += HashBytes(l);
  buf += HashBytes(r);
  EXPECT_EQ(NodeHash(l, r), Sha256(buf));
  EXPECT_NE(NodeHash(l, r), NodeHash(r, l));
}

TEST(HashTest, HexRoundTrip) {
  const Hash h = Sha256("round trip");
  auto parsed = HashFromHex(ToHex(h));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed, h);
}

TEST(HashTest, HexRejectsBadInput) {
  EXPECT_EQ(HashFromHex("abc").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HashFromHex(std::string(64, 'g')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HashFromBytes("short").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledger::log
