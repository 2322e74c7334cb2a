#include "services/http/gzip.h"

#include <zlib.h>

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace ledger::services::http {
namespace {

using ::ledger::testing::IsOk;

// Inflates one gzip member with zlib; "" when it is not one.
std::string Gunzip(const std::string& gzipped) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return "";
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gzipped.data()));
  stream.avail_in = static_cast<uInt>(gzipped.size());
  std::string out;
  char buffer[4096];
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - stream.avail_out);
  }
  inflateEnd(&stream);
  return result == Z_STREAM_END ? out : "";
}

TEST(GzipTest, RoundTripsWhatZlibInflates) {
  std::string entries;
  for (int i = 0; i < 1000; ++i) entries += "compact/worcestershire-2006 endorsed " + std::to_string(i);
  for (const std::string& bytes : {std::string(), std::string("x"), entries,
                                   std::string("\0\1\2\xff", 4)}) {
    auto gzipped = Gzip(bytes);
    ASSERT_THAT(gzipped, IsOk());
    ASSERT_GE(gzipped->size(), 18u);  // header and trailer
    EXPECT_EQ(static_cast<unsigned char>((*gzipped)[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>((*gzipped)[1]), 0x8b);
    EXPECT_EQ(Gunzip(*gzipped), bytes);
  }
  EXPECT_LT(Gzip(entries)->size(), entries.size() / 4);
}

TEST(GzipTest, AcceptEncodingIsReadAsRfc9110Says) {
  for (const char* yes : {"gzip", "GZIP", "br, gzip, deflate", " gzip ; q=0.5", "*", "x-gzip",
                          "identity, *;q=1", "gzip;q=1.0"}) {
    EXPECT_TRUE(AcceptsGzip(yes)) << yes;
  }
  for (const char* no : {"", "identity", "br, deflate", "gzip;q=0", "*, gzip;q=0", "*;q=0",
                         "gzip;q=0.0", "gzipx", "gzip;q=2"}) {
    EXPECT_FALSE(AcceptsGzip(no)) << no;
  }
}

}  // namespace
}  // namespace ledger::services::http
