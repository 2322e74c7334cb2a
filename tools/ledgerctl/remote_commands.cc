// `ledgerctl replay|history --server ADDR`: the same questions as with --db,
// asked of a running server.
#include <iostream>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "ledger/compact/edtf.h"
#include "ledger/compact/render.h"
#include "ledger/log/hash.h"
#include "services/convert.h"
#include "tools/ledgerctl/service_commands.h"

namespace ledger::cli {

namespace {

using nlohmann::json;
using Stub = compact::v1::CompactService::Stub;

struct RemoteFlags {
  services::ClientOptions client;
  std::string token_file;
};

std::string Value(CLI::App* app, const std::string& name) {
  CLI::Option* option = app->get_option(name);
  return option->count() > 0 ? option->as<std::string>() : std::string();
}

std::string FormatOf(CLI::App* app) {
  const std::string format = Value(app, "--format");
  return format.empty() ? "text" : format;
}

int RemoteReplay(CLI::App* app, const RemoteFlags& f) {
  compact::v1::GetCompactRequest request;
  request.set_as_of(Value(app, "--at"));
  request.set_compact_id(Value(app, "--compact"));
  if (const std::string known = Value(app, "--as-known-at"); !known.empty()) {
    auto t = ParseKnownAt(known);
    if (!t.ok()) return Fail("replay", t.status());
    *request.mutable_as_known_at() = services::ToTimestamp(*t);
  }
  auto client = ConnectClient(f.client, f.token_file);
  if (!client.ok()) return FailConnect("replay", client.status());
  auto report = (*client)->Call(&Stub::GetCompact, (*client)->compact(), request);
  if (!report.ok()) return Fail("replay", report.status());
  if (FormatOf(app) == "json") {
    std::cout << ProtoJson(*report).dump() << "\n";
  } else {
    std::cout << compact::RenderStateText(*report);
  }
  return kExitOk;
}

int RemoteHistory(CLI::App* app, const RemoteFlags& f) {
  compact::v1::GetHistoryRequest request;
  request.set_compact_id(Value(app, "--compact"));
  auto client = ConnectClient(f.client, f.token_file);
  if (!client.ok()) return FailConnect("history", client.status());
  auto history = (*client)->Call(&Stub::GetHistory, (*client)->compact(), request);
  if (!history.ok()) return Fail("history", history.status());
  const bool as_json = FormatOf(app) == "json";
  for (const auto& e : history->events()) {
    const std::string leaf = log::ToHex(*log::HashFromBytes(e.leaf_hash()));
    const std::string at = Rfc3339(services::FromTimestamp(e.recorded_at()));
    if (as_json) {
      json line = {{"sequence", e.sequence()}, {"stream", e.stream()},
                   {"streamVersion", e.stream_version()}, {"recordedAt", at},
                   {"actor", e.actor()}, {"leafHash", leaf}, {"event", ProtoJson(e.event())}};
      std::cout << line.dump() << "\n";
    } else {
      std::cout << "#" << e.sequence() << "  " << compact::RenderEventText(e.event())
                << "   [recorded " << at << " by " << e.actor() << ", " << e.stream() << " v"
                << e.stream_version() << "]\n";
    }
  }
  return kExitOk;
}

// Gives `name` (registered with --db) a --server alternative.
void Extend(CLI::App& app, Commands& commands, const std::string& name,
            int (*remote)(CLI::App*, const RemoteFlags&)) {
  CLI::App* sub = app.get_subcommand(name);
  auto f = std::make_shared<RemoteFlags>();
  sub->get_option("--db")->required(false);
  AddClientOptions(sub, &f->client, &f->token_file, /*server_required=*/false);
  for (Command& command : commands) {
    if (command.app != sub) continue;
    command.run = [sub, f, remote, local = command.run, name] {
      if (!f->client.target.empty()) return remote(sub, *f);
      if (sub->get_option("--db")->count() == 0) {
        return Fail(name, absl::InvalidArgumentError("give --db DIR or --server ADDR"));
      }
      return local();
    };
  }
}

}  // namespace

void AddRemoteReadOptions(CLI::App& app, Commands& commands) {
  Extend(app, commands, "replay", &RemoteReplay);
  Extend(app, commands, "history", &RemoteHistory);
}

}  // namespace ledger::cli
