#include "ledger/audit/bundle_verifier.h"

#include <fstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ledger/audit/bundle_format.h"
#include "ledger/audit/bundle_state.h"

namespace ledger::audit {

namespace {

using internal::BundleState;
using Result = LineReader::Result;

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

void SetProblem(BundleReport& report, BundleProblem problem, uint64_t line,
                std::string message) {
  report.problem = problem;
  report.line = line;
  report.message = std::move(message);
}

std::string EndedAt(const LineReader& reader, Result result) {
  return result == Result::kIncomplete
             ? absl::StrCat("the bundle ends inside line ", reader.line_number(),
                            " (at byte ", reader.offset(), "; no final newline)")
             : absl::StrCat("the bundle ends after line ", reader.line_number(),
                            " without its end line");
}

// Reads the format line. An error for what is no bundle at all; a truncated
// report for a proper prefix of the format line.
absl::Status ReadFormatLine(LineReader& reader, BundleReport& report) {
  std::string_view line;
  const Result result = reader.Next(&line);
  if (result == Result::kError) return absl::UnavailableError("read error");
  if (result == Result::kEnd) {
    return absl::FailedPreconditionError("the file is empty: it is not an audit bundle");
  }
  if (result == Result::kLine && line == kBundleFormatLine) return absl::OkStatus();
  if (result == Result::kIncomplete && absl::StartsWith(AbslView(kBundleFormatLine),
                                                        AbslView(line))) {
    SetProblem(report, BundleProblem::kTruncated, 1, EndedAt(reader, result));
    return absl::OkStatus();
  }
  if (result == Result::kLine && absl::StartsWith(AbslView(line), "compact-ledger-audit-bundle ")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "unsupported audit bundle format \"", AbslView(line.substr(0, 60)),
        "\": this ledgerctl reads \"", AbslView(kBundleFormatLine), "\""));
  }
  return absl::FailedPreconditionError(
      absl::StrCat("not a Compact Ledger audit bundle: its first line is not \"",
                   AbslView(kBundleFormatLine), "\""));
}

// Compares the bundle's own (untrusted) keys with the trusted ones.
void CompareKeys(const std::vector<log::NoteVerifier>& listed, const BundleOptions& options,
                 BundleReport& report) {
  for (const auto& key : listed) {
    bool trusted = false;
    for (const auto& t : options.keys) {
      if (t.Label() != key.Label()) continue;
      trusted = true;
      if (t.public_key() != key.public_key()) {
        report.warnings.push_back(absl::StrCat(
            "the bundle lists key ", key.Label(), " with another public key than the one you "
            "trust under that name: only yours is used"));
      }
    }
    if (!trusted) {
      report.warnings.push_back(absl::StrCat(
          "the bundle lists key ", key.KeyString(), ", which you did not pass with --key: "
          "its signatures are not checked"));
    }
  }
}

class Verification {
 public:
  Verification(std::istream& in, const BundleOptions& options, BundleReport& report)
      : reader_(in), options_(options), report_(report) {}

  absl::Status Run() {
    absl::Status status = ReadFormatLine(reader_, report_);
    if (!status.ok() || !report_.ok()) return status;
    std::string_view first_body;
    status = ReadHeader(first_body);
    if (!status.ok() || !report_.ok()) return status;
    BundleState state(options_, report_.origin, report_);
    status = ReadBody(state, first_body);
    state.Summarize();
    return status;
  }

 private:
  // Truncation or an I/O error while reading the header.
  absl::Status HeaderEnded(Result result) {
    if (result == Result::kError) return absl::UnavailableError("read error");
    if (result == Result::kTooLong) {
      SetProblem(report_, BundleProblem::kBadHeader, reader_.line_number() + 1,
                 "a header line is too long");
    } else {
      SetProblem(report_, BundleProblem::kTruncated, reader_.line_number(),
                 EndedAt(reader_, result));
    }
    return absl::OkStatus();
  }

  absl::Status ReadHeader(std::string_view& first_body);
  absl::Status ReadBody(BundleState& state, std::string_view line);
  void OnEntry(BundleState& state, uint64_t line, uint64_t sequence);
  // Reads on to tell a missing entry from one that comes later.
  std::optional<uint64_t> FindLater(uint64_t sequence);

  LineReader reader_;
  const BundleOptions& options_;
  BundleReport& report_;
  BundleRecord record_;
};

absl::Status Verification::ReadHeader(std::string_view& first_body) {
  std::string_view line;
  Result result = reader_.Next(&line);
  if (result != Result::kLine) return HeaderEnded(result);
  auto origin = HeaderValue(line, kOriginWord);
  if (!origin.ok()) {
    SetProblem(report_, BundleProblem::kBadHeader, reader_.line_number(),
               absl::StrCat("line ", reader_.line_number(), ": ", origin.status().message()));
    return absl::OkStatus();
  }
  report_.origin = std::string(*origin);
  if (!options_.origin.empty() && options_.origin != report_.origin) {
    SetProblem(report_, BundleProblem::kBadHeader, reader_.line_number(),
               absl::StrCat("the bundle is for origin \"", report_.origin,
                            "\", not the expected \"", options_.origin, "\""));
    return absl::OkStatus();
  }
  std::vector<log::NoteVerifier> listed;
  for (;;) {
    result = reader_.Next(&line);
    if (result != Result::kLine) return HeaderEnded(result);
    if (!absl::StartsWith(AbslView(line), "key ")) break;
    auto key = log::NoteVerifier::FromKeyString(line.substr(4));
    if (!key.ok()) {
      SetProblem(report_, BundleProblem::kBadHeader, reader_.line_number(),
                 absl::StrCat("line ", reader_.line_number(), ": the bundle's verifier key is "
                              "malformed: ", key.status().message()));
      return absl::OkStatus();
    }
    listed.push_back(*std::move(key));
  }
  if (listed.empty()) {
    SetProblem(report_, BundleProblem::kBadHeader, reader_.line_number(),
               "the bundle lists no verifier key after its origin line");
    return absl::OkStatus();
  }
  CompareKeys(listed, options_, report_);
  first_body = line;
  return absl::OkStatus();
}

absl::Status Verification::ReadBody(BundleState& state, std::string_view line) {
  for (;;) {
    const uint64_t number = reader_.line_number();
    absl::Status parsed = ParseBodyLine(line, record_);
    if (!parsed.ok()) {
      state.Fail(BundleProblem::kMalformedLine, number,
                 absl::StrCat("line ", number, " is not a bundle record: ", parsed.message()));
      return absl::OkStatus();
    }
    if (record_.kind == BundleRecord::Kind::kEntry) {
      OnEntry(state, number, record_.number);
    } else if (record_.kind == BundleRecord::Kind::kCheckpoint) {
      state.OnCheckpoint(number, record_.number, record_.bytes);
    } else {
      state.OnEnd(number, record_.number, record_.count);
      if (!state.done() && reader_.Next(&line) != Result::kEnd) {
        state.Fail(BundleProblem::kBadTrailer, number + 1,
                   absl::StrCat("data follows the end line (line ", number, ")"));
      }
      return absl::OkStatus();
    }
    if (state.done()) return absl::OkStatus();
    const Result result = reader_.Next(&line);
    if (result == Result::kLine) continue;
    if (result == Result::kError) return absl::UnavailableError("read error");
    if (result == Result::kTooLong) {
      state.Fail(BundleProblem::kMalformedLine, reader_.line_number() + 1,
                 absl::StrCat("line ", reader_.line_number() + 1, " is longer than ",
                              kMaxBundleLineBytes >> 20, " MiB"));
    } else {
      state.Fail(BundleProblem::kTruncated, reader_.line_number(), EndedAt(reader_, result));
    }
    return absl::OkStatus();
  }
}

void Verification::OnEntry(BundleState& state, uint64_t line, uint64_t sequence) {
  const uint64_t expected = state.entries();
  if (sequence == expected) return state.OnEntry(line, sequence, record_.bytes);
  if (sequence < expected) {
    return state.Fail(BundleProblem::kExtraEntry, line,
                      absl::StrCat("extra entry: entry ", sequence, " appears again on line ",
                                   line, ", after entry ", expected - 1),
                      sequence);
  }
  const std::optional<uint64_t> later = FindLater(expected);
  if (later.has_value()) {
    return state.Fail(BundleProblem::kReorderedEntry, line,
                      absl::StrCat("entries out of order: line ", line, " holds entry ", sequence,
                                   " where entry ", expected, " belongs; entry ", expected,
                                   " comes later, on line ", *later),
                      expected);
  }
  state.Fail(BundleProblem::kMissingEntry, line,
             absl::StrCat("missing entry: entry ", expected, " is not in the bundle (line ",
                          line, " holds entry ", sequence, " where it belongs)"),
             expected);
}

std::optional<uint64_t> Verification::FindLater(uint64_t sequence) {
  std::string_view line;
  while (reader_.Next(&line) == Result::kLine) {
    if (!absl::StartsWith(AbslView(line), "entry ")) continue;
    const size_t space = line.find(' ', 6);
    auto number = ParseDecimal(line.substr(6, space == std::string_view::npos ? 0 : space - 6));
    if (number.ok() && *number == sequence) return reader_.line_number();
  }
  return std::nullopt;
}

}  // namespace

const char* BundleProblemName(BundleProblem problem) {
  switch (problem) {
    case BundleProblem::kNone: return "none";
    case BundleProblem::kTruncated: return "truncated-bundle";
    case BundleProblem::kMalformedLine: return "malformed-line";
    case BundleProblem::kBadHeader: return "bad-header";
    case BundleProblem::kBadSignature: return "bad-signature";
    case BundleProblem::kBadCheckpoint: return "bad-checkpoint";
    case BundleProblem::kMisplacedCheckpoint: return "misplaced-checkpoint";
    case BundleProblem::kMissingEntry: return "missing-entry";
    case BundleProblem::kExtraEntry: return "extra-entry";
    case BundleProblem::kReorderedEntry: return "reordered-entry";
    case BundleProblem::kUnreadableEntry: return "unreadable-entry";
    case BundleProblem::kEntryHashMismatch: return "entry-hash-mismatch";
    case BundleProblem::kRootMismatch: return "root-mismatch";
    case BundleProblem::kWrongPreviousHash: return "wrong-previous-hash";
    case BundleProblem::kBadEntry: return "bad-entry";
    case BundleProblem::kFork: return "fork";
    case BundleProblem::kNoCheckpoint: return "no-checkpoint";
    case BundleProblem::kBadTrailer: return "bad-trailer";
    case BundleProblem::kEventDoesNotFold: return "event-does-not-fold";
  }
  return "unknown";
}

absl::StatusOr<BundleReport> VerifyBundle(std::istream& in, const BundleOptions& options) {
  if (options.keys.empty()) {
    return absl::InvalidArgumentError("no trusted verifier key: pass at least one --key");
  }
  BundleReport report;
  Verification verification(in, options, report);
  absl::Status status = verification.Run();
  if (!status.ok()) return status;
  return report;
}

absl::StatusOr<BundleReport> VerifyBundleFile(const std::string& path,
                                              const BundleOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  auto report = VerifyBundle(in, options);
  if (!report.ok()) {
    return absl::Status(report.status().code(),
                        absl::StrCat(path, ": ", report.status().message()));
  }
  return report;
}

}  // namespace ledger::audit
