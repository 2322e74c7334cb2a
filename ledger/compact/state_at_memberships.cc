// Memberships on the query day D: who sat on which body, in which post or
// role, exactly as precisely as the sources date it (never more).
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "ledger/compact/dates.h"
#include "ledger/compact/state_index.h"

namespace ledger::compact::internal {
namespace {

using compact::v1::MembershipRecorded;
using compact::v1::MembershipView;

// The days of `date`, or nullopt when it is absent or corrupt (then it is
// treated as not given: the report never invents a bound).
std::optional<DayRange> Days(bool given, const compact::v1::Date& date) {
  if (!given) return std::nullopt;
  absl::StatusOr<DayRange> range = RangeOf(date);
  if (!range.ok()) return std::nullopt;
  return *range;
}

std::string Words(const compact::v1::Date& date) {
  std::string text = date.edtf();
  if (!date.as_written().empty()) absl::StrAppend(&text, " (\"", date.as_written(), "\")");
  return text;
}

// The membership's status on `at`, and why; nullopt when nothing is known
// of it on `at` (it has not started, or the day it is known "as of" is
// still to come).
std::optional<std::pair<compact::v1::MembershipStatus, std::string>> StatusOn(
    const MembershipRecorded& m, const compact::v1::Date& stated, const CivilDay& at) {
  const std::optional<DayRange> start = Days(m.has_start(), m.start());
  const std::optional<DayRange> end = Days(m.has_end(), m.end());
  // Without a start or an as-of, the event's own date says when a source
  // stated it: it held then.
  const bool as_of_given = m.has_as_of();
  const compact::v1::Date& as_of_date = as_of_given ? m.as_of() : stated;
  const std::optional<DayRange> as_of =
      Days(as_of_given || !stated.edtf().empty(), as_of_date);
  if (end.has_value() && SeenAt(*end, at) == Seen::kCertain) {
    return std::pair{compact::v1::MEMBERSHIP_STATUS_ENDED,
                     absl::StrCat("ended ", Words(m.end()))};
  }
  const std::string end_text =
      end.has_value()
          ? (SeenAt(*end, at) == Seen::kUncertain
                 ? absl::StrCat("; it ends ", Words(m.end()),
                                ", and may or may not have ended by ", at.ToString())
                 : absl::StrCat("; it ends ", Words(m.end())))
          : std::string();
  const bool ending_uncertain = end.has_value() && SeenAt(*end, at) == Seen::kUncertain;
  if (start.has_value()) {
    switch (SeenAt(*start, at)) {
      case Seen::kNotYet:
        return std::nullopt;
      case Seen::kUncertain:
        return std::pair{compact::v1::MEMBERSHIP_STATUS_UNCERTAIN,
                         absl::StrCat("it began ", Words(m.start()),
                                      ", which the sources do not narrow: it may or may "
                                      "not have begun by ", at.ToString(), end_text)};
      case Seen::kCertain:
        return std::pair{ending_uncertain ? compact::v1::MEMBERSHIP_STATUS_UNCERTAIN
                                          : compact::v1::MEMBERSHIP_STATUS_CURRENT,
                         absl::StrCat("began ", Words(m.start()),
                                      end.has_value() ? end_text
                                                      : "; no end is in the sources")};
    }
  }
  if (as_of.has_value()) {
    switch (SeenAt(*as_of, at)) {
      case Seen::kNotYet:
        return std::nullopt;
      case Seen::kUncertain:
        return std::pair{compact::v1::MEMBERSHIP_STATUS_UNCERTAIN,
                         absl::StrCat("known to hold as of ", Words(as_of_date),
                                      ", a day the sources do not narrow", end_text)};
      case Seen::kCertain:
        return std::pair{ending_uncertain ? compact::v1::MEMBERSHIP_STATUS_UNCERTAIN
                                          : compact::v1::MEMBERSHIP_STATUS_AS_OF,
                         absl::StrCat("held as of ", Words(as_of_date),
                                      "; when it began is not in the sources",
                                      end.has_value()
                                          ? end_text
                                          : ", nor whether it still holds")};
    }
  }
  return std::pair{compact::v1::MEMBERSHIP_STATUS_UNCERTAIN,
                   absl::StrCat("the sources do not say when it held", end_text)};
}

}  // namespace

void AddMemberships(const StateIndex& index, compact::v1::StateReport* report) {
  for (int position = 0; position < index.size(); ++position) {
    const FactInfo info = index.Info(position);
    if (info.retracted || !info.fact->event().has_membership_recorded()) continue;
    const auto status = StatusOn(info.fact->event().membership_recorded(),
                                 *info.effective_date, index.at());
    if (!status.has_value()) continue;
    MembershipView* view = report->add_memberships();
    index.View(info, view->mutable_fact());
    view->set_status(status->first);
    view->set_because(status->second);
  }
}

}  // namespace ledger::compact::internal
