// Resource paths of a C2SP tlog-tiles log (https://c2sp.org/tlog-tiles,
// v0.1.0 and the current text agree on everything here), relative to the
// log's URL prefix:
//
//   checkpoint
//   tile/<L>/<N>[.p/<W>]         hash tile of level L (tree level 8·L)
//   tile/entries/<N>[.p/<W>]     entry bundle
//
// <L> is 0..63 in decimal without leading zeros. <N> is the tile index
// written as zero-padded 3-digit groups, every group but the last prefixed
// with "x" (1234067 is "x001/x234/067"). <W> is the width of a partial tile,
// 1..255 without leading zeros; a full tile (256 hashes or entries) has no
// suffix.
//
// The parser accepts exactly the canonical paths, so that a path names one
// tile and one tile has one path: it refuses "..", empty or extra segments,
// leading zeros in L or W, a leading "x000/" group, groups that are not three
// digits, indices that do not fit in 64 bits, and widths 0 or 256. A path it
// accepts is made of digits, "x", "tile", "entries", ".p" and "/" only, so
// joining it under a directory never leaves that directory.
//
// Thread-safety: stateless functions; safe to call concurrently.
#ifndef LEDGER_TILES_TILE_PATH_H_
#define LEDGER_TILES_TILE_PATH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ledger::tiles {

// Hashes (or entries) in a full tile: tiles have height 8.
inline constexpr uint32_t kTileWidth = 256;
inline constexpr uint32_t kTileHeight = 8;
// The highest level a path may name (the spec's bound).
inline constexpr uint32_t kMaxTileLevel = 63;
// The mutable resource: the log's newest signed checkpoint.
inline constexpr char kCheckpointPath[] = "checkpoint";

// One tile or entry bundle.
struct TileId {
  // Entry bundles sit beside the level-0 hash tiles, one bundle per tile.
  bool entries = false;
  // Level of a hash tile (0..kMaxTileLevel); 0 for an entry bundle.
  uint32_t level = 0;
  // Index of the tile within its level.
  uint64_t index = 0;
  // 1..kTileWidth; kTileWidth for a full tile.
  uint32_t width = kTileWidth;

  bool full() const { return width == kTileWidth; }
  friend bool operator==(const TileId&, const TileId&) = default;
};

// The canonical path of `tile` ("tile/0/x001/234.p/7"). Requires level <=
// kMaxTileLevel (0 for entries) and 1 <= width <= kTileWidth.
std::string TilePath(const TileId& tile);

// Parses a canonical tile or bundle path (no leading "/", no query).
// InvalidArgument naming the offending part for anything else, including the
// checkpoint's path.
absl::StatusOr<TileId> ParseTilePath(std::string_view path);

}  // namespace ledger::tiles

#endif  // LEDGER_TILES_TILE_PATH_H_
