#include "ledger/compact/edtf.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"

namespace ledger::compact {
namespace {

// Appended where the input is not recognisable as a date at all, so that the
// person recording it sees every form that would have been accepted.
constexpr char kAccepted[] =
    "accepted: YYYY, YYYY-MM, YYYY-MM-DD (-9999..9999; 'Y' before a year of "
    "more than four digits), seasons YYYY-21..24, 'X' for unspecified digits "
    "(201X, 20XX, YYYY-XX, YYYY-MM-XX, YYYY-XX-XX), one ?, ~ or % at the end "
    "of a date, intervals a/b with an open ('..') or unknown (empty) end, and "
    "one-of sets [a,b], [a..b], [..a], [a..]";

constexpr char kQueryForms[] =
    "; a query date is YYYY, YYYY-MM or YYYY-MM-DD with a four-digit year (a "
    "year or a month stands for its last day)";

// The days that a date, or one part of an interval or set, allows.
struct Span {
  std::optional<CivilDay> earliest;  // nullopt: unbounded
  std::optional<CivilDay> latest;    // nullopt: unbounded
  bool uncertain = false;
  bool approximate = false;
};

// absl::string_view is not std::string_view in Debian's Abseil, so
// std::string_view must be copied before it goes to absl::StrCat.
std::string Str(std::string_view s) { return std::string(s); }

// A part of the input quoted in a message, cut short if it is long.
std::string Part(std::string_view s) {
  constexpr size_t kMaxPart = 40;
  return s.size() <= kMaxPart ? Str(s) : Str(s.substr(0, kMaxPart)) + "...";
}

absl::Status Bad(std::string_view why) {
  return absl::InvalidArgumentError(Str(why));
}

// Every public refusal names the input first, then why, then (for the narrow
// parsers) the forms accepted: "'2004-13' : month 13 is not ...". A long
// input is cut short so that a refusal never echoes megabytes back.
absl::Status Refuse(std::string_view input, const absl::Status& why,
                    std::string_view accepted = "") {
  constexpr size_t kMaxEcho = 120;
  const std::string shown = input.size() <= kMaxEcho
                                ? Str(input)
                                : Str(input.substr(0, kMaxEcho)) + "...";
  return absl::InvalidArgumentError(
      absl::StrCat("'", shown, "' : ", why.message(), Str(accepted)));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The value of a string of ASCII digits. At most 18 digits, so that the value
// (and the year after it) fit in int64_t.
std::optional<int64_t> Digits(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t value = 0;
  for (char c : s) {
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Two digits, as a month or a day is written.
std::optional<int> TwoDigits(std::string_view s) {
  if (s.size() != 2) return std::nullopt;
  const std::optional<int64_t> value = Digits(s);
  if (!value) return std::nullopt;
  return static_cast<int>(*value);
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t at = s.find(sep); at != std::string_view::npos;
       at = s.find(sep, start)) {
    parts.push_back(s.substr(start, at - start));
    start = at + 1;
  }
  parts.push_back(s.substr(start));
  return parts;
}

std::string YearString(int64_t year) {
  const uint64_t magnitude =
      year < 0 ? 0 - static_cast<uint64_t>(year) : static_cast<uint64_t>(year);
  return absl::StrCat(year < 0 ? "-" : "",
                      absl::Dec(magnitude, absl::kZeroPad4));
}

// The days first..last, both of which the caller knows to exist.
Span Days(CivilDay first, CivilDay last) { return Span{first, last}; }

Span WholeYears(int64_t first, int64_t last) {
  return Days({first, 1, 1}, {last, 12, 31});
}

Span WholeMonth(int64_t year, int month) {
  return Days({year, month, 1}, {year, month, DaysInMonth(year, month)});
}

// Seasons are pinned to the Northern Hemisphere meteorological seasons (see
// edtf.h); winter runs into February of the next year, so leap years count.
Span Season(int64_t year, int season) {
  switch (season) {
    case 21:
      return Days({year, 3, 1}, {year, 5, 31});
    case 22:
      return Days({year, 6, 1}, {year, 8, 31});
    case 23:
      return Days({year, 9, 1}, {year, 11, 30});
    default:
      return Days({year, 12, 1}, {year + 1, 2, DaysInMonth(year + 1, 2)});
  }
}

// Why a character outside EDTF's alphabet (or outside our subset) is there,
// when it usually means one thing; nullopt for the characters we parse. A
// letter means a Level 2 feature or a time only right after a digit
// ("1950S2", "Y17E7", "2001-02-03T09:30"); "Spring, 2002" is just unexpected.
std::optional<std::string> ExplainCharacter(char c, bool after_digit) {
  switch (c) {
    case '{':
    case '}':
      return "'{...}' (all members of a set) is EDTF Level 2 and not "
             "supported; accepted: a one-of set '[a,b]' or an interval 'a/b'";
    case 'T':
    case ':':
      if (c == 'T' && !after_digit) break;
      return "a time of day is not supported; give the date only, e.g. "
             "'1985-04-12'";
    case 'E':
      if (!after_digit) break;
      return "exponential years ('Y17E7') are EDTF Level 2 and not supported; "
             "write the year out, e.g. 'Y170000000'";
    case 'S':
      if (!after_digit) break;
      return "significant digits ('1950S2') are EDTF Level 2 and not "
             "supported; use 'X' for unspecified digits ('195X') or an "
             "interval";
    case 'x':
    case 'y':
      return "'X' (unspecified digit) and 'Y' (long year) are upper case";
    case ' ':
    case '\t':
    case '\n':
    case '\r':
      return "EDTF has no spaces; write e.g. '[2011-11,2011-12]'";
  }
  if (IsDigit(c) ||
      std::string_view("-XY/.[],?~%").find(c) != std::string_view::npos) {
    return std::nullopt;
  }
  const bool printable = c > ' ' && c < 0x7f;
  return absl::StrCat(
      "unexpected ",
      printable ? absl::StrCat("character '", std::string(1, c), "'")
                : absl::StrCat("byte 0x", absl::Hex(static_cast<unsigned int>(
                                              static_cast<uint8_t>(c)))),
      "; ", kAccepted);
}

absl::Status CheckCharacters(std::string_view text) {
  if (text.find("unknown") != std::string_view::npos ||
      text.find("open") != std::string_view::npos) {
    return Bad(
        "'unknown' and 'open' are from the 2012 EDTF draft; an unknown "
        "interval end is now empty ('/1985') and an open one '..' ('1985/..')");
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const bool after_digit = i > 0 && IsDigit(text[i - 1]);
    std::optional<std::string> why = ExplainCharacter(text[i], after_digit);
    if (why) return Bad(*why);
  }
  return absl::OkStatus();
}

// A four-character year of the form Level 1 allows: four digits, or digits
// followed by one or two 'X' ("201X", "20XX"). Returns the years it allows.
absl::StatusOr<Span> ParseYear(std::string_view s, bool negative) {
  if (s.size() != 4) {
    if (s.size() > 4 && Digits(s)) {
      return Bad(absl::StrCat("year '", Part(s),
                              "' has more than four digits; accepted: a 'Y' "
                              "prefix, e.g. 'Y",
                              negative ? "-" : "", Part(s), "'"));
    }
    return Bad(absl::StrCat("year '", Part(s),
                            "' is not four digits (YYYY, or 'Y' and more)"));
  }
  const size_t x = std::min(s.find('X'), s.size());
  if (s.find_first_not_of('X', x) != std::string_view::npos || x < 2) {
    return Bad(absl::StrCat(
        "year '", Part(s),
        "': 'X' other than for the last one or two digits of the year is EDTF "
        "Level 2 and not supported; accepted: e.g. '201X', '20XX'"));
  }
  const std::optional<int64_t> known = Digits(s.substr(0, x));
  if (!known) return Bad(absl::StrCat("year '", Part(s), "' is not digits"));
  int64_t span = 1;
  for (size_t i = x; i < s.size(); ++i) span *= 10;
  const int64_t low = *known * span;
  const int64_t high = low + span - 1;
  if (negative && high == 0) {
    return Bad("'-0000' is not a year; year 0 (1 BC) is written '0000'");
  }
  return negative ? WholeYears(-high, -low) : WholeYears(low, high);
}

// A two-digit month (01-12) or Level 1 season (21-24).
absl::StatusOr<int> ParseMonth(std::string_view m) {
  if (m.size() == 2 && m.find('X') != std::string_view::npos) {
    return Bad(
        absl::StrCat("month '", Part(m),
                     "': a partly unspecified month is EDTF Level 2 and "
                     "not supported; accepted: 'XX' for the whole month"));
  }
  const std::optional<int> month = TwoDigits(m);
  if (!month) {
    return Bad(absl::StrCat("month '", Part(m), "' is not two digits (MM)"));
  }
  if ((*month >= 1 && *month <= 12) || (*month >= 21 && *month <= 24)) {
    return *month;
  }
  if (*month >= 25 && *month <= 41) {
    return Bad(absl::StrCat(
        "season ", Part(m),
        " is an EDTF Level 2 sub-year grouping and not supported; accepted: "
        "a month (01-12) or a season (21 spring, 22 summer, 23 autumn, 24 "
        "winter)"));
  }
  return Bad(absl::StrCat("month ", Part(m),
                          " is not a month (01-12) or a season (21-24)"));
}

// A two-digit day that exists in `month` of `year`.
absl::StatusOr<int> ParseDay(int64_t year, int month, std::string_view d) {
  const std::optional<int> day = TwoDigits(d);
  if (!day) {
    return Bad(absl::StrCat("day '", Part(d), "' is not two digits (DD)"));
  }
  const int last = DaysInMonth(year, month);
  if (*day < 1 || *day > last) {
    return Bad(absl::StrCat(
        "day ", Part(d), " is not a day of ", YearString(year), "-",
        absl::Dec(month, absl::kZeroPad2), " (01-", last, ")"));
  }
  return *day;
}

absl::StatusOr<Span> ParseYearMonthDay(int64_t year, std::string_view m,
                                       std::string_view d) {
  if (m == "XX") {
    if (d == "XX") return WholeYears(year, year);
    return Bad(
        "a known day in an unspecified month ('1560-XX-25') is EDTF Level 2 "
        "and not supported; accepted: 'YYYY-XX-XX' or 'YYYY-MM-XX'");
  }
  LEDGER_ASSIGN_OR_RETURN(const int month, ParseMonth(m));
  if (month > 12) {
    return Bad("a season (21-24) has no day; accepted: 'YYYY-21' .. 'YYYY-24'");
  }
  if (d == "XX") return WholeMonth(year, month);
  if (d.find('X') != std::string_view::npos) {
    return Bad(absl::StrCat("day '", Part(d),
                            "': a partly unspecified day is EDTF Level 2 and "
                            "not supported; accepted: 'XX' for the whole day"));
  }
  LEDGER_ASSIGN_OR_RETURN(const int day, ParseDay(year, month, d));
  return Days({year, month, day}, {year, month, day});
}

// Level 0 and Level 1 calendar dates: [-]YYYY, [-]YYYY-MM, [-]YYYY-SS or
// [-]YYYY-MM-DD, with the 'X' forms of Level 1.
absl::StatusOr<Span> ParseCalendarDate(std::string_view text) {
  const bool negative = text.front() == '-';
  if (negative) text.remove_prefix(1);
  const std::vector<std::string_view> parts = Split(text, '-');
  if (parts.size() > 3 || std::find(parts.begin(), parts.end(),
                                    std::string_view()) != parts.end()) {
    return Bad(absl::StrCat(
        "not a date of the form YYYY, YYYY-MM or YYYY-MM-DD; ", kAccepted));
  }
  LEDGER_ASSIGN_OR_RETURN(const Span years, ParseYear(parts[0], negative));
  if (parts.size() == 1) return years;
  if (years.earliest->year != years.latest->year) {
    return Bad(
        "'X' in a year that has a month or day is EDTF Level 2 and not "
        "supported; accepted: 'X' in a year on its own ('201X', '20XX')");
  }
  const int64_t year = years.earliest->year;
  if (parts.size() == 3) return ParseYearMonthDay(year, parts[1], parts[2]);
  if (parts[1] == "XX") return WholeYears(year, year);
  LEDGER_ASSIGN_OR_RETURN(const int month, ParseMonth(parts[1]));
  return month > 12 ? Season(year, month) : WholeMonth(year, month);
}

// Level 1's letter-prefixed year, "Y170000002" or "Y-170000002": a year only,
// and only when it has more than four digits.
absl::StatusOr<Span> ParseLongYear(std::string_view text) {
  std::string_view digits = text.substr(1);
  const bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.remove_prefix(1);
  const std::optional<int64_t> value = Digits(digits);
  if (!value) {
    return Bad(
        "a 'Y' year is a year only, written in 5 to 18 digits: no month, "
        "day, 'X' or qualifier; accepted: e.g. 'Y170000002', 'Y-170000002'");
  }
  if (*value <= 9999) {
    return Bad(
        absl::StrCat("'Y' is only for years of more than four digits; "
                     "accepted: '",
                     YearString(negative ? -*value : *value), "'"));
  }
  const int64_t year = negative ? -*value : *value;
  return WholeYears(year, year);
}

bool IsQualifier(char c) { return c == '?' || c == '~' || c == '%'; }

// One date, optionally followed by the one qualifier Level 1 allows; the
// qualifier applies to the whole date and sets flags, never widens the days.
absl::StatusOr<Span> ParseDate(std::string_view text) {
  const char last = text.empty() ? '\0' : text.back();
  if (IsQualifier(last)) text.remove_suffix(1);
  if (text.find_first_of("?~%") != std::string_view::npos) {
    return Bad(IsQualifier(text.back())
                   ? "two qualifiers; accepted: one of ?, ~ or % (uncertain "
                     "and approximate) at the end of the date"
                   : "a qualifier (?, ~, %) before or inside a date qualifies "
                     "one part of it, which is EDTF Level 2 and not "
                     "supported; accepted: one at the end, for the whole "
                     "date, e.g. '2004-06-11?'");
  }
  if (text.find('.') != std::string_view::npos) {
    return Bad(absl::StrCat(
        "'..' is an open interval end ('../1985', '1985/..') or a range in a "
        "one-of set ('[..1985]', '[1985..1990]'); ",
        kAccepted));
  }
  if (text.empty()) return Bad(absl::StrCat("a date is missing; ", kAccepted));
  if (text.front() == 'Y' && IsQualifier(last)) {
    return Bad("a 'Y' year takes no qualifier; accepted: e.g. 'Y170000002'");
  }
  LEDGER_ASSIGN_OR_RETURN(Span span, text.front() == 'Y'
                                         ? ParseLongYear(text)
                                         : ParseCalendarDate(text));
  span.uncertain = last == '?' || last == '%';
  span.approximate = last == '~' || last == '%';
  return span;
}

// Refuses a start that comes after an end. Dates are compared by their first
// day, as EDTF validators do (unt-libraries/edtf-validate refuses
// "0000-02/0000" and accepts "0000-01/0000" and "2004-06~/2004-06-11%").
absl::Status CheckOrder(std::string_view start_text, const Span& start,
                        std::string_view end_text, const Span& end) {
  if (start.earliest && end.earliest && *start.earliest > *end.earliest) {
    return Bad(absl::StrCat(
        "the start '", Part(start_text), "' (from ", start.earliest->ToString(),
        ") begins after the end '", Part(end_text), "' (from ",
        end.earliest->ToString(),
        "); accepted: a start that begins on or before its end begins"));
  }
  return absl::OkStatus();
}

void AddFlags(const Span& from, Span* to) {
  to->uncertain = to->uncertain || from.uncertain;
  to->approximate = to->approximate || from.approximate;
}

// start/end or start..end: from the first day of the start to the last day of
// the end. An empty or ".." end is unbounded (see ParseInterval).
absl::StatusOr<Span> ParseRange(std::string_view start_text,
                                std::string_view end_text) {
  std::optional<Span> start;
  std::optional<Span> end;
  if (start_text != "" && start_text != "..") {
    LEDGER_ASSIGN_OR_RETURN(start, ParseDate(start_text));
  }
  if (end_text != "" && end_text != "..") {
    LEDGER_ASSIGN_OR_RETURN(end, ParseDate(end_text));
  }
  if (!start && !end) {
    return Bad(
        "an interval needs a date at one end at least; accepted: e.g. "
        "'../1985', '/1985', '1985/..', '1985/'");
  }
  if (start && end) {
    LEDGER_RETURN_IF_ERROR(CheckOrder(start_text, *start, end_text, *end));
  }
  Span span;
  if (start) {
    span.earliest = start->earliest;
    AddFlags(*start, &span);
  }
  if (end) {
    span.latest = end->latest;
    AddFlags(*end, &span);
  }
  return span;
}

// Level 0/1 interval "a/b". An unknown end ("2004-06/") and an open end
// ("2004-06/..") both leave that side unbounded: the day is not in the source
// either way, and inventing one (python-edtf adds ten years) is refused.
absl::StatusOr<Span> ParseInterval(std::string_view text, size_t slash) {
  if (text.find('/', slash + 1) != std::string_view::npos) {
    return Bad("more than one '/'; accepted: an interval 'start/end'");
  }
  return ParseRange(text.substr(0, slash), text.substr(slash + 1));
}

// One member of a one-of set: a date, "a..b", or "..a" (on or before; first
// member only) or "a.." (on or after; last member only).
absl::StatusOr<Span> ParseMember(std::string_view text, bool first, bool last) {
  const size_t dots = text.find("..");
  if (dots == std::string_view::npos) return ParseDate(text);
  if (text.find("..", dots + 2) != std::string_view::npos || text == "..") {
    return Bad("a set member has one '..' at most: '..a', 'a..b' or 'a..'");
  }
  const bool before = dots == 0;
  const bool after = dots + 2 == text.size();
  if ((before && !first) || (after && !last)) {
    return Bad(
        "'..a' (on or before) may only open a set and 'a..' (on or "
        "after) only close it, e.g. '[..1760-12-03]', '[1760-12..]'");
  }
  if (before || after) {
    LEDGER_ASSIGN_OR_RETURN(
        Span span, ParseDate(before ? text.substr(2) : text.substr(0, dots)));
    (before ? span.earliest : span.latest).reset();
    return span;
  }
  return ParseRange(text.substr(0, dots), text.substr(dots + 2));
}

std::optional<CivilDay> Min(std::optional<CivilDay> a,
                            std::optional<CivilDay> b) {
  return a && b ? std::optional<CivilDay>(std::min(*a, *b)) : std::nullopt;
}

std::optional<CivilDay> Max(std::optional<CivilDay> a,
                            std::optional<CivilDay> b) {
  return a && b ? std::optional<CivilDay>(std::max(*a, *b)) : std::nullopt;
}

// Level 2 one-of set "[a,b,c..d]": the date is one of the members, so it runs
// from the earliest member's first day to the latest member's last day.
// Members need not be in order; "[..a]" and "[a..]" are unbounded.
absl::StatusOr<Span> ParseSet(std::string_view text) {
  if (text.size() < 2 || text.back() != ']') {
    return Bad(
        "a one-of set ends with ']' and nothing follows it; accepted: "
        "e.g. '[2011-11,2011-12]' (a qualifier goes on a member)");
  }
  const std::string_view inner = text.substr(1, text.size() - 2);
  if (inner.find_first_of("[]/") != std::string_view::npos) {
    return Bad(
        "a one-of set holds dates and ranges 'a..b' only: no nested "
        "sets and no intervals; accepted: e.g. '[1667,1670..1672]'");
  }
  const std::vector<std::string_view> members = Split(inner, ',');
  Span span;
  for (size_t i = 0; i < members.size(); ++i) {
    LEDGER_ASSIGN_OR_RETURN(
        const Span member,
        ParseMember(members[i], i == 0, i + 1 == members.size()));
    span.earliest =
        i == 0 ? member.earliest : Min(span.earliest, member.earliest);
    span.latest = i == 0 ? member.latest : Max(span.latest, member.latest);
    AddFlags(member, &span);
  }
  return span;
}

absl::StatusOr<Span> ParseAny(std::string_view text) {
  if (text.empty()) return Bad(absl::StrCat("empty; ", kAccepted));
  LEDGER_RETURN_IF_ERROR(CheckCharacters(text));
  if (text.front() == '[') return ParseSet(text);
  if (text.find_first_of("[],") != std::string_view::npos) {
    return Bad(
        "'[', ']' and ',' belong to a one-of set, which is the whole "
        "date; accepted: e.g. '[2011-11,2011-12]'");
  }
  const size_t slash = text.find('/');
  if (slash != std::string_view::npos) return ParseInterval(text, slash);
  return ParseDate(text);
}

absl::StatusOr<CivilDay> ParseQueryEnd(std::string_view text) {
  const std::vector<std::string_view> parts = Split(text, '-');
  const std::optional<int64_t> year =
      parts[0].size() == 4 ? Digits(parts[0]) : std::nullopt;
  if (!year || parts.size() > 3) return Bad("not a plain calendar date");
  if (parts.size() == 1) return CivilDay{*year, 12, 31};
  const std::optional<int> month = TwoDigits(parts[1]);
  if (!month || *month < 1 || *month > 12) {
    return Bad(
        absl::StrCat("month '", Part(parts[1]), "' is not a month (01-12)"));
  }
  if (parts.size() == 2) {
    return CivilDay{*year, *month, DaysInMonth(*year, *month)};
  }
  LEDGER_ASSIGN_OR_RETURN(const int day, ParseDay(*year, *month, parts[2]));
  return CivilDay{*year, *month, day};
}

absl::StatusOr<CivilDay> ParseCivilDayFields(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  const std::vector<std::string_view> parts = Split(text, '-');
  if (parts.size() != 3) return Bad("not three parts year-month-day");
  const std::string_view y = parts[0];
  const std::optional<int64_t> year = Digits(y);
  // Only the spellings ToString() writes, so that each day has one text.
  if (!year || y.size() < 4 || (y.size() > 4 && y.front() == '0') ||
      (negative && *year == 0)) {
    return Bad(absl::StrCat("year '", Part(y),
                            "' is not as ToString writes it (four or more "
                            "digits, '-' if negative, no '-0000')"));
  }
  const int64_t signed_year = negative ? -*year : *year;
  const std::optional<int> month = TwoDigits(parts[1]);
  if (!month || *month < 1 || *month > 12) {
    return Bad(
        absl::StrCat("month '", Part(parts[1]), "' is not a month (01-12)"));
  }
  LEDGER_ASSIGN_OR_RETURN(const int day,
                          ParseDay(signed_year, *month, parts[2]));
  return CivilDay{signed_year, *month, day};
}

}  // namespace

std::string CivilDay::ToString() const {
  return absl::StrCat(YearString(year), "-", absl::Dec(month, absl::kZeroPad2),
                      "-", absl::Dec(day, absl::kZeroPad2));
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  // Proleptic Gregorian; % keeps the sign of `year`, and "== 0" does not care.
  const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  return month == 2 && leap ? 29 : kDays[month - 1];
}

absl::StatusOr<CivilDay> ParseCivilDay(std::string_view text) {
  absl::StatusOr<CivilDay> day = ParseCivilDayFields(text);
  if (!day.ok()) {
    return Refuse(text, day.status(),
                  "; accepted: YYYY-MM-DD as CivilDay::ToString writes it, "
                  "e.g. '2005-02-28', '-0044-03-15'");
  }
  return day;
}

absl::StatusOr<EdtfDate> ParseEdtf(std::string_view text) {
  absl::StatusOr<Span> span = ParseAny(text);
  if (!span.ok()) return Refuse(text, span.status());
  EdtfDate date;
  date.edtf = std::string(text);
  date.earliest = span->earliest;
  date.latest = span->latest;
  date.uncertain = span->uncertain;
  date.approximate = span->approximate;
  return date;
}

absl::StatusOr<CivilDay> ParseQueryDate(std::string_view text) {
  absl::StatusOr<CivilDay> day = ParseQueryEnd(text);
  if (!day.ok()) {
    return Refuse(text, day.status(), kQueryForms);
  }
  return day;
}

}  // namespace ledger::compact
