#include "ledger/compact/dates.h"

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/ascii.h"
#include "ledger/base/status_macros.h"

namespace ledger::compact {
namespace {

std::string DayText(const std::optional<CivilDay>& day) {
  return day.has_value() ? day->ToString() : std::string();
}

// A given field must equal the one computed; an empty given field is filled.
absl::Status MatchOrFill(std::string* given, const std::string& computed,
                         std::string_view field, std::string_view name,
                         std::string_view edtf) {
  if (!given->empty() && *given != computed) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(field), ".", std::string(name), " is '", *given,
        "' but EDTF '", std::string(edtf), "' allows '",
        computed.empty() ? std::string("(unbounded)") : computed,
        "': leave it empty (it is filled from the EDTF) or fix the EDTF"));
  }
  *given = computed;
  return absl::OkStatus();
}

absl::Status CheckGivenOrder(const compact::v1::Date& date,
                             std::string_view field) {
  if (date.earliest().empty() || date.latest().empty()) return absl::OkStatus();
  absl::StatusOr<CivilDay> earliest = ParseCivilDay(date.earliest());
  absl::StatusOr<CivilDay> latest = ParseCivilDay(date.latest());
  if (!earliest.ok() || !latest.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(field), ": earliest/latest must be YYYY-MM-DD days, got '",
        date.earliest(), "' and '", date.latest(), "'"));
  }
  if (*latest < *earliest) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(field), ": earliest ", date.earliest(),
        " is after latest ", date.latest(),
        "; a date cannot end before it starts: swap or fix them"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CompleteDate(compact::v1::Date* date, std::string_view field) {
  if (date->edtf().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(field),
        ": the EDTF string is required, e.g. \"2005-02\", \"2005-22\" "
        "(summer), \"[..2006-09]\" (on or before)"));
  }
  LEDGER_RETURN_IF_ERROR(CheckGivenOrder(*date, field));
  if (!date->inferred_because().empty() &&
      absl::StripAsciiWhitespace(date->inferred_because()).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(field),
        ".inferred_because is blank: say which bound is a reading of the sources and "
        "why, or leave it empty"));
  }
  absl::StatusOr<EdtfDate> parsed = ParseEdtf(date->edtf());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(field), ": ", std::string(parsed.status().message())));
  }
  LEDGER_RETURN_IF_ERROR(MatchOrFill(date->mutable_earliest(),
                                     DayText(parsed->earliest), field,
                                     "earliest", date->edtf()));
  LEDGER_RETURN_IF_ERROR(MatchOrFill(date->mutable_latest(),
                                     DayText(parsed->latest), field, "latest",
                                     date->edtf()));
  if ((date->uncertain() && !parsed->uncertain) ||
      (date->approximate() && !parsed->approximate)) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(field), ": uncertain/approximate is set but EDTF '",
        date->edtf(), "' has no '?', '~' or '%': mark it in the EDTF"));
  }
  date->set_uncertain(parsed->uncertain);
  date->set_approximate(parsed->approximate);
  return absl::OkStatus();
}

absl::StatusOr<DayRange> RangeOf(const compact::v1::Date& date) {
  DayRange range;
  for (auto [text, out] : {std::pair{&date.earliest(), &range.earliest},
                           std::pair{&date.latest(), &range.latest}}) {
    if (text->empty()) continue;
    absl::StatusOr<CivilDay> day = ParseCivilDay(*text);
    if (!day.ok()) {
      return absl::DataLossError(absl::StrCat(
          "stored date '", date.edtf(), "' has a bad day '", *text,
          "': ", std::string(day.status().message())));
    }
    *out = *day;
  }
  return range;
}

Seen SeenAt(const DayRange& range, const CivilDay& at) {
  if (range.earliest.has_value() && at < *range.earliest) return Seen::kNotYet;
  if (range.latest.has_value() && *range.latest <= at) return Seen::kCertain;
  return Seen::kUncertain;
}

bool StartsBy(const DayRange& range, const CivilDay& at) {
  return range.earliest.has_value() && *range.earliest <= at;
}

std::string RangeText(const DayRange& range) {
  if (range.earliest && range.latest) {
    if (*range.earliest == *range.latest) return range.earliest->ToString();
    return absl::StrCat("[", range.earliest->ToString(), " .. ",
                        range.latest->ToString(), "]");
  }
  if (range.latest) return "on or before " + range.latest->ToString();
  if (range.earliest) return "on or after " + range.earliest->ToString();
  return "undated";
}

}  // namespace ledger::compact
