#include "ledger/audit/bundle_pipeline.h"

#include <exception>
#include <new>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ledger::audit::internal {

namespace {

using Result = LineReader::Result;

// Decoded bytes per block before it is handed over (whatever its lines).
constexpr size_t kBlockBytes = size_t{1} << 20;

// The N of "entry N <anything>" (how the verifier looks for a missing
// entry further on).
std::optional<uint64_t> EntryLabel(std::string_view line) {
  if (line.substr(0, 6) != "entry ") return std::nullopt;
  const size_t space = line.find(' ', 6);
  if (space == std::string_view::npos) return std::nullopt;
  auto number = ParseDecimal(line.substr(6, space - 6));
  if (!number.ok()) return std::nullopt;
  return *number;
}

absl::Status FailureOf(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr) {
    return absl::ResourceExhaustedError("out of memory while reading the bundle");
  }
  return absl::InternalError(absl::StrCat("reading the bundle failed: ", e.what()));
}

}  // namespace

BodyPipeline::BodyPipeline(LineReader& reader, std::string_view first_line, bool fold,
                           const PipelineOptions& options)
    : reader_(reader),
      first_line_(first_line),
      fold_(fold),
      keeps_tree_(fold),
      options_(options) {
  if (options_.block_lines == 0) options_.block_lines = fold ? 256 : 1024;
}

BodyPipeline::~BodyPipeline() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void BodyPipeline::Fill(Block& block) {
  block.count = 0;
  // A block that held a very long line gives its room back.
  if (block.arena.capacity() > 4 * kBlockBytes) std::string().swap(block.arena);
  block.arena.clear();
  block.messages.Reset();
  block.failure = absl::OkStatus();
  block.entry_lines.clear();
  for (;;) {
    if (block.lines.size() == block.count) block.lines.emplace_back();
    BodyLine& line = block.lines[block.count++];
    std::string_view text;
    if (first_line_.has_value()) {
      text = *first_line_;
      first_line_.reset();
      line.result = Result::kLine;
    } else {
      line.result = reader_.Next(&text);
    }
    line.line_number = reader_.line_number();
    line.offset = reader_.offset();
    line.event = nullptr;
    line.entry_label.reset();
    line.status = absl::OkStatus();
    line.bytes_begin = line.bytes_size = 0;
    line.has_root = false;
    line.scanned_only = false;
    if (line.result != Result::kLine) break;
    if (scan_only_.load(std::memory_order_relaxed)) {
      line.scanned_only = true;
      line.entry_label = EntryLabel(text);
    } else {
      const size_t begin = block.arena.size();
      line.status = ParseBodyLineInto(text, record_, block.arena);
      if (line.status.ok()) {
        line.kind = record_.kind;
        line.number = record_.number;
        line.count = record_.count;
        line.bytes_begin = begin;
        line.bytes_size = block.arena.size() - begin;
        if (line.kind == BundleRecord::Kind::kEntry) {
          line.entry_label = line.number;
          line.entry_index = block.entry_lines.size();
          block.entry_lines.push_back(block.count - 1);
        }
      } else {
        line.entry_label = EntryLabel(text);
      }
    }
    if (block.count >= options_.block_lines || block.arena.size() >= kBlockBytes) break;
  }
  Prepare(block);
}

void BodyPipeline::HashLeaves(Block& block) {
  if (block.hashed) return;
  block.leaves.resize(block.entries.size());
  log::LeafHashes(block.entries.data(), block.entries.size(), block.leaves.data());
  block.hashed = true;
}

void BodyPipeline::Prepare(Block& block) {
  // The arena no longer moves: views into it hold.
  const std::string_view arena = block.arena;
  block.entries.clear();
  block.hashed = false;
  for (size_t at : block.entry_lines) {
    const BodyLine& line = block.lines[at];
    block.entries.push_back(arena.substr(line.bytes_begin, line.bytes_size));
  }
  for (size_t i = 0; i < block.entry_lines.size(); ++i) {
    BodyLine& line = block.lines[block.entry_lines[i]];
    log::ReadEntryFields(block.entries[i], block.messages, line.fields);
    if (!fold_ || !line.fields.parsed) continue;
    // Any::UnpackTo itself, so that what unpacks is exactly what did.
    any_.mutable_type_url()->assign(line.fields.type_url);
    any_.mutable_value()->assign(line.fields.value);
    auto* event = google::protobuf::Arena::CreateMessage<compact::v1::Event>(&block.messages);
    if (any_.UnpackTo(event)) line.event = event;
  }
  if (!keeps_tree_) return;
  HashLeaves(block);
  for (size_t i = 0; i < block.count; ++i) {
    BodyLine& line = block.lines[i];
    if (line.result != Result::kLine || line.scanned_only || !line.status.ok()) continue;
    if (line.kind == BundleRecord::Kind::kEntry) {
      tree_.Append(block.leaves[line.entry_index]);
    } else if (line.kind == BundleRecord::Kind::kCheckpoint) {
      line.root = tree_.Root();
      line.has_root = true;
    }
  }
}

void BodyPipeline::FillCaught(Block& block) {
  try {
    Fill(block);
  } catch (const std::exception& e) {
    // Nothing of the block is trusted: it ends the body, on a failure the
    // verifier returns.
    block.failure = FailureOf(e);
    block.arena.clear();
    block.entries.clear();
    block.entry_lines.clear();
    block.hashed = true;
    block.count = 0;
    if (block.lines.empty()) block.lines.resize(1);  // may throw in turn: see Run
    BodyLine& line = block.lines[block.count++];
    line.result = Result::kError;
    line.line_number = reader_.line_number();
    line.offset = reader_.offset();
    line.status = absl::OkStatus();
    line.event = nullptr;
  }
}

void BodyPipeline::Run() {
  try {
    for (;;) {
      std::unique_ptr<Block> block;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(this, &BodyPipeline::StopOrFree));
        if (stop_) return;
        block = std::move(free_.back());
        free_.pop_back();
      }
      FillCaught(*block);
      const bool last = block->lines[block->count - 1].result != Result::kLine;
      // Hashing the leaves is the largest part of a block's work: do it
      // here while the consumer still has blocks to go through (it is the
      // slower stage, e.g. folding), else leave it to the consumer, which
      // would otherwise wait.
      bool consumer_busy;
      {
        absl::MutexLock lock(&mu_);
        consumer_busy = !ready_.empty();
      }
      if (consumer_busy) HashLeaves(*block);
      {
        absl::MutexLock lock(&mu_);
        if (stop_) return;
        ready_.push_back(std::move(block));
      }
      if (last) return;
    }
  } catch (...) {
    // Out of memory outside FillCaught (hashing): the consumer takes the
    // blocks already handed over, then ends on a failure (see Next).
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
}

void BodyPipeline::StartThread() {
  // The thread does not run yet, so nobody contends for mu_; it is held
  // because free_ is guarded by it.
  absl::MutexLock lock(&mu_);
  // The blocks the two stages pass around; the consumer's current one is
  // among them.
  const size_t blocks = free_.size() + (current_ != nullptr ? 1 : 0);
  for (size_t i = blocks; i < kBlocksInFlight; ++i) {
    free_.push_back(std::make_unique<Block>());
  }
  try {
    thread_ = std::thread([this] { Run(); });
    threaded_ = true;
  } catch (const std::system_error&) {
    // Read on this thread, to the end.
    options_.single_thread = true;
    free_.clear();
  }
}

const BodyLine& BodyPipeline::Next() {
  if (current_ != nullptr && next_line_ < current_->count) return current_->lines[next_line_++];
  if (current_ != nullptr && last_block_) return current_->lines[current_->count - 1];
  if (!threaded_ && !options_.single_thread &&
      (current_ != nullptr || !options_.inline_first_block)) {
    StartThread();
  }
  if (!threaded_) {
    if (current_ == nullptr) current_ = std::make_unique<Block>();
    FillCaught(*current_);
    HashLeaves(*current_);
  } else {
    mu_.Lock();
    if (current_ != nullptr) free_.push_back(std::move(current_));
    mu_.Await(absl::Condition(this, &BodyPipeline::ReadyOrStop));
    if (ready_.empty()) {
      // The reading thread gave up without a block (see Run).
      mu_.Unlock();
      current_ = std::make_unique<Block>();
      current_->lines.resize(1);
      current_->count = 1;
      current_->lines[0].result = Result::kError;
      current_->failure = absl::ResourceExhaustedError("out of memory while reading the bundle");
    } else {
      current_ = std::move(ready_.front());
      ready_.pop_front();
      mu_.Unlock();
      HashLeaves(*current_);
    }
  }
  next_line_ = 0;
  last_block_ = current_->lines[current_->count - 1].result != Result::kLine;
  if (!current_->failure.ok()) failure_ = current_->failure;
  return current_->lines[next_line_++];
}

}  // namespace ledger::audit::internal
