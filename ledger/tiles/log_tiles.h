// LogTiles: the tlog-tiles resources (hash tiles and entry bundles) of a
// log's tree, built on demand from the log's stored Merkle nodes and entries.
//
// A hash tile of level L is read as 256 (or width) stored nodes of tree level
// 8·L, never recomputed; an entry bundle is the stored entry bytes, exactly
// the bytes hashed, each behind its uint16 length. Nothing is cached: full
// tiles never change, so callers (the publisher, the HTTP server) keep what
// they need.
//
// Thread-safety: const methods may run concurrently, as the log's reads may.
#ifndef LEDGER_TILES_LOG_TILES_H_
#define LEDGER_TILES_LOG_TILES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/log/log.h"
#include "ledger/log/merkle.h"
#include "ledger/tiles/tile_path.h"

namespace ledger::tiles {

// `count` nodes of tree level `level` from index `first`, in index order
// (a log's stored nodes: Log::NodesAt).
using NodeRangeReader = std::function<absl::StatusOr<std::vector<log::Hash>>(
    uint8_t level, uint64_t first, uint64_t count)>;

// The bytes of hash tile `tile` read from `nodes` in one range. Errors of
// `nodes` are passed back; InvalidArgument when the tile lies beyond what
// 64-bit indices address or is an entry bundle.
absl::StatusOr<std::string> BuildHashTile(const NodeRangeReader& nodes, const TileId& tile);

class LogTiles {
 public:
  // `log` must outlive this object.
  explicit LogTiles(const log::Log& log) : log_(log) {}

  // The bytes of `tile` (hash tile or entry bundle) as it is in the tree of
  // `tree_size`. NotFound when that tree has no such tile (beyond its size,
  // or a partial width other than the tree's); InvalidArgument when
  // tree_size > the log's size; InvalidArgument naming the entry when an
  // entry is longer than a bundle can hold (65,535 bytes); DataLoss from the
  // store.
  absl::StatusOr<std::string> Read(const TileId& tile, uint64_t tree_size) const;

 private:
  absl::StatusOr<std::string> ReadBundle(const TileId& tile) const;

  const log::Log& log_;
};

}  // namespace ledger::tiles

#endif  // LEDGER_TILES_LOG_TILES_H_
