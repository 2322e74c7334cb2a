// A compact's history in date order: where each event falls on the
// calendar, as precisely as its date allows and no more.
//
// An event is placed at the earliest day its date allows, so a range
// "[2005-06..2006-06-02]" sits at 2005-06-01 and is marked as a range; a
// date open at the start ("[..2011-09]", on or before) has no earliest day
// and sits at its latest day, marked so; one open at the end ("[2006-06-29..]")
// is marked open. A source registration without an event date sits at the
// document's date. Undated events (most registrations) come first. An
// annotation without a date sits with the event it annotates (named by
// sequence, or by ref when stored by ref alone); a CORRECTION that gives a
// new date moves its target there. Ties keep ledger order.
//
// Pure functions; thread-safe.
#ifndef LEDGER_COMPACT_HISTORY_ORDER_H_
#define LEDGER_COMPACT_HISTORY_ORDER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compact/v1/compact.pb.h"
#include "ledger/compact/edtf.h"
#include "ledger/compact/proto_alias.h"

namespace ledger::compact {

// One event to order: its ledger sequence and the event as stored (dates
// completed by World::Prepare). The event must outlive the call.
struct HistoryEntry {
  uint64_t sequence = 0;
  const compact::v1::Event* event = nullptr;
};

// Where an event was placed.
struct HistoryPlacement {
  // Index of the event in the input.
  size_t index = 0;
  enum class How {
    kUndated,     // no date: listed first
    kOnDay,       // the date is one day
    kFromEarliest,  // a range (or a month, season, year): its first day
    kByLatest,    // open at the start ("on or before"): its last day
  };
  How how = How::kUndated;
  // The day it is placed at (absent when undated).
  std::optional<CivilDay> day;
  // The date has no latest day ("on or after").
  bool open_end = false;
  // The sequence of the CORRECTION whose date placed it, if any.
  std::optional<uint64_t> corrected_by;
  // The sequence of the event an undated annotation is placed with.
  std::optional<uint64_t> placed_with;
};

// `entries` in date order (see above). DataLoss when a stored date does not
// parse (it was not completed by World::Prepare).
absl::StatusOr<std::vector<HistoryPlacement>> OrderByDate(
    const std::vector<HistoryEntry>& entries);

// The placement as words for a history line: "2005-10-10", "from
// 2005-06-01", "from 2006-06-29 (open end)", "by 2011-09-30 (open start)",
// "undated"; "(corrected by #n)" when a correction placed it.
std::string PlacementText(const HistoryPlacement& placement);

// The same as a short machine-readable kind: "day", "earliest", "latest",
// "undated".
std::string PlacementKind(const HistoryPlacement& placement);

}  // namespace ledger::compact

#endif  // LEDGER_COMPACT_HISTORY_ORDER_H_
