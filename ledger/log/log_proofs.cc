// Log: roots of earlier tree sizes and RFC 9162 proofs, from the stored
// Merkle nodes.
#include "ledger/base/next_step.h"
#include "ledger/log/log.h"

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/merkle.h"
#include "ledger/log/rocks_db.h"
#include "ledger/log/storage_format.h"

namespace ledger::log {

absl::StatusOr<Hash> Log::RootAt(uint64_t tree_size) const {
  const TreeHead head = Head();
  if (tree_size > head.tree_size) {
    return absl::InvalidArgumentError(absl::StrCat("tree size ", tree_size,
                                                   " is beyond the log's size ", head.tree_size));
  }
  if (tree_size == head.tree_size) return head.root;
  return ledger::log::RootAt(Nodes(), tree_size);
}

NodeReader Log::Nodes() const {
  return [this](uint8_t level, uint64_t index) -> absl::StatusOr<Hash> {
    LEDGER_ASSIGN_OR_RETURN(auto node,
                            db_->Get(Family::kMerkle, format::NodeKey(level, index)));
    if (!node) {
      return WithNextStep(
          absl::DataLossError(absl::StrCat("Merkle node (level ", level, ", index ", index,
                                           ") is missing; verify the whole log to find the "
                                           "first damaged entry")),
          NextStep::kVerifyLog);
    }
    return HashFromBytes(*node);
  };
}

absl::StatusOr<std::vector<Hash>> Log::NodesAt(uint8_t level, uint64_t first,
                                               uint64_t count) const {
  std::vector<Hash> nodes;
  nodes.reserve(count);
  RocksDb::Cursor it = db_->NewCursor(Family::kMerkle);
  it.Seek(format::NodeKey(level, first));
  for (uint64_t index = first; index - first < count; ++index, it.Next()) {
    if (it.Valid() && it.key() == format::NodeKey(level, index)) {
      LEDGER_ASSIGN_OR_RETURN(const Hash hash, HashFromBytes(it.value()));
      nodes.push_back(hash);
    } else {
      LEDGER_RETURN_IF_ERROR(it.status("reading Merkle nodes"));
      return WithNextStep(
          absl::DataLossError(absl::StrCat("Merkle node (level ", level, ", index ", index,
                                           ") is missing; verify the whole log to find the "
                                           "first damaged entry")),
          NextStep::kVerifyLog);
    }
  }
  return nodes;
}

absl::StatusOr<std::vector<Hash>> Log::InclusionProof(uint64_t sequence,
                                                      uint64_t tree_size) const {
  const uint64_t size = Size();
  if (tree_size > size || sequence >= tree_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot prove entry ", sequence, " in a tree of size ", tree_size,
        ": need entry < tree size <= ", size, " (the log's size)"));
  }
  return BuildInclusionProof(Nodes(), sequence, tree_size);
}

absl::StatusOr<std::vector<Hash>> Log::ConsistencyProof(uint64_t first_size,
                                                        uint64_t second_size) const {
  const uint64_t size = Size();
  if (first_size > second_size || second_size > size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot prove consistency from size ", first_size, " to ", second_size,
        ": need first <= second <= ", size, " (the log's size)"));
  }
  return BuildConsistencyProof(Nodes(), first_size, second_size);
}

}  // namespace ledger::log
