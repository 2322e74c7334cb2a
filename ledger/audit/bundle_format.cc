#include "ledger/audit/bundle_format.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/absl_view.h"

namespace ledger::audit {

namespace {

// Reads start small and double up to kReadBlock: a large bundle is read in
// large blocks after a few reads, and a small one (a single compact's
// history, a test) costs no large buffer.
constexpr size_t kFirstRead = size_t{16} << 10;
constexpr size_t kReadBlock = size_t{256} << 10;


std::string Base64(std::string_view bytes) { return absl::Base64Escape(AbslView(bytes)); }

// Splits "<word> <rest>" at the first space.
std::pair<std::string_view, std::string_view> SplitWord(std::string_view line) {
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return {line, std::string_view()};
  return {line.substr(0, space), line.substr(space + 1)};
}

// Decoding tables for one base64 digit at each of the four places of a
// group: OR-ing the four entries gives the group's three bytes in the low
// 24 bits of a little-endian word; a character that is no base64 digit
// sets bit 24 (kNotDigit), whatever the others.
constexpr uint32_t kNotDigit = 0x01ffffff;

struct DecodeTables {
  uint32_t place[4][256];
};

constexpr int DigitValue(int c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

constexpr DecodeTables MakeDecodeTables() {
  DecodeTables t{};
  for (int c = 0; c < 256; ++c) {
    const int v = DigitValue(c);
    if (v < 0) {
      for (auto& place : t.place) place[c] = kNotDigit;
      continue;
    }
    const uint32_t u = static_cast<uint32_t>(v);
    t.place[0][c] = u << 2;
    t.place[1][c] = (u >> 4) | ((u & 0x0f) << 12);
    t.place[2][c] = ((u >> 2) << 8) | ((u & 0x03) << 22);
    t.place[3][c] = u << 16;
  }
  return t;
}

constexpr DecodeTables kDecode = MakeDecodeTables();

uint32_t DecodeGroup(const unsigned char* g) {
  return kDecode.place[0][g[0]] | kDecode.place[1][g[1]] | kDecode.place[2][g[2]] |
         kDecode.place[3][g[3]];
}

// Stores the low three bytes of `word` (and one spare byte) at `dest`.
void StoreWord(uint32_t word, char* dest) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(dest, &word, 4);
  } else {
    dest[0] = static_cast<char>(word);
    dest[1] = static_cast<char>(word >> 8);
    dest[2] = static_cast<char>(word >> 16);
  }
}

#if defined(__x86_64__)
#define LEDGER_AUDIT_AVX2_BASE64 1

bool HasAvx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}

const bool kHasAvx2 = HasAvx2();

// Decodes `blocks` runs of 32 base64 digits at `in` into 24 bytes each at
// `out`, which must have 8 spare bytes after them. False (with `out`
// unspecified) when one of the characters is not a digit. Each character is
// classified by range (A-Z, a-z, 0-9, +, /), which both checks it and gives
// the offset from character to value; the values are then packed as in
// Mula and Lemire, "Faster Base64 Encoding and Decoding Using AVX2
// Instructions" (2018).
__attribute__((target("avx2"))) bool DecodeDigitsAvx2(const unsigned char* in, size_t blocks,
                                                      char* out) {
  const __m256i pack_shuffle = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1,
                                                -1, -1, 2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12,
                                                -1, -1, -1, -1);
  const __m256i pack_permute = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7);
  __m256i all_valid = _mm256_set1_epi8(-1);
  for (size_t b = 0; b < blocks; ++b, in += 32, out += 24) {
    const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in));
    const __m256i upper_at = _mm256_sub_epi8(c, _mm256_set1_epi8('A'));
    const __m256i lower_at = _mm256_sub_epi8(c, _mm256_set1_epi8('a'));
    const __m256i digit_at = _mm256_sub_epi8(c, _mm256_set1_epi8('0'));
    const __m256i upper =
        _mm256_cmpeq_epi8(_mm256_min_epu8(upper_at, _mm256_set1_epi8(25)), upper_at);
    const __m256i lower =
        _mm256_cmpeq_epi8(_mm256_min_epu8(lower_at, _mm256_set1_epi8(25)), lower_at);
    const __m256i digit =
        _mm256_cmpeq_epi8(_mm256_min_epu8(digit_at, _mm256_set1_epi8(9)), digit_at);
    const __m256i plus = _mm256_cmpeq_epi8(c, _mm256_set1_epi8('+'));
    const __m256i slash = _mm256_cmpeq_epi8(c, _mm256_set1_epi8('/'));
    const __m256i valid = _mm256_or_si256(_mm256_or_si256(upper, lower),
                                          _mm256_or_si256(_mm256_or_si256(digit, plus), slash));
    all_valid = _mm256_and_si256(all_valid, valid);
    // value = character + offset: A-Z -65, a-z -71, 0-9 +4, + +19, / +16.
    const __m256i offset = _mm256_or_si256(
        _mm256_or_si256(_mm256_and_si256(upper, _mm256_set1_epi8(-65)),
                        _mm256_and_si256(lower, _mm256_set1_epi8(-71))),
        _mm256_or_si256(_mm256_or_si256(_mm256_and_si256(digit, _mm256_set1_epi8(4)),
                                        _mm256_and_si256(plus, _mm256_set1_epi8(19))),
                        _mm256_and_si256(slash, _mm256_set1_epi8(16))));
    const __m256i values = _mm256_add_epi8(c, offset);
    // Four 6-bit values per 32-bit word into 24 bits, then 3 bytes each.
    const __m256i pairs = _mm256_maddubs_epi16(values, _mm256_set1_epi32(0x01400140));
    const __m256i words = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00011000));
    const __m256i packed =
        _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(words, pack_shuffle), pack_permute);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), packed);
  }
  return _mm256_movemask_epi8(all_valid) == -1;
}
#endif

// The common case of a bundle's base64, decoded fast: digits only, but for
// "=" or "==" padding at the very end. Appends to `out` and returns true;
// false (leaving `out` as it was) for anything else, which absl then
// judges: it accepts more (whitespace, unpadded tails), and what it accepts
// is what the format has always accepted. Where both accept, they decode
// alike (absl too ignores the unused low bits of a padded group).
bool DecodeDigitsFast(std::string_view b64, std::string& out) {
  const size_t groups = b64.size() / 4;
  const auto* in = reinterpret_cast<const unsigned char*>(b64.data());
  const size_t begin = out.size();
  // Spare bytes: each group is stored as a 4-byte word, each run of 32
  // digits as 32 bytes.
  out.resize(begin + groups * 3 + 8);
  char* dest = out.data() + begin;
  uint32_t bad = 0;
  size_t g = 0;
#ifdef LEDGER_AUDIT_AVX2_BASE64
  if (kHasAvx2 && groups > 8) {
    const size_t blocks = (groups - 1) / 8;  // never the last group
    if (!DecodeDigitsAvx2(in, blocks, dest)) {
      out.resize(begin);
      return false;
    }
    g = blocks * 8;
    in += blocks * 32;
    dest += blocks * 24;
  }
#endif
  for (; g + 1 < groups; ++g, in += 4, dest += 3) {
    const uint32_t word = DecodeGroup(in);
    bad |= word;
    StoreWord(word, dest);
  }
  // The last group, perhaps padded.
  size_t last = 3;
  uint32_t word;
  if (in[3] != '=') {
    word = DecodeGroup(in);
  } else if (in[2] != '=') {
    last = 2;
    word = kDecode.place[0][in[0]] | kDecode.place[1][in[1]] | kDecode.place[2][in[2]];
  } else {
    last = 1;
    word = kDecode.place[0][in[0]] | kDecode.place[1][in[1]];
  }
  bad |= word;
  StoreWord(word, dest);
  if ((bad & ~uint32_t{0xffffff}) != 0) {
    out.resize(begin);
    return false;
  }
  out.resize(begin + (groups - 1) * 3 + last);
  return true;
}

// Appends the decoded `b64` to `out`.
absl::Status DecodeBase64(std::string_view b64, std::string& out) {
  if (b64.empty() || b64.size() % 4 != 0) {
    return absl::InvalidArgumentError("its data is not padded base64");
  }
  if (DecodeDigitsFast(b64, out)) return absl::OkStatus();
  std::string decoded;
  if (!absl::Base64Unescape(AbslView(b64), &decoded)) {
    return absl::InvalidArgumentError("its data is not padded base64");
  }
  out.append(decoded);
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
  record.bytes.clear();
  return internal::ParseBodyLineInto(line, record, record.bytes);
}

namespace internal {

absl::Status ParseBodyLineInto(std::string_view line, BundleRecord& record, std::string& bytes) {
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
  if (word == kEndWord) {
    record.kind = BundleRecord::Kind::kEnd;
    auto count = ParseDecimal(second);
    if (!count.ok()) return count.status();
    record.count = *count;
    return absl::OkStatus();
  }
  record.kind = word == kEntryWord ? BundleRecord::Kind::kEntry
                                   : BundleRecord::Kind::kCheckpoint;
  return DecodeBase64(second, bytes);
}

}  // namespace internal

LineReader::LineReader(std::istream& in, size_t max_line_bytes)
    : in_(in), max_line_bytes_(max_line_bytes) {}

bool LineReader::Fill() {
  if (begin_ > 0) {  // keep the partial line at the front
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  const size_t read = next_read_ == 0 ? kFirstRead : next_read_;
  next_read_ = std::min(2 * read, kReadBlock);
  if (capacity_ < end_ + read) {
    const size_t capacity = std::max(end_ + read, 2 * capacity_);
    auto grown = std::make_unique_for_overwrite<char[]>(capacity);
    if (end_ > 0) std::memcpy(grown.get(), buf_.get(), end_);
    buf_ = std::move(grown);
    capacity_ = capacity;
  }
  in_.read(buf_.get() + end_, static_cast<std::streamsize>(read));
  const std::streamsize got = in_.gcount();
  if (in_.bad()) failed_ = true;
  end_ += static_cast<size_t>(got);
  return got > 0;
}

LineReader::Result LineReader::Next(std::string_view* line) {
  size_t scanned = begin_;
  for (;;) {
    // (No buffer before the first Fill: memchr must not see a null pointer.)
    const void* nl =
        end_ > scanned ? std::memchr(buf_.get() + scanned, '\n', end_ - scanned) : nullptr;
    if (nl != nullptr) {
      const size_t pos = static_cast<const char*>(nl) - buf_.get();
      if (pos + 1 - begin_ > max_line_bytes_) return Result::kTooLong;
      *line = std::string_view(buf_.get() + begin_, pos - begin_);
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
      *line = std::string_view(buf_.get() + begin_, partial);
      ++line_number_;
      return Result::kIncomplete;
    }
    scanned = begin_ + partial;
  }
}

}  // namespace ledger::audit
