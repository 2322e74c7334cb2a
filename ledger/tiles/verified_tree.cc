#include "ledger/tiles/verified_tree.h"

#include <limits>
#include <optional>
#include <span>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/proof_verify.h"
#include "ledger/tiles/tile_format.h"

namespace ledger::tiles {

namespace {

// MTH of a perfect subtree whose leaves are `hashes` (a power of two of them).
log::Hash PerfectRoot(std::span<const log::Hash> hashes) {
  std::vector<log::Hash> row(hashes.begin(), hashes.end());
  for (size_t width = row.size(); width > 1; width /= 2) {
    for (size_t i = 0; i < width / 2; ++i) row[i] = log::NodeHash(row[2 * i], row[2 * i + 1]);
  }
  return row[0];
}

absl::Status Prefixed(const absl::Status& status, const std::string& prefix) {
  return absl::Status(status.code(), absl::StrCat(prefix, ": ", status.message()));
}

// The tile of `level` holding hash `position` in the tree of `tree_size`.
std::string TileHolding(uint32_t level, uint64_t position, uint64_t tree_size) {
  const std::optional<TileId> tile = TileInTree(false, level, position / kTileWidth, tree_size);
  return tile.has_value() ? TilePath(*tile) : "(no tile)";
}

}  // namespace

VerifiedTree::VerifiedTree() : head_{0, log::EmptyTreeRoot()} {}

absl::StatusOr<VerifiedTree> VerifiedTree::Fetch(const TileFetcher& fetch,
                                                 const log::TreeHead& head,
                                                 const VerifiedTree* previous) {
  if (previous != nullptr) {
    if (head.tree_size < previous->size()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the checkpoint's tree size ", head.tree_size, " is below the size ", previous->size(),
          " already verified: a log never shrinks (rolled back, or another log)"));
    }
    if (head.tree_size == previous->size() && head.root != previous->root()) {
      return absl::DataLossError(absl::StrCat(
          "fork: two checkpoints of tree size ", head.tree_size, " with different roots ",
          log::ToHex(previous->root()), " (verified before) and ", log::ToHex(head.root)));
    }
  }
  VerifiedTree tree;
  tree.head_ = head;
  const uint32_t levels = TileLevels(head.tree_size);
  tree.levels_.resize(levels);
  for (uint32_t level = 0; level < levels; ++level) {
    LEDGER_RETURN_IF_ERROR(tree.FetchLevel(fetch, level, previous));
  }
  // A fork shows first as new tiles disagreeing with hashes verified before.
  if (previous != nullptr) LEDGER_RETURN_IF_ERROR(tree.CheckExtends(*previous));
  for (uint32_t level = 0; level + 1 < levels; ++level) {
    // Children of parent tiles reused from `previous` were checked then.
    const uint64_t first_unchecked =
        previous == nullptr ? 0 : HashesAtLevel(level + 1, previous->size()) / kTileWidth * kTileWidth;
    LEDGER_RETURN_IF_ERROR(tree.CheckParents(level, first_unchecked));
  }
  LEDGER_RETURN_IF_ERROR(tree.CheckRoot());
  if (previous != nullptr && previous->size() > 0 && previous->size() < head.tree_size) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<log::Hash> proof,
                            log::BuildConsistencyProof(tree.Nodes(), previous->size(), head.tree_size));
    absl::Status consistent = log::VerifyConsistency(previous->size(), head.tree_size, proof,
                                                     previous->root(), head.root);
    if (!consistent.ok()) {
      return absl::DataLossError(absl::StrCat(
          "fork: the tree of size ", head.tree_size, " is not consistent with the tree of size ",
          previous->size(), " verified before: ", consistent.message()));
    }
  }
  return tree;
}

absl::Status VerifiedTree::FetchLevel(const TileFetcher& fetch, uint32_t level,
                                      const VerifiedTree* previous) {
  const uint64_t count = HashesAtLevel(level, size());
  std::vector<log::Hash>& hashes = levels_[level];
  hashes.reserve(count);
  uint64_t reused = 0;
  if (previous != nullptr && level < previous->levels_.size()) {
    reused = HashesAtLevel(level, previous->size()) / kTileWidth * kTileWidth;
    hashes.assign(previous->levels_[level].begin(), previous->levels_[level].begin() + reused);
  }
  for (uint64_t index = reused / kTileWidth; index * kTileWidth < count; ++index) {
    const TileId tile = *TileInTree(false, level, index, size());
    const std::string path = TilePath(tile);
    absl::StatusOr<std::string> bytes = fetch(path);
    if (!bytes.ok()) return Prefixed(bytes.status(), absl::StrCat("fetching ", path));
    LEDGER_ASSIGN_OR_RETURN(std::vector<log::Hash> decoded, DecodeHashTile(*bytes, tile));
    hashes.insert(hashes.end(), decoded.begin(), decoded.end());
  }
  return absl::OkStatus();
}

absl::Status VerifiedTree::CheckParents(uint32_t level, uint64_t first_unchecked) const {
  const std::vector<log::Hash>& children = levels_[level];
  const std::vector<log::Hash>& parents = levels_[level + 1];
  for (uint64_t n = first_unchecked; n < parents.size(); ++n) {
    const log::Hash computed =
        PerfectRoot(std::span<const log::Hash>(children).subspan(n * kTileWidth, kTileWidth));
    if (computed != parents[n]) {
      return absl::DataLossError(absl::StrCat(
          TilePath(TileId{.level = level, .index = n}), " hashes to ", log::ToHex(computed),
          ", but ", TileHolding(level + 1, n, size()), " holds ", log::ToHex(parents[n]),
          " for it (hash ", n % kTileWidth, "): the tile or its parent was altered"));
    }
  }
  return absl::OkStatus();
}

absl::Status VerifiedTree::CheckExtends(const VerifiedTree& previous) const {
  for (uint32_t level = 0; level < previous.levels_.size(); ++level) {
    const std::vector<log::Hash>& before = previous.levels_[level];
    const std::vector<log::Hash>& now = levels_[level];
    for (uint64_t j = before.size() / kTileWidth * kTileWidth; j < before.size(); ++j) {
      if (now[j] == before[j]) continue;
      return absl::DataLossError(absl::StrCat(
          "fork: ", TileHolding(level, j, size()), " holds ", log::ToHex(now[j]), " at position ",
          j % kTileWidth, level == 0 ? absl::StrCat(" (entry ", j, ")") : "", ", but ",
          TileHolding(level, j, previous.size()), " verified at tree size ", previous.size(),
          " held ", log::ToHex(before[j]), " (or the new tile was altered)"));
    }
  }
  return absl::OkStatus();
}

absl::Status VerifiedTree::CheckRoot() const {
  LEDGER_ASSIGN_OR_RETURN(log::Hash computed, log::RootAt(Nodes(), size()));
  if (computed == root()) return absl::OkStatus();
  std::string edge;
  for (uint32_t level = 0; level < levels_.size(); ++level) {
    if (levels_[level].size() % kTileWidth == 0) continue;
    absl::StrAppend(&edge, edge.empty() ? "" : ", ",
                    TileHolding(level, levels_[level].size() - 1, size()));
  }
  return absl::DataLossError(absl::StrCat(
      "the hash tiles of the tree of size ", size(), " give root ", log::ToHex(computed),
      ", not the checkpoint's ", log::ToHex(root()), " (tiles on the right edge: ", edge,
      "): a tile was altered or the checkpoint does not describe these tiles"));
}

log::NodeReader VerifiedTree::Nodes() const {
  return [this](uint8_t tree_level, uint64_t index) -> absl::StatusOr<log::Hash> {
    const uint32_t level = tree_level / kTileHeight;
    const uint32_t height = tree_level % kTileHeight;
    const uint64_t width = uint64_t{1} << height;
    if (level < levels_.size() && index <= (std::numeric_limits<uint64_t>::max() >> height)) {
      const std::vector<log::Hash>& hashes = levels_[level];
      const uint64_t begin = index << height;
      if (begin < hashes.size() && hashes.size() - begin >= width) {
        return PerfectRoot(std::span<const log::Hash>(hashes).subspan(begin, width));
      }
    }
    return absl::NotFoundError(absl::StrCat("node (level ", tree_level, ", index ", index,
                                            ") is not complete in the tree of size ", size()));
  };
}

absl::StatusOr<std::vector<std::string>> VerifiedTree::FetchEntries(const TileFetcher& fetch,
                                                                    uint64_t bundle_index) const {
  const std::optional<TileId> tile = TileInTree(true, 0, bundle_index, size());
  if (!tile.has_value()) {
    return absl::NotFoundError(absl::StrCat("the tree of size ", size(), " has no entry bundle ",
                                            bundle_index));
  }
  const std::string path = TilePath(*tile);
  absl::StatusOr<std::string> bytes = fetch(path);
  if (!bytes.ok()) return Prefixed(bytes.status(), absl::StrCat("fetching ", path));
  LEDGER_ASSIGN_OR_RETURN(std::vector<std::string> entries, DecodeEntryBundle(*bytes, *tile));
  const uint64_t first = bundle_index * kTileWidth;
  for (uint64_t i = 0; i < entries.size(); ++i) {
    const log::Hash leaf = log::LeafHash(entries[i]);
    if (leaf != levels_[0][first + i]) {
      return absl::DataLossError(absl::StrCat(
          "entry ", first + i, " in ", path, " has leaf hash ", log::ToHex(leaf), ", but ",
          TileHolding(0, first + i, size()), " (verified against the checkpoint) holds ",
          log::ToHex(levels_[0][first + i])));
    }
  }
  return entries;
}

}  // namespace ledger::tiles
