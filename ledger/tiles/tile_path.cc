#include "ledger/tiles/tile_path.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"

namespace ledger::tiles {

namespace {

// 2^64 - 1 has 20 decimal digits: seven 3-digit groups.
constexpr size_t kMaxIndexGroups = 7;
constexpr std::string_view kPartialSuffix = ".p";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A decimal number in [min, max] without sign or leading zero.
absl::StatusOr<uint32_t> ParseSmallNumber(std::string_view text, uint32_t min, uint32_t max,
                                          std::string_view what) {
  const auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(what), " \"", std::string(text), "\" must be a decimal number from ", min, " to ", max,
        " without leading zeros"));
  };
  if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0')) return bad();
  uint32_t value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return bad();
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value < min || value > max) return bad();
  return value;
}

// One index group: "x" + three digits, or three digits for the last group.
absl::StatusOr<uint32_t> ParseIndexGroup(std::string_view group, bool last) {
  std::string_view digits = group;
  if (!last) {
    if (digits.empty() || digits[0] != 'x') {
      return absl::InvalidArgumentError(absl::StrCat(
          "tile index group \"", std::string(group), "\" must be \"x\" and three digits (all groups but the last)"));
    }
    digits.remove_prefix(1);
  }
  if (digits.size() != 3 || !IsDigit(digits[0]) || !IsDigit(digits[1]) || !IsDigit(digits[2])) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tile index group \"", std::string(group), "\" must be ", last ? "" : "\"x\" and ",
        "three digits, zero-padded"));
  }
  return static_cast<uint32_t>((digits[0] - '0') * 100 + (digits[1] - '0') * 10 + (digits[2] - '0'));
}

absl::StatusOr<uint64_t> ParseIndex(const std::vector<std::string_view>& groups) {
  if (groups.empty()) return absl::InvalidArgumentError("tile path has no tile index");
  if (groups.size() > kMaxIndexGroups) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tile index has ", groups.size(), " groups; at most ", kMaxIndexGroups,
        " fit in 64 bits"));
  }
  uint64_t index = 0;
  for (size_t i = 0; i < groups.size(); ++i) {
    const bool last = i + 1 == groups.size();
    LEDGER_ASSIGN_OR_RETURN(uint32_t group, ParseIndexGroup(groups[i], last));
    if (i == 0 && !last && group == 0) {
      return absl::InvalidArgumentError(
          "tile index starts with \"x000\": the canonical path has no leading zero groups");
    }
    if (index > (std::numeric_limits<uint64_t>::max() - group) / 1000) {
      return absl::InvalidArgumentError("tile index does not fit in 64 bits");
    }
    index = index * 1000 + group;
  }
  return index;
}

void AppendIndex(uint64_t index, std::string& out) {
  std::vector<uint32_t> groups;
  do {
    groups.push_back(static_cast<uint32_t>(index % 1000));
    index /= 1000;
  } while (index > 0);
  for (size_t i = groups.size(); i-- > 0;) {
    const uint32_t g = groups[i];
    if (i > 0) out.push_back('x');
    out.push_back(static_cast<char>('0' + g / 100));
    out.push_back(static_cast<char>('0' + g / 10 % 10));
    out.push_back(static_cast<char>('0' + g % 10));
    if (i > 0) out.push_back('/');
  }
}

}  // namespace

std::string TilePath(const TileId& tile) {
  std::string path = "tile/";
  if (tile.entries) {
    path += "entries/";
  } else {
    absl::StrAppend(&path, tile.level, "/");
  }
  AppendIndex(tile.index, path);
  if (!tile.full()) absl::StrAppend(&path, ".p/", tile.width);
  return path;
}

absl::StatusOr<TileId> ParseTilePath(std::string_view path) {
  // "tile", the level, at most seven groups and a width: anything longer is
  // refused before it is split further.
  constexpr size_t kMaxSegments = 2 + kMaxIndexGroups + 1;
  // "tile/", "entries/", six "xNNN/" groups and a last "NNN", ".p/255".
  constexpr size_t kMaxPathBytes = 5 + 8 + (kMaxIndexGroups - 1) * 5 + 3 + 6;
  if (path.size() > kMaxPathBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tile path is ", path.size(), " bytes; no canonical tile path is longer than ",
        kMaxPathBytes));
  }
  std::vector<std::string_view> segments;
  for (size_t start = 0;;) {
    const size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (segments.size() < 3 || segments[0] != "tile") {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", std::string(path), "\" is not a tile path: expected tile/<L>/<N>[.p/<W>] or "
        "tile/entries/<N>[.p/<W>]"));
  }
  if (segments.size() > kMaxSegments) {
    return absl::InvalidArgumentError(absl::StrCat("tile path \"", std::string(path), "\" has too many segments"));
  }
  TileId tile;
  if (segments[1] == "entries") {
    tile.entries = true;
  } else {
    LEDGER_ASSIGN_OR_RETURN(tile.level, ParseSmallNumber(segments[1], 0, kMaxTileLevel, "tile level"));
  }
  std::vector<std::string_view> groups(segments.begin() + 2, segments.end());
  // A partial tile: the last index group carries ".p" and one more segment,
  // the width, follows it.
  if (groups.size() >= 2 && groups[groups.size() - 2].ends_with(kPartialSuffix)) {
    LEDGER_ASSIGN_OR_RETURN(tile.width,
                            ParseSmallNumber(groups.back(), 1, kTileWidth - 1, "partial tile width"));
    groups.pop_back();
    groups.back().remove_suffix(kPartialSuffix.size());
  }
  LEDGER_ASSIGN_OR_RETURN(tile.index, ParseIndex(groups));
  return tile;
}

}  // namespace ledger::tiles
