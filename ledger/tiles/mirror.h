// Mirror: a verified copy of a log published as C2SP tlog-tiles, kept in a
// local ledger database (or, verify-only, checked and kept nowhere).
//
// Each CatchUp takes the published checkpoint one step further:
//   1. the checkpoint must be signed by a trusted key for the pinned origin
//      (and pass the caller's extra check, a witness quorum);
//   2. the hash tiles of its tree are verified against its root, and
//      against the tree already copied: every hash the copy holds must be
//      the same, and an RFC 9162 consistency proof from the copy's size,
//      computed from the tiles, must verify (VerifiedTree). A checkpoint
//      smaller than the copy is refused;
//   3. the entry bundles beyond the copy are fetched, every entry's leaf
//      hash checked against the verified tiles, and the entries appended
//      byte for byte (Log::AppendCopied, which also checks their chain,
//      sequence and stream versions), up to 16 bundles per synced write;
//   4. the checkpoint is stored last, once every entry it covers is copied.
// Any failure stops the round and names the tile or entry and what did not
// match. The copy keeps its last verified state: what was appended before
// the failure was verified against the signed tree, and the stored
// checkpoint stays the previous one until a round completes.
//
// The copy is an ordinary ledger database: replay, history, export-bundle,
// verify and publish read it, and serve can take it over (a restore).
//
// Memory: the verified tree's hashes, 32 bytes per entry.
// Thread-safety: thread-compatible; one CatchUp at a time.
#ifndef LEDGER_TILES_MIRROR_H_
#define LEDGER_TILES_MIRROR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/log/log.h"
#include "ledger/log/signed_note.h"
#include "ledger/tiles/tile_fetcher.h"
#include "ledger/tiles/verified_tree.h"

namespace ledger::tiles {

struct MirrorOptions {
  // The published log's verifier keys; at least one.
  std::vector<log::NoteVerifier> keys;
  // The origin every checkpoint must name (C2SP: verifiers pin it).
  std::string origin;
  // Further checks of a checkpoint whose signature verified, before
  // anything else is fetched (a witness quorum). Default: none.
  std::function<absl::Status(std::string_view note)> check_note;
};

// What one CatchUp did.
struct MirrorRound {
  // The copy's size before and after.
  uint64_t previous_size = 0;
  uint64_t tree_size = 0;
  // Entries appended (verify-only: entries checked).
  uint64_t entries = 0;
  // The checkpoint was stored (false when the copy already held one for
  // that size, or verify-only).
  bool checkpoint_stored = false;
  // The published checkpoint note this round verified.
  std::string checkpoint;
};

class Mirror {
 public:
  // A mirror into `log` (writable, with no admission set; null for
  // verify-only), which must outlive it. A log that already holds entries
  // is the copy to extend: its own tiles are verified against its root
  // first. DataLoss from that check; InvalidArgument for no key or an empty
  // origin.
  static absl::StatusOr<std::unique_ptr<Mirror>> Open(log::Log* log, TileFetcher fetch,
                                                      MirrorOptions options);

  // One round, as above. Errors name what failed and say that the copy was
  // kept: DataLoss for a bad signature, a tampered or truncated tile or
  // bundle, a fork, or an entry that does not continue the copy;
  // FailedPrecondition for a checkpoint smaller than the copy (the log went
  // back, or a stale cache served it); InvalidArgument for another origin or
  // a malformed checkpoint; NotFound / Unavailable from fetching.
  absl::StatusOr<MirrorRound> CatchUp();

  // The size of the verified copy.
  uint64_t size() const { return tree_.size(); }

 private:
  Mirror(log::Log* log, TileFetcher fetch, MirrorOptions options)
      : log_(log), fetch_(std::move(fetch)), options_(std::move(options)) {}

  // Fetches, checks and copies the bundles of `tree` beyond the copy.
  absl::Status CopyEntries(const VerifiedTree& tree, MirrorRound& round);

  log::Log* log_;
  TileFetcher fetch_;
  MirrorOptions options_;
  // The tree of the copy: verified, and equal to the log's when there is one.
  VerifiedTree tree_;
};

}  // namespace ledger::tiles

#endif  // LEDGER_TILES_MIRROR_H_
