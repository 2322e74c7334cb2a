// `ledgerctl record …`: record steps of a compact through a running server.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/log/hash.h"
#include "ledger/scenario_file.h"
#include "tools/ledgerctl/service_commands.h"

namespace ledger::cli {

namespace {

using compact::v1::CommandContext;
using compact::v1::RecordResponse;
using services::LedgerClient;
using Stub = compact::v1::CompactService::Stub;

struct RecordFlags {
  services::ClientOptions client;
  std::string token_file;
  // The command's context.
  std::string date, as_written, source, quote, locator, note, request_id, expected;
  std::string by, on_behalf_of, compact, version_label, condition;
  bool principles_only = false;
  std::vector<std::string> partners, for_bodies;
  std::string supersedes;
  // Mediation.
  std::string step, case_id, requested_by, against, issue, mediator_body, mediator_name,
      outcome;
  std::string file;
};

const std::map<std::string, compact::v1::ActionKind>& MediationSteps() {
  static const auto* steps = new std::map<std::string, compact::v1::ActionKind>{
      {"requested", compact::v1::ACTION_KIND_MEDIATION_REQUESTED},
      {"accepted", compact::v1::ACTION_KIND_MEDIATION_ACCEPTED},
      {"mediator-appointed", compact::v1::ACTION_KIND_MEDIATOR_APPOINTED},
      {"meeting-held", compact::v1::ACTION_KIND_MEDIATION_MEETING_HELD},
      {"resolved", compact::v1::ACTION_KIND_MEDIATION_RESOLVED},
      {"escalated", compact::v1::ACTION_KIND_MEDIATION_ESCALATED},
      {"withdrawn", compact::v1::ACTION_KIND_MEDIATION_WITHDRAWN}};
  return *steps;
}

absl::StatusOr<ledger::v1::ExpectedVersion> ParseExpected(const std::string& text) {
  ledger::v1::ExpectedVersion out;
  uint64_t version = 0;
  if (text.empty()) return out;
  if (text == "any") {
    out.set_kind(ledger::v1::ExpectedVersion::KIND_ANY);
  } else if (text == "none") {
    out.set_kind(ledger::v1::ExpectedVersion::KIND_NO_STREAM);
  } else if (absl::SimpleAtoi(text, &version) && version > 0) {
    out.set_kind(ledger::v1::ExpectedVersion::KIND_EXACT);
    out.set_version(version);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "--expected \"", text, "\": use any, none (no stream yet) or a version >= 1"));
  }
  return out;
}

absl::StatusOr<CommandContext> Context(const RecordFlags& f) {
  CommandContext c;
  c.set_request_id(f.request_id);
  auto expected = ParseExpected(f.expected);
  if (!expected.ok()) return expected.status();
  *c.mutable_expected() = *expected;
  c.mutable_date()->set_edtf(f.date);
  c.mutable_date()->set_as_written(f.as_written);
  auto* citation = c.add_citations();
  citation->set_source_id(f.source);
  citation->set_quote(f.quote);
  citation->set_locator(f.locator);
  c.set_note(f.note);
  return c;
}

compact::v1::Party By(const RecordFlags& f) {
  compact::v1::Party party;
  party.set_body_id(f.by);
  party.set_on_behalf_of(f.on_behalf_of);
  return party;
}

void PrintResult(const RecordResponse& r) {
  std::cout << (r.deduplicated() ? "already recorded (retry, nothing appended): #"
                                 : "recorded #")
            << r.sequence() << " on " << r.stream() << " v" << r.stream_version()
            << " (leaf " << log::ToHex(*log::HashFromBytes(r.leaf_hash())) << ")\n";
}

// Fills the typed request from the flags, sends it, prints the result.
template <typename Request>
int Send(const char* name, const RecordFlags& f,
         grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, RecordResponse*),
         const std::function<void(Request&)>& fill) {
  const std::string command = absl::StrCat("record ", name);
  auto context = Context(f);
  if (!context.ok()) return Fail(command, context.status());
  auto client = ConnectClient(f.client, f.token_file);
  if (!client.ok()) return FailInputOrOpen(command, client.status());
  Request request;
  *request.mutable_context() = *context;
  fill(request);
  auto result = (*client)->Call(method, (*client)->compact(), request);
  if (!result.ok()) return Fail(command, result.status());
  PrintResult(*result);
  return kExitOk;
}

int RunImport(const RecordFlags& f) {
  auto scenario = ReadScenarioFile(f.file);
  if (!scenario.ok()) return FailOpen("record import", scenario.status());
  auto client = ConnectClient(f.client, f.token_file);
  if (!client.ok()) return FailInputOrOpen("record import", client.status());
  compact::v1::RecordEventsRequest request;
  for (size_t i = 0; i < scenario->commands.size(); ++i) {
    auto* one = request.add_events();
    *one->mutable_event() = scenario->commands[i];
    one->set_request_id(scenario->request_ids[i]);
  }
  auto result = (*client)->Call(&Stub::RecordEvents, (*client)->compact(), request);
  if (!result.ok()) return Fail("record import", result.status());
  size_t fresh = 0;
  for (const auto& r : result->results()) fresh += r.deduplicated() ? 0 : 1;
  std::cout << "imported " << f.file << ": " << result->results_size() << " events, " << fresh
            << " new, " << result->results_size() - fresh << " already in the ledger\n";
  return kExitOk;
}

void AddContextOptions(CLI::App* app, RecordFlags* f) {
  AddClientOptions(app, &f->client, &f->token_file, /*server_required=*/true);
  f->client.records = true;
  app->add_option("--date", f->date, "When (EDTF, e.g. 2006-04-04, 2005-02, [..2011-09])")
      ->required();
  app->add_option("--as-written", f->as_written, "The date in the source's words");
  app->add_option("--source", f->source, "Id of the registered source document")->required();
  app->add_option("--quote", f->quote, "The source's exact words")->required();
  app->add_option("--locator", f->locator, "Where in the source (§4.2, title...)");
  app->add_option("--note", f->note, "Context or reasoning");
  app->add_option("--request-id", f->request_id,
                  "Idempotency key: a retry with the same key appends nothing");
  app->add_option("--expected", f->expected,
                  "Expected version of the stream: any, none, or N (a conflict is refused)");
  app->add_option("--by", f->by, "Id of the body that acted")->required();
  app->add_option("--on-behalf-of", f->on_behalf_of, "Id of the body it acted for");
}

}  // namespace

void AddRecordCommands(CLI::App& app, Commands& commands) {
  auto f = std::make_shared<RecordFlags>();
  CLI::App* record = app.add_subcommand(
      "record", "Record a step of a compact through a running server (see `serve`)");
  record->require_subcommand(1);

  CLI::App* endorse = record->add_subcommand("endorse", "A body endorses a compact");
  AddContextOptions(endorse, f.get());
  endorse->add_option("--compact", f->compact, "Compact id")->required();
  endorse->add_option("--version-label", f->version_label, "Which text");
  endorse->add_flag("--principles-only", f->principles_only, "Endorse only its principles");
  commands.push_back({endorse, [f] {
    return Send<compact::v1::RecordEndorsementRequest>(
        "endorse", *f, &Stub::RecordEndorsement, [&](auto& r) {
          r.set_compact_id(f->compact);
          *r.mutable_by() = By(*f);
          r.set_version_label(f->version_label);
          r.set_principles_only(f->principles_only);
        });
  }});

  CLI::App* adopt = record->add_subcommand("adopt", "A body adopts a compact");
  AddContextOptions(adopt, f.get());
  adopt->add_option("--compact", f->compact, "Compact id")->required();
  adopt->add_option("--partner", f->partners, "Partner it is adopted with (repeatable)");
  adopt->add_option("--version-label", f->version_label, "Which text");
  adopt->add_option("--condition", f->condition, "Condition in the source's words");
  commands.push_back({adopt, [f] {
    return Send<compact::v1::RecordAdoptionRequest>(
        "adopt", *f, &Stub::RecordAdoption, [&](auto& r) {
          r.set_compact_id(f->compact);
          *r.mutable_by() = By(*f);
          for (const auto& p : f->partners) r.add_partner_ids(p);
          r.set_version_label(f->version_label);
          r.set_condition(f->condition);
        });
  }});

  CLI::App* sign = record->add_subcommand("sign", "A party signs a compact");
  AddContextOptions(sign, f.get());
  sign->add_option("--compact", f->compact, "Compact id")->required();
  sign->add_option("--version-label", f->version_label, "Which text");
  commands.push_back({sign, [f] {
    return Send<compact::v1::RecordSignatureRequest>(
        "sign", *f, &Stub::RecordSignature, [&](auto& r) {
          r.set_compact_id(f->compact);
          *r.mutable_by() = By(*f);
          r.set_version_label(f->version_label);
        });
  }});

  CLI::App* supersede = record->add_subcommand("supersede", "One compact supersedes another");
  AddContextOptions(supersede, f.get());
  supersede->add_option("--compact", f->compact, "The compact that supersedes")->required();
  supersede->add_option("--supersedes", f->supersedes, "The compact superseded")->required();
  supersede->add_option("--for", f->for_bodies, "For this body only (repeatable)");
  supersede->add_option("--condition", f->condition, "e.g. \"with immediate effect\"");
  commands.push_back({supersede, [f] {
    return Send<compact::v1::RecordSupersessionRequest>(
        "supersede", *f, &Stub::RecordSupersession, [&](auto& r) {
          r.set_compact_id(f->compact);
          r.set_superseded_compact_id(f->supersedes);
          *r.mutable_by() = By(*f);
          for (const auto& b : f->for_bodies) r.add_for_body_ids(b);
          r.set_condition(f->condition);
        });
  }});

  CLI::App* step = record->add_subcommand("mediation-step", "One step of a mediation case");
  AddContextOptions(step, f.get());
  step->add_option("--step", f->step, "The step")
      ->required()
      ->check(CLI::IsMember({"requested", "accepted", "mediator-appointed", "meeting-held",
                             "resolved", "escalated", "withdrawn"}));
  step->add_option("--case", f->case_id, "Case id")->required();
  step->add_option("--compact", f->compact, "Compact id (for `requested`)");
  step->add_option("--requested-by", f->requested_by, "requested: who asks");
  step->add_option("--against", f->against, "requested: against whom");
  step->add_option("--issue", f->issue, "requested: the issue");
  step->add_option("--mediator-body", f->mediator_body, "mediator-appointed: body id");
  step->add_option("--mediator-name", f->mediator_name, "mediator-appointed: person");
  step->add_option("--outcome", f->outcome, "resolved/escalated/withdrawn: outcome");
  commands.push_back({step, [f] {
    return Send<compact::v1::RecordMediationStepRequest>(
        "mediation-step", *f, &Stub::RecordMediationStep, [&](auto& r) {
          r.set_step(MediationSteps().at(f->step));
          r.set_compact_id(f->compact);
          *r.mutable_by() = By(*f);
          auto* m = r.mutable_mediation();
          m->set_case_id(f->case_id);
          m->set_requested_by(f->requested_by);
          m->set_against(f->against);
          m->set_issue(f->issue);
          m->set_mediator_body_id(f->mediator_body);
          m->set_mediator_name(f->mediator_name);
          m->set_outcome(f->outcome);
        });
  }});

  CLI::App* import = record->add_subcommand(
      "import", "Record a JSON Lines scenario file as one all-or-nothing batch; the lines' "
                "request ids make a second import append nothing");
  AddClientOptions(import, &f->client, &f->token_file, /*server_required=*/true);
  f->client.records = true;
  import->add_option("file", f->file, "Scenario file")->required();
  commands.push_back({import, [f] { return RunImport(*f); }});
}

CLI::Option* AddClientOptions(CLI::App* app, services::ClientOptions* options,
                              std::string* token_file, bool server_required) {
  auto* server = app->add_option("--server", options->target, "Server address, host:port");
  if (server_required) server->required();
  app->add_option("--ca", options->ca_file, "CA of the server's certificate (PEM): use TLS");
  app->add_option("--cert", options->cert_file, "Client certificate (PEM), for mutual TLS");
  app->add_option("--client-key", options->key_file, "Client private key (PEM), for mutual TLS");
  app->add_option("--server-name", options->server_name,
                  "Name to check the server's certificate against");
  app->add_option("--token-file", *token_file,
                  "File holding the bearer token (default: $LEDGERCTL_TOKEN)");
  return server;
}

absl::StatusOr<std::unique_ptr<LedgerClient>> ConnectClient(services::ClientOptions options,
                                                            const std::string& token_file) {
  if (!token_file.empty()) {
    std::ifstream in(token_file);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read token file ", token_file));
    std::getline(in, options.token);
  } else if (const char* env = std::getenv("LEDGERCTL_TOKEN"); env != nullptr) {
    options.token = env;
  }
  return LedgerClient::Connect(options);
}

}  // namespace ledger::cli
