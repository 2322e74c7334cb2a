// Partial dates as the sources give them, in EDTF (Extended Date/Time
// Format, Library of Congress 2019; the same features as ISO 8601-2).
//
// Supported: all of Level 0 and Level 1, plus Level 2's sets that the
// sources need: one-of sets "[a,b]", "[a..b]", on-or-before "[..X]" and
// on-or-after "[X..]". Everything else is refused with a message that says
// what was wrong. Each accepted date is reduced to the earliest and latest
// calendar day it allows (either may be unbounded); "?" (uncertain) and "~"
// (approximate) are kept as flags and never widen the range.
//
// Seasons (21 spring, 22 summer, 23 autumn, 24 winter) are pinned to the
// Northern Hemisphere meteorological seasons: spring March-May, summer
// June-August, autumn September-November, winter December of the year given
// to February of the next year.
//
// Pure functions; thread-safe.
#ifndef LEDGER_COMPACT_EDTF_H_
#define LEDGER_COMPACT_EDTF_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ledger::compact {

// A day of the proleptic Gregorian calendar.
struct CivilDay {
  int64_t year = 0;
  int month = 1;  // 1..12
  int day = 1;    // 1..31

  auto operator<=>(const CivilDay&) const = default;

  // "YYYY-MM-DD" (years outside 0..9999 are written with a sign and/or more
  // digits, e.g. "-0044-03-15", "12000-01-01").
  std::string ToString() const;
};

// Number of days in `month` of `year` (leap years included).
int DaysInMonth(int64_t year, int month);

// Parses "YYYY-MM-DD" as written by CivilDay::ToString(). InvalidArgument
// when it is not a real calendar day.
absl::StatusOr<CivilDay> ParseCivilDay(std::string_view text);

// A parsed EDTF string.
struct EdtfDate {
  // The input, unchanged.
  std::string edtf;
  // First day the date allows; nullopt when unbounded ("..", unknown start).
  std::optional<CivilDay> earliest;
  // Last day the date allows; nullopt when unbounded.
  std::optional<CivilDay> latest;
  // "?" or "%" anywhere it applies.
  bool uncertain = false;
  // "~" or "%" anywhere it applies.
  bool approximate = false;
};

// Parses `text` as EDTF (see the file comment for the supported subset).
// InvalidArgument with a message naming the offending part otherwise,
// including impossible days ("2011-02-30"), intervals or sets whose start is
// after their end, and Level 2 features outside the subset.
//
// How the edges are read:
// - An unknown interval end ("2004-06/", "/2006") and an open one
//   ("2004-06/..", "../2006") both leave that side nullopt: no day is
//   invented. `edtf` keeps which of the two the source said.
// - An interval or a set range "a..b" is refused when a's first day is after
//   b's first day ("2006/2005", "[2007..2006]", and also "2004-06/2004"), as
//   unt-libraries/edtf-validate does. At least one end must be a date.
// - Members of a one-of set may come in any order; "..a" may only open a set
//   and "a.." only close it.
// - Level 0's date-and-time ("1985-04-12T23:20:30") is refused: days only.
// - A 'Y' year is a plain year of more than four digits (no month, 'X' or
//   qualifier); it may be an interval end or a set member.
absl::StatusOr<EdtfDate> ParseEdtf(std::string_view text);

// Parses a query date for "state at D": EDTF Level 0 "YYYY", "YYYY-MM" or
// "YYYY-MM-DD" only. A reduced-precision date means the END of that period
// ("2007" is 2007-12-31, "2007-06" is 2007-06-30). InvalidArgument, saying
// which forms are accepted, for anything else.
absl::StatusOr<CivilDay> ParseQueryDate(std::string_view text);

}  // namespace ledger::compact

#endif  // LEDGER_COMPACT_EDTF_H_
