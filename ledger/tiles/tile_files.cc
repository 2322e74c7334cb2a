#include "ledger/tiles/tile_files.h"

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/next_step.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/signed_note.h"
#include "ledger/tiles/tile_format.h"

namespace ledger::tiles {

namespace {

// The smallest tree that has `tile` with its width: (N·256 + W)·256^L
// entries; nullopt beyond 64-bit sizes.
std::optional<uint64_t> SmallestTreeWith(const TileId& tile) {
  const uint32_t shift = kTileHeight * tile.level;
  if (shift >= 64) return std::nullopt;
  const unsigned __int128 size =
      (static_cast<unsigned __int128>(tile.index) * kTileWidth + tile.width) << shift;
  if (size > UINT64_MAX) return std::nullopt;
  return static_cast<uint64_t>(size);
}

}  // namespace

absl::StatusOr<PublishedCheckpoint> ParsePublishedCheckpoint(std::string note) {
  LEDGER_ASSIGN_OR_RETURN(log::Note parsed, log::ParseNote(note));
  LEDGER_ASSIGN_OR_RETURN(log::Checkpoint checkpoint, log::ParseCheckpoint(parsed.text));
  return PublishedCheckpoint{std::move(note), std::move(checkpoint)};
}

absl::StatusOr<PublishedCheckpoint> LatestPublishedCheckpoint(const log::Log& log) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> note, log.LatestCheckpoint());
  if (!note.has_value()) {
    return WithNextStep(
        absl::NotFoundError(absl::StrCat(
            "the ledger at ", log.path(),
            " has no signed checkpoint yet, so there is nothing to publish: sign one first")),
        NextStep::kSignCheckpoint);
  }
  auto published = ParsePublishedCheckpoint(*std::move(note));
  if (!published.ok()) {
    return absl::DataLossError(absl::StrCat("the newest stored checkpoint of ", log.path(),
                                            " is malformed: ", published.status().message()));
  }
  return published;
}

absl::StatusOr<publication::PublishedFile> TileFiles::GetTile(const TileId& tile,
                                                              uint64_t checkpoint_size) const {
  const std::optional<uint64_t> smallest = SmallestTreeWith(tile);
  if (!smallest.has_value() || *smallest > checkpoint_size) {
    return absl::NotFoundError(absl::StrCat(TilePath(tile),
                                            " is not published: the newest checkpoint has ",
                                            checkpoint_size, " entries"));
  }
  // A full tile is the same in every tree that has it; a partial one is
  // read in the tree where it is the right edge. Either never changes (a
  // partial tile's width fixes its bytes), as C2SP tlog-tiles says: "This
  // endpoint is immutable, so its caching headers SHOULD be long-lived".
  std::string bytes;
  if (tile.full() && !tile.entries) {
    LEDGER_ASSIGN_OR_RETURN(bytes, FullHashTile(tile, *smallest));
  } else {
    LEDGER_ASSIGN_OR_RETURN(bytes, tiles_.Read(tile, *smallest));
  }
  return publication::PublishedFile{.bytes = std::move(bytes),
                                    .content_type = kTileContentType,
                                    .caching = publication::Caching::kImmutable};
}

absl::StatusOr<std::string> TileFiles::FullHashTile(const TileId& tile, uint64_t tree_size) const {
  const std::pair<uint32_t, uint64_t> key(tile.level, tile.index);
  {
    absl::MutexLock lock(&cache_mu_);
    if (auto it = full_hash_tiles_.find(key); it != full_hash_tiles_.end()) return it->second;
  }
  // Read outside the lock: a reader racing this one reads the same bytes.
  LEDGER_ASSIGN_OR_RETURN(std::string bytes, tiles_.Read(tile, tree_size));
  absl::MutexLock lock(&cache_mu_);
  if (full_hash_tiles_.size() >= kMaxCachedHashTiles) full_hash_tiles_.clear();
  full_hash_tiles_.try_emplace(key, bytes);
  return bytes;
}

absl::StatusOr<publication::PublishedFile> TileFiles::Get(std::string_view path) const {
  const bool is_checkpoint = path == kCheckpointPath;
  if (!is_checkpoint && path.substr(0, 5) != "tile/") {
    return absl::NotFoundError(
        absl::StrCat("\"", std::string(path), "\" is not a tlog-tiles resource"));
  }
  std::optional<TileId> tile;
  if (!is_checkpoint) {
    LEDGER_ASSIGN_OR_RETURN(tile, ParseTilePath(path));
  }
  PublishedCheckpoint latest;
  if (pinned_.has_value()) {
    latest = *pinned_;
  } else {
    LEDGER_ASSIGN_OR_RETURN(latest, LatestPublishedCheckpoint(log_));
  }
  if (tile.has_value()) return GetTile(*tile, latest.checkpoint.tree_size);
  return publication::PublishedFile{.bytes = std::move(latest.note),
                                    .content_type = kCheckpointContentType,
                                    .caching = publication::Caching::kShort};
}

std::vector<std::string> TileFiles::PathsAddedBetween(uint64_t old_size, uint64_t new_size) {
  std::vector<std::string> paths;
  for (const TileId& tile : TilesAddedBetween(old_size, new_size)) {
    paths.push_back(TilePath(tile));
  }
  paths.push_back(kCheckpointPath);
  return paths;
}

}  // namespace ledger::tiles
