// EntryFields: the fields of a ledger.v1.Entry that verifiers check, read
// from the entry's bytes. The one entry scanner of the ledger: whole-log
// verification (verify.h) and the audit bundle verifier use it.
//
// A full parse (ledger::v1::Entry::ParseFromArray) copies every string and
// allocates the payload and the timestamp, several times the cost of the
// scan below for a small entry. ReadEntryFields scans the wire format
// directly when the entry is encoded the plain way (each known field at
// most once, with its own wire type, one-byte tags, short lengths, ASCII
// strings, the timestamp's and the payload's fields in order, a timestamp
// in range), which every entry the log writes is; for anything else it asks
// protobuf, so the outcome is protobuf's in every case: whether the bytes
// parse, and each field's value. One rule is added to protobuf's: an entry
// whose recorded_at is outside TimeUtil's range (years 1 to 9999, nanos
// 0 to 999,999,999) is left unparsed, as no entry this ledger writes has
// one and its microseconds could overflow.
//
// Thread-safe (stateless).
#ifndef LEDGER_LOG_ENTRY_FIELDS_H_
#define LEDGER_LOG_ENTRY_FIELDS_H_

#include <cstdint>
#include <string_view>

namespace google::protobuf {
class Arena;
}

namespace ledger::log {

struct EntryFields {
  // ledger::v1::Entry::ParseFromArray succeeds on the bytes and recorded_at
  // is in TimeUtil's range; the other fields are meaningful only then.
  bool parsed = false;
  uint64_t sequence = 0;
  std::string_view previous_hash;
  // TimeUtil::TimestampToMicroseconds(recorded_at).
  int64_t recorded_micros = 0;
  std::string_view stream;
  uint64_t stream_version = 0;
  std::string_view actor;
  // The payload (google.protobuf.Any).
  std::string_view type_url;
  std::string_view value;
};

// Reads the entry `bytes`. The views point into `bytes`, or, for an entry
// that protobuf parses, into a ledger::v1::Entry created on `arena`: both
// must outlive them.
void ReadEntryFields(std::string_view bytes, google::protobuf::Arena& arena,
                     EntryFields& fields);

// The fast scan alone: false when it leaves the entry to protobuf (then
// `fields` is unspecified). For tests.
bool ScanEntryFields(std::string_view bytes, EntryFields& fields);

}  // namespace ledger::log

#endif  // LEDGER_LOG_ENTRY_FIELDS_H_
