#include "ledger/compact/edtf.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::StatusIs;

namespace ledger::compact {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// An accepted EDTF string and the days it must reduce to; "" is unbounded.
struct Range {
  const char* edtf;
  const char* earliest;
  const char* latest;
};

// A refused EDTF string and a piece of the message that must explain it.
struct Refusal {
  const char* edtf;
  const char* says;
};

std::string Show(const std::optional<CivilDay>& day) {
  return day ? day->ToString() : "";
}

void ExpectRanges(const std::vector<Range>& cases) {
  for (const Range& c : cases) {
    SCOPED_TRACE(c.edtf);
    const absl::StatusOr<EdtfDate> date = ParseEdtf(c.edtf);
    ASSERT_THAT(date, IsOk());
    EXPECT_EQ(date->edtf, c.edtf);
    EXPECT_EQ(Show(date->earliest), c.earliest);
    EXPECT_EQ(Show(date->latest), c.latest);
  }
}

void ExpectRefused(const std::vector<Refusal>& cases) {
  for (const Refusal& c : cases) {
    SCOPED_TRACE(c.edtf);
    const absl::StatusOr<EdtfDate> date = ParseEdtf(c.edtf);
    ASSERT_THAT(date, StatusIs(absl::StatusCode::kInvalidArgument,
                               StartsWith("'" + std::string(c.edtf) + "' : ")))
        << (date.ok() ? "accepted as " + Show(date->earliest) + ".." + Show(date->latest) : "");
    const std::string message(date.status().message());
    EXPECT_THAT(message, HasSubstr(c.says));
  }
}

// Expects the flags of `edtf`, and that they did not change its days.
void ExpectFlags(const char* edtf, const char* unqualified, bool uncertain,
                 bool approximate) {
  SCOPED_TRACE(edtf);
  const absl::StatusOr<EdtfDate> date = ParseEdtf(edtf);
  const absl::StatusOr<EdtfDate> plain = ParseEdtf(unqualified);
  ASSERT_THAT(date, IsOk());
  ASSERT_THAT(plain, IsOk());
  EXPECT_EQ(date->uncertain, uncertain);
  EXPECT_EQ(date->approximate, approximate);
  EXPECT_EQ(date->earliest, plain->earliest);
  EXPECT_EQ(date->latest, plain->latest);
}

// ---------------------------------------------------------------- CivilDay

TEST(EdtfTest, ToStringPadsToFourDigitsAndSignsNegativeYears) {
  EXPECT_EQ((CivilDay{2005, 2, 1}).ToString(), "2005-02-01");
  EXPECT_EQ((CivilDay{5, 1, 2}).ToString(), "0005-01-02");
  EXPECT_EQ((CivilDay{0, 12, 31}).ToString(), "0000-12-31");
  EXPECT_EQ((CivilDay{-44, 3, 15}).ToString(), "-0044-03-15");
  EXPECT_EQ((CivilDay{-1985, 1, 1}).ToString(), "-1985-01-01");
  EXPECT_EQ((CivilDay{12000, 1, 1}).ToString(), "12000-01-01");
  EXPECT_EQ((CivilDay{-170000002, 12, 31}).ToString(), "-170000002-12-31");
  EXPECT_EQ((CivilDay{INT64_MIN, 1, 1}).ToString(),
            "-9223372036854775808-01-01");
}

TEST(EdtfTest, CivilDaysOrderByYearThenMonthThenDay) {
  EXPECT_LT((CivilDay{-1, 12, 31}), (CivilDay{0, 1, 1}));
  EXPECT_LT((CivilDay{2005, 2, 28}), (CivilDay{2005, 3, 1}));
  EXPECT_LT((CivilDay{2005, 12, 31}), (CivilDay{2006, 1, 1}));
  EXPECT_EQ((CivilDay{2005, 2, 1}), (CivilDay{2005, 2, 1}));
}

TEST(EdtfTest, DaysInMonthFollowsTheProlepticGregorianLeapRule) {
  EXPECT_EQ(DaysInMonth(1900, 2), 28);  // divisible by 100, not by 400
  EXPECT_EQ(DaysInMonth(2000, 2), 29);  // divisible by 400
  EXPECT_EQ(DaysInMonth(2004, 2), 29);
  EXPECT_EQ(DaysInMonth(2005, 2), 28);
  EXPECT_EQ(DaysInMonth(2100, 2), 28);
  EXPECT_EQ(DaysInMonth(1600, 2), 29);
  EXPECT_EQ(DaysInMonth(0, 2), 29);  // year 0 (1 BC) is a leap year
  EXPECT_EQ(DaysInMonth(-1, 2), 28);
  EXPECT_EQ(DaysInMonth(-4, 2), 29);
  EXPECT_EQ(DaysInMonth(-100, 2), 28);
  EXPECT_EQ(DaysInMonth(-400, 2), 29);
}

TEST(EdtfTest, DaysInMonthKnowsEveryMonthEnd) {
  const int expected[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int month = 1; month <= 12; ++month) {
    EXPECT_EQ(DaysInMonth(2005, month), expected[month - 1]) << month;
  }
}

TEST(EdtfTest, DaysInMonthIsZeroForANonMonth) {
  EXPECT_EQ(DaysInMonth(2005, 0), 0);
  EXPECT_EQ(DaysInMonth(2005, 13), 0);
  EXPECT_EQ(DaysInMonth(2005, 21), 0);
  EXPECT_EQ(DaysInMonth(2005, -1), 0);
}

TEST(EdtfTest, ParseCivilDayRoundTripsToString) {
  const CivilDay days[] = {
      {2005, 2, 28}, {2000, 2, 29},    {0, 1, 1},
      {5, 6, 7},     {-44, 3, 15},     {-4, 2, 29},
      {12000, 1, 1}, {-12000, 12, 31}, {170000002, 12, 31}};
  for (const CivilDay& day : days) {
    SCOPED_TRACE(day.ToString());
    const absl::StatusOr<CivilDay> parsed = ParseCivilDay(day.ToString());
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(*parsed, day);
  }
}

TEST(EdtfTest, ParseCivilDayRefusesWhatToStringNeverWrites) {
  for (const char* text : {"",
                           "2005",
                           "2005-02",
                           "2011-02-30",
                           "2013-02-29",
                           "1900-02-29",
                           "2011-04-31",
                           "2005-13-01",
                           "2005-00-01",
                           "2005-01-00",
                           "2005-1-01",
                           "2005-01-1",
                           "05-01-01",
                           "-0000-01-01",
                           "012000-01-01",
                           "+2005-01-01",
                           "2005-01-01T00:00",
                           " 2005-01-01",
                           "2005-01-01?",
                           "20X5-01-01",
                           "2005-01-01-01",
                           "--2005-01-01"}) {
    SCOPED_TRACE(text);
    const absl::StatusOr<CivilDay> day = ParseCivilDay(text);
    ASSERT_THAT(day, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("YYYY-MM-DD")))
        << (day.ok() ? "accepted as " + day->ToString() : "");
  }
}

TEST(EdtfTest, ParseCivilDayNamesTheImpossibleDay) {
  const absl::StatusOr<CivilDay> day = ParseCivilDay("2011-02-30");
  ASSERT_THAT(day, StatusIs(absl::StatusCode::kInvalidArgument,
                            HasSubstr("day 30 is not a day of 2011-02 (01-28)")));
}

// Brute force against an independent calendar: C++20 <chrono>'s proleptic
// Gregorian year_month_day (years -32767..32767).
TEST(EdtfTest, DaysInMonthAgreesWithChronoForTwentyThousandYears) {
  for (int y = -10000; y <= 10000; ++y) {
    for (unsigned m = 1; m <= 12; ++m) {
      const std::chrono::year_month_day_last last{
          std::chrono::year{y},
          std::chrono::month_day_last{std::chrono::month{m}}};
      ASSERT_EQ(DaysInMonth(y, static_cast<int>(m)),
                static_cast<int>(static_cast<unsigned>(last.day())))
          << y << "-" << m;
    }
  }
}

TEST(EdtfTest, ParseEdtfAcceptsExactlyTheDaysChronoAccepts) {
  for (int y :
       {-401, -400, -101, -100, -5,   -4,   -1,   0,    1,    4,    1600,
        1700, 1899, 1900, 1999, 2000, 2003, 2004, 2005, 2100, 2400, 9999}) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 0; d <= 32; ++d) {
        const CivilDay day{y, m, d};
        const std::chrono::year_month_day reference{
            std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
            std::chrono::day{static_cast<unsigned>(d)}};
        const std::string text = day.ToString();
        const absl::StatusOr<EdtfDate> date = ParseEdtf(text);
        ASSERT_EQ(date.ok(), reference.ok()) << text;
        if (!date.ok()) continue;
        EXPECT_EQ(date->earliest, day) << text;
        EXPECT_EQ(date->latest, day) << text;
        const absl::StatusOr<CivilDay> civil = ParseCivilDay(text);
        ASSERT_THAT(civil, IsOk());
        EXPECT_EQ(*civil, day);
      }
    }
  }
}

TEST(EdtfTest, MonthsSeasonsAndYearsAgreeWithChrono) {
  namespace chr = std::chrono;
  const auto last_day = [](int y, unsigned m) {
    const chr::year_month_day ymd{chr::year_month_day_last{
        chr::year{y}, chr::month_day_last{chr::month{m}}}};
    return CivilDay{y, static_cast<int>(m),
                    static_cast<int>(static_cast<unsigned>(ymd.day()))};
  };
  for (int y = -500; y <= 2500; ++y) {
    const std::string year =
        CivilDay{y, 1, 1}.ToString().substr(0, y < 0 ? 5 : 4);
    for (unsigned m = 1; m <= 12; ++m) {
      const std::string text = year + (m < 10 ? "-0" : "-") + std::to_string(m);
      const absl::StatusOr<EdtfDate> month = ParseEdtf(text);
      ASSERT_THAT(month, IsOk());
      EXPECT_EQ(month->latest, last_day(y, m)) << text;
    }
    const absl::StatusOr<EdtfDate> winter = ParseEdtf(year + "-24");
    ASSERT_THAT(winter, IsOk());
    EXPECT_EQ(winter->latest, last_day(y + 1, 2)) << year;
    const absl::StatusOr<CivilDay> query = ParseQueryDate(year + "-02");
    if (y >= 0) {
      ASSERT_THAT(query, IsOk());
      EXPECT_EQ(*query, last_day(y, 2)) << year;
    } else {
      // Query dates have no sign.
      EXPECT_THAT(query, StatusIs(absl::StatusCode::kInvalidArgument,
                                  HasSubstr("YYYY, YYYY-MM or YYYY-MM-DD")))
          << year;
    }
  }
}

// ------------------------------------------------------------------ Level 0

// EDTF specification (Library of Congress, 2019), Level 0 "Date" and "Time
// Interval", examples 1-3 and 1-6.
TEST(EdtfTest, SpecLevel0Examples) {
  ExpectRanges({
      {"1985-04-12", "1985-04-12", "1985-04-12"},
      {"1985-04", "1985-04-01", "1985-04-30"},
      {"1985", "1985-01-01", "1985-12-31"},
      {"1964/2008", "1964-01-01", "2008-12-31"},
      {"2004-06/2006-08", "2004-06-01", "2006-08-31"},
      {"2004-02-01/2005-02-08", "2004-02-01", "2005-02-08"},
      {"2004-02-01/2005-02", "2004-02-01", "2005-02-28"},
      {"2004-02-01/2005", "2004-02-01", "2005-12-31"},
      {"2005/2006-02", "2005-01-01", "2006-02-28"},
  });
}

// ixc/python-edtf, edtf/parser/tests.py, EXAMPLES, Level 0 (lower_strict and
// upper_strict; the date-and-time examples are refused, see below).
TEST(EdtfTest, PythonEdtfLevel0Examples) {
  ExpectRanges({
      {"2001-02-03", "2001-02-03", "2001-02-03"},
      {"2008-12", "2008-12-01", "2008-12-31"},
      {"2008", "2008-01-01", "2008-12-31"},
      {"-0999", "-0999-01-01", "-0999-12-31"},
      {"0000", "0000-01-01", "0000-12-31"},
      {"1964/2008", "1964-01-01", "2008-12-31"},
      {"2004-06/2006-08", "2004-06-01", "2006-08-31"},
      {"2004-02-01/2005-02-08", "2004-02-01", "2005-02-08"},
      {"2004-02-01/2005-02", "2004-02-01", "2005-02-28"},
      {"2004-02-01/2005", "2004-02-01", "2005-12-31"},
      {"2005/2006-02", "2005-01-01", "2006-02-28"},
      {"-2005/-1999-02", "-2005-01-01", "-1999-02-28"},
  });
}

// sfomuseum/go-edtf, level0/tests.go (start lower .. end upper, as days).
TEST(EdtfTest, GoEdtfLevel0Examples) {
  ExpectRanges({
      {"1985-04-12", "1985-04-12", "1985-04-12"},
      {"1985-04", "1985-04-01", "1985-04-30"},
      {"1985", "1985-01-01", "1985-12-31"},
      {"-0400", "-0400-01-01", "-0400-12-31"},
      {"-1200-06", "-1200-06-01", "-1200-06-30"},
      {"1964/2008", "1964-01-01", "2008-12-31"},
      {"2004-06/2006-08", "2004-06-01", "2006-08-31"},
      {"2004-02-01/2005-02-08", "2004-02-01", "2005-02-08"},
      {"2004-02-01/2005-02", "2004-02-01", "2005-02-28"},
      {"2004-02-01/2005", "2004-02-01", "2005-12-31"},
      {"2005/2020-02", "2005-01-01", "2020-02-29"},
      {"-0200/0200", "-0200-01-01", "0200-12-31"},
      {"-1200-06/0200-05-02", "-1200-06-01", "0200-05-02"},
  });
}

// unt-libraries/edtf-validate, tests/test_valid_edtf.py, L0_Intervals
// (valid there; the days are ours).
TEST(EdtfTest, EdtfValidateLevel0Intervals) {
  ExpectRanges({
      {"0000/0000", "0000-01-01", "0000-12-31"},
      {"0000-02/1111", "0000-02-01", "1111-12-31"},
      {"0000-01/0000-01-03", "0000-01-01", "0000-01-03"},
      {"0000-01-13/0000-01-23", "0000-01-13", "0000-01-23"},
      {"1111-01-01/1111", "1111-01-01", "1111-12-31"},
      {"0000-01/0000", "0000-01-01", "0000-12-31"},
  });
}

TEST(EdtfTest, KeepsTheInputUnchanged) {
  const absl::StatusOr<EdtfDate> date = ParseEdtf("2004-06-11%");
  ASSERT_THAT(date, IsOk());
  EXPECT_EQ(date->edtf, "2004-06-11%");
}

TEST(EdtfTest, PlainDatesAreCertainAndExact) {
  const absl::StatusOr<EdtfDate> date = ParseEdtf("2004-12-16");
  ASSERT_THAT(date, IsOk());
  EXPECT_FALSE(date->uncertain);
  EXPECT_FALSE(date->approximate);
  EXPECT_EQ(date->earliest, (CivilDay{2004, 12, 16}));
  EXPECT_EQ(date->latest, (CivilDay{2004, 12, 16}));
}

// ------------------------------------------------------------------ Level 1

// EDTF specification (2019), Level 1 "Letter-prefixed calendar year"; also in
// python-edtf's EXAMPLES and go-edtf's level1/tests.go.
TEST(EdtfTest, SpecLetterPrefixedYears) {
  ExpectRanges({
      {"Y170000002", "170000002-01-01", "170000002-12-31"},
      {"Y-170000002", "-170000002-01-01", "-170000002-12-31"},
      {"Y10000", "10000-01-01", "10000-12-31"},
      {"Y-10000", "-10000-01-01", "-10000-12-31"},
      {"Y999999999999999999", "999999999999999999-01-01",
       "999999999999999999-12-31"},
      {"Y-170000002/2006", "-170000002-01-01", "2006-12-31"},
  });
}

// The spec allows 'Y' "when (and only when) the year exceeds four digits";
// go-edtf accepts "Y1700" and "Y-1200" (level1/tests.go), we follow the spec.
TEST(EdtfTest, RefusesLetterPrefixOnShortYears) {
  ExpectRefused({
      {"Y1700", "accepted: '1700'"},
      {"Y-1200", "accepted: '-1200'"},
      {"Y9999", "more than four digits"},
      {"Y0", "accepted: '0000'"},
  });
}

TEST(EdtfTest, RefusesLetterPrefixedYearsWithMoreThanAYear) {
  ExpectRefused({
      {"Y170000002-01", "a year only"},
      {"Y17000X", "a year only"},
      {"Y170000002?", "no qualifier"},
      {"Y", "a year only"},
      {"Y-", "a year only"},
      {"Y1234567890123456789", "5 to 18 digits"},
      {"-Y170000002", "not four digits"},
  });
}

// EDTF specification (2019), Level 1 "Seasons": '2001-21' is spring 2001.
// python-edtf's EXAMPLES give 2001-21, 2003-22, 2000-23 as below but end
// winter 2010-24 on 2010-12-31; go-edtf (level1/tests.go) and docs/domain.md run
// winter from December into February of the next year, and so do we.
TEST(EdtfTest, SeasonsArePinnedToNorthernMeteorologicalSeasons) {
  ExpectRanges({
      {"2001-21", "2001-03-01", "2001-05-31"},
      {"2003-22", "2003-06-01", "2003-08-31"},
      {"2000-23", "2000-09-01", "2000-11-30"},
      {"2010-24", "2010-12-01", "2011-02-28"},
      {"2019-24", "2019-12-01", "2020-02-29"},  // go-edtf, leap year
      {"2002-21", "2002-03-01", "2002-05-31"},  // go-edtf "Spring, 2002"
      {"2002-24", "2002-12-01", "2003-02-28"},  // go-edtf "winter, 2002"
      {"2005-22", "2005-06-01", "2005-08-31"},  // docs/domain.md: summer 2005
      {"2005-24", "2005-12-01", "2006-02-28"},
  });
}

TEST(EdtfTest, WinterEndsOnTheLastDayOfFebruaryOfTheNextYear) {
  ExpectRanges({
      {"2003-24", "2003-12-01", "2004-02-29"},
      {"1899-24", "1899-12-01", "1900-02-28"},  // 1900 is not a leap year
      {"1999-24", "1999-12-01", "2000-02-29"},  // 2000 is
      {"2099-24", "2099-12-01", "2100-02-28"},
      {"9999-24", "9999-12-01", "10000-02-29"},
      {"-0001-24", "-0001-12-01", "0000-02-29"},  // year 0 is a leap year
      {"-0011-24", "-0011-12-01", "-0010-02-28"},
      {"-2004-23", "-2004-09-01", "-2004-11-30"},  // edtf-validate Level1
  });
}

// EDTF specification (2019), Level 1 "Qualification of a date (complete)";
// also go-edtf level1/tests.go QUALIFIED_DATE.
TEST(EdtfTest, SpecQualifiedDates) {
  ExpectRanges({
      {"1984?", "1984-01-01", "1984-12-31"},
      {"2004-06~", "2004-06-01", "2004-06-30"},
      {"2004-06-11%", "2004-06-11", "2004-06-11"},
  });
  ExpectFlags("1984?", "1984", true, false);
  ExpectFlags("2004-06~", "2004-06", false, true);
  ExpectFlags("2004-06-11%", "2004-06-11", true, true);
}

// python-edtf EXAMPLES, Level 1 "Uncertain/Approximate": only the strict
// bounds; python-edtf's fuzzy bounds widen the range, ours never do.
TEST(EdtfTest, PythonEdtfQualifiedDatesKeepTheirStrictRange) {
  ExpectRanges({
      {"1984?", "1984-01-01", "1984-12-31"},
      {"2004-06-11?", "2004-06-11", "2004-06-11"},
      {"2004-06?", "2004-06-01", "2004-06-30"},
      {"1984~", "1984-01-01", "1984-12-31"},
      {"1984%", "1984-01-01", "1984-12-31"},
      {"-0275~", "-0275-01-01", "-0275-12-31"},
      {"-0001~", "-0001-01-01", "-0001-12-31"},
      {"0000~", "0000-01-01", "0000-12-31"},
  });
}

TEST(EdtfTest, QualifiersSetFlagsAndNeverWidenTheRange) {
  for (const char* plain :
       {"2004", "2004-06", "2004-06-11", "2004-22", "2003-24", "201X",
        "2004-XX", "1985-04-XX", "-1985", "0000"}) {
    const std::string p(plain);
    ExpectFlags((p + "?").c_str(), plain, true, false);
    ExpectFlags((p + "~").c_str(), plain, false, true);
    ExpectFlags((p + "%").c_str(), plain, true, true);
  }
}

// edtf-validate Level1 and L1_Intervals: qualified seasons.
TEST(EdtfTest, SeasonsMayBeQualified) {
  ExpectFlags("2011-23~", "2011-23", false, true);
  ExpectRanges({
      {"1952-23~/1953", "1952-09-01", "1953-12-31"},
      {"1923-21/1924", "1923-03-01", "1924-12-31"},
  });
}

// EDTF specification (2019), Level 1 "Unspecified digit(s) from the right",
// examples 1-5; the days as go-edtf level1/tests.go gives them.
TEST(EdtfTest, SpecUnspecifiedDigits) {
  ExpectRanges({
      {"201X", "2010-01-01", "2019-12-31"},
      {"20XX", "2000-01-01", "2099-12-31"},
      {"2004-XX", "2004-01-01", "2004-12-31"},
      {"1985-04-XX", "1985-04-01", "1985-04-30"},
      {"1985-XX-XX", "1985-01-01", "1985-12-31"},
  });
}

// python-edtf EXAMPLES, Level 1 "Unspecified".
TEST(EdtfTest, PythonEdtfUnspecifiedDigits) {
  ExpectRanges({
      {"199X", "1990-01-01", "1999-12-31"},
      {"19XX", "1900-01-01", "1999-12-31"},
      {"1999-XX", "1999-01-01", "1999-12-31"},
      {"1999-01-XX", "1999-01-01", "1999-01-31"},
      {"1999-XX-XX", "1999-01-01", "1999-12-31"},
      {"196X", "1960-01-01", "1969-12-31"},
  });
}

TEST(EdtfTest, UnspecifiedDayEndsOnTheMonthsLastDay) {
  ExpectRanges({
      {"2004-02-XX", "2004-02-01", "2004-02-29"},
      {"1900-02-XX", "1900-02-01", "1900-02-28"},
      {"2000-02-XX", "2000-02-01", "2000-02-29"},
      {"2005-04-XX", "2005-04-01", "2005-04-30"},
      {"2005-12-XX", "2005-12-01", "2005-12-31"},
  });
}

// edtf-validate Level1 has negative years with unspecified digits; -201X is
// one of the years -2019..-2010.
TEST(EdtfTest, NegativeYearsMayHaveUnspecifiedDigits) {
  ExpectRanges({
      {"-20XX", "-2099-01-01", "-2000-12-31"},
      {"-201X", "-2019-01-01", "-2010-12-31"},
      {"-2004-XX", "-2004-01-01", "-2004-12-31"},
      {"-1985-04-XX", "-1985-04-01", "-1985-04-30"},
      {"-1985-XX-XX", "-1985-01-01", "-1985-12-31"},
      {"-000X", "-0009-01-01", "0000-12-31"},
  });
}

// EDTF specification (2019), Level 1 "Extended Interval (L1)", examples 1-12
// (go-edtf level1/tests.go has the same twelve). An open ("..") and an
// unknown (empty) end both leave that side unbounded: the source gives no
// day there. python-edtf invents ten years for an unknown end; we do not.
TEST(EdtfTest, SpecExtendedIntervals) {
  ExpectRanges({
      {"1985-04-12/..", "1985-04-12", ""},
      {"1985-04/..", "1985-04-01", ""},
      {"1985/..", "1985-01-01", ""},
      {"../1985-04-12", "", "1985-04-12"},
      {"../1985-04", "", "1985-04-30"},
      {"../1985", "", "1985-12-31"},
      {"1985-04-12/", "1985-04-12", ""},
      {"1985-04/", "1985-04-01", ""},
      {"1985/", "1985-01-01", ""},
      {"/1985-04-12", "", "1985-04-12"},
      {"/1985-04", "", "1985-04-30"},
      {"/1985", "", "1985-12-31"},
  });
}

// python-edtf EXAMPLES, "L1 Extended Interval" (strict bounds; its ten-year
// guesses for unknown ends are unbounded here).
TEST(EdtfTest, PythonEdtfExtendedIntervals) {
  ExpectRanges({
      {"/2006", "", "2006-12-31"},
      {"2004-06-01/", "2004-06-01", ""},
      {"../2006", "", "2006-12-31"},
      {"2004-01-01/..", "2004-01-01", ""},
      {"1984~/2004-06", "1984-01-01", "2004-06-30"},
      {"1984/2004-06~", "1984-01-01", "2004-06-30"},
      {"1984?/2004%", "1984-01-01", "2004-12-31"},
      {"1984~/2004~", "1984-01-01", "2004-12-31"},
      {"1984-06?/2004-08?", "1984-06-01", "2004-08-31"},
      {"1984-06-02?/2004-08-08~", "1984-06-02", "2004-08-08"},
      {"1984-06-02?/", "1984-06-02", ""},
  });
}

// edtf-validate L1_Intervals (valid there; the days are ours).
TEST(EdtfTest, EdtfValidateLevel1Intervals) {
  ExpectRanges({
      {"-1000/-0999", "-1000-01-01", "-0999-12-31"},
      {"-2004-02-01/2005", "-2004-02-01", "2005-12-31"},
      {"-1980-11-01/1989-11-30", "-1980-11-01", "1989-11-30"},
      {"2019-12/2020%", "2019-12-01", "2020-12-31"},
      {"-1984?/2004%", "-1984-01-01", "2004-12-31"},
      {"1984?/2004-06~", "1984-01-01", "2004-06-30"},
      {"2004-06~/2004-06-11%", "2004-06-01", "2004-06-11"},
      {"2003/2004-06-11%", "2003-01-01", "2004-06-11"},
      {"-2004-06-01/", "-2004-06-01", ""},
      {"2003-22/2004-22", "2003-06-01", "2004-08-31"},
      {"2003-22/2003-22", "2003-06-01", "2003-08-31"},
      {"2003-22/2003-23", "2003-06-01", "2003-11-30"},
      {"-1985-04-12/..", "-1985-04-12", ""},
      {"-1985-04/..", "-1985-04-01", ""},
      {"-1985/", "-1985-01-01", ""},
  });
}

TEST(EdtfTest, IntervalFlagsComeFromEitherEnd) {
  struct Flags {
    const char* edtf;
    bool uncertain;
    bool approximate;
  };
  for (const Flags& c : std::vector<Flags>{
           {"1984?/2004", true, false},
           {"1984/2004~", false, true},
           {"1984?/2004~", true, true},
           {"1984%/2004", true, true},
           {"1984-06-02?/", true, false},
           {"../2006%", true, true},
           {"1964/2008", false, false},
       }) {
    SCOPED_TRACE(c.edtf);
    const absl::StatusOr<EdtfDate> date = ParseEdtf(c.edtf);
    ASSERT_THAT(date, IsOk());
    EXPECT_EQ(date->uncertain, c.uncertain);
    EXPECT_EQ(date->approximate, c.approximate);
  }
}

// Where the ends share their first day, or the start's first day is the
// earlier, the interval is read (edtf-validate accepts "0000-01/0000").
TEST(EdtfTest, IntervalEndsMayDifferInPrecision) {
  ExpectRanges({
      {"2004/2004-03", "2004-01-01", "2004-03-31"},
      {"2004-06/2004-06-11", "2004-06-01", "2004-06-11"},
      {"2004-01/2004", "2004-01-01", "2004-12-31"},
      {"2004-06-11/2004-06-11", "2004-06-11", "2004-06-11"},
      {"2005-24/2006-01", "2005-12-01", "2006-01-31"},
  });
}

// EDTF specification (2019), Level 1 "Negative calendar year".
TEST(EdtfTest, SpecNegativeYear) {
  ExpectRanges({
      {"-1985", "-1985-01-01", "-1985-12-31"},
      {"-0001", "-0001-01-01", "-0001-12-31"},
      {"-1985-04-12", "-1985-04-12", "-1985-04-12"},
      {"-0004-02", "-0004-02-01", "-0004-02-29"},
      {"-0100-02", "-0100-02-01", "-0100-02-28"},
  });
}

// ------------------------------------------------------ Level 2 one-of sets

// EDTF specification (2019), Level 2 "Set representation", one of a set;
// also python-edtf EXAMPLES "One of a Set" (without its spaces, see
// RefusesSpaces) and go-edtf level2/tests.go SET_REPRESENTATIONS.
TEST(EdtfTest, SpecOneOfSets) {
  ExpectRanges({
      {"[1667,1668,1670..1672]", "1667-01-01", "1672-12-31"},
      {"[..1760-12-03]", "", "1760-12-03"},
      {"[1760-12..]", "1760-12-01", ""},
      {"[1760-01,1760-02,1760-12..]", "1760-01-01", ""},
      {"[1667,1760-12]", "1667-01-01", "1760-12-31"},
      {"[..1984]", "", "1984-12-31"},
  });
}

// edtf-validate Level2, one-of sets with negative years. Members need not be
// in order: "[1760-01,-1760-02,1760-12..]" is valid there.
TEST(EdtfTest, EdtfValidateOneOfSets) {
  ExpectRanges({
      {"[-1667,1668,1670..1672]", "-1667-01-01", "1672-12-31"},
      {"[1760-01,-1760-02,1760-12..]", "-1760-02-01", ""},
      {"[-1740-02-12..-1200-01-29]", "-1740-02-12", "-1200-01-29"},
      {"[-1890-05..-1200-01]", "-1890-05-01", "-1200-01-31"},
      {"[-1667,1760-12]", "-1667-01-01", "1760-12-31"},
  });
}

TEST(EdtfTest, OneOfSetSpansFromItsEarliestToItsLatestMember) {
  ExpectRanges({
      {"[2011-12,2011-11]", "2011-11-01", "2011-12-31"},
      {"[2005]", "2005-01-01", "2005-12-31"},
      {"[2005,2005]", "2005-01-01", "2005-12-31"},
      {"[2010,2005-22,2007-06-01]", "2005-06-01", "2010-12-31"},
      {"[..2006,2008]", "", "2008-12-31"},
      {"[2004,2008..]", "2004-01-01", ""},
      {"[..2004,2008..]", "", ""},
      {"[2005-24,2006-01]", "2005-12-01", "2006-02-28"},
      {"[201X,2021]", "2010-01-01", "2021-12-31"},
      {"[Y-170000002,2006]", "-170000002-01-01", "2006-12-31"},
  });
}

TEST(EdtfTest, OneOfSetFlagsComeFromAnyMember) {
  const absl::StatusOr<EdtfDate> some = ParseEdtf("[2005~,2006,2007?]");
  ASSERT_THAT(some, IsOk());
  EXPECT_TRUE(some->uncertain);
  EXPECT_TRUE(some->approximate);
  EXPECT_EQ(Show(some->earliest), "2005-01-01");
  EXPECT_EQ(Show(some->latest), "2007-12-31");

  const absl::StatusOr<EdtfDate> none = ParseEdtf("[2005,2006]");
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->uncertain);
  EXPECT_FALSE(none->approximate);
}

// ------------------------------------------------ The seed facts (docs/domain.md)

TEST(EdtfTest, DesignSeedDates) {
  ExpectRanges({
      {"2004-12-16", "2004-12-16", "2004-12-16"},
      {"2005-02", "2005-02-01", "2005-02-28"},
      {"2005-22", "2005-06-01", "2005-08-31"},
      {"2005-10-10", "2005-10-10", "2005-10-10"},
      {"2006-06", "2006-06-01", "2006-06-30"},
      {"[2006-06-29..2011-09]", "2006-06-29", "2011-09-30"},
      {"[..2006-09]", "", "2006-09-30"},
      {"[..2007-01]", "", "2007-01-31"},
      {"[2006-06..2011-09]", "2006-06-01", "2011-09-30"},
      {"[..2011-09]", "", "2011-09-30"},
      {"[2006-06-29..]", "2006-06-29", ""},
      {"2011-09/2011-12", "2011-09-01", "2011-12-31"},
      {"[2011-11,2011-12]", "2011-11-01", "2011-12-31"},
      {"2011-11", "2011-11-01", "2011-11-30"},
  });
}

// -------------------------------------------------------- Calendar edges

TEST(EdtfTest, MonthsEndOnTheirLastDay) {
  ExpectRanges({
      {"2005-01", "2005-01-01", "2005-01-31"},
      {"2005-02", "2005-02-01", "2005-02-28"},
      {"2005-03", "2005-03-01", "2005-03-31"},
      {"2005-04", "2005-04-01", "2005-04-30"},
      {"2005-05", "2005-05-01", "2005-05-31"},
      {"2005-06", "2005-06-01", "2005-06-30"},
      {"2005-07", "2005-07-01", "2005-07-31"},
      {"2005-08", "2005-08-01", "2005-08-31"},
      {"2005-09", "2005-09-01", "2005-09-30"},
      {"2005-10", "2005-10-01", "2005-10-31"},
      {"2005-11", "2005-11-01", "2005-11-30"},
      {"2005-12", "2005-12-01", "2005-12-31"},
  });
}

TEST(EdtfTest, FebruaryFollowsTheLeapRule) {
  ExpectRanges({
      {"1900-02", "1900-02-01", "1900-02-28"},
      {"2000-02", "2000-02-01", "2000-02-29"},
      {"2004-02", "2004-02-01", "2004-02-29"},
      {"2008-02", "2008-02-01", "2008-02-29"},
      {"2100-02", "2100-02-01", "2100-02-28"},
      {"0000-02", "0000-02-01", "0000-02-29"},
      {"2000-02-29", "2000-02-29", "2000-02-29"},
      {"2004-02-29", "2004-02-29", "2004-02-29"},
      {"-0004-02-29", "-0004-02-29", "-0004-02-29"},
  });
}

TEST(EdtfTest, RefusesDaysThatDoNotExist) {
  ExpectRefused({
      {"2011-02-30", "day 30 is not a day of 2011-02 (01-28)"},
      {"2013-02-29", "day 29 is not a day of 2013-02 (01-28)"},
      {"1900-02-29", "day 29 is not a day of 1900-02 (01-28)"},
      {"2011-04-31", "day 31 is not a day of 2011-04 (01-30)"},
      {"2011-06-31", "(01-30)"},
      {"2011-09-31", "(01-30)"},
      {"2011-11-31", "(01-30)"},
      {"2011-01-32", "(01-31)"},
      {"2011-01-00", "day 00 is not a day of 2011-01"},
      {"2004-02-30", "(01-29)"},
      {"-0001-02-29", "day 29 is not a day of -0001-02 (01-28)"},
      {"1960-06-31", "(01-30)"},  // edtf-validate invalid_edtf_dates
      {"2016-02-39", "(01-29)"},  // python-edtf BAD_EXAMPLES
      {"2011-02-30/2012", "day 30"},
      {"2010/2011-02-30", "day 30"},
      {"[2011-02-30,2012]", "day 30"},
      {"[..2011-02-30]", "day 30"},
      {"2011-02-3", "not two digits (DD)"},
  });
}

TEST(EdtfTest, RefusesMonthsThatAreNeitherMonthsNorSeasons) {
  ExpectRefused({
      {"2004-13", "month 13 is not a month (01-12) or a season (21-24)"},
      {"2004-00", "month 00 is not a month (01-12) or a season (21-24)"},
      {"2004-20", "month 20 is not a month"},
      {"2004-42", "month 42 is not a month"},
      {"2004-99", "month 99 is not a month"},
      {"2016-13-08", "month 13 is not a month"},  // python-edtf BAD_EXAMPLES
      {"2004-6", "not two digits (MM)"},
      {"2004-006", "not two digits (MM)"},
      {"2004-21-05", "a season (21-24) has no day"},
  });
}

// ---------------------------------------------------------------- Refusals

// Level 2 seasons (ISO 8601-2 sub-year groupings 25-41): python-edtf
// EXAMPLES "2001-29", "2001-34"; go-edtf level2 "2001-34", "2019-28";
// edtf-validate Level2 "2001-25".."2001-33", "-2001-34".."-2001-41".
TEST(EdtfTest, RefusesLevel2Seasons) {
  for (int season = 25; season <= 41; ++season) {
    const std::string edtf = "2001-" + std::to_string(season);
    ExpectRefused({{edtf.c_str(), "Level 2 sub-year grouping"}});
    ExpectRefused(
        {{edtf.c_str(), "21 spring, 22 summer, 23 autumn, 24 winter"}});
  }
  ExpectRefused({
      {"2019-28", "Level 2"},
      {"-2001-41", "Level 2"},
      {"2001-29/2002", "Level 2"},
  });
}

// EDTF specification (2019), Level 2 "Set representation", all members;
// python-edtf "Multiple Dates"; go-edtf level2; edtf-validate Level2.
TEST(EdtfTest, RefusesAllOfSets) {
  ExpectRefused({
      {"{1667,1668,1670..1672}", "all members of a set"},
      {"{1960,1961-12}", "Level 2"},
      {"{..1984}", "'[a,b]'"},
      {"{1760-12..}", "Level 2"},
      {"{-1740-02-12..-1200-01-29}", "Level 2"},
  });
}

// EDTF specification (2019), Level 2 "Qualification" and "Extended
// Interval"; python-edtf EXAMPLES "Qualification"; go-edtf level2 and
// common/range_test.go ("~1972-12-15", "2004-06-~20", "~2021?");
// edtf-validate Level2 and L2_Intervals.
TEST(EdtfTest, RefusesQualifiersOnPartsOfADate) {
  ExpectRefused({
      {"2004?-06-11", "Level 2"},
      {"2004-06~-11", "Level 2"},
      {"2004-06-~11", "Level 2"},
      {"2004-%06", "Level 2"},
      {"2004-?06-?11", "Level 2"},
      {"2004?-06-~11", "Level 2"},
      {"?2004-%06", "Level 2"},
      {"2004?-%06", "Level 2"},
      {"2004?-~06-~04", "Level 2"},
      {"2011-~06-~04", "Level 2"},
      {"?2004-06-~11", "Level 2"},
      {"2004-%06-11", "Level 2"},
      {"~1972-12-15", "Level 2"},
      {"2004-06-~20", "Level 2"},
      {"~2021?", "Level 2"},
      {"%2001", "Level 2"},
      {"?-2004-06", "Level 2"},
      {"2004-06-~01/2004-06-~20", "at the end, for the whole date"},
      {"2019-12/%2020", "Level 2"},
      {"1984?/2004~-06", "Level 2"},
  });
}

TEST(EdtfTest, RefusesTwoQualifiers) {
  ExpectRefused({
      {"2004?~", "two qualifiers"},
      {"2004??", "two qualifiers"},
      {"1984?/2004?~", "two qualifiers"},  // 2012 draft; '%' since 2019
      {"?", "a date is missing"},
      {"2004/?", "a date is missing"},
  });
}

// EDTF specification (2019), Level 2 "Exponential year" and "Significant
// digits"; python-edtf EXAMPLES and BAD_EXAMPLES ("Y17E7-12-26"); go-edtf
// level2/tests.go; edtf-validate Level2.
TEST(EdtfTest, RefusesExponentialYearsAndSignificantDigits) {
  ExpectRefused({
      {"Y17E7", "exponential years"},
      {"Y-17E7", "exponential years"},
      {"Y10E7", "Level 2"},
      {"Y20E2", "Level 2"},
      {"Y17E7-12-26", "Level 2"},
      {"1950S2", "significant digits"},
      {"Y171010000S3", "significant digits"},
      {"Y3388E2S3", "Level 2"},
      {"-1859S5", "significant digits"},
      {"Y17101E4S3", "Level 2"},
  });
}

// Level 2 unspecified digits: EDTF specification (2019) Level 2
// "Unspecified Digit"; python-edtf "Partial unspecified"; go-edtf level2;
// edtf-validate Level2. Level 1 allows X only as its five examples show.
TEST(EdtfTest, RefusesUnspecifiedDigitsBeyondLevel1) {
  ExpectRefused({
      {"156X-12-25", "Level 2"},
      {"15XX-12-25", "Level 2"},
      {"1560-XX-25", "a known day in an unspecified month"},
      {"1985-XX-12", "Level 2"},
      {"15XX-12-XX", "Level 2"},
      {"XXXX-XX-23", "Level 2"},
      {"XXXX-12-XX", "Level 2"},
      {"1XXX-XX", "Level 2"},
      {"1XXX-12", "Level 2"},
      {"1XXX", "Level 2"},
      {"XXXX", "Level 2"},
      {"19X5", "Level 2"},
      {"X985", "Level 2"},
      {"1984-1X", "partly unspecified month"},
      {"2004-X1", "partly unspecified month"},
      {"1985-04-1X", "partly unspecified day"},
      {"1985-04-X1", "partly unspecified day"},
      {"20X0-10-02", "Level 2"},
      {"201X-05", "'X' in a year on its own"},
      {"201X-XX", "Level 2"},
      {"-1XXX-12", "Level 2"},
      {"2003-06-25/2004-X1-03", "Level 2"},
  });
}

// The one Level 2 interval example built only from Level 1 parts is read.
TEST(EdtfTest, ReadsIntervalsOfLevel1Parts) {
  // EDTF specification (2019) Level 2 "Interval"; python-edtf EXAMPLES.
  ExpectRanges({
      {"2004-06-XX/2004-07-03", "2004-06-01", "2004-07-03"},
      {"2000-12-XX/2012", "2000-12-01", "2012-12-31"},  // edtf-validate
      {"198X/199X", "1980-01-01", "1999-12-31"},        // edtf-validate
      {"198X/1999", "1980-01-01", "1999-12-31"},        // edtf-validate
      {"1987/199X", "1987-01-01", "1999-12-31"},        // edtf-validate
      {"2000-XX/2012", "2000-01-01", "2012-12-31"},     // edtf-validate
      {"2000/2000-XX-XX", "2000-01-01", "2000-12-31"},  // edtf-validate
  });
}

// EDTF Level 0 has date-and-time; the ledger's dates are whole days.
// python-edtf EXAMPLES, go-edtf level0 DATE_AND_TIME, edtf-validate Level0.
TEST(EdtfTest, RefusesTimesOfDay) {
  ExpectRefused({
      {"2001-02-03T09:30:01", "time of day"},
      {"2004-01-01T10:10:10Z", "time of day"},
      {"2004-01-01T10:10:10+05:00", "give the date only"},
      {"1985-04-12T23:20:30", "time of day"},
      {"1985-04-12T23:20:30-04", "time of day"},
      {"-1972-04-12T23:20:28", "time of day"},
      {"2005-07-25T10:10:10Z/2006-01", "time of day"},
      {"12:00", "time of day"},
  });
}

// python-edtf BAD_EXAMPLES (the 2012 draft's parentheses among them),
// go-edtf level0/level1 invalid lists, edtf-validate invalid_edtf_dates.
TEST(EdtfTest, RefusesGarbage) {
  ExpectRefused({
      {"", "empty; accepted: YYYY, YYYY-MM, YYYY-MM-DD"},
      {"not a edtf string", "accepted: YYYY"},
      {"Dec. 1970", "accepted: YYYY"},
      {"Last week", "accepted: YYYY"},
      {"c 1960", "accepted: YYYY"},
      {"Spring, 2002", "accepted: YYYY"},
      {"2004-(06)?-11", "unexpected character '('"},
      {"2004-06-(11)~", "unexpected character '('"},
      {"(2004-(06)~)?", "unexpected character '('"},
      {"2004-(06-11)?", "unexpected character"},
      {"2004-06-(01)~/2004-06-(20)~", "unexpected character"},
      {"2001-21^southernHemisphere", "unexpected character '^'"},
      {"+2006%", "unexpected character '+'"},
      {"2012\\2013", "unexpected character '\\'"},
      {"2005\xc3\xa9", "unexpected byte 0xc3"},
      {"85", "not four digits"},
      {"205", "not four digits"},
      {"20067890%", "more than four digits; accepted: a 'Y' prefix"},
      {"19850", "'Y19850'"},
      {"-19850", "'Y-19850'"},
      {"-0000", "'-0000' is not a year"},
      {"-0000-01-01", "'-0000' is not a year"},
      {"-", "not a date of the form"},
      {"2004-", "not a date of the form"},
      {"2004--06", "not a date of the form"},
      {"2004-06-11-01", "not a date of the form"},
      {"2000/12-12", "not four digits"},
      {"20 04", "EDTF has no spaces"},
      {" 1863-03-29", "no spaces"},
      {"1863-03-29 ", "no spaces"},
      {"201x", "upper case"},
      {"y170000002", "upper case"},
      {"199u", "unexpected character 'u'"},
      {"unknown/2006", "2012 EDTF draft"},
      {"2004-01-01/open", "2012 EDTF draft"},
  });
}

TEST(EdtfTest, RefusalOfALongInputQuotesOnlyItsStart) {
  const std::string text = "[" + std::string(100000, '2') + "]";
  const absl::StatusOr<EdtfDate> date = ParseEdtf(text);
  ASSERT_THAT(date, StatusIs(absl::StatusCode::kInvalidArgument,
                             StartsWith("'[" + std::string(119, '2') + "...' : ")));
  const std::string message(date.status().message());
  EXPECT_LT(message.size(), 1000u);

  const std::string long_month = "2007-" + std::string(100000, '1');
  const absl::StatusOr<CivilDay> query = ParseQueryDate(long_month);
  ASSERT_THAT(query, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("month '1111")));
  EXPECT_LT(query.status().message().size(), 1000u);
  const absl::StatusOr<CivilDay> civil = ParseCivilDay(long_month + "-01");
  ASSERT_THAT(civil, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("YYYY-MM-DD")));
  EXPECT_LT(civil.status().message().size(), 1000u);
}

// EDTF has no spaces; python-edtf and the 2012 draft's examples put one after
// each comma of a set, the 2019 specification does not.
TEST(EdtfTest, RefusesSpaces) {
  ExpectRefused({
      {"[1667, 1668, 1670..1672]", "no spaces"},
      {"[1760-01, 1760-02, 1760-12..]", "no spaces"},
      {"[1667,1668, 1670..1672]", "no spaces"},  // edtf-validate invalid
      {"[1 760-01,1760-02]", "no spaces"},       // edtf-validate invalid
  });
}

TEST(EdtfTest, RefusesIntervalsThatEndBeforeTheyStart) {
  ExpectRefused({
      {"2006/2005",
       "the start '2006' (from 2006-01-01) begins after the end '2005' (from "
       "2005-01-01)"},
      {"2004-06-30/2004-06-01", "begins after the end"},
      {"2005-24/2005-22", "begins after the end"},
      {"-1000/-2000", "begins after the end"},      // edtf-validate
      {"1000/-2000", "begins after the end"},       // edtf-validate
      {"0800/-0999", "begins after the end"},       // edtf-validate
      {"0001/0000", "begins after the end"},        // edtf-validate
      {"0000/-0001", "begins after the end"},       // edtf-validate
      {"2012-24/2012-21", "begins after the end"},  // edtf-validate
      {"2012-23/2012-22", "begins after the end"},  // edtf-validate
      {"Y10000/2006", "begins after the end"},
  });
}

// edtf-validate's invalid_edtf_intervals compare the ends by their first
// day: an end coarser than its start that holds it is refused.
TEST(EdtfTest, RefusesIntervalsWhoseEndBeginsBeforeTheirStart) {
  ExpectRefused({
      {"0000-01-03/0000-01", "begins after the end"},
      {"0000-02/0000", "begins after the end"},
      {"2004-06-11%/2004-06~", "begins after the end"},
      {"2004-06/2004", "begins after the end"},
  });
}

TEST(EdtfTest, RefusesMalformedIntervals) {
  ExpectRefused({
      {"/", "needs a date at one end"},
      {"../..", "needs a date at one end"},
      {"/..", "needs a date at one end"},
      {"../", "needs a date at one end"},
      {"2004/2005/2006", "more than one '/'"},
      {"2012///4444", "more than one '/'"},
      {"2012/2013/1234/55", "more than one '/'"},
      {"2004..2006", "'..' is an open interval end"},
      {"..2006", "'..' is an open interval end"},
      {"2006..", "'..' is an open interval end"},
      {".../2006", "'..' is an open interval end"},
      {"2004/...", "'..' is an open interval end"},
      {"2004,2005", "one-of set"},
      {"2004/[2005,2006]", "one-of set"},
  });
}

TEST(EdtfTest, RefusesMalformedSets) {
  ExpectRefused({
      {"[2007..2006]",
       "the start '2007' (from 2007-01-01) begins after the end '2006'"},
      {"[2005,2011-12..2011-11]", "begins after the end"},
      {"[]", "a date is missing"},
      {"[..]", "one '..' at most"},
      {"[2005,,2006]", "a date is missing"},
      {"[2005,]", "a date is missing"},
      {"[2005", "ends with ']'"},
      {"2005]", "one-of set"},
      {"[2005]?", "ends with ']'"},
      {"[2005]/2006", "ends with ']'"},
      {"[2005,..2006]", "may only open a set"},
      {"[2005..,2006]", "only close it"},
      {"[..2006..]", "one '..' at most"},
      {"[2004..2005..2006]", "one '..' at most"},
      {"[[2005]]", "no nested sets"},
      {"[2005/2006]", "no intervals"},
      {"[2005,2006-13]", "month 13"},
      {"[2005,2001-25]", "Level 2"},
  });
}

// ------------------------------------------------------------ Query dates

TEST(EdtfTest, QueryDateMeansTheEndOfItsPeriod) {
  struct Query {
    const char* text;
    CivilDay day;
  };
  for (const Query& q : std::vector<Query>{
           {"2007", {2007, 12, 31}},
           {"2007-06", {2007, 6, 30}},
           {"2008-02", {2008, 2, 29}},
           {"2007-02", {2007, 2, 28}},
           {"1900-02", {1900, 2, 28}},
           {"2000-02", {2000, 2, 29}},
           {"2007-01", {2007, 1, 31}},
           {"2007-12", {2007, 12, 31}},
           {"2007-06-15", {2007, 6, 15}},
           {"2004-02-29", {2004, 2, 29}},
           {"0000", {0, 12, 31}},
       }) {
    SCOPED_TRACE(q.text);
    const absl::StatusOr<CivilDay> day = ParseQueryDate(q.text);
    ASSERT_THAT(day, IsOk());
    EXPECT_EQ(*day, q.day);
  }
}

TEST(EdtfTest, QueryDateRefusesAllButLevel0Dates) {
  for (const char* text : {"",
                           "2007?",
                           "2007~",
                           "2007-21",
                           "2007-24",
                           "2007-XX",
                           "201X",
                           "-2007",
                           "Y12000",
                           "12000",
                           "2007/2008",
                           "../2007",
                           "[2007]",
                           "[..2007]",
                           "207",
                           "2007-6",
                           "2007-006",
                           "2007-13",
                           "2007-00",
                           "2007-02-29",
                           "2007-06-31",
                           "2007-06-00",
                           "2007-06-15T00:00",
                           " 2007",
                           "2007 ",
                           "2007-06-15-01",
                           "+2007"}) {
    SCOPED_TRACE(text);
    const absl::StatusOr<CivilDay> day = ParseQueryDate(text);
    ASSERT_THAT(day, StatusIs(absl::StatusCode::kInvalidArgument,
                              ::testing::AllOf(StartsWith("'" + std::string(text) + "' : "),
                                               HasSubstr("YYYY, YYYY-MM or YYYY-MM-DD"))))
        << (day.ok() ? "accepted as " + day->ToString() : "");
  }
}

TEST(EdtfTest, QueryDateSaysWhichPartIsWrong) {
  const absl::StatusOr<CivilDay> month = ParseQueryDate("2007-13");
  EXPECT_THAT(month, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("month '13'")));
  const absl::StatusOr<CivilDay> day = ParseQueryDate("2007-02-29");
  EXPECT_THAT(day, StatusIs(absl::StatusCode::kInvalidArgument,
                            HasSubstr("day 29 is not a day of 2007-02 (01-28)")));
}

}  // namespace
}  // namespace ledger::compact
