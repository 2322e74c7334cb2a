#include "ledger/tiles/tile_publisher.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/hash.h"
#include "ledger/tiles/tile_files.h"
#include "ledger/tiles/tile_format.h"

namespace ledger::tiles {

namespace {

// The tree size of the directory's checkpoint, checked against `log` and
// `latest`; 0 when the directory has none.
absl::StatusOr<uint64_t> PublishedSize(const log::Log& log, const PublishedCheckpoint& latest,
                                       const publication::DirectoryWriter& out) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> note, out.Read(kCheckpointPath));
  if (!note.has_value()) return 0;
  const std::string where = absl::StrCat(out.directory(), "/", kCheckpointPath);
  auto published = ParsePublishedCheckpoint(*std::move(note));
  if (!published.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        where, " is not a checkpoint (", published.status().message(),
        "): publish to an empty directory, or remove it to republish everything"));
  }
  const log::Checkpoint& there = published->checkpoint;
  if (there.origin != latest.checkpoint.origin) {
    return absl::FailedPreconditionError(absl::StrCat(
        where, " is a checkpoint of \"", there.origin, "\", not of this log (\"",
        latest.checkpoint.origin, "\"): publish each log to its own directory"));
  }
  if (there.tree_size > latest.checkpoint.tree_size) {
    return absl::FailedPreconditionError(absl::StrCat(
        where, " has tree size ", there.tree_size, ", ahead of this log's newest checkpoint (",
        latest.checkpoint.tree_size, "): is this an older copy of the ledger?"));
  }
  LEDGER_ASSIGN_OR_RETURN(log::Hash root, log.RootAt(there.tree_size));
  if (root != there.root) {
    return absl::FailedPreconditionError(absl::StrCat(
        where, " has root ", log::ToHex(there.root), " at tree size ", there.tree_size,
        ", but this log's root there is ", log::ToHex(root),
        ": the directory holds another log (or a fork); publish to an empty directory"));
  }
  return there.tree_size;
}

// The partial tiles of the checkpoints `log` stores with a tree size above
// `from` and below `newest`. tlog-tiles: "Logs MUST serve partial tiles
// corresponding to tree sizes for which a checkpoint was produced": a
// witness, or an auditor given a proof, may hold any of them. A tile that is
// full at `newest` is left out (its full tile serves every smaller size).
// Three seeks per checkpoint in the range, none for those outside it.
absl::StatusOr<std::vector<std::string>> PartialTilesOfOlderCheckpoints(const log::Log& log,
                                                                        uint64_t from,
                                                                        uint64_t newest) {
  std::vector<std::string> paths;
  uint64_t size = from;
  while (true) {
    LEDGER_ASSIGN_OR_RETURN(log::Log::CheckpointNeighbours around, log.CheckpointsAround(size));
    if (!around.above.has_value() || *around.above >= newest) break;
    for (const TileId& tile : TilesAddedBetween(size, *around.above)) {
      if (tile.full()) continue;
      const std::optional<TileId> then = TileInTree(tile.entries, tile.level, tile.index, newest);
      if (then.has_value() && then->full()) continue;
      paths.push_back(TilePath(tile));
    }
    size = *around.above;
  }
  return paths;
}

}  // namespace

absl::StatusOr<PublishReport> PublishTiles(const log::Log& log, publication::DirectoryWriter& out,
                                           const PublishOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(PublishedCheckpoint latest, LatestPublishedCheckpoint(log));
  PublishReport report;
  LEDGER_ASSIGN_OR_RETURN(report.previous_size, PublishedSize(log, latest, out));
  report.tree_size = latest.checkpoint.tree_size;
  const uint64_t from = options.all ? 0 : report.previous_size;
  for (const BesideFiles& beside : options.beside) {
    for (const std::string& path : beside.paths) {
      if (path == kCheckpointPath || path == "tile" || path.starts_with("tile/")) {
        return absl::InvalidArgumentError(absl::StrCat(
            "cannot publish \"", path, "\" beside the tiles: the log's own files (checkpoint, "
            "tile/) own that path"));
      }
    }
  }
  const TileFiles files(log, latest);
  std::vector<std::string> tile_paths = TileFiles::PathsAddedBetween(from, report.tree_size);
  tile_paths.pop_back();  // the checkpoint, written last below
  LEDGER_ASSIGN_OR_RETURN(std::vector<std::string> older,
                          PartialTilesOfOlderCheckpoints(log, from, report.tree_size));
  tile_paths.insert(tile_paths.end(), older.begin(), older.end());
  LEDGER_ASSIGN_OR_RETURN(report.files, publication::PublishFiles(files, tile_paths, out));
  for (const BesideFiles& beside : options.beside) {
    LEDGER_ASSIGN_OR_RETURN(publication::PublishStats stats,
                            publication::PublishFiles(*beside.source, beside.paths, out));
    report.beside.written += stats.written;
    report.beside.unchanged += stats.unchanged;
  }
  LEDGER_ASSIGN_OR_RETURN(publication::PublishStats checkpoint,
                          publication::PublishFiles(files, {kCheckpointPath}, out));
  report.files.written += checkpoint.written;
  report.files.unchanged += checkpoint.unchanged;
  // The checkpoint is out: partial tiles of tiles now full may go.
  for (const TileId& tile : TilesAddedBetween(report.previous_size, report.tree_size)) {
    if (!tile.full()) continue;
    const std::string partials = absl::StrCat(TilePath(tile), ".p");
    LEDGER_ASSIGN_OR_RETURN(bool removed, out.RemoveAll(partials));
    if (removed) ++report.partial_dirs_removed;
  }
  return report;
}

}  // namespace ledger::tiles
