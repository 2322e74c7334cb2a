// ledgerctl: the one command-line tool of Compact Ledger.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "tools/ledgerctl/audit_commands.h"
#include "tools/ledgerctl/cli_common.h"
#include "tools/ledgerctl/mirror_commands.h"
#include "tools/ledgerctl/publish_commands.h"
#include "tools/ledgerctl/service_commands.h"
#include "tools/ledgerctl/witness_commands.h"

namespace {

// CLI11 2.1 reads "-1" into an unsigned option as 2^64 - 1 (strtoull): each
// unsigned option of `app` and its subcommands refuses a sign instead.
void RefuseNegativeUnsigned(CLI::App* app) {
  for (CLI::Option* option : app->get_options()) {
    if (option->get_type_name() != "UINT") continue;
    option->check(CLI::Validator(
        [](std::string& value) {
          return !value.empty() && value[0] == '-' ? std::string("must not be negative")
                                                   : std::string();
        },
        "", ""));
  }
  for (CLI::App* sub : app->get_subcommands({})) RefuseNegativeUnsigned(sub);
}

// The first argument names a command unless it is an option; CLI11 would
// answer an unknown one with "A subcommand is required".
bool NamesUnknownCommand(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  for (CLI::App* sub : app.get_subcommands({})) {
    if (sub->check_name(argv[1])) return false;
  }
  return true;
}

}  // namespace

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
  RefuseNegativeUnsigned(&app);
  if (NamesUnknownCommand(app, argc, argv)) {
    std::cerr << "ledgerctl: unknown command \"" << argv[1]
              << "\"; `ledgerctl --help` lists the commands\n";
    return ledger::cli::kExitBadInput;
  }
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
