// ledgerctl's commands that copy a published log: `mirror` keeps a verified
// copy of it; `restore` rebuilds a writable ledger from it.
#ifndef LEDGER_TOOLS_LEDGERCTL_MIRROR_COMMANDS_H_
#define LEDGER_TOOLS_LEDGERCTL_MIRROR_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "tools/ledgerctl/cli_common.h"

namespace ledger::cli {

// Registers mirror and restore.
void AddMirrorCommands(CLI::App& app, Commands& commands);

}  // namespace ledger::cli

#endif  // LEDGER_TOOLS_LEDGERCTL_MIRROR_COMMANDS_H_
