#include "ledger/audit/bundle_verifier.h"

#include <exception>
#include <fstream>
#include <new>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ledger/audit/bundle_format.h"
#include "ledger/audit/bundle_pipeline.h"
#include "ledger/audit/bundle_state.h"
#include "ledger/base/absl_view.h"
#include "ledger/base/next_step.h"

namespace ledger::audit {

namespace {

using internal::BodyLine;
using internal::BodyPipeline;
using internal::BundleState;
using internal::PipelineOptions;
using Result = LineReader::Result;


void SetProblem(BundleReport& report, BundleProblem problem, uint64_t line,
                std::string message) {
  report.problem = problem;
  report.line = line;
  report.message = std::move(message);
}

// `line_number` and `offset`: the reader's, once it returned `result`.
std::string EndedAt(uint64_t line_number, uint64_t offset, Result result) {
  return result == Result::kIncomplete
             ? absl::StrCat("the bundle ends inside line ", line_number, " (at byte ", offset,
                            "; no final newline)")
             : absl::StrCat("the bundle ends after line ", line_number, " without its end line");
}

std::string EndedAt(const LineReader& reader, Result result) {
  return EndedAt(reader.line_number(), reader.offset(), result);
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
        "\": this build of Compact Ledger reads \"", AbslView(kBundleFormatLine), "\""));
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
          "the bundle lists key ", key.KeyString(), ", which is not among the keys you "
          "trust: its signatures are not checked"));
    }
  }
}

class Verification {
 public:
  Verification(std::istream& in, const BundleOptions& options, const PipelineOptions& pipeline,
               BundleReport& report)
      : reader_(in), options_(options), pipeline_(pipeline), report_(report) {}

  absl::Status Run() {
    absl::Status status = ReadFormatLine(reader_, report_);
    if (!status.ok() || !report_.ok()) return status;
    std::string_view first_body;
    status = ReadHeader(first_body);
    if (!status.ok() || !report_.ok()) return status;
    // The first stage reads on from the first body line, on a thread of its
    // own; it is stopped and joined when `body` goes, on every path.
    BodyPipeline body(reader_, first_body, options_.fold_events, pipeline_);
    BundleState state(options_, report_.origin, report_, /*keep_tree=*/!body.keeps_tree());
    status = ReadBody(state, body);
    if (!body.failure().ok()) status = body.failure();
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
  absl::Status ReadBody(BundleState& state, BodyPipeline& body);
  void OnEntry(BundleState& state, BodyPipeline& body, const BodyLine& entry);
  // Reads on to tell a missing entry from one that comes later.
  static std::optional<uint64_t> FindLater(BodyPipeline& body, uint64_t sequence);

  LineReader reader_;
  const BundleOptions& options_;
  const PipelineOptions& pipeline_;
  BundleReport& report_;
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

absl::Status Verification::ReadBody(BundleState& state, BodyPipeline& body) {
  for (;;) {
    // The first line is the one the header ended on, always a line.
    const BodyLine& line = body.Next();
    const Result result = line.result;
    if (result == Result::kError) return absl::UnavailableError("read error");
    if (result == Result::kTooLong) {
      state.Fail(BundleProblem::kMalformedLine, line.line_number + 1,
                 absl::StrCat("line ", line.line_number + 1, " is longer than ",
                              kMaxBundleLineBytes >> 20, " MiB"));
      return absl::OkStatus();
    }
    if (result != Result::kLine) {
      state.Fail(BundleProblem::kTruncated, line.line_number,
                 EndedAt(line.line_number, line.offset, result));
      return absl::OkStatus();
    }
    const uint64_t number = line.line_number;
    if (!line.status.ok()) {
      state.Fail(BundleProblem::kMalformedLine, number,
                 absl::StrCat("line ", number, " is not a bundle record: ", line.status.message()));
      return absl::OkStatus();
    }
    if (line.kind == BundleRecord::Kind::kEntry) {
      OnEntry(state, body, line);
    } else if (line.kind == BundleRecord::Kind::kCheckpoint) {
      state.OnCheckpoint(number, line.number, body.Bytes(line),
                         line.has_root ? &line.root : nullptr);
    } else {
      state.OnEnd(number, line.number, line.count);
      if (!state.done() && body.Next().result != Result::kEnd) {
        state.Fail(BundleProblem::kBadTrailer, number + 1,
                   absl::StrCat("data follows the end line (line ", number, ")"));
      }
      return absl::OkStatus();
    }
    if (state.done()) return absl::OkStatus();
  }
}

void Verification::OnEntry(BundleState& state, BodyPipeline& body, const BodyLine& entry) {
  const uint64_t line = entry.line_number;
  const uint64_t sequence = entry.number;
  const uint64_t expected = state.entries();
  if (sequence == expected) {
    return state.OnEntry(line, sequence, body.Leaf(entry), entry.fields, entry.event);
  }
  if (sequence < expected) {
    return state.Fail(BundleProblem::kExtraEntry, line,
                      absl::StrCat("extra entry: entry ", sequence, " appears again on line ",
                                   line, ", after entry ", expected - 1),
                      sequence);
  }
  const std::optional<uint64_t> later = FindLater(body, expected);
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

std::optional<uint64_t> Verification::FindLater(BodyPipeline& body, uint64_t sequence) {
  body.ScanOnly();
  for (;;) {
    const BodyLine& line = body.Next();
    if (line.result != Result::kLine) return std::nullopt;
    if (line.entry_label == sequence) return line.line_number;
  }
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

namespace internal {

absl::StatusOr<BundleReport> VerifyBundleWith(std::istream& in, const BundleOptions& options,
                                              const PipelineOptions& pipeline) {
  if (options.keys.empty()) {
    return WithNextStep(absl::InvalidArgumentError(
                            "no trusted verifier key: give at least one, the log's"),
                        NextStep::kGiveVerifierKey);
  }
  try {
    BundleReport report;
    Verification verification(in, options, pipeline, report);
    absl::Status status = verification.Run();
    if (!status.ok()) return status;
    return report;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("out of memory while verifying the bundle");
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("verifying the bundle failed: ", e.what()));
  }
}

}  // namespace internal

absl::StatusOr<BundleReport> VerifyBundle(std::istream& in, const BundleOptions& options) {
  return internal::VerifyBundleWith(in, options, PipelineOptions{});
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
