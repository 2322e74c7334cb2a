#include "tools/ledgerctl/read_render.h"

#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "ledger/compact/history_order.h"
#include "ledger/compact/render.h"
#include "tools/ledgerctl/cli_common.h"

namespace ledger::cli {

namespace {

using nlohmann::json;

constexpr char kDateOrderNote[] =
    "In date order: each event at the first day its date allows (\"from\" a range's first "
    "day; \"by\" the last day of a date open at the start; open ends marked); undated "
    "events first; events placed on the same day in ledger order (#sequence). "
    "--order ledger lists them as recorded.";

std::string TimelineLine(const HistoryItem& item) {
  return absl::StrCat("#", item.sequence, "  ", compact::RenderEventText(item.event));
}

json HistoryJson(const HistoryItem& item) {
  return {{"sequence", item.sequence}, {"stream", item.stream},
          {"streamVersion", item.stream_version}, {"recordedAt", Rfc3339(item.recorded_at)},
          {"actor", item.actor}, {"leafHash", log::ToHex(item.leaf_hash)},
          {"event", ProtoJson(item.event)}};
}

// One history item with where date order placed it.
struct Placed {
  const HistoryItem* item;
  std::optional<compact::HistoryPlacement> placement;  // absent in ledger order
};

absl::StatusOr<std::vector<Placed>> InOrder(const std::vector<HistoryItem>& items,
                                            bool by_date) {
  std::vector<Placed> out;
  if (!by_date) {
    for (const HistoryItem& item : items) out.push_back({&item, std::nullopt});
    return out;
  }
  std::vector<compact::HistoryEntry> entries;
  for (const HistoryItem& item : items) entries.push_back({item.sequence, &item.event});
  auto order = compact::OrderByDate(entries);
  if (!order.ok()) return order.status();
  for (const compact::HistoryPlacement& p : *order) out.push_back({&items[p.index], p});
  return out;
}

std::string PlacedLine(const Placed& p) {
  if (!p.placement.has_value()) return TimelineLine(*p.item);
  std::string at = compact::PlacementText(*p.placement);
  if (at.size() < 30) at.resize(30, ' ');
  return absl::StrCat(at, "  ", TimelineLine(*p.item));
}

json PlacedJson(const Placed& p) {
  json out = HistoryJson(*p.item);
  if (p.placement.has_value()) {
    out["placement"] = compact::PlacementKind(*p.placement);
    if (p.placement->day.has_value()) out["placedAt"] = p.placement->day->ToString();
    if (p.placement->open_end) out["openEnd"] = true;
    if (p.placement->corrected_by.has_value()) out["correctedBy"] = *p.placement->corrected_by;
    if (p.placement->placed_with.has_value()) out["placedWith"] = *p.placement->placed_with;
  }
  return out;
}

}  // namespace

absl::Status CheckHistoryOrder(const std::string& order) {
  if (order == "date" || order == "ledger") return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("--order '", order, "' is not known: use date or ledger"));
}

void PrintState(const compact::v1::StateReport& report, const std::string& format) {
  if (format == "json") {
    std::cout << ProtoJson(report).dump() << "\n";
  } else {
    std::cout << compact::RenderStateText(report);
  }
}

absl::Status PrintHistory(const std::vector<HistoryItem>& items, const std::string& compact_id,
                          const std::string& format, const std::string& order) {
  auto ordered = InOrder(items, order == "date");
  if (!ordered.ok()) return ordered.status();
  if (format != "json") {
    std::cout << "History of compact " << compact_id << ". "
              << (order == "date" ? std::string(kDateOrderNote)
                                  : std::string("In ledger order (as recorded)."))
              << "\n";
  }
  for (const Placed& p : *ordered) {
    if (format == "json") {
      std::cout << PlacedJson(p).dump() << "\n";
    } else {
      const HistoryItem& item = *p.item;
      std::cout << PlacedLine(p) << "   [recorded " << Rfc3339(item.recorded_at) << " by "
                << item.actor << ", " << item.stream << " v" << item.stream_version << "]\n";
    }
  }
  return absl::OkStatus();
}

absl::Status PrintTimeline(const std::vector<HistoryItem>& items, std::ostream& out) {
  auto ordered = InOrder(items, /*by_date=*/true);
  if (!ordered.ok()) return ordered.status();
  out << kDateOrderNote << "\n";
  for (const Placed& p : *ordered) out << PlacedLine(p) << "\n";
  return absl::OkStatus();
}

}  // namespace ledger::cli
