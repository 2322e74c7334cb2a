// `ledgerctl witness-keygen` and `ledgerctl witness`: a C2SP tlog-witness
// server over HTTP (cpp-httplib) in front of ledger/witness/witness.h; and
// `ledgerctl verify-consistency`, the auditor's side of the same question.
#ifndef LEDGER_TOOLS_LEDGERCTL_WITNESS_COMMANDS_H_
#define LEDGER_TOOLS_LEDGERCTL_WITNESS_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "tools/ledgerctl/cli_common.h"

namespace ledger::cli {

// Registers witness-keygen and witness.
void AddWitnessCommands(CLI::App& app, Commands& commands);

// Registers verify-consistency (verify_consistency_command.cc): does a newer
// view of the log (bundle, checkpoint, published tiles) extend a kept
// checkpoint?
void AddVerifyConsistencyCommand(CLI::App& app, Commands& commands);

}  // namespace ledger::cli

#endif  // LEDGER_TOOLS_LEDGERCTL_WITNESS_COMMANDS_H_
