#include "ledger/log/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "ledger/log/compact_range.h"
#include "ledger/log/hash.h"
#include "tests/ledger/log/rfc6962_vectors.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::log {
namespace {

// ---------------------------------------------------------------------------
// Helpers.

Hash FromHex(const std::string& hex) {
  absl::StatusOr<Hash> hash = HashFromHex(hex);
  EXPECT_THAT(hash, IsOk());
  return hash.ok() ? *hash : Hash{};
}

std::vector<Hash> FromHex(const std::vector<std::string>& hexes) {
  std::vector<Hash> out;
  for (const std::string& hex : hexes) out.push_back(FromHex(hex));
  return out;
}

std::vector<Hash> TestLeaves(uint64_t n) {
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < n; ++i) {
    leaves.push_back(LeafHash(absl::StrCat("entry ", i)));
  }
  return leaves;
}

// Every complete subtree hash of a tree, as the store keeps them.
class MemoryTree {
 public:
  explicit MemoryTree(std::vector<Hash> leaves) {
    levels_.push_back(std::move(leaves));
    while (levels_.back().size() >= 2) {
      const std::vector<Hash>& below = levels_.back();
      std::vector<Hash> above;
      for (size_t i = 0; i + 1 < below.size(); i += 2) {
        above.push_back(NodeHash(below[i], below[i + 1]));
      }
      levels_.push_back(std::move(above));
    }
  }

  std::span<const Hash> leaves() const { return levels_[0]; }

  // A reader for the tree of size `size`. It serves only the nodes complete
  // in that tree and returns NotFound for any other, so code that reads a
  // node it must not (an incomplete one, or one beyond the tree) fails.
  // Counts calls in *reads when given.
  NodeReader Reader(uint64_t size, int* reads = nullptr) const {
    return [this, size, reads](uint8_t level,
                               uint64_t index) -> absl::StatusOr<Hash> {
      if (reads != nullptr) ++*reads;
      if (level >= levels_.size() || index >= levels_[level].size() ||
          ((index + 1) << level) > size) {
        return absl::NotFoundError(absl::StrCat("no node (", level, ", ", index,
                                                ") in tree of size ", size));
      }
      return levels_[level][index];
    };
  }

 private:
  std::vector<std::vector<Hash>> levels_;
};

// RFC 9162 section 2.1.3.1 PATH(m, D[n]), transcribed literally.
std::vector<Hash> RfcPath(uint64_t m, std::span<const Hash> d) {
  if (d.size() <= 1) return {};
  const uint64_t k = std::bit_floor(d.size() - 1);
  std::vector<Hash> path;
  if (m < k) {
    path = RfcPath(m, d.first(k));
    path.push_back(ReferenceRoot(d.subspan(k)));
  } else {
    path = RfcPath(m - k, d.subspan(k));
    path.push_back(ReferenceRoot(d.first(k)));
  }
  return path;
}

// RFC 9162 section 2.1.4.1 SUBPROOF(m, D[n], b), transcribed literally.
std::vector<Hash> RfcSubproof(uint64_t m, std::span<const Hash> d, bool b) {
  if (m == d.size()) {
    if (b) return {};
    return {ReferenceRoot(d)};
  }
  const uint64_t k = std::bit_floor(d.size() - 1);
  std::vector<Hash> proof;
  if (m <= k) {
    proof = RfcSubproof(m, d.first(k), b);
    proof.push_back(ReferenceRoot(d.subspan(k)));
  } else {
    proof = RfcSubproof(m - k, d.subspan(k), false);
    proof.push_back(ReferenceRoot(d.first(k)));
  }
  return proof;
}

// A reader for an enormous tree: node (level, index) hashes to SHA-256 of
// "level/index". The hashes are not a consistent tree; this only counts
// reads, and flags any read of a node that is not complete in `size`.
NodeReader SyntheticReader(uint64_t size, int* reads, int* bad_reads) {
  return [=](uint8_t level, uint64_t index) -> absl::StatusOr<Hash> {
    ++*reads;
    if (level >= 64 || index >= (size >> level)) ++*bad_reads;
    return Sha256(absl::StrCat(level, "/", index));
  };
}

// ---------------------------------------------------------------------------
// Published vectors: the 8-leaf reference tree of the RFC 6962 test suites
// (rfc6962_vectors.h, with their sources).

using rfc6962::Rfc6962Leaves;
using rfc6962::Rfc6962Nodes;
using rfc6962::Rfc6962Roots;

struct PathVector {
  uint64_t leaf_index;  // 0-based.
  uint64_t tree_size;
  std::vector<std::string> path;
};

// google/certificate-transparency cpp/merkletree/merkle_tree_test.cc
// kSHA256Paths (1-based leaf numbers there, 0-based here); the same values as
// transparency-dev/merkle proof/verify_test.go `inclusionProofs` before its
// commit bcba819 moved them to testdata/.
std::vector<PathVector> Rfc6962Paths() {
  return {
      {0, 1, {}},
      {0,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5,
       8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2,
       3,
       {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1,
       5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
}

struct ConsistencyVector {
  uint64_t first_size;
  uint64_t second_size;
  std::vector<std::string> proof;
};

// google/certificate-transparency cpp/merkletree/merkle_tree_test.cc
// kSHA256Proofs, plus {6, 7} from transparency-dev/merkle
// proof/verify_test.go `consistencyProofs` (before commit bcba819).
std::vector<ConsistencyVector> Rfc6962ConsistencyProofs() {
  return {
      {1, 1, {}},
      {1,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6,
       8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2,
       5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
      {6,
       7,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
  };
}

TEST(MerkleTest, RootsMatchRfc6962Vectors) {
  const MemoryTree tree(Rfc6962Leaves());
  for (uint64_t size = 0; size <= 8; ++size) {
    SCOPED_TRACE(absl::StrCat("size ", size));
    const Hash want = FromHex(Rfc6962Roots()[size]);
    absl::StatusOr<Hash> root = RootAt(tree.Reader(size), size);
    ASSERT_THAT(root, IsOk());
    EXPECT_EQ(ToHex(*root), ToHex(want));
    EXPECT_EQ(ToHex(ReferenceRoot(tree.leaves().first(size))), ToHex(want));
  }
}

TEST(MerkleTest, CompleteSubtreesMatchRfc6962NodeVectors) {
  const MemoryTree tree(Rfc6962Leaves());
  const std::vector<std::vector<std::string>> nodes = Rfc6962Nodes();
  for (size_t level = 0; level < nodes.size(); ++level) {
    for (size_t index = 0; index < nodes[level].size(); ++index) {
      const uint64_t begin = index << level;
      const uint64_t end = (index + 1) << level;
      SCOPED_TRACE(absl::StrCat("[", begin, ", ", end, ")"));
      const Hash want = FromHex(nodes[level][index]);
      EXPECT_EQ(ToHex(ReferenceRoot(tree.leaves().subspan(begin, end - begin))),
                ToHex(want));
      absl::StatusOr<Hash> got = SubtreeRoot(tree.Reader(8), begin, end);
      ASSERT_THAT(got, IsOk());
      EXPECT_EQ(ToHex(*got), ToHex(want));
    }
  }
}

TEST(MerkleTest, InclusionProofsMatchRfc6962Vectors) {
  const MemoryTree tree(Rfc6962Leaves());
  for (const PathVector& v : Rfc6962Paths()) {
    SCOPED_TRACE(absl::StrCat("leaf ", v.leaf_index, " size ", v.tree_size));
    absl::StatusOr<std::vector<Hash>> proof = BuildInclusionProof(
        tree.Reader(v.tree_size), v.leaf_index, v.tree_size);
    ASSERT_THAT(proof, IsOk());
    EXPECT_EQ(*proof, FromHex(v.path));
  }
}

TEST(MerkleTest, ConsistencyProofsMatchRfc6962Vectors) {
  const MemoryTree tree(Rfc6962Leaves());
  for (const ConsistencyVector& v : Rfc6962ConsistencyProofs()) {
    SCOPED_TRACE(absl::StrCat(v.first_size, " -> ", v.second_size));
    absl::StatusOr<std::vector<Hash>> proof = BuildConsistencyProof(
        tree.Reader(v.second_size), v.first_size, v.second_size);
    ASSERT_THAT(proof, IsOk());
    EXPECT_EQ(*proof, FromHex(v.proof));
  }
}

// ---------------------------------------------------------------------------
// Published vectors: the "Subtree Test Vectors" appendix of
// draft-ietf-plants-merkle-tree-certs, as reproduced by transparency-dev/merkle
// testonly/vectors_test.go (commit 417fb0c314750d94e53942e9f92e79b6d35915db).
// Over the tree with leaves d[i] = the single byte i, for every end <= 130 and
// every start <= end that is a valid subtree, each line is folded into one
// SHA-256. These pin SubtreeRoot's notion of a valid range as well as its
// hashes (invalid ranges must be exactly the ones the draft skips).

constexpr uint64_t kDraftVectorSize = 130;

MemoryTree DraftVectorTree() {
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < kDraftVectorSize; ++i) {
    leaves.push_back(LeafHash(std::string(1, static_cast<char>(i))));
  }
  return MemoryTree(std::move(leaves));
}

TEST(MerkleTest, SubtreeRootsMatchDraftSubtreeHashVector) {
  const MemoryTree tree = DraftVectorTree();
  const NodeReader read = tree.Reader(kDraftVectorSize);
  std::string transcript;
  for (uint64_t end = 0; end <= kDraftVectorSize; ++end) {
    for (uint64_t start = 0; start <= end; ++start) {
      absl::StatusOr<Hash> hash = SubtreeRoot(read, start, end);
      if (hash.status().code() == absl::StatusCode::kInvalidArgument) continue;
      ASSERT_THAT(hash, IsOk());
      absl::StrAppend(&transcript, "[", start, ", ", end, ") ", ToHex(*hash),
                      "\n");
    }
  }
  EXPECT_EQ(ToHex(Sha256(transcript)),
            "b82806ad4265bb151c1119c0f4db437bb4d1a1f887b3a7fba1cd4ebf552e3e81");
}

// The draft's subtree inclusion proof of `index` in [start, end) is the plain
// inclusion proof of index - start in a tree of end - start leaves whose node
// (level, i) is stored node (level, i + (start >> level)).
TEST(MerkleTest, ShiftedInclusionProofsMatchDraftSubtreeInclusionVector) {
  const MemoryTree tree = DraftVectorTree();
  const NodeReader read = tree.Reader(kDraftVectorSize);
  std::string transcript;
  for (uint64_t end = 0; end <= kDraftVectorSize; ++end) {
    for (uint64_t start = 0; start <= end; ++start) {
      if (!SubtreeRoot(read, start, end).ok()) continue;
      const NodeReader shifted = [&read, start](uint8_t level, uint64_t i) {
        return read(level, i + (start >> level));
      };
      for (uint64_t index = start; index < end; ++index) {
        absl::StatusOr<std::vector<Hash>> proof =
            BuildInclusionProof(shifted, index - start, end - start);
        ASSERT_THAT(proof, IsOk());
        absl::StrAppend(&transcript, index, " [", start, ", ", end, ")");
        for (const Hash& h : *proof) {
          absl::StrAppend(&transcript, " ", ToHex(h));
        }
        transcript += "\n";
      }
    }
  }
  EXPECT_EQ(ToHex(Sha256(transcript)),
            "ac2a8f989e44d99e399db448050ff5f19757df53cfb716aa81015d3955d8163f");
}

// ---------------------------------------------------------------------------
// Cross-checks against the RFC recursion and CompactRange.

constexpr uint64_t kMaxPropertySize = 300;

TEST(MerkleTest, RootAtMatchesReferenceRootAndCompactRange) {
  const MemoryTree tree(TestLeaves(kMaxPropertySize));
  CompactRange range;
  for (uint64_t n = 0; n <= kMaxPropertySize; ++n) {
    SCOPED_TRACE(absl::StrCat("size ", n));
    if (n > 0) range.Append(tree.leaves()[n - 1], nullptr);
    absl::StatusOr<Hash> root = RootAt(tree.Reader(n), n);
    ASSERT_THAT(root, IsOk());
    EXPECT_EQ(*root, ReferenceRoot(tree.leaves().first(n)));
    EXPECT_EQ(*root, range.Root());
  }
}

TEST(MerkleTest, IncompleteSubtreeRootsMatchReferenceRoot) {
  const MemoryTree tree(TestLeaves(kMaxPropertySize));
  const NodeReader read = tree.Reader(kMaxPropertySize);
  int checked = 0;
  for (uint64_t end = 1; end <= kMaxPropertySize; ++end) {
    for (uint64_t begin = 0; begin < end; ++begin) {
      absl::StatusOr<Hash> got = SubtreeRoot(read, begin, end);
      if (!got.ok()) {
        EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
        EXPECT_NE(begin % std::bit_ceil(end - begin), 0u);
        continue;
      }
      EXPECT_EQ(begin % std::bit_ceil(end - begin), 0u);
      EXPECT_EQ(*got, ReferenceRoot(tree.leaves().subspan(begin, end - begin)))
          << "[" << begin << ", " << end << ")";
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
}

// Every (i, n) with n <= kExhaustive, then random pairs up to kMaxPropertySize
// (the RFC transcription costs O(n) hashes per proof).
constexpr uint64_t kExhaustive = 128;
constexpr int kSamples = 3000;

TEST(MerkleTest, InclusionProofsMatchRfcRecursion) {
  const MemoryTree tree(TestLeaves(kMaxPropertySize));
  auto check = [&](uint64_t i, uint64_t n) {
    absl::StatusOr<std::vector<Hash>> proof =
        BuildInclusionProof(tree.Reader(n), i, n);
    ASSERT_THAT(proof, IsOk());
    EXPECT_EQ(*proof, RfcPath(i, tree.leaves().first(n)))
        << "leaf " << i << " size " << n;
  };
  for (uint64_t n = 1; n <= kExhaustive; ++n) {
    for (uint64_t i = 0; i < n; ++i) check(i, n);
  }
  std::mt19937_64 rng(6962);
  for (int s = 0; s < kSamples; ++s) {
    const uint64_t n = 1 + rng() % kMaxPropertySize;
    check(rng() % n, n);
  }
}

TEST(MerkleTest, ConsistencyProofsMatchRfcRecursion) {
  const MemoryTree tree(TestLeaves(kMaxPropertySize));
  auto check = [&](uint64_t m, uint64_t n) {
    absl::StatusOr<std::vector<Hash>> proof =
        BuildConsistencyProof(tree.Reader(n), m, n);
    ASSERT_THAT(proof, IsOk());
    EXPECT_EQ(*proof, RfcSubproof(m, tree.leaves().first(n), true))
        << m << " -> " << n;
  };
  for (uint64_t n = 1; n <= kExhaustive; ++n) {
    for (uint64_t m = 1; m <= n; ++m) check(m, n);
  }
  std::mt19937_64 rng(9162);
  for (int s = 0; s < kSamples; ++s) {
    const uint64_t n = 1 + rng() % kMaxPropertySize;
    check(1 + rng() % n, n);
  }
}

// ---------------------------------------------------------------------------
// Cost: O(log n) reads, only of nodes complete in the requested tree.

TEST(MerkleTest, ProofBuildingReadsLogarithmicallyManyNodes) {
  const uint64_t n = (uint64_t{1} << 40) - 3;
  const int log2n = std::bit_width(n - 1);  // 40.
  const int budget = 2 * log2n;
  std::vector<uint64_t> indices = {0, 1, 2, n / 2, n - 3, n - 2, n - 1};
  std::mt19937_64 rng(40);
  for (int s = 0; s < 50; ++s) indices.push_back(rng() % n);
  for (uint64_t i : indices) {
    int reads = 0, bad_reads = 0;
    absl::StatusOr<std::vector<Hash>> proof =
        BuildInclusionProof(SyntheticReader(n, &reads, &bad_reads), i, n);
    ASSERT_THAT(proof, IsOk());
    EXPECT_LE(reads, budget) << "inclusion of leaf " << i;
    EXPECT_EQ(bad_reads, 0) << "inclusion of leaf " << i;
    EXPECT_LE(proof->size(), static_cast<size_t>(log2n));
  }
  for (uint64_t m : indices) {
    if (m == 0) continue;
    int reads = 0, bad_reads = 0;
    absl::StatusOr<std::vector<Hash>> proof =
        BuildConsistencyProof(SyntheticReader(n, &reads, &bad_reads), m, n);
    ASSERT_THAT(proof, IsOk());
    EXPECT_LE(reads, budget) << "consistency from " << m;
    EXPECT_EQ(bad_reads, 0) << "consistency from " << m;
  }
  int reads = 0, bad_reads = 0;
  ASSERT_THAT(RootAt(SyntheticReader(n, &reads, &bad_reads), n), IsOk());
  EXPECT_EQ(reads, std::popcount(n));
  EXPECT_EQ(bad_reads, 0);
}

TEST(MerkleTest, ProofsWorkAtTheLargestTreeSize) {
  const uint64_t n = ~uint64_t{0};
  for (uint64_t i : {uint64_t{0}, n / 2, n - 2, n - 1}) {
    int reads = 0, bad_reads = 0;
    absl::StatusOr<std::vector<Hash>> proof =
        BuildInclusionProof(SyntheticReader(n, &reads, &bad_reads), i, n);
    ASSERT_THAT(proof, IsOk());
    EXPECT_LE(reads, 128);
    EXPECT_EQ(bad_reads, 0);
  }
  for (uint64_t m : {uint64_t{1}, uint64_t{1} << 63, n - 1}) {
    int reads = 0, bad_reads = 0;
    absl::StatusOr<std::vector<Hash>> proof =
        BuildConsistencyProof(SyntheticReader(n, &reads, &bad_reads), m, n);
    ASSERT_THAT(proof, IsOk());
    EXPECT_LE(reads, 128);
    EXPECT_EQ(bad_reads, 0);
  }
}

// ---------------------------------------------------------------------------
// Edge cases and errors.

TEST(MerkleTest, EmptyTreeRootNeedsNoReads) {
  int reads = 0;
  const MemoryTree tree(TestLeaves(4));
  absl::StatusOr<Hash> root = RootAt(tree.Reader(0, &reads), 0);
  ASSERT_THAT(root, IsOk());
  EXPECT_EQ(*root, EmptyTreeRoot());
  EXPECT_EQ(reads, 0);
  EXPECT_EQ(ReferenceRoot({}), EmptyTreeRoot());
}

TEST(MerkleTest, InclusionProofRejectsLeafIndexOutOfRange) {
  const MemoryTree tree(TestLeaves(8));
  for (auto [i, n] : std::vector<std::pair<uint64_t, uint64_t>>{
           {0, 0}, {8, 8}, {9, 8}, {~uint64_t{0}, 8}}) {
    absl::StatusOr<std::vector<Hash>> proof =
        BuildInclusionProof(tree.Reader(n), i, n);
    EXPECT_EQ(proof.status().code(), absl::StatusCode::kInvalidArgument)
        << i << " " << n;
  }
}

TEST(MerkleTest, ConsistencyProofRejectsReversedSizes) {
  const MemoryTree tree(TestLeaves(8));
  absl::StatusOr<std::vector<Hash>> proof =
      BuildConsistencyProof(tree.Reader(8), 5, 4);
  EXPECT_EQ(proof.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(proof.status().message().find("5"), absl::string_view::npos);
}

TEST(MerkleTest, ConsistencyProofIsEmptyForEqualSizesOrEmptyFirstTree) {
  const MemoryTree tree(TestLeaves(8));
  for (auto [m, n] : std::vector<std::pair<uint64_t, uint64_t>>{
           {0, 0}, {0, 5}, {0, 8}, {1, 1}, {5, 5}, {8, 8}}) {
    int reads = 0;
    absl::StatusOr<std::vector<Hash>> proof =
        BuildConsistencyProof(tree.Reader(n, &reads), m, n);
    ASSERT_THAT(proof, IsOk());
    EXPECT_TRUE(proof->empty()) << m << " -> " << n;
    EXPECT_EQ(reads, 0);
  }
}

TEST(MerkleTest, SubtreeRootRejectsRangesThatAreNotNodes) {
  const MemoryTree tree(TestLeaves(16));
  const NodeReader read = tree.Reader(16);
  // The ranges of transparency-dev/merkle's
  // testdata/subtreeconsistency/additional/invalid-subtree-*.json, plus a
  // reversed range and one too large to be aligned anywhere but at 0.
  for (auto [begin, end] : std::vector<std::pair<uint64_t, uint64_t>>{
           {1, 15}, {1, 3}, {2, 5}, {2, 6}, {5, 3}, {1, ~uint64_t{0}}}) {
    absl::StatusOr<Hash> root = SubtreeRoot(read, begin, end);
    EXPECT_EQ(root.status().code(), absl::StatusCode::kInvalidArgument)
        << "[" << begin << ", " << end << ")";
  }
}

TEST(MerkleTest, EmptySubtreeIsTheEmptyTreeRoot) {
  int reads = 0;
  const MemoryTree tree(TestLeaves(8));
  absl::StatusOr<Hash> root = SubtreeRoot(tree.Reader(8, &reads), 5, 5);
  ASSERT_THAT(root, IsOk());
  EXPECT_EQ(*root, EmptyTreeRoot());
  EXPECT_EQ(reads, 0);
}

TEST(MerkleTest, CompleteSubtreeIsOneRead) {
  int reads = 0;
  const MemoryTree tree(TestLeaves(64));
  absl::StatusOr<Hash> root = SubtreeRoot(tree.Reader(64, &reads), 32, 64);
  ASSERT_THAT(root, IsOk());
  EXPECT_EQ(reads, 1);
  EXPECT_EQ(*root, ReferenceRoot(tree.leaves().subspan(32, 32)));
}

TEST(MerkleTest, ReaderErrorsArePassedBackUnchanged) {
  const NodeReader failing = [](uint8_t level,
                                uint64_t index) -> absl::StatusOr<Hash> {
    return absl::UnavailableError(
        absl::StrCat("store down reading ", level, "/", index));
  };
  EXPECT_EQ(RootAt(failing, 5).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(SubtreeRoot(failing, 4, 7).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(BuildInclusionProof(failing, 2, 7).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(BuildConsistencyProof(failing, 3, 7).status().code(),
            absl::StatusCode::kUnavailable);
  // A store that lacks one node: only proofs that need it fail.
  const MemoryTree tree(TestLeaves(8));
  const NodeReader full = tree.Reader(8);
  const NodeReader missing = [&full](uint8_t level,
                                     uint64_t index) -> absl::StatusOr<Hash> {
    if (level == 1 && index == 3) return absl::NotFoundError("node 1/3");
    return full(level, index);
  };
  EXPECT_EQ(BuildInclusionProof(missing, 0, 8).status().code(),
            absl::StatusCode::kOk);
  EXPECT_EQ(BuildInclusionProof(missing, 4, 8).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(BuildConsistencyProof(missing, 6, 8).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace ledger::log
