// The JSON form of an entry proof (entry_proof.h), as `ledgerctl prove
// --compact ID --event N` prints it and `ledgerctl verify-proof` reads it:
//
//   {"format": "compact-ledger-entry-proof/1", "compact": "<id>",
//    "sequence": N, "entry": "<base64 entry bytes>", "leafHash": "<hex>",
//    "treeSize": S, "inclusion": ["<hex>", ...], "checkpoint": "<note>",
//    "tlogProof": "<C2SP tlog-proof@v1 text of the same proof>"}
//
// Thread-safety: stateless functions.
#ifndef LEDGER_AUDIT_PROOF_JSON_H_
#define LEDGER_AUDIT_PROOF_JSON_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ledger/audit/entry_proof.h"

namespace ledger::audit {

inline constexpr std::string_view kEntryProofFormat = "compact-ledger-entry-proof/1";

// One line of JSON (no final newline). `compact_id` may be empty.
std::string EntryProofToJson(const EntryProof& proof, std::string_view compact_id);

struct ParsedEntryProof {
  EntryProof proof;
  std::string compact_id;
};

// Parses the JSON form. FailedPrecondition when `text` is not JSON or has no
// "format" of kEntryProofFormat (not a proof at all); InvalidArgument naming
// the field that is missing or malformed; DataLoss when "tlogProof" is
// present but says something else than the other fields.
absl::StatusOr<ParsedEntryProof> EntryProofFromJson(std::string_view text);

}  // namespace ledger::audit

#endif  // LEDGER_AUDIT_PROOF_JSON_H_
