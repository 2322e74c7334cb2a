#include "services/http/gzip.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace ledger::services::http {
namespace {

using ::ledger::testing::IsOk;

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
    auto back = Gunzip(*gzipped, 1 << 20);
    ASSERT_THAT(back, IsOk());
    EXPECT_EQ(*back, bytes);
  }
  EXPECT_LT(Gzip(entries)->size(), entries.size() / 4);
  EXPECT_FALSE(Gunzip(*Gzip(entries), entries.size() - 1).ok()) << "the limit";
  EXPECT_FALSE(Gunzip(Gzip(entries)->substr(0, 20), 1 << 20).ok()) << "a truncated member";
  EXPECT_FALSE(Gunzip(*Gzip("x") + "trailing", 1 << 20).ok()) << "bytes after the member";
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
