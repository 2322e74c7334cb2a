// Scenario files: JSON Lines, one compact.v1.Event per line in the protobuf
// JSON mapping, loaded by `ledgerctl import` and `ledgerctl demo` as one
// all-or-nothing batch. Blank lines and lines starting with '#' are skipped.
//
// Pure functions; thread-safe.
#ifndef LEDGER_SCENARIO_FILE_H_
#define LEDGER_SCENARIO_FILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "compact/v1/event.pb.h"

namespace ledger {

struct Scenario {
  std::vector<compact::v1::Event> commands;
  // "<file>:<line>" of each command, for error messages.
  std::vector<std::string> labels;
  // One idempotency key per command, derived from the line's content, so
  // importing the same file again appends nothing.
  std::vector<std::string> request_ids;
};

// Parses `text`. InvalidArgument naming the file, the line number and what
// is wrong for the first line that is not a compact.v1.Event; an empty
// scenario is refused too, and so is a line identical to an earlier one
// (the error names both line numbers): identical lines would share one
// request id, so the second could only ever be taken for a retry of the
// first. Lines that differ in anything (spacing included) are distinct
// events.
absl::StatusOr<Scenario> ParseScenario(std::string_view text, std::string_view file_name);

// Reads and parses the file at `path`. NotFound when it cannot be read.
absl::StatusOr<Scenario> ReadScenarioFile(const std::string& path);

}  // namespace ledger

#endif  // LEDGER_SCENARIO_FILE_H_
