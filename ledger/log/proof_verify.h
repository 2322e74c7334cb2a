// Verification of RFC 9162 inclusion and consistency proofs (sections 2.1.3.2
// and 2.1.4.2). Pure functions of their arguments: no I/O, no stored state, so
// an auditor can run them with nothing but the proof and a signed root.
//
// Errors say what was wrong:
//   InvalidArgument: the question is malformed (leaf index not below the tree
//     size, sizes reversed, a proof of the wrong length for the sizes, a
//     non-empty proof where the RFC requires an empty one);
//   DataLoss: the proof is well formed but does not lead to the expected
//     root; the message contains "computed root <hex> does not match expected
//     root <hex>".
//
// Thread-safety: stateless; safe to call concurrently.
#ifndef LEDGER_LOG_PROOF_VERIFY_H_
#define LEDGER_LOG_PROOF_VERIFY_H_

#include <cstdint>
#include <span>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ledger/log/hash.h"

namespace ledger::log {

// Returns the number of hashes in the inclusion proof of leaf `leaf_index` in
// a tree of size `tree_size`. Requires leaf_index < tree_size.
int InclusionProofSize(uint64_t leaf_index, uint64_t tree_size);

// Returns the number of hashes in the consistency proof from tree size
// `first_size` to `second_size`. Requires first_size <= second_size; 0 when
// first_size is 0 or equal to second_size.
int ConsistencyProofSize(uint64_t first_size, uint64_t second_size);

// Returns the root hash that `proof` (an RFC 9162 inclusion proof, leaf end
// first) yields for the leaf with hash `leaf_hash` at `leaf_index` in a tree
// of size `tree_size`, per RFC 9162 section 2.1.3.2. The caller compares it
// with a trusted root (or calls VerifyInclusion).
// InvalidArgument if leaf_index >= tree_size or if proof.size() differs from
// InclusionProofSize(leaf_index, tree_size).
absl::StatusOr<Hash> RootFromInclusionProof(uint64_t leaf_index,
                                            uint64_t tree_size,
                                            const Hash& leaf_hash,
                                            std::span<const Hash> proof);

// Returns OK iff `proof` proves that `leaf_hash` is leaf `leaf_index` of the
// tree of size `tree_size` whose root is `root`. InvalidArgument as for
// RootFromInclusionProof; DataLoss if the computed root is not `root`.
absl::Status VerifyInclusion(uint64_t leaf_index, uint64_t tree_size,
                             const Hash& leaf_hash, std::span<const Hash> proof,
                             const Hash& root);

// Returns OK iff `proof` proves that the tree of size `second_size` with root
// `second_root` extends the tree of size `first_size` with root `first_root`
// (RFC 9162 section 2.1.4.2 for 0 < first_size < second_size).
//
// InvalidArgument if first_size > second_size, or proof.size() differs from
// ConsistencyProofSize(first_size, second_size): in particular the proof must
// be empty when first_size == second_size or first_size == 0.
// DataLoss if the proof does not reproduce first_root or second_root.
//
// Edge cases, matching merkle.h's BuildConsistencyProof:
//   first_size == second_size: OK iff first_root == second_root.
//   first_size == 0: every tree extends the empty tree, so OK iff first_root
//     is EmptyTreeRoot() (and, when second_size is 0 too, so is second_root).
//     transparency-dev/merkle (since its #236) instead refuses any proof from
//     size 0 as meaningless; RFC 9162 leaves the case undefined.
absl::Status VerifyConsistency(uint64_t first_size, uint64_t second_size,
                               std::span<const Hash> proof,
                               const Hash& first_root, const Hash& second_root);

}  // namespace ledger::log

#endif  // LEDGER_LOG_PROOF_VERIFY_H_
