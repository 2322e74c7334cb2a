// The audit bundle's byte format (docs/FORMAT.md, "Audit bundle"): one text
// file of "\n"-terminated lines that a verifier reads once, front to back,
// with memory bounded by the longest line.
//
//   compact-ledger-audit-bundle v1           format line
//   origin <origin>                          the log's checkpoint origin
//   key <verifier key>                       one or more, informational
//   entry <sequence> <base64 entry bytes>    every entry, in order
//   checkpoint <tree size> <base64 note>     right after entry <size - 1>
//   end <entry count> <checkpoint count>     trailer: nothing may follow
//
// Thread-safety: the functions are stateless; a LineReader is
// thread-compatible (one reader per thread).
#ifndef LEDGER_AUDIT_BUNDLE_FORMAT_H_
#define LEDGER_AUDIT_BUNDLE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ledger::audit {

// The first line of every bundle (without its "\n").
inline constexpr std::string_view kBundleFormatLine = "compact-ledger-audit-bundle v1";
// The longest line, "\n" included, a reader accepts (and a writer writes):
// the base64 of an entry of up to 12 MiB. It bounds a verifier's memory.
inline constexpr size_t kMaxBundleLineBytes = size_t{16} << 20;

// Record keywords: the word before the first space.
inline constexpr std::string_view kOriginWord = "origin";
inline constexpr std::string_view kKeyWord = "key";
inline constexpr std::string_view kEntryWord = "entry";
inline constexpr std::string_view kCheckpointWord = "checkpoint";
inline constexpr std::string_view kEndWord = "end";

// One body line of a bundle.
struct BundleRecord {
  enum class Kind { kEntry, kCheckpoint, kEnd };
  Kind kind = Kind::kEntry;
  // entry: sequence; checkpoint: tree size; end: entry count.
  uint64_t number = 0;
  // end: checkpoint count; 0 otherwise.
  uint64_t count = 0;
  // entry: the entry bytes; checkpoint: the signed note; end: empty.
  std::string bytes;
};

// The lines of a bundle, "\n" included.
std::string FormatHeaderLine(std::string_view word, std::string_view value);
std::string FormatEntryLine(uint64_t sequence, std::string_view entry_bytes);
std::string FormatCheckpointLine(uint64_t tree_size, std::string_view note);
std::string FormatEndLine(uint64_t entries, uint64_t checkpoints);

// Parses one body line (without its "\n") into `record`, reusing its
// buffer. InvalidArgument saying what is wrong for an unknown keyword, a
// number that is not canonical decimal, or base64 that does not decode.
absl::Status ParseBodyLine(std::string_view line, BundleRecord& record);

namespace internal {
// ParseBodyLine without a copy: an entry's or checkpoint's decoded bytes are
// appended to `bytes` (record.bytes is left alone). Nothing is appended on
// error.
absl::Status ParseBodyLineInto(std::string_view line, BundleRecord& record, std::string& bytes);
}  // namespace internal

// The value of a header line "<word> <value>"; InvalidArgument when the line
// is another keyword or the value is empty.
absl::StatusOr<std::string_view> HeaderValue(std::string_view line, std::string_view word);

// Canonical decimal: digits only, no sign, no leading zero (but "0"), fits
// in 64 bits. InvalidArgument otherwise.
absl::StatusOr<uint64_t> ParseDecimal(std::string_view text);

// Reads "\n"-terminated lines from a stream, in blocks that grow to 256 KiB.
class LineReader {
 public:
  enum class Result {
    kLine,        // *line holds the next line, without "\n"
    kEnd,         // the stream ended cleanly after the last line
    kIncomplete,  // the stream ended inside a line (no final "\n")
    kTooLong,     // a line longer than the limit
    kError,       // the stream failed (I/O error)
  };

  // `in` must outlive the reader.
  explicit LineReader(std::istream& in, size_t max_line_bytes = kMaxBundleLineBytes);
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line; `*line` stays valid until the next call. On kIncomplete
  // `*line` holds the partial last line.
  Result Next(std::string_view* line);
  // 1-based number of the line last returned (or reached).
  uint64_t line_number() const { return line_number_; }
  // Bytes of the stream consumed so far.
  uint64_t offset() const { return offset_; }

 private:
  // Reads more into buf_; false at the end of the stream.
  bool Fill();

  std::istream& in_;
  const size_t max_line_bytes_;
  // Not a std::string: growing one zeroes the new room, and a reader of a
  // small bundle would then touch every page of its first read block.
  std::unique_ptr<char[]> buf_;
  size_t capacity_ = 0;
  size_t next_read_ = 0;  // bytes the next Fill asks for; 0 before the first
  size_t begin_ = 0;
  size_t end_ = 0;
  uint64_t line_number_ = 0;
  uint64_t offset_ = 0;
  bool failed_ = false;
};

}  // namespace ledger::audit

#endif  // LEDGER_AUDIT_BUNDLE_FORMAT_H_
