#include "ledger/log/checkpoint.h"

#include <algorithm>
#include <limits>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/absl_view.h"
#include "ledger/base/status_macros.h"

namespace ledger::log {

namespace {

absl::Status LineError(size_t line, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("malformed checkpoint: line ",
                                                 line, " ", std::string(what)));
}

// Decimal, no sign, no leading zero (except "0" itself), at most 2^64 - 1.
absl::StatusOr<uint64_t> ParseTreeSize(std::string_view s) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) {
    return LineError(2, "(tree size) must be a decimal without leading zeros");
  }
  uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return LineError(2, "(tree size) must hold decimal digits only");
    }
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
      return LineError(2, "(tree size) does not fit in 64 bits");
    }
    value = value * 10 + digit;
  }
  return value;
}

// Canonical padded base64 of exactly 32 bytes.
absl::StatusOr<Hash> ParseRootHash(std::string_view s) {
  std::string raw;
  if (!absl::Base64Unescape(AbslView(s), &raw) ||
      absl::Base64Escape(raw) != s) {
    return LineError(3, "(root hash) is not canonical padded base64");
  }
  if (raw.size() != 32) {
    return LineError(3, absl::StrCat("(root hash) decodes to ", raw.size(),
                                     " bytes, not 32"));
  }
  return HashFromBytes(raw);
}

// The lines of `text` (which ends in "\n"), without their newlines.
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  return lines;
}

}  // namespace

absl::StatusOr<std::string> FormatCheckpoint(const Checkpoint& checkpoint) {
  std::string text;
  for (size_t i = 0; i < 1 + checkpoint.extensions.size(); ++i) {
    const std::string& line =
        i == 0 ? checkpoint.origin : checkpoint.extensions[i - 1];
    const std::string what =
        i == 0 ? "checkpoint origin" : absl::StrCat("extension line ", i);
    if (line.empty() || line.find('\n') != line.npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " is empty or holds a newline"));
    }
    absl::StrAppend(&text, line, "\n");
    if (i == 0) {
      absl::StrAppend(&text, checkpoint.tree_size, "\n",
                      absl::Base64Escape(HashBytes(checkpoint.root)), "\n");
    }
  }
  if (absl::Status s = ValidateNoteText(text); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint origin or extension: ", s.message()));
  }
  return text;
}

absl::StatusOr<Checkpoint> ParseCheckpoint(std::string_view text) {
  if (absl::Status s = ValidateNoteText(text); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed checkpoint: ", s.message()));
  }
  const std::vector<std::string_view> lines = SplitLines(text);
  if (lines.size() < 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "malformed checkpoint: needs origin, tree size and root hash lines; "
        "got ",
        lines.size(), " line(s)"));
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) return LineError(i + 1, "is empty");
  }
  Checkpoint out;
  out.origin = std::string(lines[0]);
  LEDGER_ASSIGN_OR_RETURN(out.tree_size, ParseTreeSize(lines[1]));
  LEDGER_ASSIGN_OR_RETURN(out.root, ParseRootHash(lines[2]));
  for (size_t i = 3; i < lines.size(); ++i) {
    out.extensions.emplace_back(lines[i]);
  }
  return out;
}

absl::StatusOr<std::string> SignCheckpoint(std::string_view origin,
                                           const TreeHead& head,
                                           const NoteSigner& key) {
  LEDGER_ASSIGN_OR_RETURN(
      std::string text,
      FormatCheckpoint({std::string(origin), head.tree_size, head.root, {}}));
  return SignNote(text, key);
}

absl::StatusOr<VerifiedCheckpoint> VerifyCheckpoint(
    std::string_view note, std::span<const NoteVerifier> keys,
    std::string_view expected_origin) {
  if (expected_origin.empty()) {
    return absl::InvalidArgumentError(
        "the expected checkpoint origin must not be empty");
  }
  LEDGER_ASSIGN_OR_RETURN(OpenedNote opened, OpenNote(note, keys));
  LEDGER_ASSIGN_OR_RETURN(Checkpoint checkpoint, ParseCheckpoint(opened.text));
  if (checkpoint.origin != expected_origin) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint origin \"", absl::CEscape(checkpoint.origin),
                     "\" is not the expected origin \"",
                     absl::CEscape(std::string(expected_origin)), "\""));
  }
  return VerifiedCheckpoint{std::move(checkpoint), std::move(opened.verified)};
}

}  // namespace ledger::log
