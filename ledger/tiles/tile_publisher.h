// PublishTiles: brings a directory up to a log's newest signed checkpoint
// (`ledgerctl publish`), for any static host.
//
// Incremental: the directory's own "checkpoint" says which tree it holds;
// only the tiles that tree lacks are written (full tiles once, the new
// partial tiles), then the checkpoint, last, so that a reader never sees a
// checkpoint ahead of its tiles. Each file is written atomically and durably
// (directory_writer.h). After the checkpoint, the partial tiles of tiles
// that are now full are removed, as tlog-tiles allows; the partial tiles of
// a tile still partial stay, since a reader holding an older checkpoint
// needs them.
//
// Before writing anything it checks that the directory's checkpoint is of
// this log: same origin, a tree size the log has, and the log's root at
// that size. A directory without a checkpoint is published from the empty
// tree (files already there with the right bytes are kept).
//
// Thread-safety: one publisher per directory at a time.
#ifndef LEDGER_TILES_TILE_PUBLISHER_H_
#define LEDGER_TILES_TILE_PUBLISHER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "ledger/log/log.h"
#include "ledger/publication/directory_writer.h"

namespace ledger::tiles {

struct PublishReport {
  // Tree size of the checkpoint the directory held before (0: none).
  uint64_t previous_size = 0;
  // Tree size of the checkpoint published now.
  uint64_t tree_size = 0;
  publication::PublishStats files;
  // Directories of partial tiles removed because their tile is now full.
  uint64_t partial_dirs_removed = 0;
};

struct PublishOptions {
  // Check every file of the tree, not only those added since the
  // directory's checkpoint (repairs a directory whose files were deleted).
  // Default: false.
  bool all = false;
};

// Publishes `log` into `out` as above. NotFound (saying how to make one)
// when the log has no signed checkpoint; FailedPrecondition when the
// directory's checkpoint is of another origin, a larger tree, or another
// root; DataLoss when an immutable file there differs; writer errors.
absl::StatusOr<PublishReport> PublishTiles(const log::Log& log, publication::DirectoryWriter& out,
                                           const PublishOptions& options = {});

}  // namespace ledger::tiles

#endif  // LEDGER_TILES_TILE_PUBLISHER_H_
