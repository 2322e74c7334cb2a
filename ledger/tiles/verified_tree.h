// VerifiedTree: the hash tiles of one tree of a published log, every hash
// checked against a root the caller trusts (a verified checkpoint's), and
// the reader of that log's entry bundles against them.
//
// Fetch checks, for the tree of size s with root R:
//   - every tile has the size its path promises;
//   - every full tile hashes (as a perfect subtree of 256 hashes) to the hash
//     its parent tile holds for it;
//   - the tiles on the tree's right edge hash to R (RFC 9162 root);
//   - given the tree verified before (the previous checkpoint), the new
//     tiles agree with every hash it held, and an RFC 9162 consistency proof
//     from its size to s, computed from the new tiles, verifies between its
//     root and R. A checkpoint smaller than the previous one is refused.
// Every failure names the tile (and the entry or position) that did not
// match, with the expected and actual hashes.
//
// Memory: 32 bytes per entry (all level-0 hashes) plus 1/255 of that for the
// levels above. Full tiles verified once are reused, never fetched again.
//
// Thread-safety: immutable after Fetch; const methods may run concurrently.
#ifndef LEDGER_TILES_VERIFIED_TREE_H_
#define LEDGER_TILES_VERIFIED_TREE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/log/hash.h"
#include "ledger/log/log.h"
#include "ledger/log/merkle.h"
#include "ledger/tiles/tile_fetcher.h"

namespace ledger::tiles {

class VerifiedTree {
 public:
  // The empty tree (size 0, the empty root).
  VerifiedTree();

  // Fetches the hash tiles of the tree `head` (from a checkpoint whose
  // signature the caller verified) and checks them as above; `previous`, if
  // not null, is the tree verified before, whose full tiles are reused.
  // DataLoss naming the tile for a tile of the wrong size or a hash that does
  // not match; DataLoss "fork" when the new tree does not extend `previous`;
  // FailedPrecondition when head.tree_size < previous->size(); a fetch error
  // as it came, prefixed with the path.
  static absl::StatusOr<VerifiedTree> Fetch(const TileFetcher& fetch, const log::TreeHead& head,
                                            const VerifiedTree* previous);

  uint64_t size() const { return head_.tree_size; }
  const log::Hash& root() const { return head_.root; }
  const log::TreeHead& head() const { return head_; }

  // The leaf hash of entry `index`. Requires index < size().
  const log::Hash& LeafHash(uint64_t index) const { return levels_[0][index]; }

  // The tree's complete nodes, computed from the verified tiles; NotFound for
  // a node not complete in this tree. Borrows this object.
  log::NodeReader Nodes() const;

  // Fetches entry bundle `bundle_index` of this tree (full, or partial at the
  // tree's width) and checks each entry's RFC 9162 leaf hash against the
  // level-0 tile. Returns the entries, exactly the bytes hashed. NotFound when
  // the tree has no such bundle; DataLoss naming the bundle and the entry for
  // a malformed bundle or an entry whose hash differs; fetch errors as above.
  absl::StatusOr<std::vector<std::string>> FetchEntries(const TileFetcher& fetch,
                                                        uint64_t bundle_index) const;

 private:
  absl::Status FetchLevel(const TileFetcher& fetch, uint32_t level, const VerifiedTree* previous);
  absl::Status CheckParents(uint32_t level, uint64_t first_new_tile) const;
  absl::Status CheckRoot() const;
  absl::Status CheckExtends(const VerifiedTree& previous) const;

  log::TreeHead head_;
  // levels_[L]: the tree's hashes at tree level 8·L, HashesAtLevel(L) of them.
  std::vector<std::vector<log::Hash>> levels_;
};

}  // namespace ledger::tiles

#endif  // LEDGER_TILES_VERIFIED_TREE_H_
