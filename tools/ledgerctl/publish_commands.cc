// `ledgerctl publish --db DIR --out DIR`: the log's C2SP tlog-tiles, up to
// its newest signed checkpoint, written incrementally to a directory
// (ledger/tiles/tile_publisher.h). Opens the database read-only, so it
// works while `ledgerctl serve` holds it.
#include "tools/ledgerctl/publish_commands.h"

#include <iostream>
#include <memory>
#include <string>

#include "ledger/publication/directory_writer.h"
#include "ledger/tiles/tile_publisher.h"

namespace ledger::cli {

namespace {

struct PublishFlags {
  std::string db;
  std::string out;
  bool all = false;
};

int RunPublish(const PublishFlags& flags) {
  auto log = OpenExistingLog(flags.db);
  if (!log.ok()) return FailOpen("publish", log.status());
  auto out = publication::DirectoryWriter::Open(flags.out);
  if (!out.ok()) return Fail("publish", out.status());
  auto report = tiles::PublishTiles(**log, *out, {.all = flags.all});
  if (!report.ok()) return Fail("publish", report.status());
  std::cout << "published tree size " << report->tree_size << " (was "
            << report->previous_size << ") to " << flags.out << ": "
            << report->files.written << " files written, " << report->files.unchanged
            << " unchanged, " << report->partial_dirs_removed
            << " partial tile directories removed" << std::endl;
  return kExitOk;
}

}  // namespace

void AddPublishCommands(CLI::App& app, Commands& commands) {
  auto f = std::make_shared<PublishFlags>();
  CLI::App* publish = app.add_subcommand(
      "publish",
      "Write the log as C2SP tlog-tiles (checkpoint, hash tiles, entry bundles) to a "
      "directory for any static host, up to its newest signed checkpoint; only what changed "
      "since the last run, the checkpoint last. Works while a server holds the database");
  AddDbOption(publish, &f->db);
  publish->add_option("--out", f->out, "Directory to publish to (created if missing)")
      ->required()->type_name("DIR");
  publish->add_flag("--all", f->all,
                    "Check every file of the tree, not only those added since the directory's "
                    "checkpoint (restores deleted files)");
  commands.push_back({publish, [f] { return RunPublish(*f); }});
}

}  // namespace ledger::cli
