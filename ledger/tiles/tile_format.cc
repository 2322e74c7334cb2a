#include "ledger/tiles/tile_format.h"

#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"

namespace ledger::tiles {

uint64_t HashesAtLevel(uint32_t level, uint64_t tree_size) {
  const uint64_t shift = uint64_t{kTileHeight} * level;
  return shift >= 64 ? 0 : tree_size >> shift;
}

uint32_t TileLevels(uint64_t tree_size) {
  uint32_t levels = 0;
  while (HashesAtLevel(levels, tree_size) > 0) ++levels;
  return levels;
}

std::optional<TileId> TileInTree(bool entries, uint32_t level, uint64_t index,
                                 uint64_t tree_size) {
  if (entries && level != 0) return std::nullopt;
  const uint64_t hashes = HashesAtLevel(level, tree_size);
  const uint64_t full_tiles = hashes / kTileWidth;
  TileId tile{.entries = entries, .level = level, .index = index, .width = kTileWidth};
  if (index < full_tiles) return tile;
  if (index == full_tiles && hashes % kTileWidth != 0) {
    tile.width = static_cast<uint32_t>(hashes % kTileWidth);
    return tile;
  }
  return std::nullopt;
}

std::optional<uint64_t> TileFirstEntry(const TileId& tile) {
  const uint64_t shift = uint64_t{kTileHeight} * (tile.level + 1);
  if (shift >= 64) return tile.index == 0 ? std::optional<uint64_t>(0) : std::nullopt;
  if (tile.index > (std::numeric_limits<uint64_t>::max() >> shift)) return std::nullopt;
  return tile.index << shift;
}

std::vector<TileId> TilesAddedBetween(uint64_t old_size, uint64_t new_size) {
  std::vector<TileId> tiles;
  const uint32_t levels = TileLevels(new_size);
  for (uint32_t level = 0; level < levels; ++level) {
    for (bool entries : {false, true}) {
      if (entries && level != 0) continue;
      // Tiles below the old size's last full tile are unchanged.
      const uint64_t first = HashesAtLevel(level, old_size) / kTileWidth;
      const uint64_t end = (HashesAtLevel(level, new_size) + kTileWidth - 1) / kTileWidth;
      for (uint64_t index = first; index < end; ++index) {
        const std::optional<TileId> now = TileInTree(entries, level, index, new_size);
        const std::optional<TileId> before = TileInTree(entries, level, index, old_size);
        if (now.has_value() && now != before) tiles.push_back(*now);
      }
    }
  }
  return tiles;
}

std::string EncodeHashTile(std::span<const log::Hash> hashes) {
  std::string bytes;
  bytes.reserve(hashes.size() * sizeof(log::Hash));
  for (const log::Hash& hash : hashes) bytes += log::HashBytes(hash);
  return bytes;
}

absl::StatusOr<std::vector<log::Hash>> DecodeHashTile(std::string_view bytes, const TileId& tile) {
  const size_t expected = size_t{tile.width} * sizeof(log::Hash);
  if (bytes.size() != expected) {
    return absl::DataLossError(absl::StrCat(TilePath(tile), " is ", bytes.size(),
                                            " bytes; a tile of width ", tile.width, " is ",
                                            expected, " bytes (", tile.width, " hashes)"));
  }
  std::vector<log::Hash> hashes(tile.width);
  for (uint32_t i = 0; i < tile.width; ++i) {
    std::memcpy(hashes[i].data(), bytes.data() + size_t{i} * sizeof(log::Hash), sizeof(log::Hash));
  }
  return hashes;
}

absl::Status AppendBundleEntry(std::string_view entry, std::string& bundle) {
  if (entry.size() > kMaxBundleEntryBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "entry is ", entry.size(), " bytes; a tlog-tiles entry bundle holds entries of at most ",
        kMaxBundleEntryBytes, " bytes (a big-endian uint16 length)"));
  }
  bundle.push_back(static_cast<char>(entry.size() >> 8));
  bundle.push_back(static_cast<char>(entry.size() & 0xff));
  bundle.append(entry);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> DecodeEntryBundle(std::string_view bytes,
                                                           const TileId& tile) {
  std::vector<std::string> entries;
  entries.reserve(tile.width);
  const std::string path = TilePath(tile);
  size_t at = 0;
  while (at < bytes.size()) {
    if (entries.size() == tile.width) {
      return absl::DataLossError(absl::StrCat(path, " holds more than its ", tile.width,
                                              " entries: ", bytes.size() - at,
                                              " bytes follow entry ", tile.width - 1));
    }
    if (bytes.size() - at < 2) {
      return absl::DataLossError(absl::StrCat(path, " is truncated in the length of entry ",
                                              entries.size(), " of the bundle"));
    }
    const size_t length = (size_t{static_cast<uint8_t>(bytes[at])} << 8) |
                          static_cast<uint8_t>(bytes[at + 1]);
    at += 2;
    if (bytes.size() - at < length) {
      return absl::DataLossError(absl::StrCat(path, " is truncated in entry ", entries.size(),
                                              " of the bundle: its length says ", length,
                                              " bytes, ", bytes.size() - at, " remain"));
    }
    entries.emplace_back(bytes.substr(at, length));
    at += length;
  }
  if (entries.size() != tile.width) {
    return absl::DataLossError(absl::StrCat(path, " holds ", entries.size(),
                                            " entries; its width is ", tile.width));
  }
  return entries;
}

}  // namespace ledger::tiles
