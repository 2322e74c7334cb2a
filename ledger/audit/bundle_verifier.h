// Offline verification of an audit bundle (bundle_format.h): everything an
// auditor needs to check a ledger's whole history with nothing but the
// bundle and the log's verifier key(s). No database, no server.
//
// One pass, front to back, with memory bounded by the longest line and the
// folded domain state (independent of the number of entries otherwise):
//  - every checkpoint is signed by a trusted key (several keys: rotation),
//    every trusted key's signature on it verifies, and it names the
//    bundle's origin;
//  - entries come in sequence order with none missing, repeated or out of
//    place, each says its own sequence, and each chains to the one before
//    (previous hash) with a recorded_at that never goes back;
//  - the RFC 9162 tree of the entries read so far has, at every
//    checkpoint, exactly that checkpoint's root. This makes successive
//    checkpoints consistent with each other (and two checkpoints of one size
//    with different roots, or one that the later ones contradict, a fork);
//  - the domain events fold, in order, into a valid compact history
//    (compact::World::Apply with each entry's sequence, time and actor);
//  - the end line's counts match and nothing follows it.
//
// A problem inside the entries signed by a checkpoint is judged at that
// checkpoint: if the entries do not give its root they were altered, and the
// hash chain pinpoints which one; if they do, the signed log itself is at
// fault. A root mismatch is resolved against the next checkpoint: entries
// that match a later checkpoint but not an earlier one reveal a fork.
//
// Two stages on two threads (bundle_pipeline.h): one reads, decodes, parses
// and hashes the entries a block of lines at a time, a few blocks ahead;
// the other checks them in bundle order, so the report is that of a single
// pass, the first problem in bundle order, whatever the timing. Memory
// stays bounded by a few blocks and the longest line.
//
// Thread-safety: stateless functions; concurrent calls on different streams
// are safe. Each call reads its stream on a thread of its own (joined
// before it returns) for a bundle of more than about a thousand lines.
#ifndef LEDGER_AUDIT_BUNDLE_VERIFIER_H_
#define LEDGER_AUDIT_BUNDLE_VERIFIER_H_

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/log/log.h"
#include "ledger/log/signed_note.h"

namespace ledger::audit {

enum class BundleProblem {
  kNone,
  kTruncated,           // the bundle ends before its end line
  kMalformedLine,       // a line that is not a bundle record
  kBadHeader,           // origin or key lines missing or malformed
  kBadSignature,        // a checkpoint not (validly) signed by a trusted key
  kBadCheckpoint,       // a checkpoint that is malformed or of another origin
  kMisplacedCheckpoint, // a checkpoint not right after the entries it covers
  kMissingEntry,        // a sequence number with no entry
  kExtraEntry,          // an entry twice, or entries no checkpoint covers
  kReorderedEntry,      // an entry out of its place
  kUnreadableEntry,     // signed entry bytes that do not parse
  kEntryHashMismatch,   // entry N's hash is not what checkpoint K commits to
  kRootMismatch,        // entries do not give checkpoint K's root
  kWrongPreviousHash,   // signed entries whose hash chain is broken
  kBadEntry,            // signed entry whose recorded_at goes back
  kFork,                // checkpoints that describe two different histories
  kNoCheckpoint,        // nothing in the bundle is signed
  kBadTrailer,          // end line counts wrong, or data after it
  kEventDoesNotFold,    // a signed domain event that the rules refuse
};

// Short stable name, e.g. "entry-hash-mismatch" (docs/auditing.md).
const char* BundleProblemName(BundleProblem problem);

struct BundleOptions {
  // The verifier keys the auditor trusts, obtained independently of the
  // bundle. Must not be empty.
  std::vector<log::NoteVerifier> keys;
  // The origin the auditor expects; empty to accept the bundle's own (whose
  // checkpoints must then all name it).
  // Default: empty.
  std::string origin;
  // Fold the domain events (compact.v1.Event payloads). Off checks only the
  // log (any payload type).
  // Default: true.
  bool fold_events = true;
};

// How each trusted key was used.
struct KeyUse {
  std::string label;  // "<name>+<hex key ID>"
  uint64_t checkpoints = 0;
  uint64_t first_tree_size = 0;
  uint64_t last_tree_size = 0;
};

struct BundleReport {
  BundleProblem problem = BundleProblem::kNone;
  // What is wrong and where, naming entries and checkpoints; empty when OK.
  std::string message;
  // The entry concerned, if one is.
  std::optional<uint64_t> sequence;
  // The checkpoint concerned (0-based, in bundle order), if one is.
  std::optional<uint64_t> checkpoint;
  // The line of the bundle where the problem was found.
  uint64_t line = 0;

  std::string origin;
  uint64_t entries = 0;
  uint64_t checkpoints = 0;
  // The last checkpoint that verified.
  log::TreeHead head;
  // Its signed note, byte for byte, with any witnesses' cosignature lines
  // (not checked here: see witness::Policy::Check).
  std::string latest_checkpoint;
  std::vector<KeyUse> keys;
  uint64_t events_folded = 0;
  uint64_t compacts = 0;
  // Things worth knowing that do not fail verification.
  std::vector<std::string> warnings;

  bool ok() const { return problem == BundleProblem::kNone; }
};

// Verifies the bundle read from `in`. Returns a report, which says what is
// wrong when the bundle does not verify (a truncated bundle included).
// Errors only when it cannot be read at all: InvalidArgument for empty
// options.keys; FailedPrecondition for an empty stream, or one that is not
// an audit bundle or of an unsupported format version; Unavailable for an
// I/O error; ResourceExhausted when memory runs out (no exception escapes).
absl::StatusOr<BundleReport> VerifyBundle(std::istream& in, const BundleOptions& options);

// VerifyBundle on the file at `path`; NotFound when there is none.
absl::StatusOr<BundleReport> VerifyBundleFile(const std::string& path,
                                              const BundleOptions& options);

}  // namespace ledger::audit

#endif  // LEDGER_AUDIT_BUNDLE_VERIFIER_H_
