#include "ledger/compact/scenario.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace ledger::compact {

absl::StatusOr<std::vector<ScenarioLine>> ParseScenario(std::string_view text) {
  std::vector<ScenarioLine> lines;
  int number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string line(text.substr(start, end - start));
    start = end + 1;
    ++number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    ScenarioLine parsed;
    parsed.line = number;
    google::protobuf::util::Status s =
        google::protobuf::util::JsonStringToMessage(line, &parsed.event);
    if (!s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", number, ": not a compact.v1.Event in the protobuf JSON "
          "mapping: ", std::string(s.message())));
    }
    lines.push_back(std::move(parsed));
  }
  return lines;
}

absl::Status ApplyScenario(const std::vector<ScenarioLine>& lines,
                           uint64_t first_sequence, World* world) {
  uint64_t sequence = first_sequence;
  for (const ScenarioLine& line : lines) {
    absl::StatusOr<compact::v1::Event> event = world->Prepare(line.event);
    if (!event.ok()) {
      return absl::Status(event.status().code(),
                          absl::StrCat("line ", line.line, ": ",
                                       std::string(event.status().message())));
    }
    EventMeta meta{sequence, static_cast<int64_t>(sequence) * 1000000, "scenario"};
    absl::Status applied = world->Apply(*event, meta);
    if (!applied.ok()) {
      return absl::Status(applied.code(),
                          absl::StrCat("line ", line.line, ": ",
                                       std::string(applied.message())));
    }
    ++sequence;
  }
  return absl::OkStatus();
}

}  // namespace ledger::compact
