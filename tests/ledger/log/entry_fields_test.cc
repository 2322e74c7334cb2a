// The entry scanner against protobuf's own parse: every field, and whether
// the bytes parse at all, on random, damaged and reordered entries.
#include "ledger/log/entry_fields.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>
#include <vector>

#include "google/protobuf/arena.h"
#include "google/protobuf/util/time_util.h"
#include "ledger/v1/entry.pb.h"

namespace ledger {
namespace {

std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string bytes(n, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  return bytes;
}

bool InTimeUtilRange(const google::protobuf::Timestamp& t) {
  using google::protobuf::util::TimeUtil;
  return t.seconds() >= TimeUtil::kTimestampMinSeconds &&
         t.seconds() <= TimeUtil::kTimestampMaxSeconds && t.nanos() >= 0 &&
         t.nanos() <= 999'999'999;
}

// ReadEntryFields against a full parse.
void ExpectReadsLikeProtobuf(const std::string& bytes) {
  google::protobuf::Arena arena;
  log::EntryFields fields;
  log::ReadEntryFields(bytes, arena, fields);
  ledger::v1::Entry entry;
  // An entry whose recorded_at TimeUtil would not accept is left unparsed.
  const bool parsed = entry.ParseFromString(bytes) && InTimeUtilRange(entry.recorded_at());
  ASSERT_EQ(fields.parsed, parsed);
  if (!parsed) return;
  EXPECT_EQ(fields.sequence, entry.sequence());
  EXPECT_EQ(fields.previous_hash, entry.previous_hash());
  EXPECT_EQ(fields.recorded_micros,
            google::protobuf::util::TimeUtil::TimestampToMicroseconds(entry.recorded_at()));
  EXPECT_EQ(fields.stream, entry.stream());
  EXPECT_EQ(fields.stream_version, entry.stream_version());
  EXPECT_EQ(fields.actor, entry.actor());
  EXPECT_EQ(fields.type_url, entry.payload().type_url());
  EXPECT_EQ(fields.value, entry.payload().value());
}

TEST(EntryFieldsTest, MatchAFullParse) {
  std::mt19937_64 rng(5);
  const std::vector<std::string> texts = {"", "compact/c1", "clerk", "h\xc3\xa9", "\xff\xfe",
                                          std::string(200, 'x')};
  for (int i = 0; i < 3000; ++i) {
    ledger::v1::Entry entry;
    if (rng() % 4 != 0) entry.set_sequence(rng() % 3 == 0 ? rng() : rng() % 1000);
    if (rng() % 4 != 0) entry.set_previous_hash(RandomBytes(rng, rng() % 3 == 0 ? 5 : 32));
    if (rng() % 4 != 0) {
      entry.mutable_recorded_at()->set_seconds(
          static_cast<int64_t>(rng() % 5 == 0 ? rng() : rng() % 2'000'000'000));
      entry.mutable_recorded_at()->set_nanos(
          static_cast<int32_t>(rng() % 5 == 0 ? rng() : rng() % 1'000'000'000));
    }
    entry.set_stream(texts[rng() % texts.size()]);
    entry.set_stream_version(rng() % 100);
    entry.set_request_id(texts[rng() % texts.size()]);
    entry.set_actor(texts[rng() % texts.size()]);
    if (rng() % 5 != 0) {
      entry.mutable_payload()->set_type_url(texts[rng() % texts.size()]);
      entry.mutable_payload()->set_value(RandomBytes(rng, rng() % 100));
    }
    std::string bytes = entry.SerializeAsString();
    ExpectReadsLikeProtobuf(bytes);
    // Damage: a flipped bit, a cut, an extra field (unknown, repeated,
    // another wire type, a group, non-minimal varints), fields reordered.
    std::string damaged = bytes;
    if (!damaged.empty()) damaged[rng() % damaged.size()] ^= static_cast<char>(1 << (rng() % 8));
    ExpectReadsLikeProtobuf(damaged);
    if (!bytes.empty()) ExpectReadsLikeProtobuf(bytes.substr(0, rng() % bytes.size()));
    static const std::vector<std::string> kExtras = {
        std::string("\x48\x01", 2), std::string("\x08\x05", 2), std::string("\x08\x80\x00", 3),
        std::string("\x3a\x02\xc3\xa9", 4), std::string("\x3a\x01\xff", 3),
        std::string("\x1a\x02\x08\x01", 4), std::string("\x1a\x02\x10\x01", 4),
        std::string("\x00", 1), std::string("\x4b\x4c", 2), std::string("\x0c", 1),
        std::string("\x2d\x00\x00\x00\x00", 5), std::string("\x42\x02\x08\x01", 4),
        std::string("\x12\x80\x00", 3), std::string("\x0a\x00", 2),
        std::string("\x1a\x0b\x08\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12)};
    ExpectReadsLikeProtobuf(bytes + kExtras[rng() % kExtras.size()]);
    ExpectReadsLikeProtobuf(kExtras[rng() % kExtras.size()] + bytes);
  }
  ExpectReadsLikeProtobuf(std::string("\xff\xff\xff", 3));
}

// seconds * 10^6 would overflow for these: the reader refuses them before
// converting (an unchecked conversion is undefined behaviour on hostile
// bundles) and leaves the entry unparsed, whichever way it is scanned.
TEST(EntryFieldsTest, TimestampsOutsideTheValidRangeLeaveTheEntryUnparsed) {
  using google::protobuf::util::TimeUtil;
  const int64_t kMin = TimeUtil::kTimestampMinSeconds, kMax = TimeUtil::kTimestampMaxSeconds;
  struct Case {
    int64_t seconds;
    int32_t nanos;
    bool valid;
  };
  for (const Case& c : std::vector<Case>{
           {std::numeric_limits<int64_t>::max(), 0, false},
           {std::numeric_limits<int64_t>::min(), 0, false},
           {std::numeric_limits<int64_t>::max() / 1'000'000 + 1, 0, false},
           {kMax + 1, 0, false}, {kMin - 1, 0, false}, {0, -1, false},
           {0, 1'000'000'000, false}, {1'700'000'000, std::numeric_limits<int32_t>::min(), false},
           {kMax, 999'999'999, true}, {kMin, 0, true}, {-1, 5'000, true}, {0, 0, true}}) {
    ledger::v1::Entry entry;
    entry.set_stream("compact/c");
    entry.mutable_recorded_at()->set_seconds(c.seconds);
    entry.mutable_recorded_at()->set_nanos(c.nanos);
    google::protobuf::Arena arena;
    log::EntryFields fields;
    log::ReadEntryFields(entry.SerializeAsString(), arena, fields);
    EXPECT_EQ(fields.parsed, c.valid) << c.seconds << " " << c.nanos;
    if (c.valid) {
      EXPECT_EQ(fields.recorded_micros, TimeUtil::TimestampToMicroseconds(entry.recorded_at()));
    }
  }
}

}  // namespace
}  // namespace ledger
