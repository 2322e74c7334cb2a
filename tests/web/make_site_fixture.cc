// Test-only: writes a published Compact Ledger site to a directory, as
// `ledgerctl publish` will (checkpoint, tiles and the web view's files),
// for the browser tests of the pages (run_browser_tests.py --suite site).
//
//   make_site_fixture --db DIR --out DIR --scenario FILE [--checkpoint-at N]
//
// Records the scenario into a new ledger at --db, signs a checkpoint with a
// fresh key, and writes under --out: checkpoint, every tile and entry
// bundle of the checkpoint's tree (ledger/tiles/LogTiles), every file of
// SiteFiles, checkpoint.impostor (the same checkpoint signed by a key the
// site does not trust) and fixture.json (the key, the tree size). With
// --checkpoint-at N the checkpoint (and its tiles) cover only the first N
// entries and the pages' data all of them. Exit 0 on success; 1 with a
// message on stderr otherwise.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
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

// Records scenario commands [first, last) in one batch.
absl::Status RecordPart(ledger::CompactLedger& ledger, const ledger::Scenario& scenario,
                        size_t first, size_t last) {
  const auto part = [&](const auto& v) {
    using V = std::decay_t<decltype(v)>;
    return V(v.begin() + static_cast<std::ptrdiff_t>(first),
             v.begin() + static_cast<std::ptrdiff_t>(last));
  };
  return ledger
      .Record(part(scenario.commands), "make_site_fixture", part(scenario.request_ids),
              part(scenario.labels))
      .status();
}

// `checkpoint_at`: 0 signs the checkpoint after the whole scenario is
// recorded; N > 0 signs it when the log holds the first N entries and
// records the rest afterwards, so the pages show facts no checkpoint covers
// yet (a live site between two checkpoints).
absl::Status Run(const std::string& db, const std::string& out_dir, const std::string& scenario_file,
                 uint64_t checkpoint_at) {
  const std::filesystem::path out(out_dir);
  ledger::log::LogOptions options;
  options.path = db;
  options.create_if_missing = true;
  LEDGER_ASSIGN_OR_RETURN(auto ledger, ledger::CompactLedger::Open(options));
  LEDGER_ASSIGN_OR_RETURN(ledger::Scenario scenario, ledger::ReadScenarioFile(scenario_file));
  const size_t commands = scenario.commands.size();
  const size_t signed_part = checkpoint_at == 0 ? commands : static_cast<size_t>(checkpoint_at);
  if (signed_part >= commands && checkpoint_at != 0) {
    return absl::InvalidArgumentError(absl::StrCat("--checkpoint-at ", checkpoint_at,
                                                   " leaves no entry after the checkpoint: the scenario has ",
                                                   commands, " commands"));
  }
  LEDGER_RETURN_IF_ERROR(RecordPart(*ledger, scenario, 0, signed_part));
  if (ledger->log().Size() != signed_part) {
    return absl::InternalError(absl::StrCat("expected ", signed_part, " entries, the log holds ",
                                            ledger->log().Size()));
  }
  LEDGER_ASSIGN_OR_RETURN(auto signer, ledger::log::NoteSigner::Generate(kOrigin));
  LEDGER_ASSIGN_OR_RETURN(auto impostor, ledger::log::NoteSigner::Generate(kOrigin));
  const std::vector<ledger::log::NoteSigner> signers = {signer};
  LEDGER_ASSIGN_OR_RETURN(auto checkpoint,
                          ledger::audit::PublishCheckpoint(ledger->log(), signers, kOrigin));
  if (signed_part < commands) LEDGER_RETURN_IF_ERROR(RecordPart(*ledger, scenario, signed_part, commands));
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
  uint64_t checkpoint_at = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--db") db = argv[i + 1];
    else if (flag == "--out") out = argv[i + 1];
    else if (flag == "--scenario") scenario = argv[i + 1];
    else if (flag == "--checkpoint-at" && absl::SimpleAtoi(argv[i + 1], &checkpoint_at)) continue;
    else {
      std::cerr << "make_site_fixture: unknown flag or bad value: " << flag << "\n";
      return 1;
    }
  }
  if (db.empty() || out.empty() || scenario.empty()) {
    std::cerr << "usage: make_site_fixture --db DIR --out DIR --scenario FILE\n";
    return 1;
  }
  const absl::Status status = Run(db, out, scenario, checkpoint_at);
  if (!status.ok()) {
    std::cerr << "make_site_fixture: " << status << "\n";
    return 1;
  }
  return 0;
}
