#include "tools/ledgerctl/cli_common.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "ledger/compact/edtf.h"

namespace ledger::cli {

int Fail(const std::string& command, const absl::Status& status) {
  std::cerr << "ledgerctl " << command << ": " << status.message() << "\n";
  switch (status.code()) {
    case absl::StatusCode::kDataLoss:
      return kExitTampered;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
      return kExitUnreadable;
    default:
      return kExitBadInput;
  }
}

int FailOpen(const std::string& command, const absl::Status& status) {
  std::cerr << "ledgerctl " << command << ": " << status.message() << "\n";
  return status.code() == absl::StatusCode::kDataLoss ? kExitTampered : kExitUnreadable;
}

absl::StatusOr<std::unique_ptr<log::Log>> OpenExistingLog(const std::string& path,
                                                          bool read_only) {
  log::LogOptions options;
  options.path = path;
  options.create_if_missing = false;
  options.read_only = read_only;
  return log::Log::Open(options);
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

void AddFormatOption(CLI::App* app, std::string* format) {
  app->add_option("--format", *format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

void AddDbOption(CLI::App* app, std::string* db) {
  app->add_option("--db", *db, "Directory of the ledger database")
      ->required()
      ->type_name("DIR");
}

absl::StatusOr<absl::Time> ParseKnownAt(const std::string& text) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return t;
  auto day = compact::ParseQueryDate(text);
  if (!day.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--as-known-at \"", text, "\" is neither an RFC 3339 time "
        "(2026-11-24T18:00:00Z) nor a date YYYY, YYYY-MM or YYYY-MM-DD"));
  }
  return absl::FromCivil(absl::CivilSecond(day->year, day->month, day->day, 23, 59, 59),
                         absl::UTCTimeZone()) + absl::Seconds(1) - absl::Nanoseconds(1);
}

nlohmann::json ProtoJson(const google::protobuf::Message& message) {
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, {});
  return nlohmann::json::parse(out);
}

}  // namespace ledger::cli
