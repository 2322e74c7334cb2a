#include "ledger/compact/fold.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "ledger/compact/rules.h"
#include "ledger/compact/streams.h"

namespace ledger::compact::internal {
namespace {

using compact::v1::Action;
using compact::v1::Event;
using compact::v1::WorldState;

void FoldRegistration(WorldState* state, const Event& event, uint64_t seq) {
  switch (event.kind_case()) {
    case Event::kSourceRegistered: {
      auto& r = (*state->mutable_sources())[event.source_registered().source_id()];
      *r.mutable_source() = event.source_registered();
      r.set_sequence(seq);
      break;
    }
    case Event::kBodyRegistered: {
      auto& r = (*state->mutable_bodies())[event.body_registered().body_id()];
      *r.mutable_body() = event.body_registered();
      r.set_sequence(seq);
      break;
    }
    case Event::kBodySucceeded: {
      const auto& s = event.body_succeeded();
      auto& bodies = *state->mutable_bodies();
      bodies[s.predecessor_id()].add_successor_ids(s.successor_id());
      bodies[s.successor_id()].add_predecessor_ids(s.predecessor_id());
      break;
    }
    case Event::kPersonRegistered: {
      auto& r = (*state->mutable_persons())[event.person_registered().person_id()];
      *r.mutable_person() = event.person_registered();
      r.set_sequence(seq);
      break;
    }
    case Event::kPostRegistered: {
      auto& r = (*state->mutable_posts())[event.post_registered().post_id()];
      *r.mutable_post() = event.post_registered();
      r.set_sequence(seq);
      break;
    }
    case Event::kCompactRegistered: {
      auto& r = (*state->mutable_compacts())[event.compact_registered().compact_id()];
      *r.mutable_compact() = event.compact_registered();
      r.set_sequence(seq);
      break;
    }
    case Event::kCodeRegistered: {
      auto& r = (*state->mutable_codes())[event.code_registered().code_id()];
      *r.mutable_code() = event.code_registered();
      r.set_sequence(seq);
      break;
    }
    default:
      break;
  }
}

void FoldConsultation(WorldState* state, const Event& event,
                      const Action& action, uint64_t seq) {
  const std::string& id = action.consultation().consultation_id();
  auto& consultations = *state->mutable_consultations();
  const bool exists = consultations.contains(id);
  // Proposals never create a consultation; plans and carried steps do.
  if (!exists && event.has_proposal()) return;
  compact::v1::ConsultationRecord& r = consultations[id];
  r.set_consultation_id(id);
  r.set_compact_id(action.compact_id());
  r.add_sequences(seq);
  if (event.has_plan()) {
    if (!exists) r.set_stage(compact::v1::CONSULTATION_STAGE_PLANNED);
    return;
  }
  if (!Carried(event)) return;
  switch (action.kind()) {
    case compact::v1::ACTION_KIND_OPEN_CONSULTATION:
      r.set_stage(compact::v1::CONSULTATION_STAGE_OPEN);
      break;
    case compact::v1::ACTION_KIND_CLOSE_CONSULTATION:
    case compact::v1::ACTION_KIND_HOLD_CONSULTATION:
      r.set_stage(compact::v1::CONSULTATION_STAGE_CLOSED);
      break;
    default:
      break;
  }
}

void FoldMediation(WorldState* state, const Event& event, const Action& action,
                   uint64_t seq) {
  if (!Carried(event)) return;
  const compact::v1::MediationDetails& m = action.mediation();
  compact::v1::MediationCaseRecord& r =
      (*state->mutable_mediation_cases())[m.case_id()];
  if (action.kind() == compact::v1::ACTION_KIND_MEDIATION_REQUESTED) {
    r.set_case_id(m.case_id());
    r.set_compact_id(action.compact_id());
    r.set_requested_by(m.requested_by());
    r.set_against(m.against());
    r.set_issue(m.issue());
  }
  r.set_stage(MediationStageOf(action.kind()));
  r.add_sequences(seq);
  *r.mutable_last_step_date() = event.date();
}

// When a supersession takes effect, if not from its own date.
void EffectStarts(const Event& event, const FactDirectory& facts,
                  compact::v1::SupersessionRecord* s) {
  if (event.effect().has_from()) {
    *s->mutable_effect_starts() = event.effect().from();
    return;
  }
  if (!event.effect().has_on_event()) return;
  compact::v1::Date* starts = s->mutable_effect_starts();
  const std::optional<FactDirectory::Summary> target =
      facts.Find(event.effect().on_event().sequence());
  if (!target.has_value()) return;  // unbounded: never certainly in effect
  if (target->range.earliest) starts->set_earliest(target->range.earliest->ToString());
  if (target->range.latest) starts->set_latest(target->range.latest->ToString());
}

compact::v1::PartyStepRecord* AddStep(
    google::protobuf::RepeatedPtrField<compact::v1::PartyStepRecord>* records,
    const std::string& body, const Event& event, uint64_t seq) {
  compact::v1::PartyStepRecord* r = records->Add();
  r->set_body_id(body);
  r->set_sequence(seq);
  *r->mutable_date() = event.date();
  return r;
}

// The records of parties over time (rules_parties.cc reads them): who took
// a compact up and when, who withdrew, which bodies were dissolved.
void FoldPartySteps(WorldState* state, const Event& event, const Action& action,
                    uint64_t seq) {
  auto& compacts = *state->mutable_compacts();
  switch (action.kind()) {
    case compact::v1::ACTION_KIND_ADOPT_COMPACT: {
      auto* steps = compacts[action.compact_id()].mutable_party_steps();
      AddStep(steps, event.actor().body_id(), event, seq);
      for (const std::string& partner : action.body_ids()) AddStep(steps, partner, event, seq);
      break;
    }
    case compact::v1::ACTION_KIND_SIGN_COMPACT:
      AddStep(compacts[action.compact_id()].mutable_party_steps(), event.actor().body_id(),
              event, seq);
      break;
    case compact::v1::ACTION_KIND_SUPERSEDE_COMPACT:
      for (const std::string& id : action.body_ids()) {
        AddStep(compacts[action.other_compact_id()].mutable_party_steps(), id, event, seq);
      }
      break;
    case compact::v1::ACTION_KIND_WITHDRAW_FROM_COMPACT:
      AddStep(compacts[action.compact_id()].mutable_withdrawals(), action.body_ids(0), event,
              seq);
      break;
    case compact::v1::ACTION_KIND_DISSOLVE_BODY:
      AddStep((*state->mutable_bodies())[action.body_ids(0)].mutable_dissolutions(),
              action.body_ids(0), event, seq);
      break;
    default:
      break;
  }
}

// A retracting correction: the party records of its target count no more.
void RetractPartySteps(WorldState* state, const compact::v1::Annotation& note) {
  if (note.kind() != compact::v1::ANNOTATION_KIND_CORRECTION || !note.retracts()) return;
  const uint64_t target = note.target().sequence();
  auto retract = [target](auto* records) {
    for (compact::v1::PartyStepRecord& r : *records) {
      if (r.sequence() == target) r.set_retracted(true);
    }
  };
  const std::string& stream = note.target_stream();
  if (CompactIdOfStream(stream).has_value()) {
    // Sequences are unique, and a supersession's steps sit with the compact
    // superseded (not the target's stream): look in every compact.
    for (auto& [id, record] : *state->mutable_compacts()) {
      retract(record.mutable_party_steps());
      retract(record.mutable_withdrawals());
    }
  } else if (const auto body = BodyIdOfStream(stream); body.has_value()) {
    auto it = state->mutable_bodies()->find(std::string(*body));
    if (it != state->mutable_bodies()->end()) retract(it->second.mutable_dissolutions());
  }
}

void FoldCarried(WorldState* state, const Event& event, const Action& action,
                 uint64_t seq, const FactDirectory& facts) {
  FoldPartySteps(state, event, action, seq);
  auto& compacts = *state->mutable_compacts();
  if (action.kind() == compact::v1::ACTION_KIND_SIGN_COMPACT) {
    compact::v1::SignatureRecord* s =
        compacts[action.compact_id()].add_signatures();
    s->set_body_id(event.actor().body_id());
    s->set_version_label(action.version_label());
    s->set_sequence(seq);
  }
  if (action.kind() == compact::v1::ACTION_KIND_SUPERSEDE_COMPACT) {
    compact::v1::SupersessionRecord* s =
        compacts[action.other_compact_id()].add_superseded_by();
    s->set_by_compact_id(action.compact_id());
    *s->mutable_for_body_ids() = action.body_ids();
    s->set_sequence(seq);
    *s->mutable_date() = event.date();
    EffectStarts(event, facts, s);
  }
}

}  // namespace

void Fold(WorldState* state, const Event& event, const EventMeta& meta,
          const FactDirectory& facts, bool keep_fact) {
  if (keep_fact) {
    compact::v1::Fact* fact = state->add_facts();
    fact->set_sequence(meta.sequence);
    fact->set_recorded_at_micros(meta.recorded_at_micros);
    fact->set_recorded_by(meta.actor);
    *fact->mutable_event() = event;
  }
  state->set_last_sequence(meta.sequence);
  if (!event.ref().empty()) (*state->mutable_refs())[event.ref()] = meta.sequence;
  FoldRegistration(state, event, meta.sequence);
  if (event.has_annotation()) RetractPartySteps(state, event.annotation());
  const Action* action = ActionOf(event);
  if (action == nullptr) return;
  if (IsConsultationStep(action->kind())) {
    FoldConsultation(state, event, *action, meta.sequence);
  }
  if (IsMediationStep(action->kind())) {
    FoldMediation(state, event, *action, meta.sequence);
  }
  if (Carried(event)) FoldCarried(state, event, *action, meta.sequence, facts);
}

void RefoldPartySteps(WorldState* state) {
  if (state->facts().empty()) return;
  for (auto& [id, record] : *state->mutable_compacts()) {
    record.clear_party_steps();
    record.clear_withdrawals();
  }
  for (auto& [id, record] : *state->mutable_bodies()) record.clear_dissolutions();
  for (const compact::v1::Fact& fact : state->facts()) {
    const Event& event = fact.event();
    if (event.has_annotation()) {
      RetractPartySteps(state, event.annotation());
      continue;
    }
    const Action* action = ActionOf(event);
    if (action != nullptr && Carried(event)) {
      FoldPartySteps(state, event, *action, fact.sequence());
    }
  }
}

bool Concerns(const Event& event, std::string_view compact_id) {
  const std::string id(compact_id);
  if (event.has_compact_registered()) {
    return event.compact_registered().compact_id() == id;
  }
  if (event.has_code_registered()) {
    return event.code_registered().compact_id() == id;
  }
  if (event.has_annotation()) {
    return event.annotation().target_stream() == CompactStream(id);
  }
  const Action* action = ActionOf(event);
  return action != nullptr &&
         (action->compact_id() == id || action->other_compact_id() == id);
}

}  // namespace ledger::compact::internal
