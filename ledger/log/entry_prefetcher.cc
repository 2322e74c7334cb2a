#include "ledger/log/entry_prefetcher.h"

#include <algorithm>
#include <array>

#include "ledger/log/rocks_db.h"
#include "ledger/log/storage_format.h"

namespace ledger::log {

namespace {

// About 1 MiB per chunk and a few chunks in flight: enough to keep both
// threads busy, small enough to keep memory bounded whatever the log size.
constexpr size_t kChunkBytes = 1 << 20;
constexpr size_t kChunksInFlight = 4;

}  // namespace

EntryPrefetcher::EntryPrefetcher(const RocksDb& db, uint64_t from, int node_levels)
    : db_(db), node_levels_(std::clamp(node_levels, 0, 64)) {
  reader_ = std::thread([this, from] { Read(from); });
}

EntryPrefetcher::~EntryPrefetcher() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  reader_.join();
}

bool EntryPrefetcher::RoomOrStopping() const {
  return stop_ || ready_.size() < kChunksInFlight;
}

bool EntryPrefetcher::Push(std::unique_ptr<Chunk> chunk) {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(this, &EntryPrefetcher::RoomOrStopping));
  if (stop_) return false;
  ready_.push_back(std::move(chunk));
  return true;
}

std::unique_ptr<EntryPrefetcher::Chunk> EntryPrefetcher::NewChunk() {
  std::unique_ptr<Chunk> chunk;
  {
    absl::MutexLock lock(&mu_);
    if (!free_.empty()) {
      chunk = std::move(free_.back());
      free_.pop_back();
    }
  }
  if (chunk == nullptr) {
    chunk = std::make_unique<Chunk>();
    chunk->bytes.reserve(kChunkBytes + (64 << 10));
  }
  chunk->bytes.clear();
  chunk->items.clear();
  chunk->nodes.clear();
  return chunk;
}

void EntryPrefetcher::ReadNodes(uint64_t sequence, Chunk& chunk) {
  // Entry i completes node (L, ((i + 1) >> L) - 1) for every L with 2^L
  // dividing i + 1. Each level's nodes are read in index order, so a cursor
  // per level mostly steps to the next key.
  const uint64_t count = sequence + 1;
  for (int level = 0; level < node_levels_ && count % (uint64_t{1} << level) == 0;
       ++level) {
    const std::string key = format::NodeKey(static_cast<uint8_t>(level), (count >> level) - 1);
    std::optional<RocksDb::Cursor>& it = levels_[level];
    if (!it.has_value()) {
      it.emplace(db_.NewCursor(Family::kMerkle, RocksDb::Scan::kSequential));
      it->Seek(key);
    } else {
      it->Next();
      if (it->Valid() && it->key() != key) it->Seek(key);
    }
    std::optional<Hash> node;
    if (it->Valid() && it->key() == key) {
      auto hash = HashFromBytes(it->value());
      if (hash.ok()) node = *hash;
    }
    chunk.nodes.push_back(node);
  }
}

void EntryPrefetcher::Read(uint64_t from) {
  RocksDb::Cursor it = db_.NewCursor(Family::kEntries, RocksDb::Scan::kSequential);
  auto chunk = NewChunk();
  bool open = true;
  for (it.Seek(format::EntryKey(from)); open && it.Valid(); it.Next()) {
    const std::string_view key = it.key(), value = it.value();
    const uint32_t at = static_cast<uint32_t>(chunk->bytes.size());
    chunk->bytes.append(key.data(), key.size());
    chunk->bytes.append(value.data(), value.size());
    chunk->items.push_back({at, static_cast<uint32_t>(key.size()),
                            at + static_cast<uint32_t>(key.size()),
                            static_cast<uint32_t>(value.size()),
                            static_cast<uint32_t>(chunk->nodes.size())});
    if (auto sequence = format::DecodeUint64(key)) {
      ReadNodes(*sequence, *chunk);
    }
    if (chunk->bytes.size() >= kChunkBytes) {
      open = Push(std::move(chunk));
      if (open) chunk = NewChunk();
    }
  }
  if (open && !chunk->items.empty()) Push(std::move(chunk));
  absl::MutexLock lock(&mu_);
  status_ = it.status("reading entries");
  finished_ = true;
}

bool EntryPrefetcher::Refill() {
  while (current_ == nullptr || next_item_ == current_->items.size()) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &EntryPrefetcher::ReadyOrFinished));
    if (ready_.empty()) return false;
    if (current_ != nullptr) free_.push_back(std::move(current_));
    current_ = std::move(ready_.front());
    ready_.pop_front();
    next_item_ = 0;
  }
  return true;
}

EntryPrefetcher::Item EntryPrefetcher::ItemAt(size_t index) const {
  const auto& item = current_->items[index];
  const size_t node_end = index + 1 < current_->items.size()
                              ? current_->items[index + 1][4]
                              : current_->nodes.size();
  const std::string_view bytes = current_->bytes;
  return Item{bytes.substr(item[0], item[1]), bytes.substr(item[2], item[3]),
              current_->nodes.data() + item[4], node_end - item[4]};
}

std::optional<EntryPrefetcher::Item> EntryPrefetcher::Next() {
  if (!Refill()) return std::nullopt;
  return ItemAt(next_item_++);
}

bool EntryPrefetcher::NextBatch(size_t max, std::vector<Item>& items) {
  items.clear();
  // One chunk at a time: the items point into it.
  if (!Refill()) return false;
  const size_t end = std::min(current_->items.size(), next_item_ + std::max<size_t>(max, 1));
  for (; next_item_ < end; ++next_item_) items.push_back(ItemAt(next_item_));
  return true;
}

absl::Status EntryPrefetcher::status() {
  absl::MutexLock lock(&mu_);
  return status_;
}

}  // namespace ledger::log
