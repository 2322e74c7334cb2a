// Writes a ledger's audit bundle (bundle_format.h, docs/FORMAT.md "Audit
// bundle"): its origin, verifier keys, every entry up to its newest signed
// checkpoint with the exact stored bytes, and every stored checkpoint right
// after the entries it covers.
//
// The log may be read directly (a log::Log) or through a BundleSource, so
// that a bundle of a running server's log, read over the network, has the
// same bytes as one written from its database (ledgerctl export-bundle
// --server). This library stays free of gRPC: the network source lives in
// the tool.
//
// Thread-safety: reads the log only; safe to run while it is appended to
// (the bundle ends at the newest checkpoint seen when the export starts). A
// BundleSource is used by one thread at a time.
#ifndef LEDGER_AUDIT_BUNDLE_WRITER_H_
#define LEDGER_AUDIT_BUNDLE_WRITER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ledger/log/log.h"
#include "ledger/log/signed_note.h"

namespace ledger::audit {

struct BundleSummary {
  std::string origin;
  uint64_t entries = 0;
  uint64_t checkpoints = 0;
  // The newest checkpoint's tree head: what the bundle proves.
  log::TreeHead head;
  // Entries of the log after the newest checkpoint, not in the bundle.
  uint64_t unsigned_entries = 0;
};

// A log as the bundle writer reads it. WriteBundle calls Size and
// LatestCheckpoint once each, then ForEachCheckpoint once, and from inside
// its visitor asks ForEachEntry for consecutive ranges starting at 0 (each
// entry exactly once, in order), so a source may stream its entries.
class BundleSource {
 public:
  virtual ~BundleSource() = default;
  // The log's current size (entries after the newest checkpoint are counted
  // in BundleSummary::unsigned_entries, not written).
  virtual absl::StatusOr<uint64_t> Size() = 0;
  // The stored signed checkpoint of the largest tree size, if any.
  virtual absl::StatusOr<std::optional<std::string>> LatestCheckpoint() = 0;
  // Every stored signed checkpoint, by increasing tree size, note bytes as
  // stored; stops early, returning its status, when `visit` fails.
  virtual absl::Status ForEachCheckpoint(
      const std::function<absl::Status(uint64_t tree_size, const std::string& note)>& visit) = 0;
  // Entries [from, from + count) in order, each with its sequence and the
  // exact stored bytes; stops early when `visit` fails. DataLoss or
  // Unavailable when the source gives fewer entries, or other sequences.
  virtual absl::Status ForEachEntry(
      uint64_t from, uint64_t count,
      const std::function<absl::Status(uint64_t sequence, std::string_view bytes)>& visit) = 0;
  // What to do when there is no signed checkpoint, for the error message.
  // Default: "sign a checkpoint of the log first" (a front end adds how).
  virtual std::string NoCheckpointAdvice() const;
};

// Writes the bundle of `log` to `out`, listing `keys` as its verifier keys.
// Every checkpoint must carry a valid signature by one of `keys` and name the
// newest checkpoint's origin, so a bundle that this writes verifies with
// those keys. Errors: FailedPrecondition when the log has no checkpoint or
// `keys` is empty; InvalidArgument naming the checkpoint that `keys` cannot
// verify or whose origin differs, or an entry too large for a bundle line;
// DataLoss for a checkpoint whose signature by one of `keys` is invalid;
// Unavailable when `out` fails. On error `out` holds a partial bundle (which
// a verifier reports as truncated).
absl::StatusOr<BundleSummary> WriteBundle(const log::Log& log,
                                          std::span<const log::NoteVerifier> keys,
                                          std::ostream& out);

// The same, reading the log from `source`.
absl::StatusOr<BundleSummary> WriteBundle(BundleSource& source,
                                          std::span<const log::NoteVerifier> keys,
                                          std::ostream& out);

// WriteBundle to a new file at `path` (written to "<path>.tmp", synced, then
// renamed, so `path` is never a partial bundle). AlreadyExists when `path`
// exists.
absl::StatusOr<BundleSummary> WriteBundleFile(const log::Log& log,
                                              std::span<const log::NoteVerifier> keys,
                                              const std::string& path);
absl::StatusOr<BundleSummary> WriteBundleFile(BundleSource& source,
                                              std::span<const log::NoteVerifier> keys,
                                              const std::string& path);

}  // namespace ledger::audit

#endif  // LEDGER_AUDIT_BUNDLE_WRITER_H_
