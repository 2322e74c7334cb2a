#include "ledger/audit/bundle_writer.h"

#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/audit/bundle_format.h"
#include "ledger/base/next_step.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/checkpoint.h"

namespace ledger::audit {

namespace {

absl::Status Written(const std::ostream& out) {
  return out.good() ? absl::OkStatus() : absl::UnavailableError("writing the bundle failed");
}

// The origin of the newest checkpoint.
absl::StatusOr<std::string> OriginOf(BundleSource& source) {
  LEDGER_ASSIGN_OR_RETURN(auto latest, source.LatestCheckpoint());
  if (!latest.has_value()) {
    return WithNextStep(absl::FailedPreconditionError(absl::StrCat(
                            "the ledger has no signed checkpoint yet: ",
                            source.NoCheckpointAdvice())),
                        NextStep::kSignCheckpoint);
  }
  LEDGER_ASSIGN_OR_RETURN(log::Note note, log::ParseNote(*latest));
  LEDGER_ASSIGN_OR_RETURN(log::Checkpoint checkpoint, log::ParseCheckpoint(note.text));
  return checkpoint.origin;
}

// A log::Log as a BundleSource.
class LogSource final : public BundleSource {
 public:
  explicit LogSource(const log::Log& log) : log_(log) {}
  absl::StatusOr<uint64_t> Size() override { return log_.Size(); }
  absl::StatusOr<std::optional<std::string>> LatestCheckpoint() override {
    return log_.LatestCheckpoint();
  }
  absl::Status ForEachCheckpoint(
      const std::function<absl::Status(uint64_t, const std::string&)>& visit) override {
    return log_.ForEachCheckpoint(
        [&](uint64_t size, const std::string& note) -> absl::StatusOr<log::Visit> {
          LEDGER_RETURN_IF_ERROR(visit(size, note));
          return log::Visit::kContinue;
        });
  }
  absl::Status ForEachEntry(
      uint64_t from, uint64_t count,
      const std::function<absl::Status(uint64_t, std::string_view)>& visit) override {
    return log_.ForEachEntry(from, count, [&](const log::StoredEntry& stored) {
      return visit(stored.sequence, stored.bytes);
    });
  }

 private:
  const log::Log& log_;
};

absl::Status WriteHeader(const std::string& origin, std::span<const log::NoteVerifier> keys,
                         std::ostream& out) {
  out << kBundleFormatLine << "\n" << FormatHeaderLine(kOriginWord, origin);
  std::set<std::string> seen;
  for (const auto& key : keys) {
    if (seen.insert(key.KeyString()).second) out << FormatHeaderLine(kKeyWord, key.KeyString());
  }
  return Written(out);
}

absl::Status WriteEntries(BundleSource& source, uint64_t from, uint64_t to, std::ostream& out) {
  uint64_t next = from;
  LEDGER_RETURN_IF_ERROR(
      source.ForEachEntry(from, to - from, [&](uint64_t sequence, std::string_view bytes) {
        if (sequence != next) {
          return absl::DataLossError(absl::StrCat("the log gave entry ", sequence,
                                                  " where entry ", next, " belongs"));
        }
        ++next;
        std::string line = FormatEntryLine(sequence, bytes);
        if (line.size() > kMaxBundleLineBytes) {
          return absl::InvalidArgumentError(absl::StrCat(
              "entry ", sequence, " is too large for an audit bundle line"));
        }
        out << line;
        return Written(out);
      }));
  if (next != to) {
    return absl::DataLossError(
        absl::StrCat("the log ended at entry ", next, ", before entry ", to));
  }
  return absl::OkStatus();
}

}  // namespace

std::string BundleSource::NoCheckpointAdvice() const {
  return "sign a checkpoint of the log first";
}

absl::StatusOr<BundleSummary> WriteBundle(const log::Log& log,
                                          std::span<const log::NoteVerifier> keys,
                                          std::ostream& out) {
  LogSource source(log);
  return WriteBundle(source, keys, out);
}

absl::StatusOr<BundleSummary> WriteBundle(BundleSource& source,
                                          std::span<const log::NoteVerifier> keys,
                                          std::ostream& out) {
  if (keys.empty()) {
    return WithNextStep(absl::FailedPreconditionError(
                            "no verifier key to put in the bundle: give the log's verifier key"),
                        NextStep::kGiveVerifierKey);
  }
  BundleSummary summary;
  LEDGER_ASSIGN_OR_RETURN(summary.origin, OriginOf(source));
  LEDGER_RETURN_IF_ERROR(WriteHeader(summary.origin, keys, out));
  LEDGER_ASSIGN_OR_RETURN(const uint64_t log_size, source.Size());
  LEDGER_RETURN_IF_ERROR(source.ForEachCheckpoint([&](uint64_t size, const std::string& note) {
    if (size > log_size) return absl::OkStatus();  // appended since: next time
    auto verified = log::VerifyCheckpoint(note, keys, summary.origin);
    if (!verified.ok()) {
      return WithNextStep(
          absl::Status(verified.status().code(),
                       absl::StrCat("the stored checkpoint of tree size ", size,
                                    " does not verify with the bundle's keys: ",
                                    verified.status().message(),
                                    ". Give its signer's verifier key too")),
          NextStep::kGiveVerifierKey);
    }
    LEDGER_RETURN_IF_ERROR(WriteEntries(source, summary.entries, size, out));
    summary.entries = size;
    summary.head = log::TreeHead{size, verified->checkpoint.root};
    ++summary.checkpoints;
    out << FormatCheckpointLine(size, note);
    return Written(out);
  }));
  out << FormatEndLine(summary.entries, summary.checkpoints);
  out.flush();
  LEDGER_RETURN_IF_ERROR(Written(out));
  summary.unsigned_entries = log_size - summary.entries;
  return summary;
}

absl::StatusOr<BundleSummary> WriteBundleFile(const log::Log& log,
                                              std::span<const log::NoteVerifier> keys,
                                              const std::string& path) {
  LogSource source(log);
  return WriteBundleFile(source, keys, path);
}

absl::StatusOr<BundleSummary> WriteBundleFile(BundleSource& source,
                                              std::span<const log::NoteVerifier> keys,
                                              const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return absl::AlreadyExistsError(absl::StrCat(path, " already exists; not overwriting it"));
  }
  const std::string tmp = path + ".tmp";
  absl::StatusOr<BundleSummary> summary;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out.is_open()) {
      return absl::UnavailableError(absl::StrCat("cannot create ", tmp, ": ",
                                                 std::strerror(errno)));
    }
    summary = WriteBundle(source, keys, out);
  }
  if (summary.ok()) {
    FILE* f = std::fopen(tmp.c_str(), "rb");  // sync before the rename makes it visible
    if (f == nullptr || ::fsync(fileno(f)) != 0) summary = absl::UnavailableError("sync failed");
    if (f != nullptr) std::fclose(f);
  }
  if (summary.ok() && std::rename(tmp.c_str(), path.c_str()) != 0) {
    summary = absl::UnavailableError(absl::StrCat("cannot rename ", tmp, " to ", path, ": ",
                                                  std::strerror(errno)));
  }
  if (!summary.ok()) std::filesystem::remove(tmp, ec);
  return summary;
}

}  // namespace ledger::audit
