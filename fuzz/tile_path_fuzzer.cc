// C2SP tlog-tiles resource paths (ledger/tiles/tile_path.h): what the HTTP
// server (`serve --http`), TileFiles and the directory fetcher accept from a
// request before touching a file. The parser accepts exactly the canonical
// paths, so the checks are:
//   - a path that parses is its tile's canonical path, byte for byte
//     (TilePath(ParseTilePath(p)) == p), and that path parses to the same
//     tile again;
//   - a parsed tile is well formed: level <= 63 (0 for entry bundles), width
//     1..256, and the path holds only digits, "x", "tile", "entries", ".p"
//     and "/" (it can never leave a directory it is joined under);
//   - a refused path gets an InvalidArgument with a message.
// The input is also read as a tile (entries flag, level, index, width) whose
// canonical path must parse back to it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "ledger/tiles/tile_path.h"

namespace {

using ledger::tiles::kMaxTileLevel;
using ledger::tiles::kTileWidth;
using ledger::tiles::ParseTilePath;
using ledger::tiles::TileId;
using ledger::tiles::TilePath;

bool WellFormed(const TileId& tile) {
  if (tile.entries && tile.level != 0) return false;
  return tile.level <= kMaxTileLevel && tile.width >= 1 && tile.width <= kTileWidth;
}

bool OnlyTileCharacters(std::string_view path) {
  for (char c : path) {
    const bool ok = (c >= '0' && c <= '9') || c == '/' || c == '.' ||
                    std::string_view("xtileentriesp").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return path.find("..") == std::string_view::npos && !path.starts_with("/") &&
         path.find("//") == std::string_view::npos;
}

// The canonical path of a well-formed tile parses back to it.
void CheckRoundTrip(const TileId& tile) {
  const std::string path = TilePath(tile);
  auto again = ParseTilePath(path);
  if (!again.ok() || !(*again == tile) || TilePath(*again) != path) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  auto tile = ParseTilePath(input);
  if (tile.ok()) {
    if (!WellFormed(*tile)) std::abort();
    if (TilePath(*tile) != input) std::abort();  // only canonical paths are accepted
    if (!OnlyTileCharacters(input)) std::abort();
    CheckRoundTrip(*tile);
  } else {
    if (tile.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    if (tile.status().message().empty()) std::abort();
  }

  // The same bytes as a tile: flags, level, width and a 64-bit index.
  if (size >= 11) {
    TileId made;
    made.entries = (data[0] & 1) != 0;
    made.level = made.entries ? 0 : data[1] % (kMaxTileLevel + 1);
    made.width = data[2] == 0 ? kTileWidth : data[2];  // 1..256
    std::memcpy(&made.index, data + 3, sizeof(made.index));
    CheckRoundTrip(made);
  }
  return 0;
}
