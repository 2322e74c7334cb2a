#include "ledger/log/merkle.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"

namespace ledger::log {

namespace {

constexpr uint64_t kOne = 1;

// Checks the precondition of SubtreeRoot: begin <= end and begin is 0 or a
// multiple of bit_ceil(end - begin).
absl::Status CheckSubtreeRange(uint64_t begin, uint64_t end) {
  if (begin > end) {
    return absl::InvalidArgumentError(absl::StrCat(
        "subtree range [", begin, ", ", end, ") has begin after end"));
  }
  if (begin == 0 || begin == end) return absl::OkStatus();
  const uint64_t size = end - begin;
  // bit_ceil(size) would be 2^64 here, and no non-zero begin is a multiple.
  const bool aligned =
      size <= (kOne << 63) && (begin & (std::bit_ceil(size) - 1)) == 0;
  if (!aligned) {
    return absl::InvalidArgumentError(absl::StrCat(
        "subtree range [", begin, ", ", end,
        ") is not a node of the Merkle tree: begin must be 0 or a multiple of "
        "the smallest power of two >= its size ",
        size));
  }
  return absl::OkStatus();
}

// Appends to `out` the hash of the node at `level` whose index is `index` in
// the tree of size `tree_size`: a stored read when the node is complete in
// that tree, else the ephemeral MTH of its leaves below tree_size.
// Requires index << level < tree_size.
absl::Status AppendNode(const NodeReader& read, uint8_t level, uint64_t index,
                        uint64_t tree_size, std::vector<Hash>& out) {
  const uint64_t begin = index << level;
  const uint64_t width = kOne << level;
  if (tree_size - begin >= width) {
    LEDGER_ASSIGN_OR_RETURN(Hash hash, read(level, index));
    out.push_back(hash);
    return absl::OkStatus();
  }
  LEDGER_ASSIGN_OR_RETURN(Hash hash, SubtreeRoot(read, begin, tree_size));
  out.push_back(hash);
  return absl::OkStatus();
}

// Appends to `out` the inclusion path of leaf `leaf_index` in the tree of
// size `tree_size`, restricted to siblings at levels >= from_level, lowest
// level first. Requires leaf_index < tree_size, and from_level below the
// level where the paths to leaf_index and tree_size - 1 meet (or 0).
//
// Below that level ("inner" levels) each level has a sibling, left or right;
// only the highest right sibling can be incomplete. Above it ("border"
// levels) the path runs along the right border and has only left siblings,
// all complete, at the levels where the path is a right child.
absl::Status AppendPath(const NodeReader& read, uint64_t leaf_index,
                        uint64_t tree_size, int from_level,
                        std::vector<Hash>& out) {
  const int inner = std::bit_width(leaf_index ^ (tree_size - 1));
  for (int level = from_level; level < inner; ++level) {
    const uint64_t sibling = (leaf_index >> level) ^ 1;
    LEDGER_RETURN_IF_ERROR(
        AppendNode(read, static_cast<uint8_t>(level), sibling, tree_size, out));
  }
  for (int level = std::max(inner, from_level);
       level < 64 && (leaf_index >> level) != 0; ++level) {
    const uint64_t index = leaf_index >> level;
    if ((index & 1) == 0) continue;
    LEDGER_ASSIGN_OR_RETURN(Hash hash,
                            read(static_cast<uint8_t>(level), index - 1));
    out.push_back(hash);
  }
  return absl::OkStatus();
}

// The largest power of two strictly less than n. Requires n >= 2.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

}  // namespace

absl::StatusOr<Hash> SubtreeRoot(const NodeReader& read, uint64_t begin,
                                 uint64_t end) {
  LEDGER_RETURN_IF_ERROR(CheckSubtreeRange(begin, end));
  if (begin == end) return EmptyTreeRoot();
  const uint64_t size = end - begin;
  // The complete subtrees of [begin, end), left to right: one per set bit of
  // size, largest first. That is the RFC split: the left part of MTH(D[a:b])
  // is the perfect subtree of size bit_floor(b - a - 1).
  std::vector<Hash> parts;
  uint64_t pos = begin;
  for (int level = std::bit_width(size) - 1; level >= 0; --level) {
    if (((size >> level) & 1) == 0) continue;
    LEDGER_ASSIGN_OR_RETURN(Hash hash,
                            read(static_cast<uint8_t>(level), pos >> level));
    parts.push_back(hash);
    pos += kOne << level;
  }
  Hash root = parts.back();
  for (size_t i = parts.size() - 1; i-- > 0;) {
    root = NodeHash(parts[i], root);
  }
  return root;
}

absl::StatusOr<Hash> RootAt(const NodeReader& read, uint64_t tree_size) {
  return SubtreeRoot(read, 0, tree_size);
}

absl::StatusOr<std::vector<Hash>> BuildInclusionProof(const NodeReader& read,
                                                      uint64_t leaf_index,
                                                      uint64_t tree_size) {
  if (leaf_index >= tree_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot prove inclusion of leaf ", leaf_index, " in a tree of size ",
        tree_size, ": the leaf index must be below the tree size"));
  }
  std::vector<Hash> proof;
  LEDGER_RETURN_IF_ERROR(AppendPath(read, leaf_index, tree_size, 0, proof));
  return proof;
}

absl::StatusOr<std::vector<Hash>> BuildConsistencyProof(const NodeReader& read,
                                                        uint64_t first_size,
                                                        uint64_t second_size) {
  if (first_size > second_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot prove consistency from tree size ", first_size,
                     " to the smaller tree size ", second_size));
  }
  std::vector<Hash> proof;
  if (first_size == 0 || first_size == second_size) return proof;
  // The old tree's rightmost complete subtree [first_size - 2^level,
  // first_size) is a node of both trees. The proof is that node (omitted when
  // it is the whole old tree, whose root the verifier already has) followed
  // by its path to the new root.
  const int level = std::countr_zero(first_size);
  const uint64_t index = (first_size - 1) >> level;
  if (index != 0) {
    LEDGER_ASSIGN_OR_RETURN(Hash hash,
                            read(static_cast<uint8_t>(level), index));
    proof.push_back(hash);
  }
  LEDGER_RETURN_IF_ERROR(
      AppendPath(read, first_size - 1, second_size, level, proof));
  return proof;
}

Hash ReferenceRoot(std::span<const Hash> leaves) {
  if (leaves.empty()) return EmptyTreeRoot();
  if (leaves.size() == 1) return leaves[0];
  const uint64_t k = SplitPoint(leaves.size());
  return NodeHash(ReferenceRoot(leaves.first(k)),
                  ReferenceRoot(leaves.subspan(k)));
}

}  // namespace ledger::log
