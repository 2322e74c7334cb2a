// TileFetcher: how a reader of a published log gets its resources
// ("checkpoint", "tile/0/000", ...), by path relative to the log's prefix;
// over HTTP (tools/ledgerctl) or from a directory (below).
#ifndef LEDGER_TILES_TILE_FETCHER_H_
#define LEDGER_TILES_TILE_FETCHER_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"

namespace ledger::tiles {

// Returns the bytes at `path`. NotFound when the resource does not exist;
// other errors (Unavailable for a network failure) as they come.
using TileFetcher = std::function<absl::StatusOr<std::string>(const std::string& path)>;

// A fetcher reading `directory`/<path>, for a log published to a directory
// (ledgerctl publish) or kept as test data. It reads only "checkpoint" and
// canonical tile paths (ParseTilePath), so a path can never leave the
// directory: InvalidArgument for any other path, NotFound for a missing file,
// Unavailable when a file cannot be read. Thread-safe.
TileFetcher DirectoryFetcher(std::string directory);

}  // namespace ledger::tiles

#endif  // LEDGER_TILES_TILE_FETCHER_H_
