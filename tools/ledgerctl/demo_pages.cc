#include "tools/ledgerctl/demo_pages.h"

#include <signal.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "ledger/audit/checkpointer.h"
#include "ledger/audit/key_file.h"
#include "ledger/base/status_macros.h"
#include "ledger/checkpointing/checkpoint_publisher.h"
#include "ledger/compact_ledger.h"
#include "services/address.h"
#include "services/http/http_server.h"
#include "tools/ledgerctl/cli_common.h"

namespace ledger::cli {

namespace {

// The seed's compact, the page a newcomer should see first.
constexpr char kSeedCompact[] = "worcestershire-2006";

}  // namespace

// A demo key signs the demo's checkpoints: the pages show who signed, and a
// real deployment signs with its own key and origin (`serve --sign-key
// --origin`). The key is in the database directory, so that deleting the
// demo deletes its key (RocksDB ignores files it does not name).
absl::StatusOr<log::NoteSigner> DemoSigner(const std::string& db) {
  const std::string path = (std::filesystem::path(db) / kDemoKeyFile).string();
  std::error_code error;
  if (std::filesystem::exists(path, error)) return audit::ReadPrivateKeyFile(path);
  auto signer = log::NoteSigner::Generate(kDemoOrigin);
  if (!signer.ok()) return signer.status();
  if (absl::Status written = audit::WritePrivateKeyFile(path, *signer); !written.ok()) {
    return written;
  }
  return signer;
}

absl::Status CheckDemoOrigin(const log::Log& log, const std::string& db) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<log::Checkpoint> newest, audit::NewestCheckpoint(log));
  if (newest.has_value() && newest->origin != kDemoOrigin) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the checkpoints in ", db, " are signed as \"", newest->origin,
        "\" (by `ledgerctl checkpoint` or `serve --sign-key`), and a log keeps one origin: the "
        "demo signs as \"", kDemoOrigin, "\"; run it with a new --db"));
  }
  return absl::OkStatus();
}

absl::Status CheckDemoAddress(const std::string& listen) {
  if (listen.find(':') == std::string::npos || !services::IsLoopbackAddress(listen)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http \"", listen, "\" is not a loopback host:port: the demo serves its pages "
        "without TLS, so only to this machine; give e.g. 127.0.0.1:8080 (or use `ledgerctl "
        "serve --http` with --tls-cert and --tls-key)"));
  }
  return absl::OkStatus();
}

int ServeDemoPages(const std::string& db, const std::string& listen) {
  // Block the stop signals before any thread starts, so that only sigwait
  // below sees them.
  const sigset_t stop = BlockStopSignals();

  log::LogOptions options;
  options.path = db;
  options.create_if_missing = false;
  auto ledger = CompactLedger::Open(options);
  if (!ledger.ok()) return FailOpen("demo", ledger.status());
  if (absl::Status origin = CheckDemoOrigin((*ledger)->log(), db); !origin.ok()) {
    return Fail("demo", origin);
  }
  auto signer = DemoSigner(db);
  if (!signer.ok()) return FailOpen("demo", signer.status());
  checkpointing::CheckpointPublisherOptions publishing;
  publishing.signers.push_back(*std::move(signer));
  publishing.origin = kDemoOrigin;
  publishing.messages = &std::cerr;
  auto publisher = checkpointing::CheckpointPublisher::Create((*ledger)->log(), publishing);
  if (!publisher.ok()) return Fail("demo", publisher.status());
  auto published = (*publisher)->PublishNow();
  if (!published.ok()) return Fail("demo", published.status());

  services::http::HttpOptions http;
  http.listen = listen;
  // The server's start-up notes speak of `serve` flags; the demo says below
  // what it serves and to whom.
  std::ostringstream start_notes;
  http.log = &start_notes;
  auto server = services::http::HttpServer::Start(
      http, services::http::LedgerFileSources(**ledger));
  if (!server.ok()) return FailInputOrOpen("demo", server.status());
  const std::string url = (*server)->url();
  std::cout << "\n== The web view ==\n"
            << "checkpoint of size " << published->checkpoint.head.tree_size
            << " signed by the demo key in " << db << "/" << kDemoKeyFile << "\n"
            << "listening on " << url << "/ (plaintext, to this machine only)\n"
            << "open " << url << "/compact.html?id=" << kSeedCompact
            << " : every fact is checked in your browser against that checkpoint "
               "(Ctrl-C stops)"
            << std::endl;
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  (*server)->Shutdown();
  return kExitOk;
}

}  // namespace ledger::cli
