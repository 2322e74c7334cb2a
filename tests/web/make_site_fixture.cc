// Test-only: writes a published Compact Ledger site to a directory, as
// `ledgerctl publish` will (checkpoint, tiles and the web view's files),
// for the browser tests of the pages (run_browser_tests.py --suite site).
//
//   make_site_fixture --db DIR --out DIR --scenario FILE
//
// Records the scenario into a new ledger at --db, signs a checkpoint with a
// fresh key, and writes under --out: checkpoint, every tile and entry
// bundle of the checkpoint's tree (ledger/tiles/LogTiles), every file of
// SiteFiles, checkpoint.impostor (the same checkpoint signed by a key the
// site does not trust) and fixture.json (the key, the tree size). Exit 0
// on success; 1 with a message on stderr otherwise.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "ledger/audit/checkpointer.h"
#include "ledger/base/status_macros.h"
#include "ledger/compact_ledger.h"
#include "ledger/log/signed_note.h"
#include "ledger/scenario_file.h"
#include "ledger/site/site_files.h"
#include "ledger/tiles/log_tiles.h"
#include "ledger/tiles/tile_path.h"

namespace {

constexpr char kOrigin[] = "example.com/compact-ledger/test";

absl::Status WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("could not write ", path.string()));
  return absl::OkStatus();
}

// Every hash tile and entry bundle of the tree of `size`.
std::vector<ledger::tiles::TileId> TilesOf(uint64_t size) {
  std::vector<ledger::tiles::TileId> tiles;
  const uint64_t w = ledger::tiles::kTileWidth;
  uint64_t span = 1;  // leaves per hash at this level
  for (uint32_t level = 0; size / span > 0; ++level, span *= w) {
    const uint64_t hashes = size / span;
    for (uint64_t i = 0; i < hashes / w; ++i) {
      tiles.push_back({.level = level, .index = i});
      if (level == 0) tiles.push_back({.entries = true, .index = i});
    }
    if (const uint32_t rest = static_cast<uint32_t>(hashes % w); rest > 0) {
      tiles.push_back({.level = level, .index = hashes / w, .width = rest});
      if (level == 0) tiles.push_back({.entries = true, .index = hashes / w, .width = rest});
    }
  }
  return tiles;
}

absl::Status Run(const std::string& db, const std::string& out_dir, const std::string& scenario_file) {
  const std::filesystem::path out(out_dir);
  ledger::log::LogOptions options;
  options.path = db;
  options.create_if_missing = true;
  LEDGER_ASSIGN_OR_RETURN(auto ledger, ledger::CompactLedger::Open(options));
  LEDGER_ASSIGN_OR_RETURN(ledger::Scenario scenario, ledger::ReadScenarioFile(scenario_file));
  LEDGER_RETURN_IF_ERROR(
      ledger->Record(scenario.commands, "make_site_fixture", scenario.request_ids, scenario.labels)
          .status());
  LEDGER_ASSIGN_OR_RETURN(auto signer, ledger::log::NoteSigner::Generate(kOrigin));
  LEDGER_ASSIGN_OR_RETURN(auto impostor, ledger::log::NoteSigner::Generate(kOrigin));
  const std::vector<ledger::log::NoteSigner> signers = {signer};
  LEDGER_ASSIGN_OR_RETURN(auto checkpoint,
                          ledger::audit::PublishCheckpoint(ledger->log(), signers, kOrigin));
  const uint64_t size = checkpoint.head.tree_size;
  LEDGER_RETURN_IF_ERROR(WriteFile(out / "checkpoint", checkpoint.note));
  LEDGER_ASSIGN_OR_RETURN(auto parsed, ledger::log::ParseNote(checkpoint.note));
  LEDGER_ASSIGN_OR_RETURN(std::string impostor_note,
                          ledger::log::SignNote(parsed.text, impostor));
  LEDGER_RETURN_IF_ERROR(WriteFile(out / "checkpoint.impostor", impostor_note));

  ledger::tiles::LogTiles tiles(ledger->log());
  for (const auto& tile : TilesOf(size)) {
    LEDGER_ASSIGN_OR_RETURN(std::string bytes, tiles.Read(tile, size));
    LEDGER_RETURN_IF_ERROR(WriteFile(out / ledger::tiles::TilePath(tile), bytes));
  }
  ledger::site::SiteOptions site_options;
  site_options.log_keys = {signer.verifier().KeyString()};
  site_options.origin = kOrigin;
  LEDGER_ASSIGN_OR_RETURN(auto site, ledger::site::SiteFiles::Build(*ledger, site_options));
  for (const std::string& path : site->Paths()) {
    LEDGER_ASSIGN_OR_RETURN(auto file, site->Get(path));
    LEDGER_RETURN_IF_ERROR(WriteFile(out / path, file.bytes));
  }
  nlohmann::json fixture = {{"treeSize", size},
                            {"logKey", signer.verifier().KeyString()},
                            {"impostorKey", impostor.verifier().KeyString()},
                            {"origin", kOrigin}};
  return WriteFile(out / "fixture.json", fixture.dump(1));
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, out, scenario;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--db") db = argv[i + 1];
    else if (flag == "--out") out = argv[i + 1];
    else if (flag == "--scenario") scenario = argv[i + 1];
    else {
      std::cerr << "make_site_fixture: unknown flag " << flag << "\n";
      return 1;
    }
  }
  if (db.empty() || out.empty() || scenario.empty()) {
    std::cerr << "usage: make_site_fixture --db DIR --out DIR --scenario FILE\n";
    return 1;
  }
  const absl::Status status = Run(db, out, scenario);
  if (!status.ok()) {
    std::cerr << "make_site_fixture: " << status << "\n";
    return 1;
  }
  return 0;
}
