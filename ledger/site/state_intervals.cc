#include "ledger/site/state_intervals.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/util/message_differencer.h"
#include "ledger/base/status_macros.h"
#include "ledger/site/message_walk.h"

namespace ledger::site {

namespace {

using compact::CivilDay;
using google::protobuf::Message;

CivilDay Shift(const CivilDay& day, int days) {
  const absl::CivilDay next = absl::CivilDay(day.year, day.month, day.day) + days;
  return CivilDay{.year = next.year(), .month = next.month(), .day = next.day()};
}

absl::Status AddBound(const std::string& text, uint64_t sequence, std::set<CivilDay>& days) {
  if (text.empty()) return absl::OkStatus();  // unbounded
  auto day = compact::ParseCivilDay(text);
  if (!day.ok()) {
    return absl::DataLossError(absl::StrCat("entry ", sequence, " stores a date bound \"", text,
                                            "\" that is not a day: ", day.status().message()));
  }
  days.insert(*day);
  days.insert(Shift(*day, 1));
  return absl::OkStatus();
}

absl::Status CollectDates(const Message& event, uint64_t sequence, std::set<CivilDay>& days) {
  return VisitMessages(event, [&](const Message& message) {
    const auto* date = dynamic_cast<const compact::v1::Date*>(&message);
    if (date == nullptr) return absl::OkStatus();
    LEDGER_RETURN_IF_ERROR(AddBound(date->earliest(), sequence, days));
    return AddBound(date->latest(), sequence, days);
  });
}

}  // namespace

void WithoutQueryDay(const CivilDay& day, Message* report) {
  const std::string suffix = absl::StrCat(" on ", day.ToString());
  VisitMessages(report, [&](Message* message) {
    auto* effect = dynamic_cast<compact::v1::EffectView*>(message);
    if (effect == nullptr) return true;
    const std::string& because = effect->because();
    if (because.size() >= suffix.size() &&
        because.compare(because.size() - suffix.size(), suffix.size(), suffix) == 0) {
      effect->set_because(because.substr(0, because.size() - suffix.size()) + " on this day");
    }
    return false;
  });
}

absl::StatusOr<std::set<CivilDay>> ChangeDays(const std::vector<HistoryItem>& events) {
  std::set<CivilDay> days;
  for (const HistoryItem& item : events) {
    LEDGER_RETURN_IF_ERROR(CollectDates(item.event, item.sequence, days));
  }
  return days;
}

absl::StatusOr<std::vector<StateInterval>> StateIntervals(
    const CompactLedger& ledger, std::string_view compact_id,
    const std::set<CivilDay>& change_days) {
  // Interval k starts on the k-th change day; the first starts unbounded.
  std::vector<std::optional<CivilDay>> starts = {std::nullopt};
  starts.insert(starts.end(), change_days.begin(), change_days.end());
  std::vector<StateInterval> intervals;
  for (size_t k = 0; k < starts.size(); ++k) {
    // Any day of the interval will do; the first (or, for the unbounded
    // first interval, the day before the first change) is used.
    const CivilDay day = starts[k] ? *starts[k]
                         : change_days.empty() ? CivilDay{.year = 2000}
                                               : Shift(*change_days.begin(), -1);
    StateInterval interval;
    interval.from = starts[k];
    if (k + 1 < starts.size()) interval.to = Shift(*starts[k + 1], -1);
    LEDGER_RETURN_IF_ERROR(ledger.StateAt(day, compact_id, std::nullopt, &interval.report));
    interval.report.clear_at();
    WithoutQueryDay(day, &interval.report);
    if (!intervals.empty() &&
        google::protobuf::util::MessageDifferencer::Equals(intervals.back().report,
                                                           interval.report)) {
      intervals.back().to = interval.to;
      continue;
    }
    intervals.push_back(std::move(interval));
  }
  return intervals;
}

}  // namespace ledger::site
