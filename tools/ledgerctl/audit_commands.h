// ledgerctl's auditing subcommands: keygen, checkpoint, export-bundle,
// verify-proof; and the bundle and signed-proof forms of `verify` and
// `prove` (registered in log_commands.cc, run here).
#ifndef LEDGER_TOOLS_LEDGERCTL_AUDIT_COMMANDS_H_
#define LEDGER_TOOLS_LEDGERCTL_AUDIT_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "tools/ledgerctl/cli_common.h"
#include "tools/ledgerctl/trust_options.h"

namespace ledger::cli {

// Registers keygen, checkpoint, export-bundle and verify-proof.
void AddAuditCommands(CLI::App& app, Commands& commands);

// `verify --bundle FILE --key KEY... [--origin O] [--policy FILE]`: offline
// verification of an audit bundle, and of its newest checkpoint's witness
// quorum when a policy is given. Exit 0 verified, 1 tampered (or the quorum
// not met), 2 bad key string or policy, 3 unreadable.
int RunVerifyBundle(const std::string& bundle, const TrustFlags& trust,
                    const std::string& format);

// `verify-proof FILE [--key KEY...] [--origin O] [--policy FILE]`: offline
// verification of a proof from `prove --compact` (JSON or C2SP tlog-proof),
// and of its checkpoint's witness quorum when a policy is given; prints the
// verdict. Exit 0 verified, 1 does not verify (or the quorum is not met), 2
// bad key or policy, 3 unreadable.
int RunVerifyProof(const std::string& file, const TrustFlags& flags, const std::string& format);

// `prove --compact ID --event N`: prints the JSON proof of event N (a
// ledger sequence, as `history` shows it) of compact ID against the newest
// signed checkpoint.
int RunProveCompact(const std::string& db, const std::string& compact_id, uint64_t sequence);

}  // namespace ledger::cli

#endif  // LEDGER_TOOLS_LEDGERCTL_AUDIT_COMMANDS_H_
