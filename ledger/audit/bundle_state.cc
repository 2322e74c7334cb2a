#include "ledger/audit/bundle_state.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "ledger/base/absl_view.h"

namespace ledger::audit::internal {

namespace {

using log::ToHex;

std::string Short(const log::Hash& hash) { return ToHex(hash).substr(0, 16); }

std::string CheckpointName(uint64_t index, uint64_t tree_size) {
  return absl::StrCat("checkpoint ", index, " (tree size ", tree_size, ")");
}

}  // namespace

BundleState::BundleState(const BundleOptions& options, std::string origin,
                         BundleReport& report, bool keep_tree)
    : options_(options),
      origin_(std::move(origin)),
      report_(report),
      keep_tree_(keep_tree),
      // Rules only: the verifier never asks for a state at a date, so the
      // folded history need not be kept, and memory stays small however
      // long the bundle.
      world_(compact::WorldOptions{.keep_facts = false}),
      folding_(options.fold_events) {}

void BundleState::Report(BundleProblem problem, uint64_t line, std::string message,
                         std::optional<uint64_t> sequence,
                         std::optional<uint64_t> checkpoint) {
  if (done()) return;
  report_.problem = problem;
  report_.line = line;
  report_.message = std::move(message);
  report_.sequence = sequence;
  report_.checkpoint = checkpoint;
}

void BundleState::Fail(BundleProblem problem, uint64_t line, std::string message,
                       std::optional<uint64_t> sequence) {
  if (mismatch_.has_value()) return ReportMismatch();
  Report(problem, line, std::move(message), sequence, std::nullopt);
}

void BundleState::Note(BundleProblem problem, uint64_t sequence, std::string message) {
  if (!window_.first.has_value()) window_.first = Finding{problem, sequence, std::move(message)};
  folding_ = false;  // a fold after a bad entry would only add noise
}

void BundleState::OnEntry(uint64_t line, uint64_t sequence, const log::Hash& leaf,
                          const log::EntryFields& entry, const compact::v1::Event* event) {
  if (keep_tree_) tree_.Append(leaf);
  if (!entry.parsed) {
    if (!window_.unparseable.has_value()) window_.unparseable = sequence;
    Note(BundleProblem::kUnreadableEntry, sequence,
         absl::StrCat("entry ", sequence, " (line ", line,
                      ") does not parse as a ledger.v1.Entry"));
  } else {
    CheckEntry(line, sequence, entry, event);
  }
  previous_leaf_ = leaf;
  ++entries_;
}

void BundleState::CheckEntry(uint64_t line, uint64_t sequence, const log::EntryFields& entry,
                             const compact::v1::Event* event) {
  if (entry.sequence != sequence) {
    std::string message = absl::StrCat("the entry at position ", sequence, " (line ", line,
                                       ") says it is entry ", entry.sequence);
    if (!window_.misnumbered.has_value()) {
      window_.misnumbered = Finding{BundleProblem::kReorderedEntry, sequence, message};
    }
    Note(BundleProblem::kReorderedEntry, sequence, std::move(message));
  }
  const log::Hash expected = sequence == 0 ? log::Hash{} : previous_leaf_;
  auto recorded = log::HashFromBytes(entry.previous_hash);
  if (!recorded.ok() || *recorded != expected) {
    const log::Hash got = recorded.ok() ? *recorded : log::Hash{};
    if (!window_.chain_break.has_value()) {
      window_.chain_break = ChainBreak{sequence, got, expected};
    } else if (window_.chain_break->sequence + 1 == sequence) {
      window_.chain_break->next_too = true;
    }
    Note(BundleProblem::kWrongPreviousHash, sequence,
         absl::StrCat("entry ", sequence, " records previous hash ",
                      recorded.ok() ? Short(got) : "(not 32 bytes)", "… but entry ",
                      sequence == 0 ? "-1 does not exist (zero hash expected)"
                                    : absl::StrCat(sequence - 1, " hashes to ", Short(expected), "…")));
  }
  const int64_t micros = entry.recorded_micros;
  if (sequence > 0 && micros < last_recorded_micros_) {
    Note(BundleProblem::kBadEntry, sequence,
         absl::StrCat("entry ", sequence, " was recorded before entry ", sequence - 1,
                      " (recorded_at goes back)"));
  }
  last_recorded_micros_ = std::max(last_recorded_micros_, micros);
  if (folding_) Fold(sequence, entry, event);
}

void BundleState::Fold(uint64_t sequence, const log::EntryFields& entry,
                       const compact::v1::Event* event) {
  absl::Status status;
  if (event == nullptr) {
    status = absl::InvalidArgumentError(absl::StrCat(
        "it holds a ", AbslView(entry.type_url), ", not a compact.v1.Event"));
  } else {
    const compact::EventMeta meta{sequence, entry.recorded_micros, std::string(entry.actor)};
    status = world_.Apply(*event, meta);
  }
  if (status.ok()) {
    ++folded_;
    return;
  }
  Note(BundleProblem::kEventDoesNotFold, sequence,
       absl::StrCat("event ", sequence, " (", AbslView(entry.stream), " v", entry.stream_version,
                    ") does not fold: ", status.message()));
}

void BundleState::OnCheckpoint(uint64_t line, uint64_t tree_size, std::string_view note,
                               const log::Hash* given_root) {
  const uint64_t index = checkpoints_++;
  auto verified = log::VerifyCheckpoint(note, options_.keys, origin_);
  if (!verified.ok()) {
    const bool signature = verified.status().code() == absl::StatusCode::kDataLoss;
    if (mismatch_.has_value()) return ReportMismatch();
    return Report(signature ? BundleProblem::kBadSignature : BundleProblem::kBadCheckpoint, line,
                  absl::StrCat(CheckpointName(index, tree_size), ", line ", line, ": ",
                               verified.status().message()),
                  std::nullopt, index);
  }
  const log::Checkpoint& checkpoint = verified->checkpoint;
  if (!CheckPlace(index, line, checkpoint)) return;
  if (last_.has_value() && checkpoint.tree_size == last_->tree_size) {
    return Accept(index, *verified, note);  // the same tree head again
  }
  const log::Hash root = Root(given_root);
  if (mismatch_.has_value()) return ResolveMismatch(index, line, checkpoint, root);
  if (root != checkpoint.root) {
    mismatch_ = Mismatch{index, line, checkpoint.tree_size, checkpoint.root, root};
    folding_ = false;
    return;
  }
  if (window_.first.has_value()) {
    Finding f = *std::move(window_.first);
    return Report(f.problem, line,
                  absl::StrCat(f.message, "; ", CheckpointName(index, checkpoint.tree_size),
                               " signs the entries as they are, so the log itself is at fault"),
                  f.sequence, index);
  }
  Accept(index, *verified, note);
}

bool BundleState::CheckPlace(uint64_t index, uint64_t line, const log::Checkpoint& checkpoint) {
  const uint64_t size = checkpoint.tree_size;
  const std::string name = CheckpointName(index, size);
  auto refuse = [&](BundleProblem problem, std::string message,
                    std::optional<uint64_t> sequence = std::nullopt) {
    if (mismatch_.has_value()) {
      ReportMismatch();  // the earlier problem
    } else {
      Report(problem, line, std::move(message), sequence, index);
    }
    return false;
  };
  if (last_.has_value() && size == last_->tree_size && checkpoint.root != last_->root) {
    return refuse(BundleProblem::kFork,
                  absl::StrCat("fork: ", name, " and checkpoint ", last_->index,
                               " are both signed for tree size ", size,
                               " but with different roots ", ToHex(checkpoint.root), " and ",
                               ToHex(last_->root), ": the log has signed two different histories"));
  }
  if (last_.has_value() && size < last_->tree_size) {
    return refuse(BundleProblem::kMisplacedCheckpoint,
                  absl::StrCat(name, " comes after checkpoint ", last_->index, " of tree size ",
                               last_->tree_size, ": checkpoints must come in increasing size"));
  }
  if (size > entries_) {
    return refuse(BundleProblem::kMissingEntry,
                  absl::StrCat("missing entries: ", name, " on line ", line, " commits to ", size,
                               " entries but only ", entries_, " come before it (entries ",
                               entries_, "..", size - 1, " are not in the bundle)"),
                  entries_);
  }
  if (size < entries_) {
    return refuse(BundleProblem::kMisplacedCheckpoint,
                  absl::StrCat(name, " on line ", line, " comes after entry ", entries_ - 1,
                               "; it belongs right after entry ", size == 0 ? 0 : size - 1));
  }
  return true;
}

void BundleState::Accept(uint64_t index, const log::VerifiedCheckpoint& verified,
                         std::string_view note) {
  const log::Checkpoint& checkpoint = verified.checkpoint;
  for (const auto& signature : verified.verified) {
    const std::string label = absl::StrCat(signature.name, "+", log::KeyIdHex(signature.key_id));
    KeyUse& use = key_uses_[label];
    if (use.checkpoints == 0) {
      use.label = label;
      use.first_tree_size = checkpoint.tree_size;
    }
    ++use.checkpoints;
    use.last_tree_size = checkpoint.tree_size;
  }
  last_ = Verified{index, checkpoint.tree_size, checkpoint.root};
  report_.head = log::TreeHead{checkpoint.tree_size, checkpoint.root};
  report_.latest_checkpoint.assign(note.data(), note.size());
  window_ = Window{};
  window_.start = checkpoint.tree_size;
}

void BundleState::ResolveMismatch(uint64_t index, uint64_t line,
                                  const log::Checkpoint& checkpoint, const log::Hash& root) {
  const Mismatch m = *mismatch_;
  if (root != checkpoint.root) return ReportMismatch();
  Report(BundleProblem::kFork, line,
         absl::StrCat("fork: ", CheckpointName(m.index, m.tree_size), " (line ", m.line,
                      ") is not consistent with ", CheckpointName(index, checkpoint.tree_size),
                      ": the entries match checkpoint ", index, " but give root ",
                      ToHex(m.computed_root), " at size ", m.tree_size, ", where checkpoint ",
                      m.index, " signs ", ToHex(m.signed_root),
                      ": the log has signed two different histories"),
         std::nullopt, m.index);
}

void BundleState::ReportMismatch() {
  const Mismatch m = *mismatch_;
  mismatch_.reset();
  const std::string name = CheckpointName(m.index, m.tree_size);
  const std::string roots = absl::StrCat("the entries give root ", ToHex(m.computed_root),
                                         " where ", name, " signs ", ToHex(m.signed_root));
  if (window_.misnumbered.has_value() && window_.misnumbered->sequence < m.tree_size) {
    const Finding& f = *window_.misnumbered;
    return Report(BundleProblem::kReorderedEntry, m.line,
                  absl::StrCat("entry ", f.sequence, " is out of place: ", f.message, "; ", roots),
                  f.sequence, m.index);
  }
  if (window_.unparseable.has_value() && *window_.unparseable < m.tree_size) {
    const uint64_t n = *window_.unparseable;
    return Report(BundleProblem::kEntryHashMismatch, m.line,
                  absl::StrCat("entry ", n, "'s hash differs from what ", name,
                               " commits to: its bytes were altered (they no longer parse); ",
                               roots),
                  n, m.index);
  }
  if (window_.chain_break.has_value()) {
    const ChainBreak& b = *window_.chain_break;
    const uint64_t n = b.sequence > window_.start && !b.next_too ? b.sequence - 1 : b.sequence;
    if (n < m.tree_size) {
      const std::string evidence =
          n + 1 == b.sequence
              ? absl::StrCat("its bytes hash to ", ToHex(b.computed), " but entry ", b.sequence,
                             " records ", ToHex(b.recorded), " as its previous hash")
              : absl::StrCat("it records previous hash ", ToHex(b.recorded), " where ",
                             ToHex(b.computed), " was expected");
      return Report(BundleProblem::kEntryHashMismatch, m.line,
                    absl::StrCat("entry ", n, "'s hash differs from what ", name,
                                 " commits to: ", evidence, "; ", roots),
                    n, m.index);
    }
  }
  Report(BundleProblem::kRootMismatch, m.line,
         absl::StrCat("entries ", window_.start, "..", m.tree_size - 1,
                      " do not hash to the root of ", name, " (line ", m.line, "): ", roots,
                      ". One of them was altered and every previous hash after it re-linked, "
                      "or checkpoint ", m.index, " describes another history"),
         std::nullopt, m.index);
}

void BundleState::OnEnd(uint64_t line, uint64_t entries, uint64_t checkpoints) {
  if (mismatch_.has_value()) return ReportMismatch();
  if (!last_.has_value()) {
    return Report(BundleProblem::kNoCheckpoint, line,
                  "the bundle holds no signed checkpoint, so nothing in it is signed",
                  std::nullopt, std::nullopt);
  }
  if (entries_ > last_->tree_size) {
    return Report(BundleProblem::kExtraEntry, line,
                  absl::StrCat("entries ", last_->tree_size, "..", entries_ - 1,
                               " come after the last checkpoint (tree size ", last_->tree_size,
                               "): no signed checkpoint covers them"),
                  last_->tree_size, std::nullopt);
  }
  if (entries != entries_ || checkpoints != checkpoints_) {
    return Report(BundleProblem::kBadTrailer, line,
                  absl::StrCat("the end line (line ", line, ") counts ", entries, " entries and ",
                               checkpoints, " checkpoints but the bundle holds ", entries_,
                               " and ", checkpoints_),
                  std::nullopt, std::nullopt);
  }
}

void BundleState::Summarize() {
  report_.entries = entries_;
  report_.checkpoints = checkpoints_;
  report_.events_folded = folded_;
  report_.compacts = static_cast<uint64_t>(world_.state().compacts().size());
  report_.keys.clear();
  for (const auto& key : options_.keys) {
    auto it = key_uses_.find(key.Label());
    report_.keys.push_back(it != key_uses_.end() ? it->second : KeyUse{key.Label()});
  }
}

}  // namespace ledger::audit::internal
