// TileFiles: a log's C2SP tlog-tiles as published files (a FileSource), for
// `ledgerctl serve --http` and `ledgerctl publish`.
//
// What it holds is decided by the newest signed checkpoint the log has
// stored (Log::LatestCheckpoint; a server signs them with --sign-key, and
// `ledgerctl checkpoint` signs one offline), so publishing needs no private
// key and never shows a tree no checkpoint vouches for:
//
//   checkpoint               that checkpoint, byte for byte
//                            ("text/plain; charset=utf-8", short caching)
//   tile/<L>/<N>             every full hash tile of its tree (immutable)
//   tile/entries/<N>         every full entry bundle of its tree (immutable)
//   tile/<L>/<N>.p/<W>       the partial tile of width W of any tree size up
//   tile/entries/<N>.p/<W>   to the checkpoint's, so a reader holding an
//                            older checkpoint still finds the partial tiles
//                            it needs (immutable too, as tlog-tiles says of
//                            every tile: its width fixes its bytes; it may
//                            only disappear once its full tile exists)
//
// Tiles and bundles are "application/octet-stream" (tlog-tiles' content
// type). Everything else is NotFound; a path under "tile/" that is not a
// canonical tile path (tile_path.h) is InvalidArgument.
//
// Memory: full hash tiles, once read, are kept (they never change) up to
// kMaxCachedHashTiles (32 MiB), so a busy server reads each from the store
// once; past that the cache starts over empty.
//
// Thread-safety: Get may be called from many threads at once (the log's
// reads may), and sees the checkpoint stored when it runs.
#ifndef LEDGER_TILES_TILE_FILES_H_
#define LEDGER_TILES_TILE_FILES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/log.h"
#include "ledger/publication/file_source.h"
#include "ledger/tiles/log_tiles.h"

namespace ledger::tiles {

// Content types of tlog-tiles resources.
inline constexpr char kCheckpointContentType[] = "text/plain; charset=utf-8";
inline constexpr char kTileContentType[] = "application/octet-stream";

// A signed checkpoint: its note, byte for byte, and what it says.
struct PublishedCheckpoint {
  std::string note;
  log::Checkpoint checkpoint;
};

// The newest checkpoint `log` has stored. NotFound, saying how to make one,
// when it has none; DataLoss when the stored note does not parse.
absl::StatusOr<PublishedCheckpoint> LatestPublishedCheckpoint(const log::Log& log);

// Parses a checkpoint note (signatures are not verified: the caller knows
// where it came from). InvalidArgument when it is not a checkpoint note.
absl::StatusOr<PublishedCheckpoint> ParsePublishedCheckpoint(std::string note);

class TileFiles : public publication::FileSource {
 public:
  // Full hash tiles kept in memory (8 KiB each).
  static constexpr size_t kMaxCachedHashTiles = 4096;

  // `log` must outlive this object.
  explicit TileFiles(const log::Log& log) : log_(log), tiles_(log) {}
  // Serves `pinned` (a checkpoint the log stores) and its tree, whatever the
  // log stores later: one consistent set of files for a publisher.
  TileFiles(const log::Log& log, PublishedCheckpoint pinned)
      : log_(log), tiles_(log), pinned_(std::move(pinned)) {}

  // The file at `path` (see above). NotFound when the log has no checkpoint
  // yet, for a tile beyond the checkpoint's tree, or for a path that is
  // neither the checkpoint nor under "tile/"; InvalidArgument for a
  // non-canonical tile path; DataLoss / Unavailable from the store.
  absl::StatusOr<publication::PublishedFile> Get(std::string_view path) const override;

  // The file of `tile` as published with the checkpoint of `checkpoint_size`
  // (NotFound when that tree has neither the tile nor an older tree its
  // partial width). For a publisher that pinned one checkpoint.
  absl::StatusOr<publication::PublishedFile> GetTile(const TileId& tile,
                                                     uint64_t checkpoint_size) const;

  // The paths a directory holding the files of the tree of `old_size` lacks
  // for the tree of `new_size` (new full tiles, the new partial tiles),
  // level by level, then "checkpoint" last: the order in which a publisher
  // writes them, so that no reader sees a checkpoint ahead of its tiles.
  static std::vector<std::string> PathsAddedBetween(uint64_t old_size, uint64_t new_size);

 private:
  // The bytes of full hash tile `tile` (of the tree of `tree_size`), from
  // the cache or read and cached.
  absl::StatusOr<std::string> FullHashTile(const TileId& tile, uint64_t tree_size) const
      ABSL_LOCKS_EXCLUDED(cache_mu_);

  const log::Log& log_;
  LogTiles tiles_;
  std::optional<PublishedCheckpoint> pinned_;
  mutable absl::Mutex cache_mu_;
  // Keyed by (level, index).
  mutable absl::flat_hash_map<std::pair<uint32_t, uint64_t>, std::string> full_hash_tiles_
      ABSL_GUARDED_BY(cache_mu_);
};

}  // namespace ledger::tiles

#endif  // LEDGER_TILES_TILE_FILES_H_
