#include "tools/ledgerctl/cli_common.h"

#include <iostream>
#include <optional>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "ledger/base/next_step.h"
#include "ledger/compact/edtf.h"

namespace ledger::cli {

namespace {

// The ledgerctl command that takes the next step a core error names
// (ledger/base/next_step.h), or "".
std::string HowTo(const absl::Status& status) {
  const std::optional<NextStep> step = NextStepOf(status);
  if (!step.has_value()) return "";
  switch (*step) {
    case NextStep::kVerifyLog:
      return "`ledgerctl verify --db DIR` names the first bad entry";
    case NextStep::kCreateLedger:
      return "`ledgerctl demo --db DIR` or `ledgerctl import FILE --db DIR` makes one";
    case NextStep::kSignCheckpoint:
      return "sign one with `ledgerctl checkpoint --db DIR --sign-key FILE --origin ORIGIN`, "
             "or serve with `ledgerctl serve --sign-key FILE`";
    case NextStep::kListCompacts:
      return "`ledgerctl replay --db DIR --at DATE`";
    case NextStep::kMakeKey:
      return "make a key with `ledgerctl keygen --name NAME --out FILE`";
    case NextStep::kOtherDatabase:
      return "";  // the core's message says it all
    case NextStep::kGiveOrigin:
      return "give the log's name with --origin ORIGIN";
    case NextStep::kKeepOrigin:
      return "leave out --origin to reuse it";
    case NextStep::kGiveVerifierKey:
      return "pass verifier keys with --key NAME+KEYID+BASE64, once per key";
    case NextStep::kPublishedLog:
      return "`ledgerctl publish --db DIR --out DIR` writes such a directory";
  }
  return "";
}

void PrintError(const std::string& command, const absl::Status& status) {
  std::cerr << "ledgerctl " << command << ": " << status.message();
  if (const std::string how = HowTo(status); !how.empty()) std::cerr << " (" << how << ")";
  std::cerr << "\n";
}

}  // namespace

int Fail(const std::string& command, const absl::Status& status) {
  PrintError(command, status);
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
  PrintError(command, status);
  return status.code() == absl::StatusCode::kDataLoss ? kExitTampered : kExitUnreadable;
}

int FailInputOrOpen(const std::string& command, const absl::Status& status) {
  return status.code() == absl::StatusCode::kInvalidArgument ? Fail(command, status)
                                                            : FailOpen(command, status);
}

sigset_t BlockStopSignals() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  return stop;
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
