// `ledgerctl replay|history --server ADDR`: the same questions as with --db,
// asked of a running server.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "ledger/compact/edtf.h"
#include "ledger/log/hash.h"
#include "services/convert.h"
#include "tools/ledgerctl/read_render.h"
#include "tools/ledgerctl/service_commands.h"

namespace ledger::cli {

namespace {

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
  if (!client.ok()) return FailInputOrOpen("replay", client.status());
  auto report = (*client)->Call(&Stub::GetCompact, (*client)->compact(), request);
  if (!report.ok()) return Fail("replay", report.status());
  PrintState(*report, FormatOf(app));
  return kExitOk;
}

// The server's answer as the items a local read gives.
absl::StatusOr<std::vector<HistoryItem>> HistoryItems(
    const compact::v1::GetHistoryResponse& response) {
  std::vector<HistoryItem> items;
  for (const auto& e : response.events()) {
    HistoryItem& item = items.emplace_back();
    item.sequence = e.sequence();
    item.stream = e.stream();
    item.stream_version = e.stream_version();
    item.recorded_at = services::FromTimestamp(e.recorded_at());
    item.actor = e.actor();
    auto leaf = log::HashFromBytes(e.leaf_hash());
    if (!leaf.ok()) {
      return absl::DataLossError(absl::StrCat("the server's event ", e.sequence(),
                                              " has no valid leaf hash: ",
                                              leaf.status().message()));
    }
    item.leaf_hash = *leaf;
    item.event = e.event();
  }
  return items;
}

int RemoteHistory(CLI::App* app, const RemoteFlags& f) {
  const std::string order = Value(app, "--order").empty() ? "date" : Value(app, "--order");
  if (absl::Status checked = CheckHistoryOrder(order); !checked.ok()) {
    return Fail("history", checked);
  }
  compact::v1::GetHistoryRequest request;
  request.set_compact_id(Value(app, "--compact"));
  auto client = ConnectClient(f.client, f.token_file);
  if (!client.ok()) return FailInputOrOpen("history", client.status());
  auto history = (*client)->Call(&Stub::GetHistory, (*client)->compact(), request);
  if (!history.ok()) return Fail("history", history.status());
  auto items = HistoryItems(*history);
  if (!items.ok()) return Fail("history", items.status());
  absl::Status printed = PrintHistory(*items, request.compact_id(), FormatOf(app), order);
  return printed.ok() ? kExitOk : Fail("history", printed);
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
