#include "ledger/tiles/log_tiles.h"

#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/tiles/tile_format.h"

namespace ledger::tiles {

absl::StatusOr<std::string> BuildHashTile(const NodeRangeReader& nodes, const TileId& tile) {
  const std::optional<uint64_t> first = TileFirstEntry(tile);
  if (tile.entries || !first.has_value() || tile.level * kTileHeight >= 64) {
    return absl::InvalidArgumentError(
        absl::StrCat(TilePath(tile), " is not a hash tile of a tree with 64-bit sizes"));
  }
  LEDGER_ASSIGN_OR_RETURN(std::vector<log::Hash> hashes,
                          nodes(static_cast<uint8_t>(tile.level * kTileHeight),
                                tile.index * kTileWidth, tile.width));
  return EncodeHashTile(hashes);
}

absl::StatusOr<std::string> LogTiles::Read(const TileId& tile, uint64_t tree_size) const {
  if (tree_size > log_.Size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tree size ", tree_size, " is beyond the log's size ", log_.Size()));
  }
  if (TileInTree(tile.entries, tile.level, tile.index, tree_size) != tile) {
    return absl::NotFoundError(
        absl::StrCat(TilePath(tile), " is not a tile of the tree of size ", tree_size));
  }
  if (tile.entries) return ReadBundle(tile);
  return BuildHashTile(
      [this](uint8_t level, uint64_t first, uint64_t count) {
        return log_.NodesAt(level, first, count);
      },
      tile);
}

absl::StatusOr<std::string> LogTiles::ReadBundle(const TileId& tile) const {
  std::string bundle;
  const uint64_t from = tile.index * kTileWidth;
  LEDGER_RETURN_IF_ERROR(log_.ForEachEntry(
      from, tile.width, [&](const log::StoredEntry& stored) -> absl::Status {
        absl::Status appended = AppendBundleEntry(stored.bytes, bundle);
        if (!appended.ok()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "cannot publish entry ", stored.sequence, ": ", appended.message()));
        }
        return absl::OkStatus();
      }));
  return bundle;
}

}  // namespace ledger::tiles
