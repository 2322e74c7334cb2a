// Subcommands over compacts: demo, import, replay, history, export-popolo,
// export.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "ledger/compact/popolo.h"
#include "ledger/compact/render.h"
#include "ledger/compact_ledger.h"
#include "ledger/log/verify.h"
#include "ledger/scenario_file.h"
#include "tools/ledgerctl/cli_common.h"
#include "tools/ledgerctl/demo_pages.h"
#include "tools/ledgerctl/demo_witnesses.h"
#include "tools/ledgerctl/read_render.h"
#include "tools/ledgerctl/seed_scenario.h"

namespace ledger::cli {

namespace {

constexpr char kDemoActor[] = "ledgerctl demo";
// The telling dates of the seed story (docs/domain.md).
constexpr const char* kDemoDates[] = {"2005-01", "2005-03", "2006-05",
                                      "2006-07", "2007-06", "2011-10"};

// Opens the ledger to record into it (creating it when `create`).
absl::StatusOr<std::unique_ptr<CompactLedger>> OpenLedger(const std::string& db,
                                                          bool create) {
  log::LogOptions options;
  options.path = db;
  options.create_if_missing = create;
  return CompactLedger::Open(options);
}

// Records a scenario; prints how many events were new.
absl::Status ImportInto(CompactLedger& ledger, const Scenario& scenario,
                        const std::string& file, const std::string& actor,
                        std::ostream& out) {
  auto results =
      ledger.Record(scenario.commands, actor, scenario.request_ids, scenario.labels);
  if (!results.ok()) return results.status();
  size_t fresh = 0;
  for (const auto& r : *results) fresh += r.deduplicated ? 0 : 1;
  out << "imported " << file << ": " << results->size() << " events, " << fresh
      << " new, " << results->size() - fresh << " already in the ledger; log size "
      << ledger.log().Size() << "\n";
  return absl::OkStatus();
}

// A scenario that cannot be read (exit 3) or is not a scenario (exit 2).
int FailScenario(const std::string& command, const absl::Status& status) {
  return status.code() == absl::StatusCode::kNotFound ? FailOpen(command, status)
                                                      : Fail(command, status);
}

int RunImport(const std::string& db, const std::string& file, const std::string& actor) {
  // The file is read and parsed before the database is touched.
  auto scenario = ReadScenarioFile(file);
  if (!scenario.ok()) return FailScenario("import", scenario.status());
  auto ledger = OpenLedger(db, /*create=*/true);
  if (!ledger.ok()) return FailOpen("import", ledger.status());
  absl::Status status = ImportInto(**ledger, *scenario, file, actor, std::cout);
  return status.ok() ? kExitOk : Fail("import", status);
}

int ReplayState(const CompactLedger& ledger, const std::string& at, const std::string& compact,
               std::optional<absl::Time> known_at, const std::string& format,
               const std::string& command) {
  auto day = compact::ParseQueryDate(at);
  if (!day.ok()) return Fail(command, day.status());
  auto report = ledger.StateAt(*day, compact, known_at);
  if (!report.ok()) return Fail(command, report.status());
  PrintState(*report, format);
  return kExitOk;
}

// `scenario_file` empty: the seed scenario built into ledgerctl.
int RunDemo(const std::string& db, const std::string& scenario_file) {
  const std::string file = scenario_file.empty() ? kSeedScenarioName : scenario_file;
  auto scenario = scenario_file.empty() ? ParseScenario(SeedScenario(), kSeedScenarioName)
                                        : ReadScenarioFile(scenario_file);
  if (!scenario.ok()) return FailScenario("demo", scenario.status());
  auto ledger = OpenLedger(db, /*create=*/true);
  if (!ledger.ok()) return FailOpen("demo", ledger.status());
  std::cout << "Compact Ledger demo: the Worcestershire compacts, from the ledger alone\n"
            << "database: " << db << "\n\n";
  const uint64_t held = (*ledger)->log().Size();
  absl::Status imported = ImportInto(**ledger, *scenario, file, kDemoActor, std::cout);
  if (!imported.ok()) {
    // A rerun appends nothing; a refused line in a database that held
    // events is most often a demo made from another version of the
    // scenario (whose lines, and so request ids, differ).
    if (held > 0) {
      imported = absl::Status(imported.code(),
                              absl::StrCat(imported.message(), ". ", db, " already held ", held,
                                           " entries: if it is a demo made by another version "
                                           "of ledgerctl, run the demo with a new --db"));
    }
    return Fail("demo", imported);
  }
  const log::TreeHead head = (*ledger)->log().Head();
  ledger->reset();  // verification opens the database read-only
  auto report = log::VerifyLogAt(db);
  if (!report.ok()) return Fail("demo", report.status());
  if (!report->ok()) {
    std::cout << "LOG DOES NOT VERIFY: " << report->message << "\n";
    return kExitTampered;
  }
  std::cout << "verified: " << report->entries_checked << " entries, root "
            << log::ToHex(head.root) << "\n\n== Timeline (date order) ==\n";
  ledger = CompactLedger::OpenToRead(db);
  if (!ledger.ok()) return FailOpen("demo", ledger.status());
  auto timeline = (*ledger)->Timeline();
  if (!timeline.ok()) return Fail("demo", timeline.status());
  if (absl::Status printed = PrintTimeline(*timeline, std::cout); !printed.ok()) {
    return Fail("demo", printed);
  }
  for (const char* date : kDemoDates) {
    std::cout << "\n== State at " << date << " (the end of that month) ==\n";
    const int code = ReplayState(**ledger, date, "", std::nullopt, "text", "demo");
    if (code != kExitOk) return code;
  }
  return kExitOk;
}

int RunReplay(const std::string& db, const std::string& at, const std::string& compact,
              const std::string& known_at_text, const std::string& format) {
  std::optional<absl::Time> known_at;
  if (!known_at_text.empty()) {
    auto parsed = ParseKnownAt(known_at_text);
    if (!parsed.ok()) return Fail("replay", parsed.status());
    known_at = *parsed;
  }
  auto ledger = CompactLedger::OpenToRead(db);
  if (!ledger.ok()) return FailOpen("replay", ledger.status());
  return ReplayState(**ledger, at, compact, known_at, format, "replay");
}

int RunHistory(const std::string& db, const std::string& compact, const std::string& format,
               const std::string& order) {
  if (absl::Status checked = CheckHistoryOrder(order); !checked.ok()) {
    return Fail("history", checked);
  }
  auto ledger = CompactLedger::OpenToRead(db);
  if (!ledger.ok()) return FailOpen("history", ledger.status());
  auto history = (*ledger)->History(compact);
  if (!history.ok()) return Fail("history", history.status());
  absl::Status printed = PrintHistory(*history, compact, format, order);
  return printed.ok() ? kExitOk : Fail("history", printed);
}

// Prints the organisations, persons, posts, memberships, meetings and
// motions of the ledger's folded state as Popolo JSON. `command` names the
// subcommand in errors (export-popolo, or export --format popolo).
int RunExportPopolo(const std::string& db, const std::string& command) {
  auto ledger = CompactLedger::OpenToRead(db);
  if (!ledger.ok()) return FailOpen(command, ledger.status());
  std::string popolo;
  const absl::Status read = (*ledger)->ReadWorld(
      [&](const compact::World& world) { popolo = compact::PopoloJson(world.state()); });
  if (!read.ok()) return Fail(command, read);
  std::cout << popolo << "\n";
  return kExitOk;
}

// The formats `ledgerctl export --format` writes. (The audit bundle has its
// own command, export-bundle: it also reads from a server.)
constexpr char kExportFormats[] = "popolo";

// `export --format F`: the format is checked before the database is opened,
// so a misspelt format is a usage error whether or not the ledger exists.
int RunExport(const std::string& db, const std::string& format) {
  if (format != "popolo") {
    return Fail("export", absl::InvalidArgumentError(absl::StrCat(
                              "--format '", format, "' is not known: the formats are ",
                              kExportFormats)));
  }
  return RunExportPopolo(db, "export");
}

}  // namespace

void AddCompactCommands(CLI::App& app, Commands& commands) {
  struct Options {
    std::string db;
    std::string file;
    std::string actor = "ledgerctl import";
    std::string scenario;  // empty: the built-in seed scenario
    std::string at;
    std::string compact;
    std::string known_at;
    std::string format = "text";
    std::string export_format;
    std::string order = "date";
    std::string http;
    bool witnesses = false;
  };
  auto o = std::make_shared<Options>();

  CLI::App* demo = app.add_subcommand(
      "demo", "Load the Worcestershire seed scenario into an embedded database, verify "
              "the log, and print the timeline and the state at telling dates. Loading "
              "twice appends nothing.");
  demo->add_option("--db", o->db, "Directory of the ledger database")
      ->default_val("demo-ledger")->type_name("DIR");
  demo->add_option("--scenario", o->scenario,
                   "Scenario file (JSON Lines) to load instead of the seed scenario built "
                   "into ledgerctl (scenarios/worcestershire.jsonl)")
      ->type_name("FILE");
  demo->add_option("--http", o->http,
                   "Then sign the log's head with a demo key and serve the web view (and the "
                   "tlog-tiles) at this loopback host:port until Ctrl-C; prints the URL")
      ->type_name("ADDR");
  demo->add_flag("--witnesses", o->witnesses,
                 "Then start three example partner witnesses on this machine, publish the "
                 "log's head cosigned by a 2-of-3 quorum (C2SP tlog-witness, tlog-policy) and "
                 "verify a proof of the Council's adoption against that policy");
  commands.push_back({demo, [o] {
    if (!o->http.empty()) {
      if (absl::Status checked = CheckDemoAddress(o->http); !checked.ok()) {
        return Fail("demo", checked);
      }
    }
    int code = RunDemo(o->db, o->scenario);
    if (code == kExitOk && o->witnesses) code = RunWitnessedDemo(o->db);
    return code != kExitOk || o->http.empty() ? code : ServeDemoPages(o->db, o->http);
  }});

  CLI::App* import = app.add_subcommand(
      "import", "Record every event of a JSON Lines scenario file (one compact.v1.Event "
                "per line, protobuf JSON mapping) as one all-or-nothing batch");
  AddDbOption(import, &o->db);
  import->add_option("file", o->file, "Scenario file")->required();
  import->add_option("--actor", o->actor, "Who is recording")->capture_default_str();
  commands.push_back({import, [o] { return RunImport(o->db, o->file, o->actor); }});

  CLI::App* replay = app.add_subcommand(
      "replay", "State of the compacts at a date, rebuilt from the ledger");
  AddDbOption(replay, &o->db);
  AddFormatOption(replay, &o->format);
  replay->add_option("--at", o->at,
                     "Date: YYYY, YYYY-MM or YYYY-MM-DD. A reduced-precision date means the "
                     "END of that period: 2007 is 2007-12-31, 2007-06 is 2007-06-30")
      ->required();
  replay->add_option("--compact", o->compact, "Only this compact (its id)");
  replay->add_option("--as-known-at", o->known_at,
                     "Use only entries recorded up to this time (RFC 3339, or a date "
                     "meaning the end of it, UTC)");
  commands.push_back({replay, [o] {
                        return RunReplay(o->db, o->at, o->compact, o->known_at, o->format);
                      }});

  CLI::App* history = app.add_subcommand(
      "history", "Every event concerning one compact, with sequence numbers and recorded "
                 "times: in date order (each event at the first day its date allows; "
                 "ties in ledger order), or with --order ledger as recorded");
  AddDbOption(history, &o->db);
  AddFormatOption(history, &o->format);
  history->add_option("--compact", o->compact, "Compact id")->required();
  history->add_option("--order", o->order, "date (default) or ledger")->capture_default_str();
  commands.push_back({history, [o] {
                        return RunHistory(o->db, o->compact, o->format, o->order);
                      }});

  CLI::App* popolo = app.add_subcommand(
      "export-popolo", "Organisations, persons, posts, memberships, meetings (Popolo events) "
                       "and motions (proposals and decisions, with their results) of the "
                       "ledger as Popolo JSON (dates as precise as Popolo allows; every EDTF "
                       "date and the source's words kept in each object's \"compact_ledger\" "
                       "object). The same as export --format popolo");
  AddDbOption(popolo, &o->db);
  commands.push_back({popolo, [o] { return RunExportPopolo(o->db, "export-popolo"); }});

  CLI::App* exporter = app.add_subcommand(
      "export", "Write the record in another standard's format to standard output. "
                "--format popolo: Popolo JSON, as export-popolo writes it");
  AddDbOption(exporter, &o->db);
  exporter->add_option("--format", o->export_format,
                       absl::StrCat("Output format: ", kExportFormats))
      ->required()
      ->type_name("FORMAT");
  commands.push_back({exporter, [o] { return RunExport(o->db, o->export_format); }});
}

}  // namespace ledger::cli
