// CompactRange: the right frontier of an RFC 9162 Merkle tree, i.e. the roots
// of the perfect subtrees that make up leaves [0, size), one per set bit of
// size, largest (leftmost) first. That is all an appender needs to extend the
// tree and to compute its root: O(log n) hashes, no reads.
//
// The log's append path feeds every new leaf hash to Append() and stores the
// nodes it reports. Verifiers, which have leaves in batches (whole-log
// verification, audit bundles), feed them with AppendLeaves(), which hashes
// each level's new nodes together; this is the one frontier builder of the
// code base, whichever way it is fed.
//
// Thread-compatible: const methods may run concurrently; anything else needs
// external synchronisation.
#ifndef LEDGER_LOG_COMPACT_RANGE_H_
#define LEDGER_LOG_COMPACT_RANGE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/log/hash.h"
#include "ledger/log/merkle.h"
#include "ledger/log/multi_hash.h"

namespace ledger::log {

class CompactRange {
 public:
  // A complete subtree made by Append(): node (level, index) covers leaves
  // [index << level, (index + 1) << level), as in merkle.h's NodeReader.
  struct NewNode {
    uint8_t level;
    uint64_t index;
    Hash hash;

    friend bool operator==(const NewNode&, const NewNode&) = default;
  };

  // The empty tree.
  CompactRange() = default;

  // Returns the frontier of the tree of size `size` by reading its
  // popcount(size) frontier nodes from `read` (a complete subtree per set bit
  // of size). Errors from `read` are returned unchanged; nothing is checked
  // against leaves (that is the verifier's job).
  static absl::StatusOr<CompactRange> FromStore(const NodeReader& read,
                                                uint64_t size);

  // The number of leaves appended (or loaded).
  uint64_t size() const { return size_; }

  // The frontier hashes, largest subtree first: nodes()[i] is the root of the
  // i-th perfect subtree from the left. Empty for the empty tree.
  std::span<const Hash> nodes() const { return nodes_; }

  // Appends one leaf hash (LeafHash of the entry bytes) as leaf size(). Calls
  // `on_node` (if non-empty) for every complete subtree this append
  // completes: the leaf itself (level 0, index size()) first, then each
  // newly completed ancestor, upward. The caller stores those nodes; they are
  // exactly the nodes a NodeReader must serve for the new size.
  // Requires size() < UINT64_MAX.
  void Append(const Hash& leaf_hash,
              const std::function<void(const NewNode&)>& on_node);

  // The nodes that one AppendLeaves call completed, level by level, and the
  // scratch space it reuses from call to call (keep one per builder).
  class NewLevels {
   public:
    NewLevels() : levels_(kLevels + 2) {}
    // Levels that got new nodes: 0 (the leaves) to levels() - 1.
    size_t levels() const { return count_; }
    // The new nodes of `level` (< levels()), in index order.
    const std::vector<Hash>& nodes(size_t level) const { return levels_[level]; }
    // The index of nodes(level)[0] in its level.
    uint64_t first(size_t level) const { return first_[level]; }

   private:
    friend class CompactRange;
    static constexpr size_t kLevels = 64;
    std::vector<std::vector<Hash>> levels_;
    std::array<uint64_t, kLevels + 1> first_{};
    size_t count_ = 0;
    std::vector<Hash> leftover_;
    std::vector<NodeChildren> children_;
  };

  // Appends `leaves` (leaf hashes) as leaves size() on, with the result of
  // as many Append() calls, but hashing the new nodes of each level
  // together (multi_hash.h), which is about twice as fast where the CPU has
  // SHA extensions. Fills `out` with every node completed (those Append
  // would report). Requires size() + leaves.size() <= UINT64_MAX.
  void AppendLeaves(std::span<const Hash> leaves, NewLevels& out);

  // Returns the RFC 9162 root of leaves [0, size()): EmptyTreeRoot() when
  // empty. O(log n) hashes.
  Hash Root() const;

  friend bool operator==(const CompactRange&, const CompactRange&) = default;

 private:
  CompactRange(uint64_t size, std::vector<Hash> nodes)
      : size_(size), nodes_(std::move(nodes)) {}

  uint64_t size_ = 0;
  // One hash per set bit of size_, highest bit first.
  std::vector<Hash> nodes_;
};

}  // namespace ledger::log

#endif  // LEDGER_LOG_COMPACT_RANGE_H_
