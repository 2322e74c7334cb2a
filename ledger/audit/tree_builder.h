// Internal to the bundle verifier: the RFC 9162 tree of a stream of leaf
// hashes, like log::CompactRange (the frontier: one perfect subtree per set
// bit of the size), but fed in batches. Leaves wait in a buffer until a
// root is asked for or the buffer is full; then each level's new interior
// nodes, which are independent of one another, are hashed together
// (ledger/log/multi_hash.h), instead of one dependent hash at a time.
//
// Thread-compatible.
#ifndef LEDGER_AUDIT_TREE_BUILDER_H_
#define LEDGER_AUDIT_TREE_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ledger/log/hash.h"
#include "ledger/log/multi_hash.h"

namespace ledger::audit::internal {

// The interleaved SHA-256 lives with the log (its whole-log verifier uses it
// too); the bundle verifier names it as its own.
using log::internal::FastHashAccelerated;
using log::internal::LeafHashes;
using log::internal::NodeChildren;
using log::internal::NodeHashes;

class TreeBuilder {
 public:
  // Leaves held back before they are folded into the frontier.
  static constexpr size_t kBatch = 1024;

  TreeBuilder();

  // Appends leaf size() (a leaf hash).
  void Append(const log::Hash& leaf) {
    pending_.push_back(leaf);
    if (pending_.size() == kBatch) Flush();
  }
  // The number of leaves appended.
  uint64_t size() const { return size_ + pending_.size(); }
  // The RFC 9162 root of leaves [0, size()): log::CompactRange::Root().
  log::Hash Root();

 private:
  // Folds the pending leaves into the frontier.
  void Flush();

  uint64_t size_ = 0;                // leaves in the frontier
  std::vector<log::Hash> frontier_;  // one per set bit of size_, largest first
  std::vector<log::Hash> pending_;
  std::vector<log::Hash> next_;
  std::vector<log::Hash> leftover_;
  std::vector<NodeChildren> children_;
};

}  // namespace ledger::audit::internal

#endif  // LEDGER_AUDIT_TREE_BUILDER_H_
