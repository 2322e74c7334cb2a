#include "ledger/log/compact_range.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "ledger/log/hash.h"
#include "ledger/log/merkle.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::log {
namespace {

using NewNode = CompactRange::NewNode;
using NodeId = std::pair<uint8_t, uint64_t>;  // (level, index).

Hash FromHex(const std::string& hex) {
  absl::StatusOr<Hash> hash = HashFromHex(hex);
  EXPECT_THAT(hash, IsOk());
  return hash.ok() ? *hash : Hash{};
}

std::vector<Hash> TestLeaves(uint64_t n) {
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < n; ++i) {
    leaves.push_back(LeafHash(absl::StrCat("entry ", i)));
  }
  return leaves;
}

// Appends `leaves` to `range`, returning every node Append reported, in order.
std::vector<NewNode> AppendAll(CompactRange& range,
                               const std::vector<Hash>& leaves) {
  std::vector<NewNode> reported;
  for (const Hash& leaf : leaves) {
    range.Append(leaf, [&](const NewNode& node) { reported.push_back(node); });
  }
  return reported;
}

// A NodeReader over reported nodes, as a store would keep them.
NodeReader StoreReader(const std::map<NodeId, Hash>& store, int* reads) {
  return [&store, reads](uint8_t level,
                         uint64_t index) -> absl::StatusOr<Hash> {
    ++*reads;
    auto it = store.find({level, index});
    if (it == store.end()) {
      return absl::NotFoundError(absl::StrCat("no node ", level, "/", index));
    }
    return it->second;
  };
}

// The 8-leaf RFC 6962 reference tree. Leaf inputs and roots:
// google/certificate-transparency cpp/merkletree/merkle_tree_test.cc
// (kInputs, kSHA256Roots); node hashes and the compact frontier per size:
// transparency-dev/merkle testonly/constants.go (NodeHashes, CompactTrees),
// commit 417fb0c314750d94e53942e9f92e79b6d35915db.
std::vector<Hash> Rfc6962Leaves() {
  std::vector<Hash> leaves;
  for (const char* hex :
       {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"}) {
    leaves.push_back(LeafHash(absl::HexStringToBytes(hex)));
  }
  return leaves;
}

const char* const kRfc6962Roots[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

// NodeHashes()[level][index] of testonly/constants.go, keyed by node.
std::map<NodeId, std::string> Rfc6962Nodes() {
  return {
      {{0, 0},
       "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"},
      {{0, 1},
       "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"},
      {{0, 2},
       "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"},
      {{0, 3},
       "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"},
      {{0, 4},
       "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"},
      {{0, 5},
       "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"},
      {{0, 6},
       "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"},
      {{0, 7},
       "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"},
      {{1, 0},
       "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"},
      {{1, 1},
       "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"},
      {{1, 2},
       "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"},
      {{1, 3},
       "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"},
      {{2, 0},
       "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"},
      {{2, 1},
       "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
      {{3, 0},
       "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"},
  };
}

// CompactTrees() of testonly/constants.go: the frontier after each size.
std::vector<std::vector<NodeId>> Rfc6962Frontiers() {
  return {
      {},                        // Size 0.
      {{0, 0}},                  // Size 1.
      {{1, 0}},                  // Size 2.
      {{1, 0}, {0, 2}},          // Size 3.
      {{2, 0}},                  // Size 4.
      {{2, 0}, {0, 4}},          // Size 5.
      {{2, 0}, {1, 2}},          // Size 6.
      {{2, 0}, {1, 2}, {0, 6}},  // Size 7.
      {{3, 0}},                  // Size 8.
  };
}

TEST(CompactRangeTest, EmptyRangeHasEmptyTreeRoot) {
  const CompactRange range;
  EXPECT_EQ(range.size(), 0u);
  EXPECT_TRUE(range.nodes().empty());
  EXPECT_EQ(range.Root(), EmptyTreeRoot());
}

TEST(CompactRangeTest, RootsAndFrontiersMatchRfc6962Vectors) {
  const std::map<NodeId, std::string> nodes = Rfc6962Nodes();
  const std::vector<std::vector<NodeId>> frontiers = Rfc6962Frontiers();
  CompactRange range;
  const std::vector<Hash> leaves = Rfc6962Leaves();
  for (size_t i = 0; i < leaves.size(); ++i) {
    range.Append(leaves[i], nullptr);
    const uint64_t size = i + 1;
    SCOPED_TRACE(absl::StrCat("size ", size));
    EXPECT_EQ(range.size(), size);
    EXPECT_EQ(ToHex(range.Root()), kRfc6962Roots[i]);
    std::vector<std::string> want;
    for (const NodeId& id : frontiers[size]) {
      want.push_back(nodes.at(id));
    }
    std::vector<std::string> got;
    for (const Hash& h : range.nodes()) got.push_back(ToHex(h));
    EXPECT_EQ(got, want);
  }
}

TEST(CompactRangeTest, AppendReportsCompletedNodesLeafFirstThenUpward) {
  const std::map<NodeId, std::string> hashes = Rfc6962Nodes();
  // The nodes each append completes, in the promised order.
  const std::vector<std::vector<NodeId>> want_per_append = {
      {{0, 0}},                          // Leaf 0.
      {{0, 1}, {1, 0}},                  // Leaf 1.
      {{0, 2}},                          // Leaf 2.
      {{0, 3}, {1, 1}, {2, 0}},          // Leaf 3.
      {{0, 4}},                          // Leaf 4.
      {{0, 5}, {1, 2}},                  // Leaf 5.
      {{0, 6}},                          // Leaf 6.
      {{0, 7}, {1, 3}, {2, 1}, {3, 0}},  // Leaf 7.
  };
  CompactRange range;
  const std::vector<Hash> leaves = Rfc6962Leaves();
  for (size_t i = 0; i < leaves.size(); ++i) {
    std::vector<NewNode> reported;
    range.Append(leaves[i], [&](const NewNode& n) { reported.push_back(n); });
    std::vector<NewNode> want;
    for (const NodeId& id : want_per_append[i]) {
      want.push_back(NewNode{id.first, id.second, FromHex(hashes.at(id))});
    }
    EXPECT_EQ(reported, want) << "append of leaf " << i;
  }
}

TEST(CompactRangeTest, ReportsEveryCompleteSubtreeExactlyOnce) {
  const uint64_t n = 300;
  const std::vector<Hash> leaves = TestLeaves(n);
  CompactRange range;
  const std::vector<NewNode> reported = AppendAll(range, leaves);
  std::map<NodeId, Hash> store;
  for (const NewNode& node : reported) {
    EXPECT_TRUE(store.emplace(NodeId{node.level, node.index}, node.hash).second)
        << "node " << int{node.level} << "/" << node.index << " reported twice";
    const uint64_t begin = node.index << node.level;
    const uint64_t width = uint64_t{1} << node.level;
    ASSERT_LE(begin + width, n);
    EXPECT_EQ(node.hash, ReferenceRoot(std::span<const Hash>(leaves).subspan(
                             begin, width)));
  }
  // Complete subtrees of a tree of n leaves: floor(n / 2^level) per level.
  size_t complete = 0;
  for (int level = 0; (n >> level) != 0; ++level) complete += n >> level;
  EXPECT_EQ(store.size(), complete);
}

TEST(CompactRangeTest, RootMatchesReferenceRootAtEverySize) {
  const std::vector<Hash> leaves = TestLeaves(300);
  CompactRange range;
  for (size_t i = 0; i < leaves.size(); ++i) {
    range.Append(leaves[i], nullptr);
    ASSERT_EQ(range.Root(),
              ReferenceRoot(std::span<const Hash>(leaves).first(i + 1)))
        << "size " << i + 1;
    ASSERT_EQ(range.nodes().size(), static_cast<size_t>(std::popcount(i + 1)));
  }
}

TEST(CompactRangeTest, FromStoreReproducesTheAppendedFrontier) {
  const std::vector<Hash> leaves = TestLeaves(300);
  CompactRange appended;
  std::map<NodeId, Hash> store;
  for (uint64_t size = 0; size <= leaves.size(); ++size) {
    SCOPED_TRACE(absl::StrCat("size ", size));
    int reads = 0;
    absl::StatusOr<CompactRange> loaded =
        CompactRange::FromStore(StoreReader(store, &reads), size);
    ASSERT_THAT(loaded, IsOk());
    EXPECT_EQ(*loaded, appended);
    EXPECT_EQ(loaded->Root(), appended.Root());
    EXPECT_EQ(reads, std::popcount(size));
    if (size == leaves.size()) break;
    appended.Append(leaves[size], [&](const NewNode& node) {
      store[{node.level, node.index}] = node.hash;
    });
  }
}

TEST(CompactRangeTest, AppendAfterFromStoreContinuesTheSameTree) {
  const std::vector<Hash> leaves = TestLeaves(100);
  for (uint64_t split : {0u, 1u, 7u, 32u, 63u, 99u}) {
    SCOPED_TRACE(absl::StrCat("loaded at ", split));
    CompactRange full;
    std::map<NodeId, Hash> store;
    std::vector<NewNode> full_nodes;
    for (uint64_t i = 0; i < leaves.size(); ++i) {
      full.Append(leaves[i], [&](const NewNode& node) {
        if (i < split) store[{node.level, node.index}] = node.hash;
        if (i >= split) full_nodes.push_back(node);
      });
    }
    int reads = 0;
    absl::StatusOr<CompactRange> resumed =
        CompactRange::FromStore(StoreReader(store, &reads), split);
    ASSERT_THAT(resumed, IsOk());
    const std::vector<NewNode> resumed_nodes = AppendAll(
        *resumed, std::vector<Hash>(leaves.begin() + split, leaves.end()));
    EXPECT_EQ(resumed_nodes, full_nodes);
    EXPECT_EQ(*resumed, full);
  }
}

TEST(CompactRangeTest, FromStoreReadsOnlyTheFrontierOfAHugeTree) {
  const uint64_t size = (uint64_t{1} << 40) - 3;
  std::vector<NodeId> read_ids;
  const NodeReader read = [&](uint8_t level,
                              uint64_t index) -> absl::StatusOr<Hash> {
    read_ids.push_back({level, index});
    return Sha256(absl::StrCat(level, "/", index));
  };
  absl::StatusOr<CompactRange> range = CompactRange::FromStore(read, size);
  ASSERT_THAT(range, IsOk());
  EXPECT_EQ(range->size(), size);
  ASSERT_EQ(read_ids.size(), 39u);  // popcount(2^40 - 3).
  // Left to right: perfect subtrees of 2^39, 2^38, ..., 2^2, then 2^0.
  uint64_t begin = 0;
  for (const NodeId& id : read_ids) {
    EXPECT_EQ(id.second << id.first, begin);
    begin += uint64_t{1} << id.first;
  }
  EXPECT_EQ(begin, size);
}

TEST(CompactRangeTest, FromStorePassesReaderErrorsBack) {
  const NodeReader failing = [](uint8_t, uint64_t) -> absl::StatusOr<Hash> {
    return absl::UnavailableError("store down");
  };
  EXPECT_EQ(CompactRange::FromStore(failing, 5).status().code(),
            absl::StatusCode::kUnavailable);
  // Size 0 needs no reads, so cannot fail.
  absl::StatusOr<CompactRange> empty = CompactRange::FromStore(failing, 0);
  ASSERT_THAT(empty, IsOk());
  EXPECT_EQ(*empty, CompactRange());
}

TEST(CompactRangeTest, DifferentLeavesGiveDifferentFrontiers) {
  CompactRange a;
  CompactRange b;
  a.Append(LeafHash("a"), nullptr);
  b.Append(LeafHash("b"), nullptr);
  EXPECT_FALSE(a == b);
  EXPECT_NE(a.Root(), b.Root());
}

TEST(CompactRangeTest, AppendLeavesBuildsTheTreeAppendBuildsOneLeafAtATime) {
  CompactRange one_by_one;
  CompactRange batched;
  CompactRange::NewLevels levels;
  uint64_t next = 0;
  // Batches of uneven sizes, so that they start at odd and even indexes.
  for (size_t batch : {size_t{1}, size_t{2}, size_t{3}, size_t{0}, size_t{7}, size_t{64},
                       size_t{100}, size_t{1000}}) {
    std::vector<Hash> leaves;
    std::map<NodeId, Hash> reported;
    for (size_t i = 0; i < batch; ++i, ++next) {
      leaves.push_back(LeafHash(absl::StrCat("leaf ", next)));
      one_by_one.Append(leaves.back(), [&](const NewNode& node) {
        reported[{node.level, node.index}] = node.hash;
      });
    }
    batched.AppendLeaves(leaves, levels);
    EXPECT_EQ(batched, one_by_one) << "after " << next << " leaves";
    EXPECT_EQ(batched.Root(), one_by_one.Root());
    // The same nodes reported as completed, level by level.
    std::map<NodeId, Hash> batch_nodes;
    for (size_t level = 0; level < levels.levels(); ++level) {
      for (size_t i = 0; i < levels.nodes(level).size(); ++i) {
        batch_nodes[{static_cast<uint8_t>(level), levels.first(level) + i}] =
            levels.nodes(level)[i];
      }
    }
    EXPECT_EQ(batch_nodes, reported) << "batch of " << batch;
  }
}

}  // namespace
}  // namespace ledger::log
