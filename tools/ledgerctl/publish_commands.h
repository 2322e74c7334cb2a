// ledgerctl's publication commands: `publish` writes the log's tlog-tiles
// to a directory for any static host.
#ifndef LEDGER_TOOLS_LEDGERCTL_PUBLISH_COMMANDS_H_
#define LEDGER_TOOLS_LEDGERCTL_PUBLISH_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "tools/ledgerctl/cli_common.h"

namespace ledger::cli {

// Registers publish.
void AddPublishCommands(CLI::App& app, Commands& commands);

}  // namespace ledger::cli

#endif  // LEDGER_TOOLS_LEDGERCTL_PUBLISH_COMMANDS_H_
