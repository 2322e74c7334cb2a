// Shared plumbing of the ledgerctl subcommands: exit codes, error printing,
// opening the log, output formats.
#ifndef LEDGER_TOOLS_LEDGERCTL_CLI_COMMON_H_
#define LEDGER_TOOLS_LEDGERCTL_CLI_COMMON_H_

#include <signal.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "ledger/log/log.h"

namespace ledger::cli {

// Exit codes, documented in `ledgerctl --help`.
inline constexpr int kExitOk = 0;
inline constexpr int kExitTampered = 1;     // the log or proof does not verify
inline constexpr int kExitBadInput = 2;     // usage error or refused input
inline constexpr int kExitUnreadable = 3;   // could not open or read

// A subcommand and the code that runs it after parsing.
struct Command {
  CLI::App* app;
  std::function<int()> run;
};
using Commands = std::vector<Command>;

// Prints "ledgerctl <command>: <message>" to stderr and returns the exit code
// for `status` (DataLoss -> tampered; Unavailable, Internal -> unreadable;
// everything else, NotFound included, -> bad input).
int Fail(const std::string& command, const absl::Status& status);

// Like Fail, for a database or file that could not be opened: DataLoss ->
// tampered, everything else -> unreadable.
int FailOpen(const std::string& command, const absl::Status& status);

// For what is opened, started or connected from the user's flags (a policy
// file, a server, a client): Fail for InvalidArgument (the flags or the
// file are bad input, e.g. a token over plaintext off loopback), FailOpen
// for anything else.
int FailInputOrOpen(const std::string& command, const absl::Status& status);

// Blocks SIGINT and SIGTERM in the calling thread, and so in every thread it
// starts afterwards, and returns that set: a command that serves calls this
// before any server thread starts, then sigwait()s on the set, so that only
// it sees the stop signals.
sigset_t BlockStopSignals();

// Opens an existing log for reading (never creates one).
absl::StatusOr<std::unique_ptr<log::Log>> OpenExistingLog(const std::string& path,
                                                          bool read_only = true);

// "2026-11-24T18:00:00.000000Z".
std::string Rfc3339(absl::Time t);

// --as-known-at: an RFC 3339 time, or a Level 0 date (YYYY, YYYY-MM,
// YYYY-MM-DD) meaning the end of that year, month or day (UTC).
// InvalidArgument, saying which forms are accepted, otherwise.
absl::StatusOr<absl::Time> ParseKnownAt(const std::string& text);

// `message` in the protobuf JSON mapping, as a json value.
nlohmann::json ProtoJson(const google::protobuf::Message& message);

// Adds "--format text|json" to `app`, bound to `format`.
void AddFormatOption(CLI::App* app, std::string* format);

// Adds "--db DIR" (required) to `app`.
void AddDbOption(CLI::App* app, std::string* db);

// Registers verify, log, prove, consistency, root.
void AddLogCommands(CLI::App& app, Commands& commands);

// Registers demo, import, replay, history.
void AddCompactCommands(CLI::App& app, Commands& commands);

}  // namespace ledger::cli

#endif  // LEDGER_TOOLS_LEDGERCTL_CLI_COMMON_H_
