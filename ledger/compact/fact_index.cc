#include "ledger/compact/fact_index.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "ledger/base/absl_view.h"
#include "ledger/compact/rules.h"

namespace ledger::compact::internal {
namespace {

using compact::v1::Event;
using compact::v1::WorldState;

// The compact ids a non-annotation event concerns (see Concerns in fold.h):
// up to two, the second empty when there is none or it repeats the first.
std::pair<const std::string*, const std::string*> CompactsOf(const Event& e) {
  if (e.has_compact_registered()) {
    return {&e.compact_registered().compact_id(), nullptr};
  }
  if (e.has_code_registered()) return {&e.code_registered().compact_id(), nullptr};
  const compact::v1::Action* action = ActionOf(e);
  if (action == nullptr) return {nullptr, nullptr};
  if (action->other_compact_id() == action->compact_id()) {
    return {&action->compact_id(), nullptr};
  }
  return {&action->compact_id(), &action->other_compact_id()};
}

// True when `a` is a correction of the fact at `sequence`.
bool Corrects(const compact::v1::Annotation& a, uint64_t sequence) {
  return a.kind() == compact::v1::ANNOTATION_KIND_CORRECTION && a.target().sequence() == sequence;
}

// Applies correction `a`, the fact at index `note`, to `fact`; true when it
// gives the fact a new date (its range is then to be set again).
bool ApplyCorrection(const compact::v1::Annotation& a, int note, IndexedFact* fact) {
  if (a.retracts()) fact->retracted = true;
  if (!a.has_date()) return false;
  fact->date_from = note;
  return true;
}

const std::vector<int>& Empty() {
  static const auto* const kEmpty = new std::vector<int>();
  return *kEmpty;
}

}  // namespace

FactIndex FactIndex::Build(const WorldState& state) {
  FactIndex index;
  index.facts_.reserve(state.facts_size());
  index.sequences_.reserve(state.facts_size());
  for (int i = 0; i < state.facts_size(); ++i) index.Add(state, i);
  return index;
}

void FactIndex::Add(const WorldState& state, int i) {
  if (state.facts(i).event().has_annotation()) {
    AddAnnotation(state, i);
  } else {
    AddFact(state, i);
  }
  indexed_ = i + 1;
}

// Notes and corrections attach to their target; a conflict to every claim.
void FactIndex::AddAnnotation(const WorldState& state, int i) {
  const compact::v1::Annotation& note = state.facts(i).event().annotation();
  annotations_[note.target().sequence()].push_back(i);
  if (note.kind() == compact::v1::ANNOTATION_KIND_CONFLICT) {
    for (const compact::v1::EventRef& related : note.related()) {
      annotations_[related.sequence()].push_back(i);
    }
    conflicts_.push_back(i);
  }
  // A replacement shows the correction that put it in the target's place.
  if (note.has_replaced_by() && note.replaced_by().has_sequence()) {
    annotations_[note.replaced_by().sequence()].push_back(i);
  }
  if (note.kind() != compact::v1::ANNOTATION_KIND_CORRECTION) return;
  const int position = Find(note.target().sequence());
  if (position >= 0) Correct(state, i, position);
}

void FactIndex::AddFact(const WorldState& state, int i) {
  const compact::v1::Fact& fact = state.facts(i);
  const int position = static_cast<int>(facts_.size());
  IndexedFact& added = facts_.emplace_back();
  added.fact = i;
  if (!sequences_.empty() && fact.sequence() <= sequences_.back()) sorted_ = false;
  sequences_.push_back(fact.sequence());
  auto [first, second] = CompactsOf(fact.event());
  if (first != nullptr) by_compact_[*first].push_back(position);
  if (second != nullptr) by_compact_[*second].push_back(position);
  // Corrections recorded before their target (only in a foreign snapshot).
  auto notes = annotations_.find(fact.sequence());
  if (notes != annotations_.end()) {
    for (int note : notes->second) {
      if (Corrects(state.facts(note).event().annotation(), fact.sequence())) {
        Correct(state, note, position);
      }
    }
  }
  SetRange(state, position);
}

void FactIndex::Correct(const WorldState& state, int note, int position) {
  if (ApplyCorrection(state.facts(note).event().annotation(), note, &facts_[position])) {
    SetRange(state, position);
  }
}

void FactIndex::SetRange(const WorldState& state, int position) {
  IndexedFact& info = facts_[position];
  if (info.corrupt) --corrupt_;
  SetRange(state, &info);
  if (info.corrupt) ++corrupt_;
}

void FactIndex::SetRange(const WorldState& state, IndexedFact* fact) {
  fact->range = DayRange();
  fact->corrupt = false;
  const compact::v1::Date& date = DateOf(state, *fact);
  fact->dated = !date.edtf().empty();
  if (!fact->dated) return;
  absl::StatusOr<DayRange> range = RangeOf(date);
  if (range.ok()) {
    fact->range = *range;
  } else {
    fact->corrupt = true;
  }
}

int FactIndex::PositionsBefore(uint64_t known_through) const {
  if (sorted_) {
    return static_cast<int>(
        std::lower_bound(sequences_.begin(), sequences_.end(), known_through) -
        sequences_.begin());
  }
  return static_cast<int>(
      std::count_if(sequences_.begin(), sequences_.end(),
                    [known_through](uint64_t s) { return s < known_through; }));
}

IndexedFact FactIndex::AsKnownThrough(const WorldState& state, int position,
                                      uint64_t known_through) const {
  const IndexedFact& now = facts_[position];
  const uint64_t sequence = state.facts(now.fact).sequence();
  const std::vector<int>& notes = AnnotationsOf(sequence);
  // Annotations are indexed in ledger order: none since means none undone.
  if (notes.empty() || state.facts(notes.back()).sequence() < known_through) return now;
  IndexedFact then;
  then.fact = now.fact;
  for (int note : notes) {
    const compact::v1::Annotation& a = state.facts(note).event().annotation();
    if (state.facts(note).sequence() < known_through && Corrects(a, sequence)) {
      ApplyCorrection(a, note, &then);
    }
  }
  SetRange(state, &then);
  return then;
}

int FactIndex::Find(uint64_t sequence) const {
  // Sequences ascend in every state World folds or accepts; a state built
  // by hand may not, so fall back to the last match.
  if (sorted_) {
    auto it = std::lower_bound(sequences_.begin(), sequences_.end(), sequence);
    if (it == sequences_.end() || *it != sequence) return -1;
    return static_cast<int>(it - sequences_.begin());
  }
  for (size_t p = sequences_.size(); p-- > 0;) {
    if (sequences_[p] == sequence) return static_cast<int>(p);
  }
  return -1;
}

const std::vector<int>& FactIndex::PositionsOf(std::string_view id) const {
  auto it = by_compact_.find(AbslView(id));
  return it == by_compact_.end() ? Empty() : it->second;
}

const std::vector<int>& FactIndex::AnnotationsOf(uint64_t sequence) const {
  auto it = annotations_.find(sequence);
  return it == annotations_.end() ? Empty() : it->second;
}

const compact::v1::Date& FactIndex::DateOf(const WorldState& state,
                                           int position) const {
  return DateOf(state, facts_[position]);
}

const compact::v1::Date& FactIndex::DateOf(const WorldState& state, const IndexedFact& fact) {
  if (fact.date_from >= 0) return state.facts(fact.date_from).event().annotation().date();
  return state.facts(fact.fact).event().date();
}

absl::Status FactIndex::CheckDates(const WorldState& state) const {
  if (corrupt_ == 0) return absl::OkStatus();
  for (size_t p = 0; p < facts_.size(); ++p) {
    if (!facts_[p].corrupt) continue;
    return RangeOf(DateOf(state, static_cast<int>(p))).status();
  }
  return absl::OkStatus();
}

}  // namespace ledger::compact::internal
