// Internal to bundle_verifier.cc: the running state of a bundle
// verification, fed one record at a time. Holds the tree frontier, the last
// leaf, the last verified checkpoint, the problems noticed since it (judged
// at the next checkpoint), and the folded domain state.
//
// Thread-compatible: one verification per instance.
#ifndef LEDGER_AUDIT_BUNDLE_STATE_H_
#define LEDGER_AUDIT_BUNDLE_STATE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "compact/v1/compact.pb.h"
#include "ledger/audit/bundle_verifier.h"
#include "ledger/log/entry_fields.h"
#include "ledger/audit/tree_builder.h"
#include "ledger/compact/world.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/hash.h"

namespace ledger::audit::internal {

class BundleState {
 public:
  // `options` and `report` must outlive the state; the outcome is written to
  // `report`. Without `keep_tree` the caller keeps the tree of the entries
  // and passes its root with every checkpoint.
  BundleState(const BundleOptions& options, std::string origin, BundleReport& report,
              bool keep_tree = true);

  // True once the report names a problem: feed nothing more.
  bool done() const { return report_.problem != BundleProblem::kNone; }
  // Entries read so far (the sequence the next entry must have).
  uint64_t entries() const { return entries_; }

  // Entry `sequence` (already checked to equal entries()) on `line`: its
  // leaf hash, its fields as read from its bytes, and (when folding) its
  // payload as a domain event, null when the payload is none.
  void OnEntry(uint64_t line, uint64_t sequence, const log::Hash& leaf,
               const log::EntryFields& fields, const compact::v1::Event* event);
  // A checkpoint line labelled `tree_size`; `root`: the root of the tree of
  // the entries so far, when the caller keeps the tree.
  void OnCheckpoint(uint64_t line, uint64_t tree_size, std::string_view note,
                    const log::Hash* root = nullptr);
  // The end line.
  void OnEnd(uint64_t line, uint64_t entries, uint64_t checkpoints);
  // The stream can go no further: reports a root mismatch still being
  // resolved, else `problem`.
  void Fail(BundleProblem problem, uint64_t line, std::string message,
            std::optional<uint64_t> sequence = std::nullopt);
  // Copies the counters and key uses into the report.
  void Summarize();

 private:
  struct Finding {
    BundleProblem problem;
    uint64_t sequence;
    std::string message;
  };
  struct ChainBreak {
    uint64_t sequence;  // the entry whose previous hash is wrong
    log::Hash recorded;
    log::Hash computed;
    // The next entry's previous hash is wrong too: entry `sequence` itself
    // changed (its previous hash, hence its own hash), not the one before.
    bool next_too = false;
  };
  // What was noticed since the last verified checkpoint.
  struct Window {
    uint64_t start = 0;
    std::optional<Finding> first;
    std::optional<ChainBreak> chain_break;
    std::optional<Finding> misnumbered;
    std::optional<uint64_t> unparseable;
  };
  // A checkpoint whose root the entries do not give, pending the next one.
  struct Mismatch {
    uint64_t index;
    uint64_t line;
    uint64_t tree_size;
    log::Hash signed_root;
    log::Hash computed_root;
  };
  struct Verified {
    uint64_t index;
    uint64_t tree_size;
    log::Hash root;
  };

  void Note(BundleProblem problem, uint64_t sequence, std::string message);
  // The root of the entries so far.
  log::Hash Root(const log::Hash* given) { return given != nullptr ? *given : tree_.Root(); }
  void CheckEntry(uint64_t line, uint64_t sequence, const log::EntryFields& entry,
                  const compact::v1::Event* event);
  void Fold(uint64_t sequence, const log::EntryFields& entry, const compact::v1::Event* event);
  // The checkpoint's size is where it stands; false when it is not (reported).
  bool CheckPlace(uint64_t index, uint64_t line, const log::Checkpoint& checkpoint);
  void Accept(uint64_t index, const log::VerifiedCheckpoint& verified, std::string_view note);
  void ResolveMismatch(uint64_t index, uint64_t line, const log::Checkpoint& checkpoint,
                       const log::Hash& root);
  // Reports the pending mismatch as altered entries, pinpointed by the chain.
  void ReportMismatch();
  void Report(BundleProblem problem, uint64_t line, std::string message,
              std::optional<uint64_t> sequence, std::optional<uint64_t> checkpoint);

  const BundleOptions& options_;
  const std::string origin_;
  BundleReport& report_;

  uint64_t entries_ = 0;
  uint64_t checkpoints_ = 0;
  const bool keep_tree_;
  TreeBuilder tree_;
  log::Hash previous_leaf_{};
  int64_t last_recorded_micros_ = 0;
  Window window_;
  std::optional<Mismatch> mismatch_;
  std::optional<Verified> last_;
  std::map<std::string, KeyUse> key_uses_;
  compact::World world_;
  bool folding_;
  uint64_t folded_ = 0;
};

}  // namespace ledger::audit::internal

#endif  // LEDGER_AUDIT_BUNDLE_STATE_H_
