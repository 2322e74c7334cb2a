// Internal to bundle_verifier.cc: the first of the verifier's two stages.
//
// Most of the work on a bundle's body is per line and independent of every
// other line: find the line, decode its base64, read the entry's fields
// (ledger/log/entry_fields.h), hash the leaf, and, when folding, unpack the domain
// event. BodyPipeline does that on a thread of its own, in blocks of up to
// 1024 lines, while the caller's thread runs the second stage, which must
// go in bundle order (chain, tree, checkpoints, fold: bundle_state.h).
// Blocks go through a queue of at most kBlocksInFlight, so memory stays
// bounded by a few blocks (and the longest line) whatever the bundle's size.
//
// The first block is read on the caller's thread; the reading thread
// starts only for a bundle with more. If it cannot start, the caller's
// thread reads every block itself: the same lines, the same results.
//
// The stages only ever exchange whole blocks, in order; the second stage
// sees exactly the lines, in the order, that LineReader gives, so what it
// reports is what a single pass would report. The reader stops, and is
// joined, when the BodyPipeline is destroyed, on every path.
//
// Thread-compatible: one consumer.
#ifndef LEDGER_AUDIT_BUNDLE_PIPELINE_H_
#define LEDGER_AUDIT_BUNDLE_PIPELINE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "compact/v1/compact.pb.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/arena.h"
#include "ledger/audit/bundle_format.h"
#include "ledger/audit/bundle_verifier.h"
#include "ledger/log/entry_fields.h"
#include "ledger/audit/tree_builder.h"
#include "ledger/log/hash.h"
#include "ledger/log/multi_hash.h"

namespace ledger::audit::internal {

// One body line, as read and prepared by the first stage.
struct BodyLine {
  // What LineReader::Next returned for it, and the reader's line number
  // and offset right after.
  LineReader::Result result = LineReader::Result::kEnd;
  uint64_t line_number = 0;
  uint64_t offset = 0;
  // kLine: the sequence N of a line "entry N <anything>", however
  // malformed the rest.
  std::optional<uint64_t> entry_label;
  // The line was only scanned for its label (ScanOnly): nothing below is
  // set.
  bool scanned_only = false;
  // kLine: ParseBodyLine's outcome and record (record.bytes unused:
  // Bytes()).
  absl::Status status;
  BundleRecord::Kind kind = BundleRecord::Kind::kEntry;
  uint64_t number = 0;
  uint64_t count = 0;
  size_t bytes_begin = 0;
  size_t bytes_size = 0;
  // A parsed entry line: its place among the block's entries (for
  // Leaf()), its fields, and when folding its payload as a
  // compact.v1.Event (null when the payload does not unpack).
  size_t entry_index = 0;
  log::EntryFields fields;
  const compact::v1::Event* event = nullptr;
  // A parsed checkpoint line, when the first stage keeps the tree
  // (keeps_tree()): the root of the tree of the entry lines before it.
  bool has_root = false;
  log::Hash root{};
};

struct PipelineOptions {
  // Lines per block; 0 for the default: 1024, or 256 when folding (the
  // second stage is then the slower by far, and a block's unpacked events
  // take room).
  size_t block_lines = 0;
  // Read the first block on the caller's thread (small bundles then need no
  // thread); false starts the reading thread at once.
  bool inline_first_block = true;
  // Never start a thread (the caller's thread reads every block).
  bool single_thread = false;
};

class BodyPipeline {
 public:
  static constexpr size_t kBlocksInFlight = 4;

  // Reads the body from `reader`, starting with `first_line` (just returned
  // by reader.Next(), still valid). `reader` must outlive this object and
  // not be used by anyone else until it is destroyed. Unpacks the domain
  // events when `fold`, and then also keeps the tree of the entries (the
  // second stage has enough to do with the fold).
  BodyPipeline(LineReader& reader, std::string_view first_line, bool fold,
               const PipelineOptions& options);
  // Stops the reading thread, if any, and waits for it.
  ~BodyPipeline();
  BodyPipeline(const BodyPipeline&) = delete;
  BodyPipeline& operator=(const BodyPipeline&) = delete;

  // The next line; valid until the following call. The first stage stops
  // after the first line whose result is not kLine: call no further.
  const BodyLine& Next();
  // An entry's or checkpoint's decoded bytes.
  std::string_view Bytes(const BodyLine& line) const {
    return std::string_view(current_->arena).substr(line.bytes_begin, line.bytes_size);
  }
  // A parsed entry line's leaf hash.
  const log::Hash& Leaf(const BodyLine& line) const { return current_->leaves[line.entry_index]; }
  // From now on the lines need only their entry_label: the rest of the
  // bundle is only searched (lines already read stay as they are).
  void ScanOnly() { scan_only_.store(true, std::memory_order_relaxed); }
  // The first stage hashes the tree: checkpoint lines carry its root.
  bool keeps_tree() const { return keeps_tree_; }
  // Why the last line is kError when that is no read error but a failure
  // of the first stage itself (out of memory); OK otherwise.
  absl::Status failure() const { return failure_; }

 private:
  struct Block {
    std::vector<BodyLine> lines;
    size_t count = 0;
    std::string arena;
    google::protobuf::Arena messages;
    absl::Status failure;
    // The entry lines' leaf hashes are in `lines` (else the consumer
    // computes them: HashLeaves).
    bool hashed = false;
    // Reused by Fill.
    std::vector<std::string_view> entries;
    std::vector<size_t> entry_lines;
    std::vector<log::Hash> leaves;
  };

  // Fills `block` with the next lines, up to the first that is not kLine.
  void Fill(Block& block);
  // Fill, with any exception turned into a final kError line.
  void FillCaught(Block& block);
  void Prepare(Block& block);
  // Hashes the leaves of the block's entries (either stage may: whichever
  // has time, see Run).
  static void HashLeaves(Block& block);
  // The reading thread.
  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  void StartThread() ABSL_LOCKS_EXCLUDED(mu_);
  // The conditions Run and Next wait for.
  bool StopOrFree() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || !free_.empty(); }
  bool ReadyOrStop() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !ready_.empty() || stop_; }

  // First stage (the reading thread's once it runs).
  LineReader& reader_;
  std::optional<std::string_view> first_line_;
  const bool fold_;
  const bool keeps_tree_;
  PipelineOptions options_;
  TreeBuilder tree_;
  BundleRecord record_;
  google::protobuf::Any any_;
  std::atomic<bool> scan_only_{false};

  // Shared.
  absl::Mutex mu_;
  std::deque<std::unique_ptr<Block>> ready_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Block>> free_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;

  // Second stage.
  std::unique_ptr<Block> current_;
  size_t next_line_ = 0;
  bool last_block_ = false;  // current_ ends the body
  bool threaded_ = false;
  absl::Status failure_;
};

// VerifyBundle with the given pipeline options (tests).
absl::StatusOr<BundleReport> VerifyBundleWith(std::istream& in, const BundleOptions& options,
                                              const PipelineOptions& pipeline);

}  // namespace ledger::audit::internal

#endif  // LEDGER_AUDIT_BUNDLE_PIPELINE_H_
