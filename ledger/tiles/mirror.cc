#include "ledger/tiles/mirror.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/checkpoint.h"
#include "ledger/tiles/log_tiles.h"
#include "ledger/tiles/tile_format.h"
#include "ledger/tiles/tile_path.h"

namespace ledger::tiles {

namespace {

constexpr char kCopyKept[] = "; the copy is unchanged past its last verified state";

// Entries appended per synced write: up to 16 full bundles (about 1.5 MB of
// typical entries), fewer when they pass 16 MiB.
constexpr size_t kCopyBatchEntries = 16 * kTileWidth;
constexpr size_t kCopyBatchBytes = 16 << 20;

absl::Status Failed(const absl::Status& status, const std::string& what) {
  return absl::Status(status.code(), absl::StrCat(what, ": ", status.message(), kCopyKept));
}

// The tiles of `log`'s tree of `size`, read from its stored nodes.
TileFetcher LocalTiles(const log::Log& log, uint64_t size) {
  return [tiles = LogTiles(log), size](const std::string& path) -> absl::StatusOr<std::string> {
    LEDGER_ASSIGN_OR_RETURN(const TileId tile, ParseTilePath(path));
    return tiles.Read(tile, size);
  };
}

}  // namespace

absl::StatusOr<std::unique_ptr<Mirror>> Mirror::Open(log::Log* log, TileFetcher fetch,
                                                     MirrorOptions options) {
  if (options.keys.empty()) {
    return absl::InvalidArgumentError("a mirror needs the published log's verifier key");
  }
  if (options.origin.empty()) {
    return absl::InvalidArgumentError("a mirror needs the published log's origin");
  }
  std::unique_ptr<Mirror> mirror(new Mirror(log, std::move(fetch), std::move(options)));
  if (log != nullptr && log->Size() > 0) {
    auto copied = VerifiedTree::Fetch(LocalTiles(*log, log->Size()), log->Head(), nullptr);
    if (!copied.ok()) {
      return absl::DataLossError(absl::StrCat("the copy at ", log->path(),
                                              " does not verify against its own root: ",
                                              copied.status().message()));
    }
    mirror->tree_ = *std::move(copied);
  }
  return mirror;
}

absl::StatusOr<MirrorRound> Mirror::CatchUp() {
  MirrorRound round;
  round.previous_size = size();
  round.tree_size = size();
  auto note = fetch_(kCheckpointPath);
  if (!note.ok()) return Failed(note.status(), "fetching the checkpoint");
  auto verified = log::VerifyCheckpoint(*note, options_.keys, options_.origin);
  if (!verified.ok()) {
    return Failed(verified.status(), "the published checkpoint does not verify");
  }
  if (options_.check_note) {
    if (absl::Status checked = options_.check_note(*note); !checked.ok()) {
      return Failed(checked, "the published checkpoint is refused");
    }
  }
  const log::Checkpoint& checkpoint = verified->checkpoint;
  round.checkpoint = *note;
  auto tree = VerifiedTree::Fetch(fetch_, {checkpoint.tree_size, checkpoint.root}, &tree_);
  if (!tree.ok()) {
    return Failed(tree.status(), absl::StrCat("the published tree of size ",
                                              checkpoint.tree_size, " (copy: ", size(), ")"));
  }
  if (absl::Status copied = CopyEntries(*tree, round); !copied.ok()) {
    // The bundles appended before the failure were verified against `tree`:
    // the copy's tree is now the log's own.
    if (log_ != nullptr && log_->Size() != size()) {
      auto resynced = VerifiedTree::Fetch(LocalTiles(*log_, log_->Size()), log_->Head(), nullptr);
      if (resynced.ok()) tree_ = *std::move(resynced);
    }
    return copied;
  }
  tree_ = *std::move(tree);
  round.tree_size = size();
  if (log_ != nullptr) {
    LEDGER_ASSIGN_OR_RETURN(auto stored, log_->GetCheckpoint(checkpoint.tree_size));
    if (!stored.has_value()) {
      if (absl::Status put = log_->PutCheckpoint(*note); !put.ok()) {
        return Failed(put, "storing the checkpoint");
      }
      round.checkpoint_stored = true;
    }
  }
  return round;
}

absl::Status Mirror::CopyEntries(const VerifiedTree& tree, MirrorRound& round) {
  std::vector<std::string> batch;
  size_t batch_bytes = 0;
  uint64_t batch_first_bundle = 0;
  // Appends the batch with one synced write. Its first bundle names it.
  auto flush = [&]() -> absl::Status {
    if (log_ == nullptr || batch.empty()) return absl::OkStatus();
    auto appended = log_->AppendCopied(batch);
    batch.clear();
    batch_bytes = 0;
    if (appended.ok()) return absl::OkStatus();
    // The entries hash to the signed tree: the log was published malformed.
    const absl::Status status = absl::IsInvalidArgument(appended.status())
                                    ? absl::DataLossError(appended.status().message())
                                    : appended.status();
    return Failed(status, absl::StrCat("the entry bundles from ",
                                       TilePath(*TileInTree(true, 0, batch_first_bundle, tree.size())),
                                       " match the signed tree, but do not continue the copy "
                                       "(the published log is malformed)"));
  };
  for (uint64_t next = size(); next < tree.size();) {
    const uint64_t bundle = next / kTileWidth;
    auto entries = tree.FetchEntries(fetch_, bundle);
    if (!entries.ok()) {
      LEDGER_RETURN_IF_ERROR(flush());
      return Failed(entries.status(), "copying entries");
    }
    const uint64_t fresh = entries->size() - (next - bundle * kTileWidth);
    if (log_ != nullptr) {
      if (batch.empty()) batch_first_bundle = bundle;
      for (auto it = entries->end() - fresh; it != entries->end(); ++it) {
        batch_bytes += it->size();
        batch.push_back(std::move(*it));
      }
      if (batch.size() >= kCopyBatchEntries || batch_bytes >= kCopyBatchBytes) {
        LEDGER_RETURN_IF_ERROR(flush());
      }
    }
    next += fresh;
    round.entries += fresh;
  }
  return flush();
}

}  // namespace ledger::tiles
