// EntryPrefetcher: reads the entries column family in order on a background
// thread, in chunks, together with the stored Merkle nodes that each entry
// completes, so that a whole-log pass (verification) hashes on one core
// while RocksDB reads on the other.
//
// Internal to ledger/log. Thread-compatible from the consumer's side: one
// thread calls Next(); the reading thread is private.
#ifndef LEDGER_LOG_ENTRY_PREFETCHER_H_
#define LEDGER_LOG_ENTRY_PREFETCHER_H_

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "ledger/log/hash.h"
#include "ledger/log/rocks_db.h"

namespace ledger::log {

class EntryPrefetcher {
 public:
  struct Item {
    std::string_view key;
    std::string_view value;
    // The stored nodes completed by appending this entry (its leaf, then
    // upward: the order CompactRange::Append reports them), read for the
    // sequence in `key`; nullopt where the store has none.
    const std::optional<Hash>* nodes = nullptr;
    size_t node_count = 0;
  };

  // Starts reading entries with key >= the encoding of `from`, and the
  // stored nodes each completes at levels below `node_levels` (Item::nodes
  // lists only those; 64: all). `db` must outlive this object.
  EntryPrefetcher(const RocksDb& db, uint64_t from, int node_levels = 64);
  // Stops the reader (if still running) and waits for it.
  ~EntryPrefetcher();
  EntryPrefetcher(const EntryPrefetcher&) = delete;
  EntryPrefetcher& operator=(const EntryPrefetcher&) = delete;

  // The next entry, valid until the following call; nullopt at the end or
  // after a read error (see status()).
  std::optional<Item> Next();
  // The next entries, in order, at most `max` (> 0) of them, into `items`
  // (cleared first); valid until the following call of Next or NextBatch.
  // False (and `items` empty) at the end or after a read error.
  bool NextBatch(size_t max, std::vector<Item>& items);
  // The read error, if reading stopped on one.
  absl::Status status();

 private:
  struct Chunk {
    std::string bytes;
    // (key offset, key size, value offset, value size, first node) per entry.
    std::vector<std::array<uint32_t, 5>> items;
    std::vector<std::optional<Hash>> nodes;
  };
  void Read(uint64_t from);
  // Appends to `chunk` the stored nodes completed by entry `sequence`.
  void ReadNodes(uint64_t sequence, Chunk& chunk);
  bool Push(std::unique_ptr<Chunk> chunk) ABSL_LOCKS_EXCLUDED(mu_);
  // An empty chunk, recycled when one is free.
  std::unique_ptr<Chunk> NewChunk() ABSL_LOCKS_EXCLUDED(mu_);
  // Makes current_ a chunk with items left; false at the end.
  bool Refill() ABSL_LOCKS_EXCLUDED(mu_);
  // The conditions Push and Refill wait for.
  bool RoomOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool ReadyOrFinished() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !ready_.empty() || finished_;
  }
  Item ItemAt(size_t index) const;

  const RocksDb& db_;
  const int node_levels_;
  absl::Mutex mu_;
  std::deque<std::unique_ptr<Chunk>> ready_ ABSL_GUARDED_BY(mu_);
  // Consumed chunks for the reader to refill: their buffers stay allocated
  // (and their pages mapped) instead of a fresh megabyte per chunk.
  std::vector<std::unique_ptr<Chunk>> free_ ABSL_GUARDED_BY(mu_);
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<Chunk> current_;             // consumer's
  size_t next_item_ = 0;                       // consumer's
  // Reader's: one cursor per tree level over the Merkle family.
  std::array<std::optional<RocksDb::Cursor>, 64> levels_;
  std::thread reader_;
};

}  // namespace ledger::log

#endif  // LEDGER_LOG_ENTRY_PREFETCHER_H_
