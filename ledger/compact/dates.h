// Stored dates (compact.v1.Date) as calendar-day ranges, and the certainty
// of a dated fact on a query day. Internal to ledger_compact.
//
// Pure functions; thread-safe.
#ifndef LEDGER_COMPACT_DATES_H_
#define LEDGER_COMPACT_DATES_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "compact/v1/compact.pb.h"
#include "ledger/compact/proto_alias.h"
#include "ledger/compact/edtf.h"

namespace ledger::compact {

// The days a Date allows; nullopt ends are unbounded.
struct DayRange {
  std::optional<CivilDay> earliest;
  std::optional<CivilDay> latest;
};

// Fills earliest, latest and the flags of `date` from its EDTF string.
// Fields the command already gave must equal what the EDTF allows: a date is
// never made more precise than its EDTF. InvalidArgument (naming `field`)
// when the EDTF is missing or malformed, when the given earliest is after the
// given latest, when a given field disagrees with the EDTF, or when
// inferred_because is given but blank.
absl::Status CompleteDate(compact::v1::Date* date, std::string_view field);

// The range of a completed Date (earliest/latest strings). DataLoss if a
// stored day does not parse (the Date was not completed by CompleteDate).
absl::StatusOr<DayRange> RangeOf(const compact::v1::Date& date);

// How a fact dated `range` stands on day `at`.
enum class Seen {
  kNotYet,     // its earliest day is after `at`
  kCertain,    // its latest day is on or before `at`
  kUncertain,  // `at` is inside its range, or its latest day is unbounded
};
Seen SeenAt(const DayRange& range, const CivilDay& at);

// True when the range has a known earliest day on or before `at`.
bool StartsBy(const DayRange& range, const CivilDay& at);

// True when every day of `a` is before every day of `b` (both bounded on
// the sides compared): what the sources make certainly earlier.
inline bool CertainlyBefore(const DayRange& a, const DayRange& b) {
  return a.latest.has_value() && b.earliest.has_value() && *a.latest < *b.earliest;
}

// "2006-06-29", "[2006-06-29 .. 2011-09-30]", "on or before 2006-09-30",
// "on or after 2006-06-29" or "undated".
std::string RangeText(const DayRange& range);

}  // namespace ledger::compact

#endif  // LEDGER_COMPACT_DATES_H_
