#include "ledger/audit/tree_builder.h"

#include <utility>

#include "ledger/log/compact_range.h"

namespace ledger::audit::internal {

TreeBuilder::TreeBuilder() {
  pending_.reserve(kBatch);
  next_.reserve(kBatch);
  children_.reserve(kBatch);
}

void TreeBuilder::Flush() {
  if (pending_.empty()) return;
  // Level by level: `pending_` holds the new nodes of the level, the first
  // of them at index `index` of that level.
  uint64_t index = size_;
  size_ += pending_.size();
  leftover_.clear();
  while (!pending_.empty()) {
    log::internal::FoldLevel(index, pending_, frontier_, next_, leftover_, children_);
    std::swap(pending_, next_);
    index >>= 1;
  }
  // Leftovers came lowest level first; the frontier lists largest first.
  frontier_.insert(frontier_.end(), leftover_.rbegin(), leftover_.rend());
}

log::Hash TreeBuilder::Root() {
  Flush();
  return log::FrontierRoot(frontier_);
}

}  // namespace ledger::audit::internal
