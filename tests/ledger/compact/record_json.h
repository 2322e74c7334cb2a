// Records one command written as JSON (as in scenario files) into a World,
// as a recorder would: parse, Prepare, then Apply as ledger sequence
// `*next`, which advances only when the command was prepared. For the
// compact domain's tests.
#ifndef LEDGER_TESTS_LEDGER_COMPACT_RECORD_JSON_H_
#define LEDGER_TESTS_LEDGER_COMPACT_RECORD_JSON_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/util/json_util.h"
#include "ledger/compact/world.h"

namespace ledger::compact::testing {

// InvalidArgument when `json` is not an Event; else Prepare's or Apply's
// status.
inline absl::Status RecordJson(World& world, const std::string& json, uint64_t* next) {
  ::compact::v1::Event command;
  auto parsed = google::protobuf::util::JsonStringToMessage(json, &command);
  if (!parsed.ok()) return absl::InvalidArgumentError(std::string(parsed.message()));
  absl::StatusOr<::compact::v1::Event> event = world.Prepare(command);
  if (!event.ok()) return event.status();
  return world.Apply(*event, EventMeta{(*next)++, 1000, "test"});
}

}  // namespace ledger::compact::testing

#endif  // LEDGER_TESTS_LEDGER_COMPACT_RECORD_JSON_H_
