#include "ledger/compact/history_order.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/compact/dates.h"

namespace ledger::compact {
namespace {

using How = HistoryPlacement::How;

absl::StatusOr<HistoryPlacement> PlaceDate(const compact::v1::Date& date, size_t index) {
  HistoryPlacement p;
  p.index = index;
  if (date.edtf().empty()) return p;
  LEDGER_ASSIGN_OR_RETURN(DayRange range, RangeOf(date));
  p.open_end = range.earliest.has_value() && !range.latest.has_value();
  if (range.earliest.has_value()) {
    p.day = range.earliest;
    p.how = range.latest == range.earliest ? How::kOnDay : How::kFromEarliest;
  } else if (range.latest.has_value()) {
    p.day = range.latest;
    p.how = How::kByLatest;
  }
  return p;
}

// The date an event is placed by: its own, or a source's date.
const compact::v1::Date& DateOf(const compact::v1::Event& e) {
  if (!e.has_date() && e.has_source_registered()) return e.source_registered().date();
  return e.date();
}

}  // namespace

absl::StatusOr<std::vector<HistoryPlacement>> OrderByDate(
    const std::vector<HistoryEntry>& entries) {
  std::map<uint64_t, size_t> by_sequence;
  std::map<std::string, size_t> by_ref;
  for (size_t i = 0; i < entries.size(); ++i) {
    by_sequence[entries[i].sequence] = i;
    if (!entries[i].event->ref().empty()) by_ref[entries[i].event->ref()] = i;
  }
  // The entry an annotation names: by sequence, or by ref alone (a target
  // recorded in the same batch is stored so).
  auto target_of = [&](const compact::v1::EventRef& ref) -> std::optional<size_t> {
    if (ref.has_sequence()) {
      auto it = by_sequence.find(ref.sequence());
      if (it != by_sequence.end()) return it->second;
    }
    auto it = by_ref.find(ref.ref());
    if (!ref.ref().empty() && it != by_ref.end()) return it->second;
    return std::nullopt;
  };
  // The latest CORRECTION giving a date, per target.
  std::map<size_t, size_t> corrected;
  for (size_t i = 0; i < entries.size(); ++i) {
    const compact::v1::Annotation& a = entries[i].event->annotation();
    if (!entries[i].event->has_annotation() ||
        a.kind() != compact::v1::ANNOTATION_KIND_CORRECTION || !a.has_date()) {
      continue;
    }
    if (std::optional<size_t> target = target_of(a.target())) corrected[*target] = i;
  }
  std::vector<HistoryPlacement> out(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    auto fix = corrected.find(i);
    const compact::v1::Date& date = fix == corrected.end()
                                        ? DateOf(*entries[i].event)
                                        : entries[fix->second].event->annotation().date();
    LEDGER_ASSIGN_OR_RETURN(out[i], PlaceDate(date, i));
    if (fix != corrected.end()) out[i].corrected_by = entries[fix->second].sequence;
  }
  // An undated annotation sits with the event it annotates.
  for (size_t i = 0; i < entries.size(); ++i) {
    const compact::v1::Event& e = *entries[i].event;
    if (!e.has_annotation() || out[i].how != How::kUndated) continue;
    const std::optional<size_t> target = target_of(e.annotation().target());
    if (!target.has_value()) continue;
    const HistoryPlacement& t = out[*target];
    out[i].how = t.how;
    out[i].day = t.day;
    out[i].open_end = t.open_end;
    out[i].placed_with = entries[*target].sequence;
  }
  // Undated first, then by day, then in ledger order.
  std::stable_sort(out.begin(), out.end(),
                   [&](const HistoryPlacement& a, const HistoryPlacement& b) {
                     const bool a_dated = a.day.has_value(), b_dated = b.day.has_value();
                     if (a_dated != b_dated) return !a_dated;
                     if (a_dated && *a.day != *b.day) return *a.day < *b.day;
                     return entries[a.index].sequence < entries[b.index].sequence;
                   });
  return out;
}

std::string PlacementText(const HistoryPlacement& p) {
  std::string text;
  switch (p.how) {
    case How::kUndated: text = "undated"; break;
    case How::kOnDay: text = p.day->ToString(); break;
    case How::kFromEarliest:
      text = absl::StrCat("from ", p.day->ToString(), p.open_end ? " (open end)" : "");
      break;
    case How::kByLatest: text = absl::StrCat("by ", p.day->ToString(), " (open start)"); break;
  }
  if (p.corrected_by.has_value()) absl::StrAppend(&text, " (corrected by #", *p.corrected_by, ")");
  if (p.placed_with.has_value()) absl::StrAppend(&text, " (with #", *p.placed_with, ")");
  return text;
}

std::string PlacementKind(const HistoryPlacement& p) {
  switch (p.how) {
    case How::kOnDay: return "day";
    case How::kFromEarliest: return "earliest";
    case How::kByLatest: return "latest";
    default: return "undated";
  }
}

}  // namespace ledger::compact
