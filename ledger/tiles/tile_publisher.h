// PublishTiles: brings a directory up to a log's newest signed checkpoint
// (`ledgerctl publish`), for any static host.
//
// Incremental: the directory's own "checkpoint" says which tree it holds;
// only the tiles that tree lacks are written (full tiles once, the new
// partial tiles, and the partial tiles of every checkpoint the log stored
// since, as tlog-tiles requires of "tree sizes for which a checkpoint was
// produced", unless their tile is full by now), then the files published beside them (the web view, see
// PublishOptions::beside), then the checkpoint, last, so that a reader never
// sees a checkpoint ahead of its tiles or pages. Each file is written atomically and durably
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
#include <string>
#include <vector>

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
  // The files published beside the tiles (PublishOptions::beside).
  publication::PublishStats beside;
  // Directories of partial tiles removed because their tile is now full.
  uint64_t partial_dirs_removed = 0;
};

// Files of another source published with the tiles, from one root (the web
// view's pages and data, ledger/site).
struct BesideFiles {
  // Must outlive the PublishTiles call.
  const publication::FileSource* source = nullptr;
  // Every path to publish; each is written only when missing or different.
  std::vector<std::string> paths;
};

struct PublishOptions {
  // Check every file of the tree, not only those added since the
  // directory's checkpoint (repairs a directory whose files were deleted).
  // Default: false.
  bool all = false;
  // Written after the tiles and before the checkpoint, in order. A path
  // that is also a tile path or "checkpoint" is refused (InvalidArgument),
  // before anything is written. Default: none.
  std::vector<BesideFiles> beside;
};

// Publishes `log` into `out` as above. NotFound (saying how to make one)
// when the log has no signed checkpoint; FailedPrecondition when the
// directory's checkpoint is of another origin, a larger tree, or another
// root; DataLoss when an immutable file there differs; InvalidArgument for
// a beside path that would shadow the log's files; the sources' and the
// writer's errors, naming the path (the checkpoint is then not written, so
// the directory still shows the tree it showed before).
absl::StatusOr<PublishReport> PublishTiles(const log::Log& log, publication::DirectoryWriter& out,
                                           const PublishOptions& options = {});

}  // namespace ledger::tiles

#endif  // LEDGER_TILES_TILE_PUBLISHER_H_
