#include "ledger/audit/bundle_format.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace ledger::audit {

namespace {

constexpr size_t kReadBlock = size_t{1} << 20;

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string Base64(std::string_view bytes) { return absl::Base64Escape(AbslView(bytes)); }

// Splits "<word> <rest>" at the first space.
std::pair<std::string_view, std::string_view> SplitWord(std::string_view line) {
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return {line, std::string_view()};
  return {line.substr(0, space), line.substr(space + 1)};
}

absl::Status DecodeBase64(std::string_view b64, std::string& out) {
  if (b64.empty() || b64.size() % 4 != 0 || !absl::Base64Unescape(AbslView(b64), &out)) {
    return absl::InvalidArgumentError("its data is not padded base64");
  }
  return absl::OkStatus();
}

}  // namespace

std::string FormatHeaderLine(std::string_view word, std::string_view value) {
  return absl::StrCat(AbslView(word), " ", AbslView(value), "\n");
}

std::string FormatEntryLine(uint64_t sequence, std::string_view entry_bytes) {
  return absl::StrCat(AbslView(kEntryWord), " ", sequence, " ", Base64(entry_bytes), "\n");
}

std::string FormatCheckpointLine(uint64_t tree_size, std::string_view note) {
  return absl::StrCat(AbslView(kCheckpointWord), " ", tree_size, " ", Base64(note), "\n");
}

std::string FormatEndLine(uint64_t entries, uint64_t checkpoints) {
  return absl::StrCat(AbslView(kEndWord), " ", entries, " ", checkpoints, "\n");
}

absl::StatusOr<uint64_t> ParseDecimal(std::string_view text) {
  if (text.empty() || text.size() > 20 || (text.size() > 1 && text[0] == '0')) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", AbslView(text.substr(0, 24)), "\" is not a decimal number"));
  }
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", AbslView(text.substr(0, 24)), "\" is not a decimal number"));
    }
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", AbslView(text), "\" does not fit in 64 bits"));
    }
    value = value * 10 + digit;
  }
  return value;
}

absl::StatusOr<std::string_view> HeaderValue(std::string_view line, std::string_view word) {
  auto [got, value] = SplitWord(line);
  if (got != word || value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected a \"", AbslView(word), " <value>\" line, found \"",
        AbslView(line.substr(0, 40)), line.size() > 40 ? "…" : "", "\""));
  }
  return value;
}

absl::Status ParseBodyLine(std::string_view line, BundleRecord& record) {
  auto [word, rest] = SplitWord(line);
  auto [first, second] = SplitWord(rest);
  if (word != kEntryWord && word != kCheckpointWord && word != kEndWord) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", AbslView(word.substr(0, 24)), "\" is not an entry, checkpoint or end line"));
  }
  auto number = ParseDecimal(first);
  if (!number.ok()) return number.status();
  record.number = *number;
  record.count = 0;
  record.bytes.clear();
  if (word == kEndWord) {
    record.kind = BundleRecord::Kind::kEnd;
    auto count = ParseDecimal(second);
    if (!count.ok()) return count.status();
    record.count = *count;
    return absl::OkStatus();
  }
  record.kind = word == kEntryWord ? BundleRecord::Kind::kEntry
                                   : BundleRecord::Kind::kCheckpoint;
  return DecodeBase64(second, record.bytes);
}

LineReader::LineReader(std::istream& in, size_t max_line_bytes)
    : in_(in), max_line_bytes_(max_line_bytes) {}

bool LineReader::Fill() {
  if (begin_ > 0) {  // keep the partial line at the front
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buf_.size() < end_ + kReadBlock) buf_.resize(end_ + kReadBlock);
  in_.read(buf_.data() + end_, static_cast<std::streamsize>(kReadBlock));
  const std::streamsize got = in_.gcount();
  if (in_.bad()) failed_ = true;
  end_ += static_cast<size_t>(got);
  return got > 0;
}

LineReader::Result LineReader::Next(std::string_view* line) {
  size_t scanned = begin_;
  for (;;) {
    const void* nl = std::memchr(buf_.data() + scanned, '\n', end_ - scanned);
    if (nl != nullptr) {
      const size_t pos = static_cast<const char*>(nl) - buf_.data();
      if (pos + 1 - begin_ > max_line_bytes_) return Result::kTooLong;
      *line = std::string_view(buf_.data() + begin_, pos - begin_);
      offset_ += pos + 1 - begin_;
      begin_ = pos + 1;
      ++line_number_;
      return Result::kLine;
    }
    if (end_ - begin_ > max_line_bytes_) return Result::kTooLong;
    const size_t partial = end_ - begin_;
    if (!Fill()) {
      if (failed_) return Result::kError;
      if (partial == 0) return Result::kEnd;
      *line = std::string_view(buf_.data() + begin_, partial);
      ++line_number_;
      return Result::kIncomplete;
    }
    scanned = begin_ + partial;
  }
}

}  // namespace ledger::audit
