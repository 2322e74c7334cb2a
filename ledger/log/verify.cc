#include "ledger/log/verify.h"

#include <array>
#include <memory>
#include <optional>

#include <rocksdb/db.h>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/compact_range.h"
#include "ledger/log/entry_prefetcher.h"
#include "ledger/log/merkle.h"
#include "ledger/log/rocks_db.h"
#include "ledger/log/storage_format.h"
#include "ledger/v1/entry.pb.h"

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

std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

// Sequential scans read ahead and do not churn the block cache. RocksDB's
// block checksums are skipped: every stored byte is covered by a SHA-256
// that verification recomputes anyway.
rocksdb::ReadOptions ScanOptions() {
  rocksdb::ReadOptions options;
  options.verify_checksums = false;
  options.readahead_size = 2 << 20;
  options.fill_cache = false;
  return options;
}

// Walks the stored Merkle nodes of each level in index order, seeking only
// when the next stored node is not the one asked for, so a whole-log pass
// reads the node family sequentially.
class NodeCursor {
 public:
  NodeCursor(const RocksDb& db) : db_(db) {}

  absl::StatusOr<std::optional<Hash>> Get(uint8_t level, uint64_t index) {
    auto& it = iterators_[level];
    const std::string key = format::NodeKey(level, index);
    if (it == nullptr) {
      it.reset(db_.db()->NewIterator(ScanOptions(), db_.merkle()));
      it->Seek(key);
    } else if (it->Valid() && ToView(it->key()) < key) {
      it->Next();
      if (it->Valid() && ToView(it->key()) != key) it->Seek(key);
    } else {
      it->Seek(key);
    }
    LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading Merkle nodes"));
    if (!it->Valid() || ToView(it->key()) != key) return std::optional<Hash>();
    LEDGER_ASSIGN_OR_RETURN(Hash hash, HashFromBytes(ToView(it->value())));
    return std::optional<Hash>(hash);
  }

 private:
  const RocksDb& db_;
  std::array<std::unique_ptr<rocksdb::Iterator>, 64> iterators_;
};

// The two fields verification needs from an entry, read straight from the
// protobuf wire format: a full parse would copy the payload of every entry
// and cost several times the hashing. The leaf hash covers every byte, so a
// change anywhere else is still caught.
struct EntryLink {
  uint64_t sequence = 0;
  std::string_view previous_hash;
};

bool ReadVarint(std::string_view& in, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// Scans `bytes` as a ledger.v1.Entry; false when it is not valid wire format.
bool ScanEntryLink(std::string_view in, EntryLink& link) {
  while (!in.empty()) {
    uint64_t tag = 0, value = 0;
    if (!ReadVarint(in, tag) || tag >> 3 == 0) return false;
    switch (tag & 7) {
      case 0:  // varint
        if (!ReadVarint(in, value)) return false;
        if (tag >> 3 == ledger::v1::Entry::kSequenceFieldNumber) link.sequence = value;
        break;
      case 1:  // fixed64
        if (in.size() < 8) return false;
        in.remove_prefix(8);
        break;
      case 2:  // length-delimited
        if (!ReadVarint(in, value) || value > in.size()) return false;
        if (tag >> 3 == ledger::v1::Entry::kPreviousHashFieldNumber) {
          link.previous_hash = in.substr(0, value);
        }
        in.remove_prefix(value);
        break;
      case 5:  // fixed32
        if (in.size() < 4) return false;
        in.remove_prefix(4);
        break;
      default:
        return false;
    }
  }
  return true;
}

struct Metadata {
  uint64_t tree_size = 0;
  Hash root{};
};

absl::StatusOr<std::optional<Metadata>> ReadMetadata(const RocksDb& db,
                                                     std::string* problem) {
  LEDGER_ASSIGN_OR_RETURN(auto size, db.Get(db.meta(), format::kTreeSizeKey));
  LEDGER_ASSIGN_OR_RETURN(auto root, db.Get(db.meta(), format::kRootKey));
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

// State of one verification pass.
class Verifier {
 public:
  Verifier(const RocksDb& db, VerifyReport& report)
      : db_(db), report_(report), nodes_(db) {}

  absl::Status Run(uint64_t from);

 private:
  absl::StatusOr<bool> Start(uint64_t from);
  absl::StatusOr<bool> CheckEntry(uint64_t key_sequence, const EntryPrefetcher::Item& item);
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
  CompactRange range_;
  Hash previous_leaf_{};
  uint64_t next_ = 0;
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
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db()->NewIterator(rocksdb::ReadOptions(), db_.entries()));
  it->SeekToLast();
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading entries"));
  const auto last = it->Valid() ? format::DecodeUint64(ToView(it->key()))
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
  range_ = *std::move(range);
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

absl::StatusOr<bool> Verifier::CheckEntry(uint64_t key_sequence,
                                          const EntryPrefetcher::Item& item) {
  const std::string_view bytes = item.value;
  if (key_sequence != next_) {
    return Fail(Problem::kMissingEntry, next_,
                absl::StrCat("entry ", next_, " is missing: the next stored entry is ",
                             key_sequence));
  }
  EntryLink entry;
  if (!ScanEntryLink(bytes, entry)) {
    return Fail(Problem::kUnreadableEntry, next_,
                absl::StrCat("entry ", next_, "'s stored bytes (", bytes.size(),
                             ") do not parse as a ledger.v1.Entry"));
  }
  if (entry.sequence != next_) {
    return Fail(Problem::kReorderedEntry, next_,
                absl::StrCat("the entry stored at sequence ", next_, " says it is entry ",
                             entry.sequence, ": entries were moved or reordered"));
  }
  const Hash leaf = LeafHash(bytes);
  bool ok = true;
  size_t k = 0;
  range_.Append(leaf, [&](const CompactRange::NewNode& node) {
    static const std::optional<Hash> kMissing;
    if (ok) ok = CheckNode(node, k < item.node_count ? item.nodes[k] : kMissing);
    ++k;
  });
  if (!ok) return false;
  // The tree is checked first: a rewritten entry whose stored leaf was also
  // rewritten is caught by the node above it, at its own sequence, before
  // the next entry's chain link would name the following one.
  if (entry.previous_hash !=
      std::string_view(reinterpret_cast<const char*>(previous_leaf_.data()), 32)) {
    return Fail(Problem::kWrongPreviousHash, next_,
                absl::StrCat("entry ", next_, " names previous hash ",
                             ToHex(HashFromBytes(entry.previous_hash).value_or(Hash{})),
                             " but entry ", next_ == 0 ? std::string("-1 (none)") : absl::StrCat(next_ - 1),
                             " hashes to ", ToHex(previous_leaf_)));
  }
  previous_leaf_ = leaf;
  ++next_;
  ++report_.entries_checked;
  return true;
}

absl::Status Verifier::Run(uint64_t from) {
  LEDGER_ASSIGN_OR_RETURN(bool ok, Start(from));
  if (!ok) return absl::OkStatus();
  EntryPrefetcher entries(db_, next_);
  while (auto item = entries.Next()) {
    const auto key = format::DecodeUint64(item->key);
    if (!key.has_value()) {
      Fail(Problem::kUnreadableEntry, next_, "an entry key is not an 8-byte sequence");
      return absl::OkStatus();
    }
    if (*key >= report_.tree_size) {
      Fail(Problem::kExtraEntry, *key,
           absl::StrCat("entry ", *key, " is stored beyond the committed tree size ",
                        report_.tree_size));
      return absl::OkStatus();
    }
    LEDGER_ASSIGN_OR_RETURN(ok, CheckEntry(*key, *item));
    if (!ok) return absl::OkStatus();
  }
  LEDGER_RETURN_IF_ERROR(entries.status());
  if (next_ < report_.tree_size) {
    Fail(Problem::kTruncatedTail, next_,
         absl::StrCat("the log commits to ", report_.tree_size, " entries but only ",
                      next_, " are stored; entry ", next_, " onwards is gone"));
  } else if (range_.Root() != report_.root) {
    Fail(Problem::kRootMismatch, report_.tree_size,
         absl::StrCat("the entries hash to root ", ToHex(range_.Root()),
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
