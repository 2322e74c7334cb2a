// `ledgerctl witness-keygen` and `ledgerctl witness`: a C2SP tlog-witness
// server over HTTP (cpp-httplib) in front of ledger/witness/witness.h.
#ifndef LEDGER_TOOLS_LEDGERCTL_WITNESS_COMMANDS_H_
#define LEDGER_TOOLS_LEDGERCTL_WITNESS_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "tools/ledgerctl/cli_common.h"

namespace ledger::cli {

// Registers witness-keygen and witness.
void AddWitnessCommands(CLI::App& app, Commands& commands);


}  // namespace ledger::cli

#endif  // LEDGER_TOOLS_LEDGERCTL_WITNESS_COMMANDS_H_
