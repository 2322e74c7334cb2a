// Internal to the bundle verifier: the RFC 9162 tree of a stream of leaf
// hashes, fed one leaf at a time but built in batches. Leaves wait in a
// buffer until a root is asked for or the buffer is full; then they go into
// the log's frontier builder at once (log::CompactRange::AppendLeaves),
// which hashes each level's new nodes together instead of one dependent
// hash at a time.
//
// Thread-compatible.
#ifndef LEDGER_AUDIT_TREE_BUILDER_H_
#define LEDGER_AUDIT_TREE_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ledger/log/compact_range.h"
#include "ledger/log/hash.h"

namespace ledger::audit::internal {

class TreeBuilder {
 public:
  // Leaves held back before they are folded into the frontier.
  static constexpr size_t kBatch = 1024;

  TreeBuilder() { pending_.reserve(kBatch); }

  // Appends leaf size() (a leaf hash).
  void Append(const log::Hash& leaf) {
    pending_.push_back(leaf);
    if (pending_.size() == kBatch) Flush();
  }
  // The number of leaves appended.
  uint64_t size() const { return range_.size() + pending_.size(); }
  // The RFC 9162 root of leaves [0, size()): log::CompactRange::Root().
  log::Hash Root() {
    Flush();
    return range_.Root();
  }

 private:
  // Folds the pending leaves into the frontier.
  void Flush() {
    range_.AppendLeaves(pending_, new_levels_);
    pending_.clear();
  }

  log::CompactRange range_;
  log::CompactRange::NewLevels new_levels_;
  std::vector<log::Hash> pending_;
};

}  // namespace ledger::audit::internal

#endif  // LEDGER_AUDIT_TREE_BUILDER_H_
