// `ledgerctl mirror` and `ledgerctl restore`: a verified copy of a log
// published as C2SP tlog-tiles (ledger/tiles/mirror.h), followed over HTTP
// or from a directory; and a writable ledger rebuilt from one, with its
// domain state.
#include "tools/ledgerctl/mirror_commands.h"

#include <signal.h>

#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "ledger/compact_ledger.h"
#include "ledger/log/hash.h"
#include "ledger/tiles/http_fetcher.h"
#include "ledger/tiles/mirror.h"
#include "ledger/base/status_macros.h"
#include "tools/ledgerctl/trust_options.h"

namespace ledger::cli {

namespace {

struct MirrorFlags {
  std::string from;
  std::string db;
  TrustFlags trust;
  bool once = false;
  bool verify_only = false;
  double interval_seconds = 10;
};

// "tree size N (was M): K entries", for messages.
std::string Describe(const tiles::MirrorRound& round) {
  return absl::StrCat("tree size ", round.tree_size, " (was ", round.previous_size, "): ",
                      round.entries, " entries");
}

// Opens the trust, the source and (unless verify-only) the database, then
// the mirror. `log` receives the database.
absl::StatusOr<std::unique_ptr<tiles::Mirror>> OpenMirror(const MirrorFlags& flags,
                                                          std::unique_ptr<log::Log>& log) {
  LEDGER_ASSIGN_OR_RETURN(Trust trust, LoadTrust(flags.trust));
  LEDGER_ASSIGN_OR_RETURN(tiles::TileFetcher fetch, tiles::FetcherFor(flags.from));
  if (!flags.verify_only) {
    log::LogOptions options;
    options.path = flags.db;
    options.create_if_missing = true;
    auto opened = log::Log::Open(options);
    if (!opened.ok()) {
      return absl::Status(opened.status().code(),
                          absl::StrCat("cannot open the copy at ", flags.db, ": ",
                                       opened.status().message()));
    }
    log = *std::move(opened);
  }
  tiles::MirrorOptions options;
  options.keys = trust.keys;
  options.origin = trust.origin;
  if (trust.policy.has_value()) {
    options.check_note = [trust](std::string_view note) { return CheckWitnesses(trust, note).status; };
  }
  return tiles::Mirror::Open(log.get(), std::move(fetch), std::move(options));
}

// Errors worth another try while following: the host is down, or has not
// published yet.
bool Transient(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsNotFound(status);
}

int RunMirror(const MirrorFlags& flags) {
  if (flags.verify_only == !flags.db.empty()) {
    return Fail("mirror", absl::InvalidArgumentError(
                              "give --db DIR to keep a copy, or --verify-only to check the "
                              "published log without keeping it"));
  }
  if (!(flags.interval_seconds >= 0.1 && flags.interval_seconds <= 86400)) {
    return Fail("mirror", absl::InvalidArgumentError(
                              "--interval must be between 0.1 and 86400 seconds"));
  }
  // Before any thread starts, so that only the wait below sees the signals.
  const sigset_t stop = BlockStopSignals();
  std::unique_ptr<log::Log> log;
  auto mirror = OpenMirror(flags, log);
  if (!mirror.ok()) {
    return absl::IsInvalidArgument(mirror.status()) ? Fail("mirror", mirror.status())
                                                    : FailOpen("mirror", mirror.status());
  }
  const std::string verb = flags.verify_only ? "verified" : "mirrored";
  const std::string what = flags.verify_only ? " checked" : " copied";
  std::cout << (flags.verify_only ? "verifying " : "mirroring ") << flags.from
            << (flags.verify_only ? "" : " into " + flags.db) << " (copy at tree size "
            << (*mirror)->size() << ")" << std::endl;
  for (;;) {
    auto round = (*mirror)->CatchUp();
    if (round.ok()) {
      if (flags.once || round->tree_size != round->previous_size || round->checkpoint_stored) {
        std::cout << verb << " " << Describe(*round) << what
                  << (round->checkpoint_stored ? ", checkpoint stored" : "") << std::endl;
      }
      if (flags.once) return kExitOk;
    } else if (flags.once || !Transient(round.status())) {
      return Fail("mirror", round.status());
    } else {
      std::cerr << "ledgerctl mirror: " << round.status().message() << "; trying again in "
                << flags.interval_seconds << " s" << std::endl;
    }
    const timespec wait = absl::ToTimespec(absl::Seconds(flags.interval_seconds));
    const int signal_number = sigtimedwait(&stop, nullptr, &wait);
    if (signal_number > 0) {
      std::cerr << "ledgerctl mirror: " << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
                << ": stopping at tree size " << (*mirror)->size() << std::endl;
      return kExitOk;
    }
  }
}

int RunRestore(const MirrorFlags& flags) {
  MirrorFlags once = flags;
  once.once = true;
  {
    std::unique_ptr<log::Log> log;
    auto mirror = OpenMirror(once, log);
    if (!mirror.ok()) {
      return absl::IsInvalidArgument(mirror.status()) ? Fail("restore", mirror.status())
                                                      : FailOpen("restore", mirror.status());
    }
    const uint64_t held = (*mirror)->size();
    auto round = (*mirror)->CatchUp();
    if (!round.ok()) {
      // Only a fetch that failed is worth repeating; the verdict on what
      // was fetched would be the same.
      const uint64_t now = (*mirror)->size();
      std::cerr << "ledgerctl restore: " << flags.db
                << (now == held ? absl::StrCat(" is as it was (", held, " entries)")
                                : absl::StrCat(" holds ", now, " entries, ", now - held,
                                               " of them copied now, each verified"))
                << (Transient(round.status()) ? "; run the same command again to go on" : "")
                << std::endl;
      return Fail("restore", round.status());
    }
    std::cout << "copied " << Describe(*round) << " from " << flags.from << std::endl;
  }
  // Opening the ledger writable folds the copied log into its domain state
  // and stores a snapshot of it, as a server would on start.
  log::LogOptions options;
  options.path = flags.db;
  options.create_if_missing = false;
  auto ledger = CompactLedger::Open(options);
  if (!ledger.ok()) return FailOpen("restore", ledger.status());
  if (absl::Status snapshot = (*ledger)->WaitForSnapshot(); !snapshot.ok()) {
    return Fail("restore", snapshot);
  }
  const log::TreeHead head = (*ledger)->log().Head();
  std::cout << "restored " << flags.db << ": tree size " << head.tree_size << ", root "
            << log::ToHex(head.root) << ", " << (*ledger)->ListCompacts().size()
            << " compacts; serve it with: ledgerctl serve --db " << flags.db << std::endl;
  return kExitOk;
}

void AddSourceOptions(CLI::App* cmd, MirrorFlags* f) {
  cmd->add_option("--from", f->from,
                  "Where the log is published: its URL (http:// or https://, where URL/checkpoint "
                  "is its checkpoint) or a directory written by ledgerctl publish")
      ->required()->type_name("URL|DIR");
  cmd->add_option("--key", f->trust.keys,
                  "The published log's verifier key; repeat for rotated keys")
      ->type_name("VERIFIERKEY");
  AddTrustOptions(cmd, &f->trust);
}

}  // namespace

void AddMirrorCommands(CLI::App& app, Commands& commands) {
  auto m = std::make_shared<MirrorFlags>();
  CLI::App* mirror = app.add_subcommand(
      "mirror",
      "Follow a log published as C2SP tlog-tiles into a verified local copy: every checkpoint's "
      "signature, every hash tile against its root, consistency with the copy, every entry "
      "against the tiles. Stops (exit 1) on a fork or a tampered tile, naming it. The copy is a "
      "ledger database that replay, history, export-bundle and verify read");
  AddSourceOptions(mirror, m.get());
  mirror->add_option("--db", m->db, "The copy (created if missing)")->type_name("DIR");
  mirror->add_flag("--once", m->once, "Catch up to the current checkpoint, then exit");
  mirror->add_flag("--verify-only", m->verify_only,
                   "Check the published log (any tlog-tiles log, not only a ledger's) without "
                   "keeping a copy");
  mirror->add_option("--interval", m->interval_seconds,
                     "Seconds between checks of the checkpoint when following (default 10)")
      ->type_name("SECONDS");
  commands.push_back({mirror, [m] { return RunMirror(*m); }});

  auto r = std::make_shared<MirrorFlags>();
  CLI::App* restore = app.add_subcommand(
      "restore",
      "Rebuild a writable ledger, with its domain state, from its published tiles alone, "
      "verified as mirror does; run again to resume an interrupted restore");
  AddSourceOptions(restore, r.get());
  AddDbOption(restore, &r->db);
  commands.push_back({restore, [r] { return RunRestore(*r); }});
}

}  // namespace ledger::cli
