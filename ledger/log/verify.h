// Whole-log verification: recomputes the hash chain and the Merkle tree from
// the stored entry bytes and compares them with every stored Merkle node and
// the committed root, reporting the first problem and its sequence.
//
// Log::Open runs the same checks over the newest entries; `ledgerctl verify`
// runs them over all. Thread-safe: reads only.
#ifndef LEDGER_LOG_VERIFY_H_
#define LEDGER_LOG_VERIFY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "ledger/log/hash.h"

namespace ledger::log {

class RocksDb;

enum class Problem {
  kNone,
  kMissingEntry,       // a sequence number has no entry (deleted: a gap)
  kReorderedEntry,     // the entry stored at N says it is another sequence
  kUnreadableEntry,    // the stored bytes do not parse as ledger.v1.Entry
  kWrongPreviousHash,  // entry N does not chain to entry N-1
  kLeafMismatch,       // entry N's bytes hash differently than when stored
  kNodeMismatch,       // a stored Merkle node differs from the recomputed one
  kTruncatedTail,      // entries the committed tree size promises are gone
  kExtraEntry,         // an entry beyond the committed tree size
  kRootMismatch,       // the recomputed root differs from the committed one
  kBadMetadata,        // tree size or root missing or malformed
};

// Short stable name of a problem, e.g. "missing-entry".
const char* ProblemName(Problem problem);

struct VerifyReport {
  // Entries read and checked.
  uint64_t entries_checked = 0;
  // Committed tree size and root from the metadata.
  uint64_t tree_size = 0;
  Hash root{};
  Problem problem = Problem::kNone;
  // Sequence of the first bad entry (tree_size for kRootMismatch).
  uint64_t sequence = 0;
  // What is wrong, with the expected and actual values.
  std::string message;

  bool ok() const { return problem == Problem::kNone; }
};

// Verifies entries [from_sequence, end) of `db`, and the committed tree size
// and root against all stored entries and nodes. With from_sequence > 0 the
// chain and tree are resumed from the stored nodes before it (the tail check
// of Log::Open). Returns an error status only when the store cannot be read;
// a log that does not verify is an OK status with a report saying why.
absl::StatusOr<VerifyReport> VerifyStore(const RocksDb& db,
                                         uint64_t from_sequence);

// Opens the log at `path` read-only and verifies all of it. NotFound when
// there is no log there.
absl::StatusOr<VerifyReport> VerifyLogAt(const std::string& path);

}  // namespace ledger::log

#endif  // LEDGER_LOG_VERIFY_H_
