// The proof of one entry for an auditor: the entry's exact bytes, an RFC
// 9162 inclusion proof, and the signed checkpoint it is proven against.
// Its text form is C2SP tlog-proof@v1 (https://c2sp.org/tlog-proof), with the
// entry bytes as the proof's "extra" data; proof_json.h gives the JSON form.
//
// Thread-safety: stateless functions; the log is only read.
#ifndef LEDGER_AUDIT_ENTRY_PROOF_H_
#define LEDGER_AUDIT_ENTRY_PROOF_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "compact/v1/compact.pb.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/log.h"
#include "ledger/v1/entry.pb.h"

namespace ledger::audit {

inline constexpr std::string_view kTlogProofHeader = "c2sp.org/tlog-proof@v1";

struct EntryProof {
  uint64_t sequence = 0;
  // The entry exactly as stored (and hashed).
  std::string entry_bytes;
  log::Hash leaf_hash{};
  uint64_t tree_size = 0;
  // RFC 9162 inclusion proof, leaf end first.
  std::vector<log::Hash> inclusion;
  // The signed checkpoint note of size tree_size.
  std::string checkpoint;
};

// The proof of entry `sequence` against the newest stored checkpoint.
// FailedPrecondition when no stored checkpoint covers it (the message says
// to run `ledgerctl checkpoint --sign-key`); NotFound for a sequence beyond
// the log.
absl::StatusOr<EntryProof> ProveEntry(const log::Log& log, uint64_t sequence);

// C2SP tlog-proof@v1 text: header, "extra" with the entry bytes, index,
// base64 hashes, blank line, the checkpoint note verbatim.
std::string FormatTlogProof(const EntryProof& proof);
// Parses tlog-proof@v1 text. The entry bytes come from "extra" (required
// here), the leaf hash is computed from them and the tree size read from the
// (unverified) checkpoint. InvalidArgument, naming the line, when malformed.
absl::StatusOr<EntryProof> ParseTlogProof(std::string_view text);

struct VerifiedEntry {
  log::VerifiedCheckpoint checkpoint;
  ledger::v1::Entry entry;
  // The domain event, when the payload is a compact.v1.Event.
  std::optional<compact::v1::Event> event;
};

// Checks `proof` offline: the checkpoint is signed by one of `keys` (and
// names `origin`, when not empty) and is of tree_size; the entry bytes hash
// to leaf_hash, parse, and say they are entry `sequence`; the inclusion proof
// leads from that leaf to the checkpoint's root. DataLoss saying which check
// failed; InvalidArgument for a malformed checkpoint note.
absl::StatusOr<VerifiedEntry> VerifyEntryProof(const EntryProof& proof,
                                               std::span<const log::NoteVerifier> keys,
                                               std::string_view origin);

}  // namespace ledger::audit

#endif  // LEDGER_AUDIT_ENTRY_PROOF_H_
