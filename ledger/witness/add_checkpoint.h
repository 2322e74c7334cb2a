// The request body of C2SP tlog-witness v1.0.0 `POST /add-checkpoint`
// (https://c2sp.org/tlog-witness@v1.0.0):
//
//   old <size>\n                  decimal, no leading zeros ("0" for zero)
//   <base64 hash>\n               0 to 63 consistency proof lines
//   \n
//   <signed checkpoint note>      origin, size, root, blank line, signatures
//
// Parsing here is syntactic (the note is split by ParseNote but not
// verified); the witness (witness.h) decides the rest.
//
// Thread-safety: stateless functions; safe to call concurrently.
#ifndef LEDGER_WITNESS_ADD_CHECKPOINT_H_
#define LEDGER_WITNESS_ADD_CHECKPOINT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/log/hash.h"

namespace ledger::witness {

inline constexpr size_t kMaxProofLines = 63;
// signed-note asks verifiers to accept at least 16 signatures and warns
// that post-quantum ones are nearly 5 kB each: a checkpoint with the 100
// signatures a note may carry here (signed_note.h), each of 5,000 bytes,
// and 63 proof lines is under 700 KiB. Larger bodies are refused before
// parsing.
inline constexpr size_t kMaxAddCheckpointBytes = 1 << 20;

struct AddCheckpointRequest {
  uint64_t old_size = 0;
  std::vector<log::Hash> proof;
  // The signed checkpoint note, as sent (nothing verified).
  std::string checkpoint;
};

// Parses a request body. InvalidArgument saying what is wrong for: a body
// over kMaxAddCheckpointBytes, a missing or malformed `old` line, a proof line
// that is not canonical padded base64 of 32 bytes, more than 63 proof lines,
// no blank line before the checkpoint, or an empty checkpoint.
absl::StatusOr<AddCheckpointRequest> ParseAddCheckpointRequest(std::string_view body);

// The request body for `request` (the inverse of the parser).
std::string FormatAddCheckpointRequest(const AddCheckpointRequest& request);

// Parses a 409 answer's body ("<size>\n", Content-Type text/x.tlog.size).
// InvalidArgument otherwise.
absl::StatusOr<uint64_t> ParseTlogSize(std::string_view body);

}  // namespace ledger::witness

#endif  // LEDGER_WITNESS_ADD_CHECKPOINT_H_
