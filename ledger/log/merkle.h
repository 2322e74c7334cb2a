// Merkle tree hashes and proof BUILDING over the stored nodes of an RFC 9162
// (section 2.1) log tree. Verification lives in proof_verify.h and the
// append-side frontier in compact_range.h; the three are independent.
//
// The log stores the hash of every complete (perfect) subtree and nothing
// else. A node is addressed by (level, index): level 0 holds the leaf hashes,
// and node (level, index) covers leaves [index << level, (index + 1) << level).
// Any root, inclusion proof or consistency proof of a tree of size n needs
// O(log n) of those nodes plus at most one "ephemeral" node (an incomplete
// subtree on the right border), which is folded from O(log n) stored nodes.
// Nothing here rebuilds the tree.
//
// Thread-safety: every function is stateless; it is as thread-safe as the
// NodeReader it is given.
#ifndef LEDGER_LOG_MERKLE_H_
#define LEDGER_LOG_MERKLE_H_

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/log/hash.h"

namespace ledger::log {

// Returns the stored hash of the complete (perfect) subtree at `level` with
// index `index`, i.e. covering leaves [index << level, (index + 1) << level).
// Level 0 = leaf hashes. Functions below only ask for nodes that are complete
// in the tree size they were given; whatever error the reader returns (say
// NotFound for a node not yet stored) is passed back to the caller unchanged.
using NodeReader =
    std::function<absl::StatusOr<Hash>(uint8_t level, uint64_t index)>;

// Returns MTH(D[begin:end]), the RFC 9162 Merkle Tree Hash of leaves
// [begin, end), for a range that is a node of the RFC recursion.
//
// Precondition (InvalidArgument otherwise): begin <= end, and begin is 0 or a
// multiple of bit_ceil(end - begin), the smallest power of two >= end - begin.
// These are exactly the ranges that occur as subtrees of the tree of size
// `end` (the right-border subtrees of RFC 9162 section 2.1.1's recursion,
// plus every complete node); other ranges have no hash in the tree.
//
// An empty range (begin == end) returns EmptyTreeRoot() without reading. A
// complete range (end - begin a power of two) is one read. An incomplete one
// reads its complete subtrees left to right (one per set bit of end - begin,
// so at most 64) and folds them right to left.
absl::StatusOr<Hash> SubtreeRoot(const NodeReader& read, uint64_t begin,
                                 uint64_t end);

// Returns the root hash of the tree of size `tree_size` (leaves [0,
// tree_size)): EmptyTreeRoot() for 0, otherwise SubtreeRoot(read, 0,
// tree_size). At most popcount(tree_size) reads.
absl::StatusOr<Hash> RootAt(const NodeReader& read, uint64_t tree_size);

// Returns the RFC 9162 section 2.1.3.1 inclusion proof PATH(leaf_index,
// D[tree_size]): the sibling hashes from the leaf up to the root, leaf end
// first. The proof of the only leaf of a one-leaf tree is empty.
// InvalidArgument if leaf_index >= tree_size. At most
// 2 * bit_width(tree_size - 1) reads, i.e. about 2 * log2(tree_size).
absl::StatusOr<std::vector<Hash>> BuildInclusionProof(const NodeReader& read,
                                                      uint64_t leaf_index,
                                                      uint64_t tree_size);

// Returns the RFC 9162 section 2.1.4.1 consistency proof PROOF(first_size,
// D[second_size]) between the trees of sizes first_size and second_size.
// InvalidArgument if first_size > second_size.
//
// The proof is empty when first_size == second_size (RFC 9162: "the subproof
// for m = n is empty" when m is the size the proof was requested for) and
// when first_size == 0 (the RFC defines proofs for 0 < m only; every tree is
// an extension of the empty tree, so there is nothing to prove). Note that
// proof_verify.h accepts the empty proof for first_size == 0 only together
// with first_root == EmptyTreeRoot(). At most 2 * bit_width(second_size - 1)
// reads.
absl::StatusOr<std::vector<Hash>> BuildConsistencyProof(const NodeReader& read,
                                                        uint64_t first_size,
                                                        uint64_t second_size);

// Returns the Merkle Tree Hash of the given leaf hashes computed by the plain
// recursion of RFC 9162 section 2.1.1 (EmptyTreeRoot() for no leaves). O(n):
// a reference for tests and brute-force cross-checks, not for serving.
Hash ReferenceRoot(std::span<const Hash> leaves);

}  // namespace ledger::log

#endif  // LEDGER_LOG_MERKLE_H_
