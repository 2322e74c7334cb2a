// `ledgerctl demo --http ADDR`: after the demo, its web view in a browser.
#ifndef LEDGER_TOOLS_LEDGERCTL_DEMO_PAGES_H_
#define LEDGER_TOOLS_LEDGERCTL_DEMO_PAGES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ledger/log/log.h"
#include "ledger/log/signed_note.h"

namespace ledger::cli {

// The demo log's name in its checkpoints.
inline constexpr char kDemoOrigin[] = "demo.compact-ledger.example/worcestershire";
// The demo's checkpoint signing key file, in the database directory.
inline constexpr char kDemoKeyFile[] = "demo-checkpoint-signing.key";

// The demo's checkpoint signing key, kept in `db` (made on first use, mode
// 0600; reused later). Errors of audit::ReadPrivateKeyFile and
// WritePrivateKeyFile.
absl::StatusOr<log::NoteSigner> DemoSigner(const std::string& db);

// FailedPrecondition, saying to use a new --db, when the log at `db` has
// checkpoints of another origin than the demo's (signed by `ledgerctl
// checkpoint` or `serve --sign-key` before): a log keeps one origin, and the
// demo signs as kDemoOrigin. Checked before the demo writes anything there.
absl::Status CheckDemoOrigin(const log::Log& log, const std::string& db);

// InvalidArgument, saying what to give instead, unless `listen` is a
// loopback host:port: checked before the demo runs, so that a bad --http
// costs nothing.
absl::Status CheckDemoAddress(const std::string& listen);

// Signs the demo ledger's head at `db` as a C2SP checkpoint of the demo's
// origin with a demo key kept in the database directory (made on first
// use, mode 0600), so that the pages have a signed checkpoint to check every
// fact against; then serves the tlog-tiles and the web view over HTTP at
// `listen` (loopback only: the demo has no TLS) and prints the URL of the
// seed compact's page, until SIGINT or SIGTERM. An exit code of
// cli_common.h.
int ServeDemoPages(const std::string& db, const std::string& listen);

}  // namespace ledger::cli

#endif  // LEDGER_TOOLS_LEDGERCTL_DEMO_PAGES_H_
