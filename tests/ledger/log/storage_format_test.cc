#include "ledger/log/storage_format.h"

#include <string>

#include "gtest/gtest.h"

namespace ledger::log::format {
namespace {

TEST(StorageFormatTest, RequestRecordRoundTrips) {
  RequestRecord record;
  record.sequence = 0x0102030405060708;
  for (size_t i = 0; i < record.digest.size(); ++i) record.digest[i] = static_cast<uint8_t>(i);
  const std::string bytes = EncodeRequestRecord(record);
  ASSERT_EQ(bytes.size(), kRequestRecordBytes);
  // The sequence first, big-endian, then the digest (docs/FORMAT.md).
  EXPECT_EQ(bytes.substr(0, 8), EncodeUint64(record.sequence));
  EXPECT_EQ(bytes[8], '\x00');
  EXPECT_EQ(bytes[39], '\x1f');
  const auto decoded = DecodeRequestRecord(bytes);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->sequence, record.sequence);
  EXPECT_EQ(decoded->digest, record.digest);
}

TEST(StorageFormatTest, RequestRecordOfTheWrongLengthIsRefused) {
  const std::string bytes = EncodeRequestRecord(RequestRecord{});
  EXPECT_FALSE(DecodeRequestRecord(bytes.substr(0, 39)).has_value());
  EXPECT_FALSE(DecodeRequestRecord(bytes + "x").has_value());
  EXPECT_FALSE(DecodeRequestRecord("").has_value());
}

TEST(StorageFormatTest, SnapshotHeaderRoundTripsAndLeavesTheCallersBytes) {
  SnapshotHeader header;
  header.covered = 1104;
  for (size_t i = 0; i < header.last_leaf_hash.size(); ++i) {
    header.last_leaf_hash[i] = static_cast<uint8_t>(0xa0 + i);
  }
  const std::string bytes = EncodeSnapshotHeader(header) + "state";
  // Covered first, big-endian, then the leaf hash (docs/FORMAT.md).
  EXPECT_EQ(bytes.substr(0, 8), EncodeUint64(1104));
  EXPECT_EQ(bytes[8], '\xa0');
  EXPECT_EQ(bytes.substr(kSnapshotHeaderBytes), "state");
  const auto decoded = DecodeSnapshotHeader(bytes);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->covered, 1104u);
  EXPECT_EQ(decoded->last_leaf_hash, header.last_leaf_hash);
  EXPECT_TRUE(DecodeSnapshotHeader(bytes.substr(0, kSnapshotHeaderBytes)).has_value());
  EXPECT_FALSE(DecodeSnapshotHeader(bytes.substr(0, kSnapshotHeaderBytes - 1)).has_value());
}

TEST(StorageFormatTest, StreamKeyVersionReadsOnlyKeysOfThatStream) {
  EXPECT_EQ(StreamKeyVersion(StreamKey("compact/a", 7), "compact/a"), 7u);
  EXPECT_FALSE(StreamKeyVersion(StreamKey("compact/ab", 7), "compact/a").has_value());
  EXPECT_FALSE(StreamKeyVersion(StreamKey("compact/a", 7), "compact/ab").has_value());
  EXPECT_FALSE(StreamKeyVersion(StreamKey("compact/b", 7), "compact/a").has_value());
  EXPECT_FALSE(StreamKeyVersion("compact/a", "compact/a").has_value());
}

TEST(StorageFormatTest, IsStreamKeyNeedsTheSeparatorBeforeTheVersion) {
  EXPECT_TRUE(IsStreamKey(StreamKey("s", 1)));
  EXPECT_FALSE(IsStreamKey(std::string(9, 'x')));
  EXPECT_FALSE(IsStreamKey(EncodeUint64(1)));
}

}  // namespace
}  // namespace ledger::log::format
