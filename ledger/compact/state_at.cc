#include "ledger/compact/state_at.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/compact/fold.h"
#include "ledger/compact/rules.h"
#include "ledger/compact/state_index.h"

namespace ledger::compact {
namespace internal {
namespace {

using compact::v1::Fact;

// Notes and corrections attach to their target; a conflict to every claim.
void IndexAnnotation(const Fact& fact,
                     std::map<uint64_t, std::vector<const Fact*>>* by_target) {
  const compact::v1::Annotation& note = fact.event().annotation();
  (*by_target)[note.target().sequence()].push_back(&fact);
  if (note.kind() != compact::v1::ANNOTATION_KIND_CONFLICT) return;
  for (const compact::v1::EventRef& related : note.related()) {
    (*by_target)[related.sequence()].push_back(&fact);
  }
}

// Applies corrections naming `info` (later corrections win).
void ApplyCorrections(const std::vector<const Fact*>& notes, FactInfo* info) {
  for (const Fact* note : notes) {
    const compact::v1::Annotation& a = note->event().annotation();
    if (a.kind() != compact::v1::ANNOTATION_KIND_CORRECTION ||
        a.target().sequence() != info->fact->sequence()) {
      continue;
    }
    if (a.retracts()) info->retracted = true;
    if (a.has_date()) info->effective_date = a.date();
  }
}

std::string UncertainBecause(const FactInfo& info) {
  const compact::v1::Event& e = info.fact->event();
  std::string why = absl::StrCat("the sources give only ", RangeText(info.range));
  if (!info.effective_date.as_written().empty()) {
    absl::StrAppend(&why, " (\"", info.effective_date.as_written(), "\")");
  }
  if (e.inferred()) absl::StrAppend(&why, "; inferred: ", e.note());
  return why;
}

}  // namespace

absl::StatusOr<StateIndex> StateIndex::Build(const compact::v1::WorldState& world,
                                             const CivilDay& at) {
  StateIndex index;
  index.world_ = &world;
  index.at_ = at;
  for (const Fact& fact : world.facts()) {
    if (fact.event().has_annotation()) {
      IndexAnnotation(fact, &index.annotations_);
      if (fact.event().annotation().kind() ==
          compact::v1::ANNOTATION_KIND_CONFLICT) {
        index.conflicts_.push_back(&fact);
      }
    }
  }
  for (const Fact& fact : world.facts()) {
    if (fact.event().has_annotation()) continue;
    FactInfo info;
    info.fact = &fact;
    info.effective_date = fact.event().date();
    auto notes = index.annotations_.find(fact.sequence());
    if (notes != index.annotations_.end()) ApplyCorrections(notes->second, &info);
    info.dated = !info.effective_date.edtf().empty();
    if (info.dated) {
      LEDGER_ASSIGN_OR_RETURN(info.range, RangeOf(info.effective_date));
      info.seen = SeenAt(info.range, at);
    }
    index.position_[fact.sequence()] = index.facts_.size();
    index.facts_.push_back(std::move(info));
  }
  return index;
}

const FactInfo* StateIndex::Find(uint64_t sequence) const {
  auto it = position_.find(sequence);
  return it == position_.end() ? nullptr : &facts_[it->second];
}

compact::v1::AnnotationView StateIndex::AnnotationOf(const Fact& f) {
  compact::v1::AnnotationView view;
  view.set_sequence(f.sequence());
  view.set_recorded_at_micros(f.recorded_at_micros());
  *view.mutable_annotation() = f.event().annotation();
  *view.mutable_citations() = f.event().citations();
  return view;
}

compact::v1::FactView StateIndex::View(const FactInfo& info) const {
  compact::v1::FactView view;
  view.set_sequence(info.fact->sequence());
  view.set_recorded_at_micros(info.fact->recorded_at_micros());
  *view.mutable_event() = info.fact->event();
  *view.mutable_effective_date() = info.effective_date;
  view.set_certainty(info.seen == Seen::kCertain
                         ? compact::v1::CERTAINTY_CERTAIN
                         : compact::v1::CERTAINTY_UNCERTAIN);
  if (info.seen == Seen::kUncertain) {
    view.set_uncertain_because(UncertainBecause(info));
  }
  auto notes = annotations_.find(info.fact->sequence());
  if (notes != annotations_.end()) {
    for (const Fact* note : notes->second) {
      *view.add_annotations() = AnnotationOf(*note);
    }
  }
  return view;
}

bool CompactExists(const StateIndex& index, const compact::v1::CompactRecord& c) {
  const std::string& id = c.compact().compact_id();
  for (const FactInfo& info : index.facts()) {
    if (info.retracted || !info.dated) continue;
    if (!Concerns(info.fact->event(), id)) continue;
    if (StartsBy(info.range, index.at())) return true;
  }
  return false;
}

}  // namespace internal

namespace {

// Facts that name no compact: memberships, successions, documents.
bool NamesNoCompact(const compact::v1::Event& event) {
  if (event.has_membership_recorded() || event.has_body_succeeded()) return true;
  const compact::v1::Action* action = internal::ActionOf(event);
  return action != nullptr && action->compact_id().empty();
}

void AddOtherFacts(const internal::StateIndex& index,
                   compact::v1::StateReport* report) {
  for (const internal::FactInfo& info : index.facts()) {
    if (!internal::StateIndex::Visible(info)) continue;
    if (!NamesNoCompact(info.fact->event())) continue;
    *report->add_other_facts() = index.View(info);
  }
}

}  // namespace

absl::StatusOr<compact::v1::StateReport> StateAt(
    const compact::v1::WorldState& world, const CivilDay& at,
    std::string_view compact_id) {
  const std::string wanted(compact_id);
  if (!wanted.empty() && !world.compacts().contains(wanted)) {
    return absl::NotFoundError(absl::StrCat(
        "compact '", wanted, "' is not registered; list compacts with an "
        "empty id"));
  }
  LEDGER_ASSIGN_OR_RETURN(internal::StateIndex index,
                          internal::StateIndex::Build(world, at));
  compact::v1::StateReport report;
  report.set_at(at.ToString());
  report.set_compact_id(wanted);
  for (const auto& [id, body] : world.bodies()) {
    (*report.mutable_body_names())[id] = body.body().name();
  }
  std::vector<std::string> ids;
  for (const auto& [id, record] : world.compacts()) {
    if (wanted.empty() || id == wanted) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  for (const std::string& id : ids) {
    const compact::v1::CompactRecord& record = world.compacts().at(id);
    if (!internal::CompactExists(index, record)) continue;
    *report.add_compacts() = internal::CompactStateAt(index, record);
  }
  if (wanted.empty()) AddOtherFacts(index, &report);
  return report;
}

}  // namespace ledger::compact
