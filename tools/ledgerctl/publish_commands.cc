// `ledgerctl publish --db DIR --out DIR`: the log's C2SP tlog-tiles, up to
// its newest signed checkpoint, and the web view's pages and data
// (ledger/site), written incrementally to a directory
// (ledger/tiles/tile_publisher.h), the checkpoint last. Opens the database
// read-only, so it works while `ledgerctl serve` holds it.
#include "tools/ledgerctl/publish_commands.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "ledger/compact_ledger.h"
#include "ledger/publication/directory_writer.h"
#include "ledger/site/site_files.h"
#include "ledger/tiles/tile_files.h"
#include "ledger/tiles/tile_publisher.h"
#include "ledger/witness/policy.h"
#include "services/http/live_site.h"

namespace ledger::cli {

namespace {

struct PublishFlags {
  std::string db;
  std::string out;
  bool all = false;
  bool tiles_only = false;
  std::string witness_policy;
};

int RunPublish(const PublishFlags& flags) {
  log::LogOptions options;
  options.path = flags.db;
  options.create_if_missing = false;
  options.read_only = true;
  auto ledger = CompactLedger::Open(options);
  if (!ledger.ok()) return FailOpen("publish", ledger.status());
  const log::Log& log = (*ledger)->log();
  // Refuse a ledger without a checkpoint before creating the directory.
  if (auto latest = tiles::LatestPublishedCheckpoint(log); !latest.ok()) {
    return Fail("publish", latest.status());
  }
  std::unique_ptr<site::SiteFiles> site;
  tiles::PublishOptions publish_options;
  publish_options.all = flags.all;
  std::optional<witness::Policy> policy;
  if (!flags.witness_policy.empty()) {
    if (flags.tiles_only) {
      return Fail("publish", absl::InvalidArgumentError(
                                 "--witness-policy tells the web view's pages which witnesses to "
                                 "check; --tiles-only publishes no pages"));
    }
    auto read = witness::ReadPolicyFile(flags.witness_policy);
    if (!read.ok()) return FailInputOrOpen("publish", read.status());
    policy = *std::move(read);
  }
  if (!flags.tiles_only) {
    auto site_options = services::http::SiteOptionsOf(log);
    if (!site_options.ok()) return Fail("publish", site_options.status());
    if (policy && !services::http::WitnessesOfPolicy(*policy, &*site_options)) {
      std::cerr << "ledgerctl publish: the quorum \"" << policy->quorum()
                << "\" nests groups, which the pages cannot check as k of n witnesses: they "
                   "verify and show every witness's cosignature but require none\n";
    }
    auto built = site::SiteFiles::Build(**ledger, *site_options);
    if (!built.ok()) return Fail("publish", built.status());
    site = *std::move(built);
    publish_options.beside.push_back({.source = site.get(), .paths = site->Paths()});
  }
  // A static host serves everything in --out: never a database's files.
  std::error_code error;
  if (std::filesystem::exists(std::filesystem::path(flags.out) / "CURRENT", error)) {
    return Fail("publish", absl::FailedPreconditionError(absl::StrCat(
                               "--out ", flags.out, " holds a database (its CURRENT file), which "
                               "a host serving the directory would serve too: publish to a "
                               "directory of its own")));
  }
  auto out = publication::DirectoryWriter::Open(flags.out);
  if (!out.ok()) return Fail("publish", out.status());
  auto report = tiles::PublishTiles(log, *out, publish_options);
  if (!report.ok()) return Fail("publish", report.status());
  std::cout << "published tree size " << report->tree_size << " (was "
            << report->previous_size << ") to " << flags.out << ": "
            << report->files.written << " files written, " << report->files.unchanged
            << " unchanged, " << report->partial_dirs_removed
            << " partial tile directories removed";
  if (site != nullptr) {
    std::cout << "; web view: " << report->beside.written << " files written, "
              << report->beside.unchanged << " unchanged";
  }
  std::cout << std::endl;
  return kExitOk;
}

}  // namespace

void AddPublishCommands(CLI::App& app, Commands& commands) {
  auto f = std::make_shared<PublishFlags>();
  CLI::App* publish = app.add_subcommand(
      "publish",
      "Write the log as C2SP tlog-tiles (checkpoint, hash tiles, entry bundles) and its web "
      "view (index.html, compact.html, data/...) to a directory for any static host, up to its "
      "newest signed checkpoint; only what changed since the last run, the checkpoint last. "
      "Works while a server holds the database");
  AddDbOption(publish, &f->db);
  publish->add_option("--out", f->out, "Directory to publish to (created if missing)")
      ->required()->type_name("DIR");
  publish->add_flag("--all", f->all,
                    "Check every file of the tree, not only those added since the directory's "
                    "checkpoint (restores deleted files)");
  publish->add_flag("--tiles-only", f->tiles_only,
                    "Write only the tlog-tiles, not the web view's pages and data");
  publish->add_option("--witness-policy", f->witness_policy,
                      "The ledger's C2SP tlog-policy file (as given to serve): the pages then "
                      "check its witnesses' cosignatures of the checkpoint and its quorum")
      ->type_name("FILE");
  commands.push_back({publish, [f] { return RunPublish(*f); }});
}

}  // namespace ledger::cli
