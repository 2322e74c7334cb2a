// Writes a ledger's audit bundle (bundle_format.h, docs/FORMAT.md "Audit
// bundle"): its origin, verifier keys, every entry up to its newest signed
// checkpoint with the exact stored bytes, and every stored checkpoint right
// after the entries it covers.
//
// Thread-safety: reads the log only; safe to run while it is appended to
// (the bundle ends at the newest checkpoint seen when the export starts).
#ifndef LEDGER_AUDIT_BUNDLE_WRITER_H_
#define LEDGER_AUDIT_BUNDLE_WRITER_H_

#include <cstdint>
#include <ostream>
#include <span>
#include <string>

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

// WriteBundle to a new file at `path` (written to "<path>.tmp", synced, then
// renamed, so `path` is never a partial bundle). AlreadyExists when `path`
// exists.
absl::StatusOr<BundleSummary> WriteBundleFile(const log::Log& log,
                                              std::span<const log::NoteVerifier> keys,
                                              const std::string& path);

}  // namespace ledger::audit

#endif  // LEDGER_AUDIT_BUNDLE_WRITER_H_
