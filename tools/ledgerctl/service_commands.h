// ledgerctl's network subcommands: `serve` runs the gRPC server; `record …`
// talks to one; `replay` and `history` gain `--server ADDR` (and the TLS
// and token options) to ask a running server instead of opening --db.
#ifndef LEDGER_TOOLS_LEDGERCTL_SERVICE_COMMANDS_H_
#define LEDGER_TOOLS_LEDGERCTL_SERVICE_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "absl/status/statusor.h"
#include "services/client.h"
#include "tools/ledgerctl/cli_common.h"

namespace ledger::cli {

// Registers serve and record, and extends replay and history (registered
// before, by AddCompactCommands) with --server.
void AddServiceCommands(CLI::App& app, Commands& commands);

// Internal to the service commands (serve_command.cc, client_commands.cc,
// remote_commands.cc).
void AddServeCommand(CLI::App& app, Commands& commands);
void AddRecordCommands(CLI::App& app, Commands& commands);
void AddRemoteReadOptions(CLI::App& app, Commands& commands);

// Adds --server ADDR, --ca, --cert, --client-key, --server-name,
// --token-file to `app`, bound to `options` and `token_file`; returns the
// --server option. (--client-key, not --key: in ledgerctl --key is always a
// checkpoint verifier key.)
CLI::Option* AddClientOptions(CLI::App* app, services::ClientOptions* options, std::string* token_file,
                      bool server_required);

// Connects with `options`; the token comes from --token-file or, when that
// is not given, the LEDGERCTL_TOKEN environment variable.
absl::StatusOr<std::unique_ptr<services::LedgerClient>> ConnectClient(
    services::ClientOptions options, const std::string& token_file);

}  // namespace ledger::cli

#endif  // LEDGER_TOOLS_LEDGERCTL_SERVICE_COMMANDS_H_
