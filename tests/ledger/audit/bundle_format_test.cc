#include "ledger/audit/bundle_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::audit {
namespace {

using Result = LineReader::Result;

TEST(BundleFormatTest, LinesRoundTrip) {
  BundleRecord record;
  const std::string bytes("\0\x01\xff" "entry", 8);
  std::string line = FormatEntryLine(42, bytes);
  ASSERT_EQ(line.back(), '\n');
  line.pop_back();
  ASSERT_THAT(ParseBodyLine(line, record), IsOk());
  EXPECT_EQ(record.kind, BundleRecord::Kind::kEntry);
  EXPECT_EQ(record.number, 42u);
  EXPECT_EQ(record.bytes, bytes);

  line = FormatCheckpointLine(7, "note\n");
  line.pop_back();
  ASSERT_THAT(ParseBodyLine(line, record), IsOk());
  EXPECT_EQ(record.kind, BundleRecord::Kind::kCheckpoint);
  EXPECT_EQ(record.bytes, "note\n");

  EXPECT_EQ(FormatEndLine(3, 1), "end 3 1\n");
  ASSERT_THAT(ParseBodyLine("end 3 1", record), IsOk());
  EXPECT_EQ(record.kind, BundleRecord::Kind::kEnd);
  EXPECT_EQ(record.number, 3u);
  EXPECT_EQ(record.count, 1u);
}

TEST(BundleFormatTest, MalformedLinesAreRefused) {
  BundleRecord record;
  for (const char* bad : {"", "entry", "entry 1", "entry 01 AAAA", "entry -1 AAAA",
                          "entry 1 AAA", "entry 1 A*AA", "end 1", "end 1 x", "key 1 AAAA",
                          "entry 18446744073709551616 AAAA"}) {
    EXPECT_EQ(ParseBodyLine(bad, record).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(BundleFormatTest, ParseDecimalIsCanonical) {
  EXPECT_EQ(*ParseDecimal("0"), 0u);
  EXPECT_EQ(*ParseDecimal("18446744073709551615"), UINT64_MAX);
  for (const char* bad : {"", "00", "01", "+1", " 1", "1 ", "1a", "18446744073709551616"}) {
    EXPECT_EQ(ParseDecimal(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(BundleFormatTest, HeaderValueNeedsItsWord) {
  EXPECT_EQ(*HeaderValue("origin a b", "origin"), "a b");
  EXPECT_EQ(HeaderValue("origin", "origin").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HeaderValue("origin ", "origin").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HeaderValue("key x", "origin").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(LineReaderTest, ReadsLinesAndTellsTruncation) {
  std::istringstream in("a\n\nbc\nd");
  LineReader reader(in);
  std::string_view line;
  ASSERT_EQ(reader.Next(&line), Result::kLine);
  EXPECT_EQ(line, "a");
  ASSERT_EQ(reader.Next(&line), Result::kLine);
  EXPECT_EQ(line, "");
  ASSERT_EQ(reader.Next(&line), Result::kLine);
  EXPECT_EQ(line, "bc");
  ASSERT_EQ(reader.Next(&line), Result::kIncomplete);
  EXPECT_EQ(line, "d");
  EXPECT_EQ(reader.line_number(), 4u);
}

TEST(LineReaderTest, CleanEnd) {
  std::istringstream in("a\n");
  LineReader reader(in);
  std::string_view line;
  ASSERT_EQ(reader.Next(&line), Result::kLine);
  EXPECT_EQ(reader.Next(&line), Result::kEnd);
  EXPECT_EQ(reader.offset(), 2u);
}

TEST(LineReaderTest, LinesAcrossReadBlocks) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += std::string(700, 'a' + i % 26) + "\n";
  std::istringstream in(text);
  LineReader reader(in);
  std::string_view line;
  for (int i = 0; i < 5000; ++i) {
    ASSERT_EQ(reader.Next(&line), Result::kLine) << i;
    ASSERT_EQ(line, std::string(700, 'a' + i % 26)) << i;
  }
  EXPECT_EQ(reader.Next(&line), Result::kEnd);
}

TEST(LineReaderTest, LinesEndingAtTheGrowingReadsBoundaries) {
  // Reads are 16, 32, 64, 128 and then 256 KiB, so they end at these
  // offsets. A first line whose "\n" is the byte just before, at or just
  // after one of them, then a short line; and a last line without "\n"
  // that ends there.
  for (size_t boundary : {size_t{16} << 10, size_t{48} << 10, size_t{112} << 10,
                          size_t{240} << 10, size_t{496} << 10}) {
    for (size_t end : {boundary - 1, boundary, boundary + 1}) {
      const std::string first(end - 1, 'x');
      std::istringstream in(first + "\nshort\n");
      LineReader reader(in);
      std::string_view line;
      ASSERT_EQ(reader.Next(&line), Result::kLine) << end;
      ASSERT_EQ(line, first) << end;
      EXPECT_EQ(reader.offset(), end);
      ASSERT_EQ(reader.Next(&line), Result::kLine) << end;
      EXPECT_EQ(line, "short");
      EXPECT_EQ(reader.Next(&line), Result::kEnd) << end;
      EXPECT_EQ(reader.offset(), end + 6);

      std::istringstream unterminated(std::string(end, 'y'));
      LineReader partial(unterminated);
      ASSERT_EQ(partial.Next(&line), Result::kIncomplete) << end;
      EXPECT_EQ(line, std::string(end, 'y'));
    }
  }
}

TEST(LineReaderTest, LongLinesAreRefused) {
  std::istringstream in(std::string(100, 'x') + "\nshort\n");
  LineReader reader(in, 50);
  std::string_view line;
  EXPECT_EQ(reader.Next(&line), Result::kTooLong);
  std::istringstream unterminated(std::string(3 << 20, 'x'));
  LineReader reader2(unterminated, 1 << 20);
  EXPECT_EQ(reader2.Next(&line), Result::kTooLong);
}

}  // namespace
}  // namespace ledger::audit
