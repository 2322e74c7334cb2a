#include "ledger/log/entry_fields.h"

#include <cstring>
#include <limits>

#include "google/protobuf/arena.h"
#include "google/protobuf/util/time_util.h"
#include "ledger/v1/entry.pb.h"

namespace ledger::log {

namespace {

// The largest seconds a valid google.protobuf.Timestamp holds
// (9999-12-31T23:59:59Z); beyond it the scan leaves the arithmetic to
// TimeUtil.
constexpr uint64_t kMaxTimestampSeconds = 253'402'300'799;
constexpr uint64_t kMaxNanos = 999'999'999;

// One-byte tags: (field number << 3) | wire type.
constexpr uint8_t Tag(int field, int wire_type) {
  return static_cast<uint8_t>(field << 3 | wire_type);
}
constexpr int kVarint = 0;
constexpr int kLengthDelimited = 2;

class Scanner {
 public:
  explicit Scanner(std::string_view in)
      : p_(reinterpret_cast<const uint8_t*>(in.data())), end_(p_ + in.size()) {}

  bool done() const { return p_ == end_; }
  uint8_t Byte() { return *p_++; }
  // Consumes the next byte if it is `tag`.
  bool Next(uint8_t tag) {
    if (p_ == end_ || *p_ != tag) return false;
    ++p_;
    return true;
  }

  // A varint of at most `max_bytes` bytes (9 keep it below 2^63).
  bool Varint(int max_bytes, uint64_t& value) {
    if (p_ != end_ && *p_ < 0x80) {
      value = *p_++;
      return true;
    }
    value = 0;
    for (int i = 0; i < max_bytes && p_ != end_; ++i) {
      const uint8_t byte = *p_++;
      value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }

  // A length-delimited field's contents, of a length below 2^21.
  bool Delimited(std::string_view& out) {
    uint64_t size = 0;
    if (!Varint(3, size) || size > static_cast<uint64_t>(end_ - p_)) return false;
    out = std::string_view(reinterpret_cast<const char*>(p_), size);
    p_ += size;
    return true;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// ASCII is valid UTF-8, which protobuf requires of proto3 strings; other
// text is left to protobuf's own check.
bool Ascii(std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t high = 0;
  if (n >= 8) {
    for (size_t i = 0; i + 8 <= n; i += 8) high |= Load64(p + i);
    high |= Load64(p + n - 8);
  } else if (n >= 4) {
    high = Load32(p) | Load32(p + n - 4);
  } else {
    for (size_t i = 0; i < n; ++i) high |= static_cast<uint8_t>(p[i]);
  }
  return (high & 0x8080808080808080ULL) == 0;
}

bool String(Scanner& in, std::string_view& out) { return in.Delimited(out) && Ascii(out); }

// Bit per field seen, to insist on at most one of each: protobuf would
// merge repeated messages, and a scan that takes the last value of a
// repeated scalar gains nothing.
bool FirstTime(uint32_t& seen, int field) {
  const uint32_t bit = uint32_t{1} << field;
  if ((seen & bit) != 0) return false;
  seen |= bit;
  return true;
}

bool ScanTimestamp(std::string_view bytes, int64_t& micros) {
  Scanner in(bytes);
  uint64_t seconds = 0, nanos = 0;
  // In field order (as written), each at most once.
  if (in.Next(Tag(1, kVarint)) && (!in.Varint(9, seconds) || seconds > kMaxTimestampSeconds)) {
    return false;
  }
  if (in.Next(Tag(2, kVarint)) && (!in.Varint(5, nanos) || nanos > kMaxNanos)) return false;
  if (!in.done()) return false;
  // TimeUtil::TimestampToMicroseconds for a valid, non-negative timestamp.
  micros = static_cast<int64_t>(seconds) * 1'000'000 + static_cast<int64_t>(nanos) / 1'000;
  return true;
}

bool ScanAny(std::string_view bytes, EntryFields& fields) {
  Scanner in(bytes);
  // In field order (as written), each at most once.
  if (in.Next(Tag(1, kLengthDelimited)) && !String(in, fields.type_url)) return false;
  if (in.Next(Tag(2, kLengthDelimited)) && !in.Delimited(fields.value)) return false;
  return in.done();
}

// The scan of an entry whose fields come in field-number order, as every
// protobuf serializer writes them: one well-predicted test per field. False
// for anything else (ScanAnyOrder then tries).
bool ScanInOrder(std::string_view bytes, EntryFields& fields) {
  Scanner in(bytes);
  std::string_view nested;
  if (in.Next(Tag(1, kVarint)) && !in.Varint(9, fields.sequence)) return false;
  if (in.Next(Tag(2, kLengthDelimited)) && !in.Delimited(fields.previous_hash)) return false;
  if (in.Next(Tag(3, kLengthDelimited)) &&
      !(in.Delimited(nested) && ScanTimestamp(nested, fields.recorded_micros))) {
    return false;
  }
  if (in.Next(Tag(4, kLengthDelimited)) && !String(in, fields.stream)) return false;
  if (in.Next(Tag(5, kVarint)) && !in.Varint(9, fields.stream_version)) return false;
  std::string_view request_id;
  if (in.Next(Tag(6, kLengthDelimited)) && !String(in, request_id)) return false;
  if (in.Next(Tag(7, kLengthDelimited)) && !String(in, fields.actor)) return false;
  if (in.Next(Tag(8, kLengthDelimited)) && !(in.Delimited(nested) && ScanAny(nested, fields))) {
    return false;
  }
  return in.done();
}

bool ScanAnyOrder(std::string_view bytes, EntryFields& fields) {
  Scanner in(bytes);
  uint32_t seen = 0;
  std::string_view nested;
  while (!in.done()) {
    const uint8_t tag = in.Byte();
    bool ok = false;
    switch (tag) {
      case Tag(1, kVarint):
        ok = FirstTime(seen, 1) && in.Varint(9, fields.sequence);
        break;
      case Tag(2, kLengthDelimited):
        ok = FirstTime(seen, 2) && in.Delimited(fields.previous_hash);
        break;
      case Tag(3, kLengthDelimited):
        ok = FirstTime(seen, 3) && in.Delimited(nested) &&
             ScanTimestamp(nested, fields.recorded_micros);
        break;
      case Tag(4, kLengthDelimited):
        ok = FirstTime(seen, 4) && String(in, fields.stream);
        break;
      case Tag(5, kVarint):
        ok = FirstTime(seen, 5) && in.Varint(9, fields.stream_version);
        break;
      case Tag(6, kLengthDelimited): {
        std::string_view request_id;
        ok = FirstTime(seen, 6) && String(in, request_id);
        break;
      }
      case Tag(7, kLengthDelimited):
        ok = FirstTime(seen, 7) && String(in, fields.actor);
        break;
      case Tag(8, kLengthDelimited):
        ok = FirstTime(seen, 8) && in.Delimited(nested) && ScanAny(nested, fields);
        break;
      default:
        break;
    }
    if (!ok) return false;
  }
  return true;
}

// fields = EntryFields{}, member by member (cheaper than the block fill
// the compiler makes of it).
void Clear(EntryFields& fields) {
  fields.parsed = false;
  fields.sequence = 0;
  fields.previous_hash = {};
  fields.recorded_micros = 0;
  fields.stream = {};
  fields.stream_version = 0;
  fields.actor = {};
  fields.type_url = {};
  fields.value = {};
}

}  // namespace

bool ScanEntryFields(std::string_view bytes, EntryFields& fields) {
  Clear(fields);
  if (!ScanInOrder(bytes, fields)) {
    Clear(fields);
    if (!ScanAnyOrder(bytes, fields)) return false;
  }
  fields.parsed = true;
  return true;
}

void ReadEntryFields(std::string_view bytes, google::protobuf::Arena& arena,
                     EntryFields& fields) {
  if (ScanEntryFields(bytes, fields)) return;
  fields = EntryFields{};
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) return;
  auto* entry = google::protobuf::Arena::CreateMessage<ledger::v1::Entry>(&arena);
  if (!entry->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
  // A bundle is untrusted input: seconds * 10^6 overflows int64 for
  // seconds beyond the range TimeUtil accepts, so that is checked first. An
  // entry outside it is none this ledger writes: it is left unparsed (the
  // verifier reports it as unreadable), as the fast scan leaves it.
  using google::protobuf::util::TimeUtil;
  const google::protobuf::Timestamp& recorded = entry->recorded_at();
  if (recorded.seconds() < TimeUtil::kTimestampMinSeconds ||
      recorded.seconds() > TimeUtil::kTimestampMaxSeconds || recorded.nanos() < 0 ||
      recorded.nanos() > static_cast<int32_t>(kMaxNanos)) {
    return;
  }
  fields.parsed = true;
  fields.sequence = entry->sequence();
  fields.previous_hash = entry->previous_hash();
  fields.recorded_micros = TimeUtil::TimestampToMicroseconds(recorded);
  fields.stream = entry->stream();
  fields.stream_version = entry->stream_version();
  fields.actor = entry->actor();
  fields.type_url = entry->payload().type_url();
  fields.value = entry->payload().value();
}

}  // namespace ledger::log
