// The intervals between the days on which a compact's state can change.
//
// State at D (ledger/compact/state_at.h) depends on D only through
// comparisons with the earliest and latest days of the stored dates (a
// fact's date, a correction's date, a due date, an effect's start). So
// between the days on which one of those bounds starts or ends, the state
// is the same on every day; a published page can hold one report per
// interval and pick the one a reader's date falls in, instead of computing
// state itself. The reports come from the ledger's own StateAt.
//
// Pure functions apart from the ledger's reads; thread-safe as the ledger.
#ifndef LEDGER_SITE_STATE_INTERVALS_H_
#define LEDGER_SITE_STATE_INTERVALS_H_

#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "compact/v1/compact.pb.h"
#include "ledger/compact/edtf.h"
#include "ledger/compact_ledger.h"

namespace ledger::site {

// Every day on which state at a date may differ from the day before: each
// bound of every compact.v1.Date anywhere in `events` (found by reflection,
// so a date field added to the protos is never missed), and the day after
// each. DataLoss naming the event's sequence when a stored bound does not
// parse.
absl::StatusOr<std::set<compact::CivilDay>> ChangeDays(const std::vector<HistoryItem>& events);

// The report with the one wording that names its query day ("...in effect
// on 2007-02-01" at the end of an EffectView's `because`, state_at.cc)
// made to say "on this day", so that reports of two days in one interval
// are equal. Nothing else is changed.
void WithoutQueryDay(const compact::CivilDay& day, google::protobuf::Message* report);

// One interval of days (both ends included; nullopt is unbounded) over
// which a compact's state is the same, with that state.
struct StateInterval {
  std::optional<compact::CivilDay> from;
  std::optional<compact::CivilDay> to;
  // The report for compact `compact_id` on any day of the interval, with
  // `at` cleared and WithoutQueryDay applied. Holds no compact when it is not in the record yet.
  compact::v1::StateReport report;
};

// The intervals of compact `compact_id`'s state, in date order, covering
// every day, with adjacent intervals of equal state merged. `change_days`
// is ChangeDays of the ledger's events. Errors of ledger.StateAt.
absl::StatusOr<std::vector<StateInterval>> StateIntervals(
    const CompactLedger& ledger, std::string_view compact_id,
    const std::set<compact::CivilDay>& change_days);

}  // namespace ledger::site

#endif  // LEDGER_SITE_STATE_INTERVALS_H_
