#include "ledger/log/proof_verify.h"

#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"

namespace ledger::log {

namespace {

// popcount(x >> shift), defined for shift == 64 too.
int OnesAbove(uint64_t x, int shift) {
  return shift >= 64 ? 0 : std::popcount(x >> shift);
}

// The level at which the paths from the root to leaves a and b part: the
// number of low bits in which they differ.
int ForkLevel(uint64_t a, uint64_t b) { return std::bit_width(a ^ b); }

// Right-shifts fn and sn together until LSB(fn) is set or fn is 0 (RFC 9162
// 2.1.3.2 step 4.b.ii and 2.1.4.2 step 6.b.iii).
void ShiftToSetBit(uint64_t& fn, uint64_t& sn) {
  while (fn != 0 && (fn & 1) == 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

absl::Status Mismatch(const std::string& what, const Hash& computed,
                      const Hash& expected) {
  return absl::DataLossError(
      absl::StrCat(what, ": computed root ", ToHex(computed),
                   " does not match expected root ", ToHex(expected)));
}

std::string ConsistencyWhat(uint64_t first_size, uint64_t second_size) {
  return absl::StrCat("consistency proof from tree size ", first_size, " to ",
                      second_size);
}

absl::Status CheckConsistencyShape(uint64_t first_size, uint64_t second_size,
                                   size_t proof_size) {
  if (first_size > second_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a consistency proof goes from a smaller tree to a larger one; got "
        "first size ",
        first_size, " > second size ", second_size));
  }
  const int want = ConsistencyProofSize(first_size, second_size);
  if (proof_size != static_cast<size_t>(want)) {
    return absl::InvalidArgumentError(
        absl::StrCat(ConsistencyWhat(first_size, second_size), " has ",
                     proof_size, " hashes; RFC 9162 requires exactly ", want));
  }
  return absl::OkStatus();
}

// The trivial cases: first_size == 0 or first_size == second_size, both with
// an (already checked) empty proof.
absl::Status VerifyTrivialConsistency(uint64_t first_size, uint64_t second_size,
                                      const Hash& first_root,
                                      const Hash& second_root) {
  const std::string what = ConsistencyWhat(first_size, second_size);
  if (first_size == 0 && first_root != EmptyTreeRoot()) {
    return Mismatch(what + " (the empty tree)", EmptyTreeRoot(), first_root);
  }
  if (first_size == second_size && first_root != second_root) {
    return Mismatch(what + " (equal sizes)", first_root, second_root);
  }
  return absl::OkStatus();
}

}  // namespace

int InclusionProofSize(uint64_t leaf_index, uint64_t tree_size) {
  const int inner = ForkLevel(leaf_index, tree_size - 1);
  return inner + OnesAbove(leaf_index, inner);
}

int ConsistencyProofSize(uint64_t first_size, uint64_t second_size) {
  if (first_size == 0 || first_size >= second_size) return 0;
  // The old tree's rightmost complete subtree (omitted when it is the whole
  // old tree) followed by its path in the new tree: see merkle.cc.
  const int level = std::countr_zero(first_size);
  const bool whole_tree = ((first_size - 1) >> level) == 0;
  const int inner = ForkLevel(first_size - 1, second_size - 1);
  return (whole_tree ? 0 : 1) + (inner - level) +
         OnesAbove(first_size - 1, inner);
}

absl::StatusOr<Hash> RootFromInclusionProof(uint64_t leaf_index,
                                            uint64_t tree_size,
                                            const Hash& leaf_hash,
                                            std::span<const Hash> proof) {
  if (leaf_index >= tree_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "inclusion proof for leaf ", leaf_index, " in a tree of size ",
        tree_size, ": the leaf index must be below the tree size"));
  }
  const int want = InclusionProofSize(leaf_index, tree_size);
  if (proof.size() != static_cast<size_t>(want)) {
    return absl::InvalidArgumentError(
        absl::StrCat("inclusion proof for leaf ", leaf_index,
                     " in a tree of size ", tree_size, " has ", proof.size(),
                     " hashes; RFC 9162 requires exactly ", want));
  }
  // RFC 9162 section 2.1.3.2, steps 2 to 5.
  uint64_t fn = leaf_index;
  uint64_t sn = tree_size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) break;  // Unreachable after the length check; failed below.
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      ShiftToSetBit(fn, sn);
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("inclusion proof for leaf ", leaf_index,
                     " in a tree of size ", tree_size, " ends below the root"));
  }
  return r;
}

absl::Status VerifyInclusion(uint64_t leaf_index, uint64_t tree_size,
                             const Hash& leaf_hash, std::span<const Hash> proof,
                             const Hash& root) {
  LEDGER_ASSIGN_OR_RETURN(
      Hash computed,
      RootFromInclusionProof(leaf_index, tree_size, leaf_hash, proof));
  if (computed != root) {
    return Mismatch(absl::StrCat("inclusion proof of leaf ", leaf_index,
                                 " in a tree of size ", tree_size),
                    computed, root);
  }
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t first_size, uint64_t second_size,
                               std::span<const Hash> proof,
                               const Hash& first_root,
                               const Hash& second_root) {
  LEDGER_RETURN_IF_ERROR(
      CheckConsistencyShape(first_size, second_size, proof.size()));
  if (first_size == 0 || first_size == second_size) {
    return VerifyTrivialConsistency(first_size, second_size, first_root,
                                    second_root);
  }
  // RFC 9162 section 2.1.4.2. Step 1 (empty proof) is covered by the length
  // check; step 2 prepends first_root when first_size is a power of two.
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(first_size)) path.push_back(first_root);
  path.insert(path.end(), proof.begin(), proof.end());

  uint64_t fn = first_size - 1;
  uint64_t sn = second_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) break;  // Unreachable after the length check; failed below.
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      ShiftToSetBit(fn, sn);
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  const std::string what = ConsistencyWhat(first_size, second_size);
  if (sn != 0) {
    return absl::InvalidArgumentError(what + " ends below the second root");
  }
  if (fr != first_root) return Mismatch(what + " (first tree)", fr, first_root);
  if (sr != second_root) {
    return Mismatch(what + " (second tree)", sr, second_root);
  }
  return absl::OkStatus();
}

}  // namespace ledger::log
