// ledgerctl: the one command-line tool of Compact Ledger.
#include <CLI/CLI.hpp>

#include "tools/ledgerctl/audit_commands.h"
#include "tools/ledgerctl/cli_common.h"
#include "tools/ledgerctl/mirror_commands.h"
#include "tools/ledgerctl/publish_commands.h"
#include "tools/ledgerctl/service_commands.h"
#include "tools/ledgerctl/witness_commands.h"

int main(int argc, char** argv) {
  CLI::App app(
      "ledgerctl: record, replay, prove and verify the decision history of "
      "compacts.\n\nExit codes: 0 success; 1 the log or proof does not verify "
      "(tampered); 2 usage error or refused input; 3 could not open or read.");
  app.require_subcommand(1);
  app.fallthrough(false);
  ledger::cli::Commands commands;
  ledger::cli::AddCompactCommands(app, commands);
  ledger::cli::AddLogCommands(app, commands);
  ledger::cli::AddAuditCommands(app, commands);
  ledger::cli::AddServiceCommands(app, commands);
  ledger::cli::AddWitnessCommands(app, commands);
  ledger::cli::AddVerifyConsistencyCommand(app, commands);
  ledger::cli::AddPublishCommands(app, commands);
  ledger::cli::AddMirrorCommands(app, commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : ledger::cli::kExitBadInput;
  }
  for (const auto& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return ledger::cli::kExitBadInput;
}
