#include "ledger/log/verify.h"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/compact_range.h"
#include "google/protobuf/arena.h"
#include "ledger/log/entry_fields.h"
#include "ledger/log/entry_prefetcher.h"
#include "ledger/log/merkle.h"
#include "ledger/log/multi_hash.h"
#include "ledger/log/rocks_db.h"
#include "ledger/log/storage_format.h"

namespace ledger::log {

const char* ProblemName(Problem problem) {
  switch (problem) {
    case Problem::kNone: return "ok";
    case Problem::kMissingEntry: return "missing-entry";
    case Problem::kReorderedEntry: return "reordered-entry";
    case Problem::kUnreadableEntry: return "unreadable-entry";
    case Problem::kWrongPreviousHash: return "wrong-previous-hash";
    case Problem::kLeafMismatch: return "leaf-hash-mismatch";
    case Problem::kNodeMismatch: return "merkle-node-mismatch";
    case Problem::kTruncatedTail: return "truncated-tail";
    case Problem::kExtraEntry: return "extra-entry";
    case Problem::kRootMismatch: return "root-mismatch";
    case Problem::kBadMetadata: return "bad-metadata";
  }
  return "unknown";
}

namespace {

// Walks the stored Merkle nodes of each level in index order, seeking only
// when the next stored node is not the one asked for, so a whole-log pass
// reads the node family sequentially.
class NodeCursor {
 public:
  NodeCursor(const RocksDb& db) : db_(db) {}

  // Reads the stored nodes (level, first + i) for i < count into `out`,
  // nullopt where a node is missing or is not 32 bytes (as the prefetcher).
  absl::Status GetRange(uint8_t level, uint64_t first, size_t count,
                        std::vector<std::optional<Hash>>& out) {
    out.assign(count, std::nullopt);
    if (count == 0) return absl::OkStatus();
    std::optional<RocksDb::Cursor>& it = iterators_[level];
    std::string key = format::NodeKey(level, first);
    if (!it.has_value()) {
      it.emplace(db_.NewCursor(Family::kMerkle, RocksDb::Scan::kSequential));
      it->Seek(key);
    } else {
      if (it->Valid()) it->Next();
      if (!it->Valid() || it->key() != key) it->Seek(key);
    }
    for (size_t i = 0;;) {
      LEDGER_RETURN_IF_ERROR(it->status("reading Merkle nodes"));
      if (it->Valid() && it->key() == key) {
        auto hash = HashFromBytes(it->value());
        if (hash.ok()) out[i] = *hash;
      }
      if (++i == count) return absl::OkStatus();
      key = format::NodeKey(level, first + i);
      // Mostly the next key: step; seek only past a gap.
      if (it->Valid() && it->key() < key) {
        it->Next();
        if (it->Valid() && it->key() < key) it->Seek(key);
      }
    }
  }

  absl::StatusOr<std::optional<Hash>> Get(uint8_t level, uint64_t index) {
    std::optional<RocksDb::Cursor>& it = iterators_[level];
    const std::string key = format::NodeKey(level, index);
    if (!it.has_value()) {
      it.emplace(db_.NewCursor(Family::kMerkle, RocksDb::Scan::kSequential));
      it->Seek(key);
    } else if (it->Valid() && it->key() < key) {
      it->Next();
      if (it->Valid() && it->key() != key) it->Seek(key);
    } else {
      it->Seek(key);
    }
    LEDGER_RETURN_IF_ERROR(it->status("reading Merkle nodes"));
    if (!it->Valid() || it->key() != key) return std::optional<Hash>();
    LEDGER_ASSIGN_OR_RETURN(Hash hash, HashFromBytes(it->value()));
    return std::optional<Hash>(hash);
  }

 private:
  const RocksDb& db_;
  std::array<std::optional<RocksDb::Cursor>, 64> iterators_;
};

struct Metadata {
  uint64_t tree_size = 0;
  Hash root{};
};

absl::StatusOr<std::optional<Metadata>> ReadMetadata(const RocksDb& db,
                                                     std::string* problem) {
  LEDGER_ASSIGN_OR_RETURN(auto size, db.Get(Family::kMeta, format::kTreeSizeKey));
  LEDGER_ASSIGN_OR_RETURN(auto root, db.Get(Family::kMeta, format::kRootKey));
  Metadata meta;
  if (!size.has_value() && !root.has_value()) {
    meta.root = EmptyTreeRoot();
    return std::optional<Metadata>(meta);
  }
  auto decoded = size.has_value() ? format::DecodeUint64(*size) : std::nullopt;
  auto root_hash = root.has_value() ? HashFromBytes(*root)
                                    : absl::StatusOr<Hash>(absl::NotFoundError(""));
  if (!decoded.has_value() || !root_hash.ok()) {
    *problem = "the committed tree size or root in the metadata is missing or "
               "malformed";
    return std::optional<Metadata>();
  }
  meta.tree_size = *decoded;
  meta.root = *root_hash;
  return std::optional<Metadata>(meta);
}

// State of one verification pass. Entries are checked in batches (as the
// prefetcher hands them over): first the checks of each entry that need no
// hashing, up to the first entry that fails one; then the leaf hashes of the
// batch, four at a time, and the new Merkle nodes of the batch, level by
// level (the nodes of one level are independent), both with the interleaved
// SHA-256 of multi_hash.h; then, entry by entry in order, the stored nodes
// each entry completes and its chain link. So the first problem reported,
// its sequence and its message are those of checking one entry at a time.
class Verifier {
 public:
  Verifier(const RocksDb& db, VerifyReport& report)
      : db_(db), report_(report), nodes_(db), stored_(65) {}

  absl::Status Run(uint64_t from);

 private:
  // Entries per batch: enough for the interleaved hashing to have work, few
  // enough to keep the batch's tree (2 x 32 bytes per entry) in cache.
  static constexpr size_t kBatch = 1024;
  // Stored nodes of levels below this are read by the prefetcher's thread
  // (with the entries), the others by this one: about half the work each.
  static constexpr size_t kPrefetchedLevels = 1;

  absl::StatusOr<bool> Start(uint64_t from);
  // Checks `items`, the entries from sequence next_ on; false on a problem.
  absl::StatusOr<bool> CheckBatch(const std::vector<EntryPrefetcher::Item>& items);
  bool CheckNode(const CompactRange::NewNode& node, const std::optional<Hash>& stored);
  bool Fail(Problem problem, uint64_t sequence, std::string message) {
    report_.problem = problem;
    report_.sequence = sequence;
    report_.message = std::move(message);
    return false;
  }

  const RocksDb& db_;
  VerifyReport& report_;
  NodeCursor nodes_;
  // The tree of leaves [0, next_).
  CompactRange frontier_;
  Hash previous_leaf_{};
  uint64_t next_ = 0;
  // Per batch.
  std::vector<std::string_view> bytes_;
  std::vector<std::string_view> previous_hashes_;
  google::protobuf::Arena arena_;
  std::vector<Hash> leaves_;
  CompactRange::NewLevels levels_;
  std::vector<std::vector<std::optional<Hash>>> stored_;  // as levels_
};

absl::StatusOr<bool> Verifier::Start(uint64_t from) {
  std::string problem;
  LEDGER_ASSIGN_OR_RETURN(auto meta, ReadMetadata(db_, &problem));
  if (!meta.has_value()) return Fail(Problem::kBadMetadata, 0, problem);
  report_.tree_size = meta->tree_size;
  report_.root = meta->root;
  if (from == 0) return true;
  if (from > meta->tree_size) from = meta->tree_size;
  // Tail mode: a truncated tail may lie before the window; look at the end.
  RocksDb::Cursor it = db_.NewCursor(Family::kEntries);
  it.SeekToLast();
  LEDGER_RETURN_IF_ERROR(it.status("reading entries"));
  const auto last = it.Valid() ? format::DecodeUint64(it.key())
                                : std::optional<uint64_t>();
  const uint64_t stored_end = last.has_value() ? *last + 1 : 0;
  if (stored_end < meta->tree_size && stored_end < from) {
    return Fail(Problem::kTruncatedTail, stored_end,
                absl::StrCat("the log commits to ", meta->tree_size,
                             " entries but the last stored entry is ",
                             stored_end == 0 ? std::string("none")
                                             : absl::StrCat(stored_end - 1),
                             "; entry ", stored_end, " onwards is gone"));
  }
  NodeReader reader = [this](uint8_t level, uint64_t index) -> absl::StatusOr<Hash> {
    LEDGER_ASSIGN_OR_RETURN(auto node, nodes_.Get(level, index));
    if (!node.has_value()) {
      return absl::DataLossError(absl::StrCat("Merkle node (level ", level,
                                              ", index ", index, ") is missing"));
    }
    return *node;
  };
  auto range = CompactRange::FromStore(reader, from);
  if (!range.ok()) return Fail(Problem::kNodeMismatch, from, range.status().ToString());
  frontier_ = *std::move(range);
  auto previous = reader(0, from - 1);
  if (!previous.ok()) return Fail(Problem::kNodeMismatch, from - 1, previous.status().ToString());
  previous_leaf_ = *previous;
  next_ = from;
  return true;
}

bool Verifier::CheckNode(const CompactRange::NewNode& node, const std::optional<Hash>& stored) {
  if (stored.has_value() && *stored == node.hash) return true;
  const uint64_t first_leaf = node.index << node.level;
  if (node.level == 0) {
    return Fail(Problem::kLeafMismatch, first_leaf,
                absl::StrCat("entry ", first_leaf, " hashes to ", ToHex(node.hash),
                             " but the tree stores leaf ",
                             stored ? ToHex(*stored) : std::string("(missing)"),
                             ": the entry's bytes were changed after it was written"));
  }
  return Fail(Problem::kNodeMismatch, first_leaf,
              absl::StrCat("Merkle node (level ", node.level, ", index ", node.index,
                           ") over entries from ", first_leaf, " is ",
                           stored ? ToHex(*stored) : std::string("missing"),
                           ", recomputed ", ToHex(node.hash)));
}

absl::StatusOr<bool> Verifier::CheckBatch(
    const std::vector<EntryPrefetcher::Item>& items) {
  // 1. The checks that need no hashing, in the order of one entry at a
  //    time; the first entry failing one ends the batch, and its problem
  //    is reported once the entries before it are found good.
  struct Pending {
    Problem problem;
    uint64_t sequence;
    std::string message;
  };
  std::optional<Pending> pending;
  bytes_.clear();
  previous_hashes_.clear();
  // Holds what protobuf parsed of this batch's entries, if any was not in
  // the plain encoding the scan reads.
  arena_.Reset();
  for (const EntryPrefetcher::Item& item : items) {
    const uint64_t expected = next_ + bytes_.size();
    const auto key = format::DecodeUint64(item.key);
    if (!key.has_value()) {
      pending = Pending{Problem::kUnreadableEntry, expected,
                        "an entry key is not an 8-byte sequence"};
      break;
    }
    if (*key >= report_.tree_size) {
      pending = Pending{Problem::kExtraEntry, *key,
                        absl::StrCat("entry ", *key, " is stored beyond the committed tree size ",
                                     report_.tree_size)};
      break;
    }
    if (*key != expected) {
      pending = Pending{Problem::kMissingEntry, expected,
                        absl::StrCat("entry ", expected,
                                     " is missing: the next stored entry is ", *key)};
      break;
    }
    const std::string_view bytes = item.value;
    EntryFields entry;
    ReadEntryFields(bytes, arena_, entry);
    if (!entry.parsed) {
      pending = Pending{Problem::kUnreadableEntry, expected,
                        absl::StrCat("entry ", expected, "'s stored bytes (", bytes.size(),
                                     ") do not parse as a ledger.v1.Entry")};
      break;
    }
    if (entry.sequence != expected) {
      pending = Pending{Problem::kReorderedEntry, expected,
                        absl::StrCat("the entry stored at sequence ", expected,
                                     " says it is entry ", entry.sequence,
                                     ": entries were moved or reordered")};
      break;
    }
    bytes_.push_back(bytes);
    previous_hashes_.push_back(entry.previous_hash);
  }
  // 2. The leaves and the new nodes of the entries that passed.
  const size_t n = bytes_.size();
  if (n > 0) {
    leaves_.resize(n);
    LeafHashes(bytes_.data(), n, leaves_.data());
    frontier_.AppendLeaves(leaves_, levels_);
    // The stored nodes to compare with: those of the batch's new nodes,
    // read here, level by level, rather than by the prefetcher, whose
    // thread is kept busy reading the entries.
    for (size_t level = kPrefetchedLevels; level < levels_.levels(); ++level) {
      LEDGER_RETURN_IF_ERROR(nodes_.GetRange(static_cast<uint8_t>(level), levels_.first(level),
                                             levels_.nodes(level).size(), stored_[level]));
    }
  }
  // 3. Entry by entry: the stored nodes it completes (its leaf, then
  //    upward), then its chain link. The tree is checked first: a rewritten
  //    entry whose stored leaf was also rewritten is caught by the node
  //    above it, at its own sequence, before the next entry's chain link
  //    would name the following one.
  static const std::optional<Hash> kMissing;
  for (size_t i = 0; i < n; ++i, ++next_, ++report_.entries_checked) {
    const uint64_t count = next_ + 1;
    for (size_t level = 0; level < 64 && count % (uint64_t{1} << level) == 0; ++level) {
      const uint64_t index = (count >> level) - 1;
      const CompactRange::NewNode node{static_cast<uint8_t>(level), index,
                                       levels_.nodes(level)[index - levels_.first(level)]};
      const std::optional<Hash>& stored =
          level < kPrefetchedLevels
              ? (level < items[i].node_count ? items[i].nodes[level] : kMissing)
              : stored_[level][index - levels_.first(level)];
      if (!CheckNode(node, stored)) return false;
    }
    const Hash& previous = i == 0 ? previous_leaf_ : leaves_[i - 1];
    if (previous_hashes_[i] !=
        std::string_view(reinterpret_cast<const char*>(previous.data()), 32)) {
      return Fail(Problem::kWrongPreviousHash, next_,
                  absl::StrCat("entry ", next_, " names previous hash ",
                               ToHex(HashFromBytes(previous_hashes_[i]).value_or(Hash{})),
                               " but entry ",
                               next_ == 0 ? std::string("-1 (none)") : absl::StrCat(next_ - 1),
                               " hashes to ", ToHex(previous)));
    }
  }
  if (n > 0) previous_leaf_ = leaves_[n - 1];
  if (pending.has_value()) {
    return Fail(pending->problem, pending->sequence, std::move(pending->message));
  }
  return true;
}

absl::Status Verifier::Run(uint64_t from) {
  LEDGER_ASSIGN_OR_RETURN(bool ok, Start(from));
  if (!ok) return absl::OkStatus();
  EntryPrefetcher entries(db_, next_, kPrefetchedLevels);
  std::vector<EntryPrefetcher::Item> items;
  items.reserve(kBatch);
  while (entries.NextBatch(kBatch, items)) {
    LEDGER_ASSIGN_OR_RETURN(ok, CheckBatch(items));
    if (!ok) return absl::OkStatus();
  }
  LEDGER_RETURN_IF_ERROR(entries.status());
  if (next_ < report_.tree_size) {
    Fail(Problem::kTruncatedTail, next_,
         absl::StrCat("the log commits to ", report_.tree_size, " entries but only ",
                      next_, " are stored; entry ", next_, " onwards is gone"));
  } else if (const Hash root = frontier_.Root(); root != report_.root) {
    Fail(Problem::kRootMismatch, report_.tree_size,
         absl::StrCat("the entries hash to root ", ToHex(root),
                      " but the committed root at size ", report_.tree_size, " is ",
                      ToHex(report_.root)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<VerifyReport> VerifyStore(const RocksDb& db, uint64_t from_sequence) {
  VerifyReport report;
  Verifier verifier(db, report);
  LEDGER_RETURN_IF_ERROR(verifier.Run(from_sequence));
  return report;
}

absl::StatusOr<VerifyReport> VerifyLogAt(const std::string& path) {
  LEDGER_ASSIGN_OR_RETURN(auto db, RocksDb::Open(path, RocksDb::Mode::kReadOnly));
  return VerifyStore(*db, 0);
}

}  // namespace ledger::log
