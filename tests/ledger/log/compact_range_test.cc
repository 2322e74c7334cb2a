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
#include "tests/ledger/log/rfc6962_vectors.h"
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

// The 8-leaf RFC 6962 reference tree (rfc6962_vectors.h), its node hashes
// keyed by node.
std::map<NodeId, std::string> Rfc6962Nodes() {
  std::map<NodeId, std::string> nodes;
  const std::vector<std::vector<std::string>> by_level = rfc6962::Rfc6962Nodes();
  for (size_t level = 0; level < by_level.size(); ++level) {
    for (size_t index = 0; index < by_level[level].size(); ++index) {
      nodes[{static_cast<uint8_t>(level), index}] = by_level[level][index];
    }
  }
  return nodes;
}

using rfc6962::Rfc6962Leaves;

// CompactTrees() of transparency-dev/merkle testonly/constants.go (commit
// 417fb0c314750d94e53942e9f92e79b6d35915db): the frontier after each size.
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
    EXPECT_EQ(ToHex(range.Root()), rfc6962::Rfc6962Roots()[size]);
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
