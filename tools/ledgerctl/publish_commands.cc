// `ledgerctl publish --db DIR --out DIR`: the log's C2SP tlog-tiles, up to
// its newest signed checkpoint, and the web view's pages and data
// (ledger/site), written incrementally to a directory
// (ledger/tiles/tile_publisher.h), the checkpoint last. Opens the database
// read-only, so it works while `ledgerctl serve` holds it.
#include "tools/ledgerctl/publish_commands.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "ledger/compact_ledger.h"
#include "ledger/publication/directory_writer.h"
#include "ledger/site/site_files.h"
#include "ledger/tiles/tile_files.h"
#include "ledger/tiles/tile_publisher.h"
#include "services/http/live_site.h"

namespace ledger::cli {

namespace {

struct PublishFlags {
  std::string db;
  std::string out;
  bool all = false;
  bool tiles_only = false;
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
  if (!flags.tiles_only) {
    auto site_options = services::http::SiteOptionsOf(log);
    if (!site_options.ok()) return Fail("publish", site_options.status());
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
  commands.push_back({publish, [f] { return RunPublish(*f); }});
}

}  // namespace ledger::cli
