#include "ledger/compact/fact_directory.h"

#include <algorithm>
#include <limits>

#include "absl/time/civil_time.h"

#include "ledger/compact/world.h"

namespace ledger::compact::internal {
namespace {

constexpr uint32_t kKindShift = 30;
constexpr uint32_t kKindMask = uint32_t{3} << kKindShift;
enum Kind : uint32_t { kOther = 0, kProposal = 1, kHappening = 2, kPlan = 3 };

constexpr int32_t kUnbounded = std::numeric_limits<int32_t>::min();

int32_t DayNumber(const std::optional<CivilDay>& day) {
  if (!day.has_value()) return kUnbounded;
  const int64_t n = absl::CivilDay(day->year, day->month, day->day) - absl::CivilDay(1970, 1, 1);
  // Days beyond +-5.8 million years are clamped: no source dates them.
  return static_cast<int32_t>(std::clamp<int64_t>(n, kUnbounded + 1,
                                                  std::numeric_limits<int32_t>::max()));
}

std::optional<CivilDay> DayOf(int32_t n) {
  if (n == kUnbounded) return std::nullopt;
  const absl::CivilDay day = absl::CivilDay(1970, 1, 1) + n;
  return CivilDay{day.year(), day.month(), day.day()};
}

uint32_t KindOf(const compact::v1::Event& event) {
  if (event.has_proposal()) return kProposal;
  if (event.has_decision() || event.has_occurrence()) return kHappening;
  if (event.has_plan()) return kPlan;
  return kOther;
}

}  // namespace

FactDirectory FactDirectory::Over(const FactDirectory* base) {
  FactDirectory directory;
  directory.base_ = base;
  return directory;
}

void FactDirectory::Add(uint64_t sequence, const compact::v1::Event& event) {
  absl::StatusOr<std::string> stream = World::StreamOf(event);
  std::string name = stream.ok() ? *std::move(stream) : std::string();
  auto [it, inserted] = stream_ids_.try_emplace(name, static_cast<uint32_t>(streams_.size()));
  if (inserted) streams_.push_back(std::move(name));
  sequences_.push_back(sequence);
  stream_and_kind_.push_back(it->second | (KindOf(event) << kKindShift));
  DayRange range;
  if (event.has_date()) {
    absl::StatusOr<DayRange> parsed = RangeOf(event.date());
    if (parsed.ok()) range = *parsed;
  }
  earliest_.push_back(DayNumber(range.earliest));
  latest_.push_back(DayNumber(range.latest));
}

std::optional<FactDirectory::Summary> FactDirectory::Find(uint64_t sequence) const {
  if (base_ != nullptr && (sequences_.empty() || sequence < sequences_.front())) {
    return base_->Find(sequence);
  }
  auto it = std::lower_bound(sequences_.begin(), sequences_.end(), sequence);
  if (it == sequences_.end() || *it != sequence) return std::nullopt;
  const size_t i = it - sequences_.begin();
  const uint32_t packed = stream_and_kind_[i];
  const uint32_t kind = (packed & kKindMask) >> kKindShift;
  return Summary{streams_[packed & ~kKindMask], kind == kProposal, kind == kHappening,
                 kind == kPlan, DayRange{DayOf(earliest_[i]), DayOf(latest_[i])}};
}

}  // namespace ledger::compact::internal
