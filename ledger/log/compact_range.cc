#include "ledger/log/compact_range.h"

#include <bit>
#include <cassert>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "ledger/base/status_macros.h"

namespace ledger::log {

absl::StatusOr<CompactRange> CompactRange::FromStore(const NodeReader& read,
                                                     uint64_t size) {
  std::vector<Hash> nodes;
  nodes.reserve(std::popcount(size));
  uint64_t begin = 0;
  for (int level = std::bit_width(size) - 1; level >= 0; --level) {
    if (((size >> level) & 1) == 0) continue;
    LEDGER_ASSIGN_OR_RETURN(Hash hash,
                            read(static_cast<uint8_t>(level), begin >> level));
    nodes.push_back(hash);
    begin += uint64_t{1} << level;
  }
  return CompactRange(size, std::move(nodes));
}

void CompactRange::Append(const Hash& leaf_hash,
                          const std::function<void(const NewNode&)>& on_node) {
  assert(size_ < std::numeric_limits<uint64_t>::max());
  Hash hash = leaf_hash;
  uint8_t level = 0;
  if (on_node) on_node(NewNode{level, size_, hash});
  // Each trailing 1 bit of size_ is a perfect subtree of that level ending
  // where the new leaf starts: merge it with the new node, one level up.
  while (((size_ >> level) & 1) == 1) {
    hash = NodeHash(nodes_.back(), hash);
    nodes_.pop_back();
    ++level;
    if (on_node) on_node(NewNode{level, size_ >> level, hash});
  }
  nodes_.push_back(hash);
  ++size_;
}

void CompactRange::AppendLeaves(std::span<const Hash> leaves, NewLevels& out) {
  out.count_ = 0;
  if (leaves.empty()) return;
  out.levels_[0].assign(leaves.begin(), leaves.end());
  // Level by level from the leaves, keeping every level's new nodes (and
  // where each level's first one is).
  uint64_t index = size_;
  out.leftover_.clear();
  size_t level = 0;
  for (; !out.levels_[level].empty(); ++level) {
    out.first_[level] = index;
    internal::FoldLevel(index, out.levels_[level], nodes_, out.levels_[level + 1],
                        out.leftover_, out.children_);
    index >>= 1;
  }
  out.count_ = level;
  // Leftovers came lowest level first; the frontier lists largest first.
  nodes_.insert(nodes_.end(), out.leftover_.rbegin(), out.leftover_.rend());
  size_ += leaves.size();
}

namespace {

Hash FrontierRoot(std::span<const Hash> nodes) {
  if (nodes.empty()) return EmptyTreeRoot();
  Hash root = nodes.back();
  for (size_t i = nodes.size() - 1; i-- > 0;) {
    root = NodeHash(nodes[i], root);
  }
  return root;
}

}  // namespace

Hash CompactRange::Root() const { return FrontierRoot(nodes_); }

}  // namespace ledger::log
