// Log: reading entries, in log order and by stream, and stream versions.
#include "ledger/base/next_step.h"
#include "ledger/log/log.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/rocks_db.h"
#include "ledger/log/storage_format.h"

namespace ledger::log {

namespace {

absl::StatusOr<StoredEntry> ParseStored(uint64_t sequence, std::string bytes) {
  StoredEntry stored;
  stored.sequence = sequence;
  if (!stored.entry.ParseFromString(bytes)) {
    return WithNextStep(absl::DataLossError(absl::StrCat(
                            "entry ", sequence, " does not parse; verify the whole log")),
                        NextStep::kVerifyLog);
  }
  stored.leaf_hash = LeafHash(bytes);
  stored.bytes = std::move(bytes);
  return stored;
}

}  // namespace

absl::StatusOr<StoredEntry> Log::GetEntry(uint64_t sequence) const {
  const uint64_t size = Size();
  if (sequence >= size) {
    return absl::NotFoundError(absl::StrCat("no entry ", sequence, ": the log has ", size,
                                            " entries (0 to ", size == 0 ? 0 : size - 1, ")"));
  }
  LEDGER_ASSIGN_OR_RETURN(auto bytes, db_->Get(Family::kEntries, format::EntryKey(sequence)));
  if (!bytes.has_value()) {
    return WithNextStep(absl::DataLossError(absl::StrCat(
                            "entry ", sequence, " is missing from the store; verify the whole log")),
                        NextStep::kVerifyLog);
  }
  return ParseStored(sequence, *std::move(bytes));
}

absl::Status Log::ForEachEntry(
    uint64_t from, uint64_t limit,
    const std::function<absl::Status(const StoredEntry&)>& visit) const {
  const uint64_t size = Size();
  const uint64_t end = limit > size - std::min(from, size) ? size : from + limit;
  RocksDb::Cursor it = db_->NewCursor(Family::kEntries);
  uint64_t expected = from;
  for (it.Seek(format::EntryKey(from)); expected < end && it.Valid(); it.Next(), ++expected) {
    if (format::DecodeUint64(it.key()) != expected) {
      return WithNextStep(absl::DataLossError(absl::StrCat(
                              "entry ", expected, " is missing; verify the whole log")),
                          NextStep::kVerifyLog);
    }
    LEDGER_ASSIGN_OR_RETURN(StoredEntry stored,
                            ParseStored(expected, std::string(it.value())));
    LEDGER_RETURN_IF_ERROR(visit(stored));
  }
  LEDGER_RETURN_IF_ERROR(it.status("reading entries"));
  if (expected < end) {
    return WithNextStep(absl::DataLossError(absl::StrCat(
                            "entry ", expected, " is missing; verify the whole log")),
                        NextStep::kVerifyLog);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoredEntry>> Log::ReadLog(uint64_t from, uint64_t limit) const {
  std::vector<StoredEntry> out;
  LEDGER_RETURN_IF_ERROR(ForEachEntry(from, limit, [&](const StoredEntry& e) {
    out.push_back(e);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<uint64_t> Log::StreamVersion(std::string_view stream) const {
  return StreamVersionAt(stream, ~uint64_t{0});
}

absl::StatusOr<uint64_t> Log::StreamVersionAt(std::string_view stream,
                                              uint64_t tree_size) const {
  // The head first, then the table: the table is never behind a head that
  // was already published (see stream_tips_).
  const uint64_t limit = std::min(tree_size, Size());
  {
    absl::MutexLock lock(&streams_mu_);
    if (auto it = stream_tips_.find(stream); it != stream_tips_.end()) {
      // No entry of the stream after `sequence` up to the newest write, so
      // none in the first `limit` entries either.
      if (it->second.version == 0) return uint64_t{0};
      if (it->second.sequence < limit) return it->second.version;
    }
  }
  LEDGER_ASSIGN_OR_RETURN(const StreamTip tip, ReadStreamTip(stream, limit));
  return tip.version;
}

absl::StatusOr<Log::StreamTip> Log::ReadStreamTip(std::string_view stream,
                                                 uint64_t limit) const {
  RocksDb::Cursor it = db_->NewCursor(Family::kStreams);
  // Newest version first; step back over entries outside the prefix (an
  // index entry may even be ahead of the committed head while its batch is
  // being written).
  for (it.SeekForPrev(format::StreamKey(stream, ~uint64_t{0})); it.Valid(); it.Prev()) {
    const std::optional<uint64_t> version = format::StreamKeyVersion(it.key(), stream);
    if (!version.has_value()) return StreamTip{};  // another stream's key
    const auto sequence = format::DecodeUint64(it.value());
    if (sequence.has_value() && *sequence < limit) return StreamTip{*version, *sequence};
  }
  LEDGER_RETURN_IF_ERROR(it.status("reading the stream index"));
  return StreamTip{};
}

absl::StatusOr<std::vector<StoredEntry>> Log::ReadStream(std::string_view stream,
                                                         uint64_t from_version,
                                                         uint64_t limit) const {
  std::vector<StoredEntry> out;
  LEDGER_RETURN_IF_ERROR(
      ForEachStreamEntry(stream, from_version, limit, [&](const StoredEntry& stored) {
        out.push_back(stored);
        return absl::OkStatus();
      }));
  return out;
}

absl::Status Log::ForEachStreamEntry(
    std::string_view stream, uint64_t from_version, uint64_t limit,
    const std::function<absl::Status(const StoredEntry&)>& visit) const {
  const std::string end_key = format::StreamEndKey(stream);
  RocksDb::Cursor it = db_->NewCursor(Family::kStreams);
  uint64_t visited = 0;
  for (it.Seek(format::StreamKey(stream, std::max<uint64_t>(from_version, 1)));
       it.Valid() && it.key() < end_key && visited < limit; it.Next()) {
    const auto sequence = format::DecodeUint64(it.value());
    if (!sequence.has_value()) {
      return absl::DataLossError(absl::StrCat("stream index of \"", std::string(stream),
                                              "\" is malformed"));
    }
    if (*sequence >= Size()) break;  // written by a batch not yet visible
    LEDGER_ASSIGN_OR_RETURN(StoredEntry stored, GetEntry(*sequence));
    LEDGER_RETURN_IF_ERROR(visit(stored));
    ++visited;
  }
  return it.status("reading the stream index");
}

}  // namespace ledger::log
