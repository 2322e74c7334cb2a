// For verifiers (the whole-log verifier, verify.cc, the bundle verifier in
// ledger/audit, and CompactRange::AppendLeaves): the RFC 9162 leaf and node hashes
// (ledger/log/hash.h) of many independent messages at once. The x86 SHA
// extensions compress one block in a long chain of dependent instructions;
// interleaving four independent messages keeps the SHA unit busy and
// almost doubles the throughput over hashing them one after the other
// (OpenSSL, ledger/log/hash.h). A verifier has plenty of independent work:
// the leaves of a block of entries, and the nodes of one tree level.
//
// Same results as log::LeafHash / log::NodeHash, bit for bit; on a CPU
// without the SHA extensions these functions simply call them.
//
// Thread-safe (stateless).
#ifndef LEDGER_LOG_MULTI_HASH_H_
#define LEDGER_LOG_MULTI_HASH_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ledger/log/hash.h"

namespace ledger::log {

// out[i] = SHA-256(0x00 || entries[i]) for i < n.
void LeafHashes(const std::string_view* entries, size_t n, Hash* out);

// The children of one interior node.
struct NodeChildren {
  const Hash* left;
  const Hash* right;
};

// out[i] = SHA-256(0x01 || *nodes[i].left || *nodes[i].right) for i < n.
// `out` must not overlap the children.
void NodeHashes(const NodeChildren* nodes, size_t n, Hash* out);

// True when the SHA extensions are used (for tests and benchmarks).
bool FastHashAccelerated();

namespace internal {

// One level of adding a batch of new leaves to a frontier (as
// CompactRange::nodes(): largest subtree first), as CompactRange::Append
// would one leaf at a time, with the level's new nodes hashed together.
// `nodes` are the level's new nodes, in order, the first at index `index`
// of the level. Fills `up` with the nodes they complete one level up (the
// first at index index / 2). Where `index` is odd, the first node's left
// sibling is the frontier's last node, which is taken out of the frontier;
// a last node without its right sibling is appended to `leftover`. Called
// for each level from the leaves up until `up` is empty, the leftovers
// (lowest level first) then go on the frontier, in reverse. `children` is
// scratch space. `up` must not be `nodes`. For CompactRange::AppendLeaves only.
void FoldLevel(uint64_t index, const std::vector<Hash>& nodes, std::vector<Hash>& frontier,
               std::vector<Hash>& up, std::vector<Hash>& leftover,
               std::vector<NodeChildren>& children);

}  // namespace internal

}  // namespace ledger::log

#endif  // LEDGER_LOG_MULTI_HASH_H_
