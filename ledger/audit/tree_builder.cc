#include "ledger/audit/tree_builder.h"

#include <utility>

namespace ledger::audit::internal {

TreeBuilder::TreeBuilder() {
  pending_.reserve(kBatch);
  next_.reserve(kBatch);
  children_.reserve(kBatch);
}

void TreeBuilder::Flush() {
  if (pending_.empty()) return;
  // Level by level: `pending_` holds the new nodes of the level, the first
  // of them at index `index` of that level. Where that index is odd, the
  // first one's left sibling is the frontier's node of the level (its last
  // node: the ones below were merged at lower levels). A last node without
  // its right sibling stays in the frontier.
  uint64_t index = size_;
  size_ += pending_.size();
  leftover_.clear();
  while (!pending_.empty()) {
    children_.clear();
    size_t i = 0;
    const bool merge_frontier = (index & 1) != 0;
    if (merge_frontier) {
      children_.push_back({&frontier_.back(), &pending_[0]});
      i = 1;
    }
    for (; i + 1 < pending_.size(); i += 2) children_.push_back({&pending_[i], &pending_[i + 1]});
    if (i < pending_.size()) leftover_.push_back(pending_[i]);
    next_.resize(children_.size());
    NodeHashes(children_.data(), children_.size(), next_.data());
    if (merge_frontier) frontier_.pop_back();
    std::swap(pending_, next_);
    index >>= 1;
  }
  // Leftovers came lowest level first; the frontier lists largest first.
  frontier_.insert(frontier_.end(), leftover_.rbegin(), leftover_.rend());
}

log::Hash TreeBuilder::Root() {
  Flush();
  if (frontier_.empty()) return log::EmptyTreeRoot();
  log::Hash root = frontier_.back();
  for (size_t i = frontier_.size() - 1; i-- > 0;) {
    const NodeChildren children{&frontier_[i], &root};
    log::Hash parent;
    NodeHashes(&children, 1, &parent);
    root = parent;
  }
  return root;
}

}  // namespace ledger::audit::internal
