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

Hash FrontierRoot(std::span<const Hash> nodes) {
  if (nodes.empty()) return EmptyTreeRoot();
  Hash root = nodes.back();
  for (size_t i = nodes.size() - 1; i-- > 0;) {
    root = NodeHash(nodes[i], root);
  }
  return root;
}

Hash CompactRange::Root() const { return FrontierRoot(nodes_); }

}  // namespace ledger::log
