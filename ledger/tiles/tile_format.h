// Byte layout and geometry of C2SP tlog-tiles resources
// (https://c2sp.org/tlog-tiles); docs/FORMAT.md, "Published tiles", says the
// same for readers. Change both together.
//
//   hash tile     `width` 32-byte hashes, concatenated: at level L, hash i of
//                 tile N is MTH(D[(N·256 + i)·256^L : (N·256 + i + 1)·256^L]),
//                 the Merkle node at tree level 8·L with index N·256 + i.
//   entry bundle  `width` entries, each a big-endian uint16 length and that
//                 many bytes: the stored entry bytes, exactly the bytes whose
//                 leaf hash is in the level-0 tile of the same index.
//
// A tree of size s has, at every level L with s / 256^L > 0, the full tiles
// 0 .. s / 256^(L+1) - 1 and, when w = (s / 256^L) mod 256 is not 0, a
// partial tile of width w at index s / 256^(L+1). Entry bundles follow the
// level-0 tiles. Empty tiles do not exist.
//
// Thread-safety: stateless functions; safe to call concurrently.
#ifndef LEDGER_TILES_TILE_FORMAT_H_
#define LEDGER_TILES_TILE_FORMAT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ledger/log/hash.h"
#include "ledger/tiles/tile_path.h"

namespace ledger::tiles {

// Bytes of a full hash tile.
inline constexpr size_t kFullHashTileBytes = kTileWidth * sizeof(log::Hash);
// The largest entry an entry bundle can hold (its length is a uint16).
inline constexpr size_t kMaxBundleEntryBytes = 65535;

// floor(tree_size / 256^level): how many level-`level` hashes the tree has
// (0 when 256^level exceeds any 64-bit size).
uint64_t HashesAtLevel(uint32_t level, uint64_t tree_size);

// The number of tile levels of a tree: 0 for the empty tree, else the
// levels L with HashesAtLevel(L, tree_size) > 0.
uint32_t TileLevels(uint64_t tree_size);

// The tile with index `index` of `level` (or the entry bundle, level 0) as it
// is in the tree of size `tree_size`: full, partial, or nullopt when that
// tree has no such tile.
std::optional<TileId> TileInTree(bool entries, uint32_t level, uint64_t index,
                                 uint64_t tree_size);

// The first entry a tile covers: index · 256^(level+1). nullopt on overflow.
std::optional<uint64_t> TileFirstEntry(const TileId& tile);

// The tiles and bundles of the tree of size `new_size` that the tree of size
// `old_size` does not have with the same bytes: per level, the full tiles
// completed since old_size and the new partial tile. Requires old_size <=
// new_size. Level by level from 0, bundles beside level 0.
std::vector<TileId> TilesAddedBetween(uint64_t old_size, uint64_t new_size);

// The hash tile holding `hashes` (1..256 of them).
std::string EncodeHashTile(std::span<const log::Hash> hashes);

// The hashes of hash tile `tile` from its bytes. DataLoss naming the tile's
// path when the size is not exactly tile.width hashes.
absl::StatusOr<std::vector<log::Hash>> DecodeHashTile(std::string_view bytes, const TileId& tile);

// Appends one entry to a bundle under construction. InvalidArgument when the
// entry is longer than kMaxBundleEntryBytes (tlog-tiles cannot publish it).
absl::Status AppendBundleEntry(std::string_view entry, std::string& bundle);

// The entries of bundle `tile`, exactly tile.width of them. DataLoss naming
// the bundle's path and the entry for a truncated length or entry, fewer or
// more entries than the width, or trailing bytes.
absl::StatusOr<std::vector<std::string>> DecodeEntryBundle(std::string_view bytes,
                                                           const TileId& tile);

}  // namespace ledger::tiles

#endif  // LEDGER_TILES_TILE_FORMAT_H_
