// The entry scanner (ledger/log/entry_fields.h): the fields of a
// ledger.v1.Entry read straight from its bytes, as `verify --db`, the audit
// bundle verifier and the tile readers meet them, differentially against
// protobuf's own parse. Entries are untrusted wherever a log is verified
// (a bundle, a copied database, a mirror's tiles).
//
// Checks, for any bytes:
//   - ReadEntryFields parses exactly the bytes that protobuf parses (with a
//     recorded_at in TimeUtil's range), and then every field is protobuf's;
//   - when the fast scan alone accepts the bytes, protobuf parses them too
//     and the scan's fields are protobuf's.
// Seeds: the entries of the bundle seed (fuzz/gen_seeds.sh).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "google/protobuf/arena.h"
#include "google/protobuf/util/time_util.h"
#include "fuzz/quiet_protobuf.h"
#include "ledger/log/entry_fields.h"
#include "ledger/v1/entry.pb.h"

namespace {

using google::protobuf::util::TimeUtil;

bool InTimeUtilRange(const google::protobuf::Timestamp& t) {
  return t.seconds() >= TimeUtil::kTimestampMinSeconds &&
         t.seconds() <= TimeUtil::kTimestampMaxSeconds && t.nanos() >= 0 &&
         t.nanos() <= 999'999'999;
}

// Aborts unless `fields` are `entry`'s.
void ExpectFieldsOf(const ledger::v1::Entry& entry, const ledger::log::EntryFields& fields) {
  if (fields.sequence != entry.sequence() || fields.previous_hash != entry.previous_hash() ||
      fields.recorded_micros != TimeUtil::TimestampToMicroseconds(entry.recorded_at()) ||
      fields.stream != entry.stream() || fields.stream_version != entry.stream_version() ||
      fields.actor != entry.actor() || fields.type_url != entry.payload().type_url() ||
      fields.value != entry.payload().value()) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ledger::v1::Entry entry;
  const bool protobuf_parses = entry.ParseFromArray(data, static_cast<int>(size));
  const bool parsed = protobuf_parses && InTimeUtilRange(entry.recorded_at());

  google::protobuf::Arena arena;
  ledger::log::EntryFields fields;
  ledger::log::ReadEntryFields(bytes, arena, fields);
  if (fields.parsed != parsed) std::abort();
  if (parsed) ExpectFieldsOf(entry, fields);

  ledger::log::EntryFields scanned;
  if (ledger::log::ScanEntryFields(bytes, scanned)) {
    if (!parsed) std::abort();
    ExpectFieldsOf(entry, scanned);
  }
  return 0;
}
