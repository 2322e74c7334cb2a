#include "ledger/scenario_file.h"

#include <fstream>
#include <sstream>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "ledger/log/hash.h"

namespace ledger {

namespace {

bool IsBlankOrComment(std::string_view line) {
  const size_t first = line.find_first_not_of(" \t\r");
  return first == std::string_view::npos || line[first] == '#';
}

}  // namespace

absl::StatusOr<Scenario> ParseScenario(std::string_view text, std::string_view file_name) {
  Scenario scenario;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  size_t line_number = 0;
  size_t start = 0;
  // Request id -> the line that first had it.
  std::unordered_map<std::string, size_t> first_line;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (IsBlankOrComment(line)) continue;
    const std::string label = absl::StrCat(std::string(file_name), ":", line_number);
    compact::v1::Event event;
    auto status = google::protobuf::util::JsonStringToMessage(std::string(line), &event, options);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          label, ": not a compact.v1.Event in the protobuf JSON mapping: ",
          std::string(status.message()), ". Fix that line; nothing was imported"));
    }
    std::string request_id = absl::StrCat("scenario:", log::ToHex(log::Sha256(line)));
    if (auto [first, added] = first_line.try_emplace(request_id, line_number); !added) {
      return absl::InvalidArgumentError(absl::StrCat(
          label, " repeats line ", first->second,
          " exactly: identical lines would be one request (the same request id), so the "
          "second would never be a second event. Remove one, or make them differ (e.g. a "
          "note) if two events are meant; nothing was imported"));
    }
    scenario.commands.push_back(std::move(event));
    scenario.labels.push_back(label);
    scenario.request_ids.push_back(std::move(request_id));
  }
  if (scenario.commands.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(file_name), " holds no events (one compact.v1.Event JSON object per line)"));
  }
  return scenario;
}

absl::StatusOr<Scenario> ReadScenarioFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read scenario file ", path,
                                            "; check the path"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseScenario(buffer.str(), path);
}

}  // namespace ledger
