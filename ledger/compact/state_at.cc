#include "ledger/compact/state_at.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/compact/fact_index.h"
#include "ledger/compact/fold.h"
#include "ledger/compact/rules.h"
#include "ledger/compact/state_index.h"

namespace ledger::compact {
namespace internal {
namespace {

using compact::v1::Fact;

std::string UncertainBecause(const FactInfo& info) {
  const compact::v1::Event& e = info.fact->event();
  std::string why = absl::StrCat("the sources give only ", RangeText(info.range));
  if (!info.effective_date->as_written().empty()) {
    absl::StrAppend(&why, " (\"", info.effective_date->as_written(), "\")");
  }
  if (!info.effective_date->inferred_because().empty()) {
    absl::StrAppend(&why, "; bounds inferred: ", info.effective_date->inferred_because());
  }
  if (e.inferred()) absl::StrAppend(&why, "; inferred: ", e.note());
  return why;
}

// The later of two earliest days (an unbounded one is no bound).
std::optional<CivilDay> LaterStart(const std::optional<CivilDay>& a,
                                   const std::optional<CivilDay>& b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

// The later of two latest days (an unbounded one is unbounded).
std::optional<CivilDay> LaterEnd(const std::optional<CivilDay>& a,
                                 const std::optional<CivilDay>& b) {
  if (!a || !b) return std::nullopt;
  return std::max(*a, *b);
}

std::string DoneVerb(const compact::v1::Event& e) {
  return e.has_occurrence() ? "happened" : "decided";
}

std::string EffectBecause(const FactInfo& info, const CivilDay& at) {
  const compact::v1::Event& e = info.fact->event();
  if (info.effect_event_retracted) {
    return absl::StrCat("it was to take effect on #", *info.effect_event,
                        ", which a correction retracted");
  }
  std::string starts = info.effect_starts == nullptr
                           ? std::string("on an event not in the record")
                           : RangeText(RangeOf(*info.effect_starts).value_or(DayRange()));
  if (info.effect_event.has_value()) {
    absl::StrAppend(&starts, " (the date of #", *info.effect_event, ")");
  }
  std::string why = absl::StrCat(DoneVerb(e), " ", RangeText(info.range),
                                 ", takes effect ", starts);
  if (!e.effect().as_written().empty()) {
    absl::StrAppend(&why, " (\"", e.effect().as_written(), "\")");
  }
  if (info.in_effect == Seen::kUncertain) {
    absl::StrAppend(&why, ": in effect some day ", RangeText(info.effect_range),
                    "; it may or may not be in effect on ", at.ToString());
  } else if (info.in_effect == Seen::kNotYet) {
    absl::StrAppend(&why, ": not yet in effect on ", at.ToString());
  }
  return why;
}

}  // namespace

// When the fact takes effect (Event.effect), as seen on D.
void StateIndex::SetEffect(FactInfo* info) const {
  info->in_effect = info->seen;
  info->effect_range = info->range;
  const compact::v1::Event& e = info->fact->event();
  if (!e.has_effect()) return;
  info->has_effect = true;
  DayRange starts = info->range;
  info->effect_starts = info->effective_date;
  if (e.effect().has_from()) {
    info->effect_starts = &e.effect().from();
    absl::StatusOr<DayRange> from = RangeOf(e.effect().from());
    starts = from.ok() ? *from : DayRange();
  } else if (e.effect().has_on_event()) {
    info->effect_event = e.effect().on_event().sequence();
    const int target = facts_->Find(e.effect().on_event().sequence());
    if (target >= 0 && target < size_) {
      const IndexedFact waited_for = Indexed(target);
      info->effect_starts = &FactIndex::DateOf(*world_, waited_for);
      starts = waited_for.range;
      info->effect_event_retracted = waited_for.retracted;
    } else {
      info->effect_starts = nullptr;
      starts = DayRange();
    }
  }
  info->effect_range = DayRange{LaterStart(info->range.earliest, starts.earliest),
                                LaterEnd(info->range.latest, starts.latest)};
  info->in_effect = info->effect_event_retracted ? Seen::kNotYet
                                                 : SeenAt(info->effect_range, at_);
  if (info->seen == Seen::kNotYet) info->in_effect = Seen::kNotYet;
}

const compact::v1::BodyRecord* StateIndex::Body(const std::string& id) const {
  auto it = world_->bodies().find(id);
  return it == world_->bodies().end() || !Known(it->second.sequence()) ? nullptr : &it->second;
}

const compact::v1::CompactRecord* StateIndex::Compact(const std::string& id) const {
  auto it = world_->compacts().find(id);
  return it == world_->compacts().end() || !Known(it->second.sequence()) ? nullptr
                                                                          : &it->second;
}

IndexedFact StateIndex::Indexed(int position) const {
  if (known_through_ == kAllFolded) return facts_->facts()[position];
  return facts_->AsKnownThrough(*world_, position, known_through_);
}

absl::Span<const int> StateIndex::PositionsOf(std::string_view id) const {
  const std::vector<int>& all = facts_->PositionsOf(id);
  if (known_through_ == kAllFolded) return all;
  return absl::MakeConstSpan(all.data(), std::lower_bound(all.begin(), all.end(), size_) -
                                             all.begin());
}

FactInfo StateIndex::Info(int position) const {
  const IndexedFact indexed = Indexed(position);
  FactInfo info;
  info.fact = &world_->facts(indexed.fact);
  info.effective_date = &FactIndex::DateOf(*world_, indexed);
  info.range = indexed.range;
  info.dated = indexed.dated;
  info.retracted = indexed.retracted;
  if (info.dated) info.seen = SeenAt(info.range, at_);
  SetEffect(&info);
  return info;
}

std::optional<FactInfo> StateIndex::Find(uint64_t sequence) const {
  if (!Known(sequence)) return std::nullopt;
  const int position = facts_->Find(sequence);
  if (position < 0) return std::nullopt;
  return Info(position);
}

std::vector<const Fact*> StateIndex::conflicts() const {
  std::vector<const Fact*> out;
  out.reserve(facts_->conflicts().size());
  for (int i : facts_->conflicts()) {
    if (Known(world_->facts(i).sequence())) out.push_back(&world_->facts(i));
  }
  return out;
}

void StateIndex::AnnotationOf(const Fact& f, compact::v1::AnnotationView* view) {
  view->set_sequence(f.sequence());
  view->set_recorded_at_micros(f.recorded_at_micros());
  *view->mutable_annotation() = f.event().annotation();
  *view->mutable_citations() = f.event().citations();
}

void StateIndex::View(const FactInfo& info, compact::v1::FactView* view) const {
  view->set_sequence(info.fact->sequence());
  view->set_recorded_at_micros(info.fact->recorded_at_micros());
  *view->mutable_event() = info.fact->event();
  *view->mutable_effective_date() = *info.effective_date;
  view->set_certainty(info.seen == Seen::kCertain
                          ? compact::v1::CERTAINTY_CERTAIN
                          : compact::v1::CERTAINTY_UNCERTAIN);
  if (info.seen == Seen::kUncertain) {
    view->set_uncertain_because(UncertainBecause(info));
  }
  for (int note : facts_->AnnotationsOf(info.fact->sequence())) {
    if (Known(world_->facts(note).sequence())) {
      AnnotationOf(world_->facts(note), view->add_annotations());
    }
  }
  if (!info.has_effect) return;
  compact::v1::EffectView* effect = view->mutable_effect();
  *effect->mutable_effect() = info.fact->event().effect();
  if (info.effect_starts != nullptr) *effect->mutable_starts() = *info.effect_starts;
  if (info.effect_event.has_value()) effect->set_on_event_sequence(*info.effect_event);
  switch (info.in_effect) {
    case Seen::kCertain:
      effect->set_status(compact::v1::EFFECT_STATUS_IN_EFFECT);
      break;
    case Seen::kUncertain:
      effect->set_status(compact::v1::EFFECT_STATUS_UNCERTAIN);
      effect->set_because(EffectBecause(info, at_));
      break;
    case Seen::kNotYet:
      effect->set_status(compact::v1::EFFECT_STATUS_NOT_YET);
      effect->set_because(EffectBecause(info, at_));
      break;
  }
}

bool CompactExists(const StateIndex& index, const compact::v1::CompactRecord& c) {
  const std::string& id = c.compact().compact_id();
  for (int position : index.PositionsOf(id)) {
    const IndexedFact info = index.Indexed(position);
    if (info.retracted || !info.dated) continue;
    if (StartsBy(info.range, index.at())) return true;
  }
  return false;
}

namespace {

// Facts that name no compact: successions, persons, posts, documents
// (memberships have a section of their own).
bool NamesNoCompact(const compact::v1::Event& event) {
  if (event.has_body_succeeded() || event.has_person_registered() ||
      event.has_post_registered()) {
    return true;
  }
  const compact::v1::Action* action = ActionOf(event);
  return action != nullptr && action->compact_id().empty();
}

void AddOtherFacts(const StateIndex& index, compact::v1::StateReport* report) {
  for (int position = 0; position < index.size(); ++position) {
    const FactInfo info = index.Info(position);
    if (!StateIndex::Visible(info)) continue;
    if (!NamesNoCompact(info.fact->event())) continue;
    index.View(info, report->add_other_facts());
  }
}

std::vector<const compact::v1::CompactRecord*> CompactsWanted(const StateIndex& index,
                                                               const std::string& wanted) {
  std::vector<const compact::v1::CompactRecord*> out;
  for (const auto& [id, record] : index.world().compacts()) {
    if ((wanted.empty() || id == wanted) && index.Known(record.sequence())) {
      out.push_back(&record);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    return a->compact().compact_id() < b->compact().compact_id();
  });
  return out;
}

}  // namespace

absl::Status StateAtIndexed(const compact::v1::WorldState& world,
                            const FactIndex& facts, const CivilDay& at,
                            std::string_view compact_id,
                            compact::v1::StateReport* out, uint64_t known_through) {
  const std::string wanted(compact_id);
  const StateIndex index(world, facts, at, known_through);
  if (!wanted.empty() && index.Compact(wanted) == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "compact '", wanted, "' is not registered; list compacts with an "
        "empty id"));
  }
  LEDGER_RETURN_IF_ERROR(facts.CheckDates(world));
  out->Clear();
  out->set_at(at.ToString());
  out->set_compact_id(wanted);
  for (const auto& [id, body] : world.bodies()) {
    if (index.Known(body.sequence())) (*out->mutable_body_names())[id] = body.body().name();
  }
  for (const compact::v1::CompactRecord* record : CompactsWanted(index, wanted)) {
    if (!CompactExists(index, *record)) continue;
    CompactStateAt(index, *record, out->add_compacts());
  }
  for (const auto& [id, person] : world.persons()) {
    if (index.Known(person.sequence())) {
      (*out->mutable_person_names())[id] = person.person().name();
    }
  }
  for (const auto& [id, post] : world.posts()) {
    if (index.Known(post.sequence())) (*out->mutable_post_labels())[id] = post.post().label();
  }
  if (wanted.empty()) {
    AddOtherFacts(index, out);
    AddMemberships(index, out);
  }
  return absl::OkStatus();
}

}  // namespace internal

absl::Status StateAt(const compact::v1::WorldState& world, const CivilDay& at,
                     std::string_view compact_id,
                     compact::v1::StateReport* out) {
  const internal::FactIndex facts = internal::FactIndex::Build(world);
  return internal::StateAtIndexed(world, facts, at, compact_id, out);
}

absl::StatusOr<compact::v1::StateReport> StateAt(
    const compact::v1::WorldState& world, const CivilDay& at,
    std::string_view compact_id) {
  compact::v1::StateReport report;
  LEDGER_RETURN_IF_ERROR(StateAt(world, at, compact_id, &report));
  return report;
}

}  // namespace ledger::compact
