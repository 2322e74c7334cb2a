// C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint, v1.0.0): the
// signed statement of a log's tree head, as the text of a signed note
// (signed_note.h):
//
//   <origin>\n
//   <tree size, decimal, no leading zeros>\n
//   <base64 of the 32-byte RFC 6962 root hash>\n
//   [<extension line>\n ...]
//
// Parsing is strict: every line non-empty, no sign or leading zero in the
// size (which must fit in 64 bits), canonical padded base64 of exactly 32
// bytes for the root. The origin is opaque: it may hold spaces or '+' (the
// spec only RECOMMENDS a schema-less URL), but not control characters.
//
// Thread-safety: stateless functions; safe to call concurrently.
#ifndef LEDGER_LOG_CHECKPOINT_H_
#define LEDGER_LOG_CHECKPOINT_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/log/hash.h"
#include "ledger/log/log.h"
#include "ledger/log/signed_note.h"

namespace ledger::log {

// The body of a checkpoint.
struct Checkpoint {
  // Identifies the log; non-empty, one line.
  std::string origin;
  uint64_t tree_size = 0;
  // RFC 6962 / RFC 9162 root of the first tree_size entries.
  Hash root{};
  // Opaque extra lines, each non-empty, without "\n". NOT RECOMMENDED by the
  // spec (monitors cannot audit them); we never write any.
  std::vector<std::string> extensions;
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The note text of `checkpoint`. InvalidArgument for an empty origin, an
// origin or extension line that is empty (extensions only) or holds a
// newline, control character or invalid UTF-8.
absl::StatusOr<std::string> FormatCheckpoint(const Checkpoint& checkpoint);

// Parses a checkpoint note text (the text of an opened note, final newline
// included). InvalidArgument, naming the line, for fewer than three lines,
// an empty line, a malformed tree size or root hash, or text that
// ValidateNoteText refuses. Verifies nothing: see VerifyCheckpoint.
absl::StatusOr<Checkpoint> ParseCheckpoint(std::string_view text);

// The signed note of the checkpoint {origin, head.tree_size, head.root},
// signed by `key` (whose name SHOULD be the origin). Add witnesses' or a
// successor key's signatures with CosignNote. InvalidArgument as for
// FormatCheckpoint; Internal if OpenSSL fails.
absl::StatusOr<std::string> SignCheckpoint(std::string_view origin,
                                           const TreeHead& head,
                                           const NoteSigner& key);

// A checkpoint vouched for by at least one trusted key.
struct VerifiedCheckpoint {
  Checkpoint checkpoint;
  // The trusted keys whose signatures verified (name, key ID), note order.
  std::vector<NoteSignature> verified;
};

// Opens `note` with the trusted `keys` (OpenNote: unknown signers are
// ignored, at least one trusted key must have signed, every trusted key's
// signature must verify), then parses its text and checks that the origin is
// `expected_origin`. Errors: as OpenNote (DataLoss for a bad signature or no
// trusted signature; InvalidArgument for a malformed note); InvalidArgument
// for a malformed checkpoint text, an empty `expected_origin`, or a
// different origin (naming both).
absl::StatusOr<VerifiedCheckpoint> VerifyCheckpoint(
    std::string_view note, std::span<const NoteVerifier> keys,
    std::string_view expected_origin);

}  // namespace ledger::log

#endif  // LEDGER_LOG_CHECKPOINT_H_
