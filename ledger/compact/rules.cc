// Common rules of World::Prepare: dates, references, citations, and the
// dispatch to the rules of each kind of event.
#include "ledger/compact/rules.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/compact/dates.h"
#include "ledger/compact/world.h"

namespace ledger::compact::internal {
namespace {

using compact::v1::Event;
using compact::v1::WorldState;

absl::Status ResolveRef(const WorldState& state, const FactDirectory& facts,
                        compact::v1::EventRef* ref, std::string_view what) {
  if (!ref->ref().empty()) {
    auto it = state.refs().find(ref->ref());
    if (it == state.refs().end()) {
      return absl::NotFoundError(absl::StrCat(
          std::string(what), " names ref '", ref->ref(),
          "', which no recorded event carries: record that event first"));
    }
    if (ref->has_sequence() && ref->sequence() != it->second) {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(what), " gives sequence ", ref->sequence(), " and ref '",
          ref->ref(), "', which is sequence ", it->second, ": give one"));
    }
    ref->set_sequence(it->second);
  }
  if (!ref->has_sequence()) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(what), " names no event: give its sequence or ref"));
  }
  if (!facts.Find(ref->sequence()).has_value()) {
    return absl::NotFoundError(absl::StrCat(
        std::string(what), " names sequence ", ref->sequence(),
        ", which is not an earlier event in the ledger"));
  }
  return absl::OkStatus();
}

// A correction that retracts its target may name the event that replaces
// it: one already in the ledger, of the same kind (proposal, plan, decision
// or occurrence, other), and not the target itself.
absl::Status ResolveReplacement(const WorldState& state, const FactDirectory& facts,
                                compact::v1::Annotation* note) {
  if (!note->has_replaced_by()) return absl::OkStatus();
  if (note->kind() != compact::v1::ANNOTATION_KIND_CORRECTION || !note->retracts()) {
    return absl::InvalidArgumentError(
        "annotation.replaced_by is given on an annotation that is not a retracting "
        "CORRECTION: set kind CORRECTION and retracts true (the target is wrong and "
        "the named event replaces it), or remove replaced_by");
  }
  LEDGER_RETURN_IF_ERROR(
      ResolveRef(state, facts, note->mutable_replaced_by(), "annotation replaced_by"));
  const uint64_t target = note->target().sequence();
  const uint64_t replacement = note->replaced_by().sequence();
  if (replacement == target) {
    return absl::InvalidArgumentError(absl::StrCat(
        "annotation replaced_by names #", target,
        ", the event it retracts: record the replacing event first and name it"));
  }
  const FactDirectory::Summary a = *facts.Find(target);
  const FactDirectory::Summary b = *facts.Find(replacement);
  if (a.proposal != b.proposal || a.happening != b.happening || a.plan != b.plan) {
    return absl::InvalidArgumentError(absl::StrCat(
        "annotation replaced_by names #", replacement, ", which is not the same kind of "
        "event as #", target, " (proposal, plan, decision or occurrence): a replacement "
        "states the same kind of fact, corrected"));
  }
  return absl::OkStatus();
}

absl::Status ResolveAnnotation(const WorldState& state, const FactDirectory& facts,
                               compact::v1::Annotation* note) {
  LEDGER_RETURN_IF_ERROR(
      ResolveRef(state, facts, note->mutable_target(), "annotation target"));
  for (compact::v1::EventRef& related : *note->mutable_related()) {
    LEDGER_RETURN_IF_ERROR(ResolveRef(state, facts, &related, "annotation related"));
  }
  LEDGER_RETURN_IF_ERROR(ResolveReplacement(state, facts, note));
  const std::string stream(facts.Find(note->target().sequence())->stream);
  if (stream.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "annotation target #", note->target().sequence(), " belongs to no stream"));
  }
  if (!note->target_stream().empty() && note->target_stream() != stream) {
    return absl::InvalidArgumentError(absl::StrCat(
        "annotation target_stream '", note->target_stream(), "' but #",
        note->target().sequence(), " is in '", stream,
        "': leave target_stream empty"));
  }
  note->set_target_stream(stream);
  return absl::OkStatus();
}

// A mediation step after the request takes its case's compact.
absl::Status ResolveMediationCase(const WorldState& state,
                                  compact::v1::Action* action) {
  if (!IsMediationStep(action->kind()) ||
      action->kind() == compact::v1::ACTION_KIND_MEDIATION_REQUESTED) {
    return absl::OkStatus();
  }
  const std::string& id = action->mediation().case_id();
  LEDGER_RETURN_IF_ERROR(RequireText(id, "mediation.case_id"));
  auto it = state.mediation_cases().find(id);
  if (it == state.mediation_cases().end()) {
    return absl::NotFoundError(absl::StrCat(
        "mediation case '", id,
        "' does not exist: record its request (MEDIATION_REQUESTED) first"));
  }
  if (!action->compact_id().empty() &&
      action->compact_id() != it->second.compact_id()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "mediation case '", id, "' is under compact '",
        it->second.compact_id(), "', not '", action->compact_id(), "'"));
  }
  action->set_compact_id(it->second.compact_id());
  return absl::OkStatus();
}

// Effect.on_event names a decision or occurrence; Plan.proposed_in a
// proposal; Plan.after a decision, occurrence or plan.
absl::Status ResolveTiming(const WorldState& state, const FactDirectory& facts,
                           Event* event) {
  if (event->has_effect() && event->effect().has_on_event()) {
    auto* ref = event->mutable_effect()->mutable_on_event();
    LEDGER_RETURN_IF_ERROR(ResolveRef(state, facts, ref, "effect.on_event"));
    if (!facts.Find(ref->sequence())->happening) {
      return absl::InvalidArgumentError(absl::StrCat(
          "effect.on_event names #", ref->sequence(),
          ", which is not a decision or occurrence: an effect waits for something "
          "that happens on a date"));
    }
  }
  if (!event->has_plan()) return absl::OkStatus();
  compact::v1::Plan* plan = event->mutable_plan();
  if (plan->has_proposed_in()) {
    LEDGER_RETURN_IF_ERROR(
        ResolveRef(state, facts, plan->mutable_proposed_in(), "plan.proposed_in"));
    if (!facts.Find(plan->proposed_in().sequence())->proposal) {
      return absl::InvalidArgumentError(absl::StrCat(
          "plan.proposed_in names #", plan->proposed_in().sequence(),
          ", which is not a proposal"));
    }
  }
  if (plan->has_after()) {
    LEDGER_RETURN_IF_ERROR(ResolveRef(state, facts, plan->mutable_after(), "plan.after"));
    const FactDirectory::Summary after = *facts.Find(plan->after().sequence());
    if (!after.happening && !after.plan) {
      return absl::InvalidArgumentError(absl::StrCat(
          "plan.after names #", plan->after().sequence(),
          ", which is not a decision, occurrence or plan: a plan waits for "
          "something that happens"));
    }
  }
  return absl::OkStatus();
}

compact::v1::Action* MutableActionOf(Event* event) {
  switch (event->kind_case()) {
    case Event::kProposal: return event->mutable_proposal()->mutable_action();
    case Event::kDecision: return event->mutable_decision()->mutable_action();
    case Event::kPlan: return event->mutable_plan()->mutable_action();
    case Event::kOccurrence:
      return event->mutable_occurrence()->mutable_action();
    default: return nullptr;
  }
}

absl::Status CheckCitations(const WorldState& state, const Event& event) {
  if (event.citations().empty() &&
      event.kind_case() != Event::kSourceRegistered) {
    return absl::InvalidArgumentError(
        "the event cites no source: add a citation (source_id, locator, and "
        "the quoted words the fact comes from)");
  }
  for (const compact::v1::Citation& c : event.citations()) {
    if (!state.sources().contains(c.source_id())) {
      return absl::NotFoundError(absl::StrCat(
          "citation names source '", c.source_id(),
          "', which is not registered: register it (SourceRegistered) first"));
    }
    LEDGER_RETURN_IF_ERROR(RequireText(c.quote(), "citation quote"));
  }
  return absl::OkStatus();
}

// An effect is said of a decision or an occurrence, in the source's words,
// one way.
absl::Status CheckEffectShape(const Event& event) {
  if (!event.has_effect()) return absl::OkStatus();
  if (!event.has_decision() && !event.has_occurrence()) {
    return absl::InvalidArgumentError(
        "effect is given on an event that is not a decision or an occurrence: "
        "only what was decided or done takes effect; remove it");
  }
  const compact::v1::Effect& effect = event.effect();
  switch (effect.when_case()) {
    case compact::v1::Effect::kImmediate:
      if (!effect.immediate()) {
        return absl::InvalidArgumentError(
            "effect.immediate is false: set it true (\"with immediate effect\"), or "
            "give effect.from or effect.onEvent instead");
      }
      break;
    case compact::v1::Effect::WHEN_NOT_SET:
      return absl::InvalidArgumentError(
          "effect says nothing about when: give one of effect.immediate, "
          "effect.from (an EDTF date) or effect.onEvent (the event it waits for)");
    default:
      break;
  }
  return RequireText(effect.as_written(),
                     "effect.as_written (the source's words, e.g. \"with effect from "
                     "1 January 2011\")");
}

absl::Status CheckCommon(const WorldState& state, const Event& event) {
  if (event.kind_case() == Event::KIND_NOT_SET) {
    return absl::InvalidArgumentError(
        "the event has no kind: set one of its oneof fields");
  }
  LEDGER_RETURN_IF_ERROR(CheckEffectShape(event));
  if (!event.ref().empty() && state.refs().contains(event.ref())) {
    return absl::AlreadyExistsError(absl::StrCat(
        "ref '", event.ref(), "' is already used by #",
        state.refs().at(event.ref()), ": choose another"));
  }
  LEDGER_RETURN_IF_ERROR(CheckCitations(state, event));
  if (event.inferred()) {
    LEDGER_RETURN_IF_ERROR(
        RequireText(event.note(), "note (an inferred fact says why)"));
  }
  if (event.has_actor()) {
    LEDGER_RETURN_IF_ERROR(
        RequireBody(state, event.actor().body_id(), "actor.body_id"));
    if (!event.actor().on_behalf_of().empty()) {
      LEDGER_RETURN_IF_ERROR(RequireBody(state, event.actor().on_behalf_of(),
                                         "actor.on_behalf_of"));
    }
  }
  if (event.has_meeting()) {
    LEDGER_RETURN_IF_ERROR(
        RequireBody(state, event.meeting().body_id(), "meeting.body_id"));
    if (event.meeting().kind() == compact::v1::MEETING_KIND_UNSPECIFIED ||
        !compact::v1::MeetingKind_IsValid(event.meeting().kind())) {
      return absl::InvalidArgumentError(
          "meeting.kind is unset or unknown: say what kind of meeting");
    }
  }
  return absl::OkStatus();
}

}  // namespace

const compact::v1::Fact* FindFact(const WorldState& state, uint64_t sequence) {
  auto it = std::lower_bound(
      state.facts().begin(), state.facts().end(), sequence,
      [](const compact::v1::Fact& f, uint64_t s) { return f.sequence() < s; });
  if (it == state.facts().end() || it->sequence() != sequence) return nullptr;
  return &*it;
}

bool HasId(const google::protobuf::RepeatedPtrField<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Read-only: never allocates into `event`, so concurrent readers are safe.
const compact::v1::Action* ActionOf(const Event& event) {
  switch (event.kind_case()) {
    case Event::kProposal: return &event.proposal().action();
    case Event::kDecision: return &event.decision().action();
    case Event::kPlan: return &event.plan().action();
    case Event::kOccurrence: return &event.occurrence().action();
    default: return nullptr;
  }
}

bool CarriesAction(compact::v1::DecisionKind kind) {
  switch (kind) {
    case compact::v1::DECISION_KIND_APPROVE:
    case compact::v1::DECISION_KIND_ENDORSE:
    case compact::v1::DECISION_KIND_ADOPT:
    case compact::v1::DECISION_KIND_AGREE:
    case compact::v1::DECISION_KIND_AMEND:
    case compact::v1::DECISION_KIND_RESOLVE:
      return true;
    default:
      return false;
  }
}

bool Carried(const Event& event) {
  if (event.has_occurrence()) return true;
  return event.has_decision() && CarriesAction(event.decision().kind());
}

absl::Status CompleteDates(Event* event) {
  const bool dated_kind = event->has_proposal() || event->has_decision() ||
                          event->has_plan() || event->has_occurrence();
  if (dated_kind && !event->has_date()) {
    return absl::InvalidArgumentError(
        "date is required for a proposal, decision, plan or occurrence; "
        "give it as precisely as the source does, in EDTF");
  }
  if (event->has_date()) {
    LEDGER_RETURN_IF_ERROR(CompleteDate(event->mutable_date(), "date"));
  }
  if (event->has_meeting() && event->meeting().has_date()) {
    LEDGER_RETURN_IF_ERROR(CompleteDate(
        event->mutable_meeting()->mutable_date(), "meeting.date"));
  }
  if (event->has_source_registered()) {
    auto* source = event->mutable_source_registered();
    if (!source->has_date()) {
      return absl::InvalidArgumentError(
          "source_registered.date is required: the document's own date");
    }
    LEDGER_RETURN_IF_ERROR(
        CompleteDate(source->mutable_date(), "source_registered.date"));
  }
  if (event->has_plan() && event->plan().has_due()) {
    LEDGER_RETURN_IF_ERROR(
        CompleteDate(event->mutable_plan()->mutable_due(), "plan.due"));
  }
  if (event->has_proposal() && event->proposal().has_due()) {
    LEDGER_RETURN_IF_ERROR(
        CompleteDate(event->mutable_proposal()->mutable_due(), "proposal.due"));
  }
  if (event->has_effect() && event->effect().has_from()) {
    LEDGER_RETURN_IF_ERROR(
        CompleteDate(event->mutable_effect()->mutable_from(), "effect.from"));
  }
  if (event->has_membership_recorded()) {
    auto* m = event->mutable_membership_recorded();
    if (m->has_start()) {
      LEDGER_RETURN_IF_ERROR(CompleteDate(m->mutable_start(), "membership_recorded.start"));
    }
    if (m->has_end()) {
      LEDGER_RETURN_IF_ERROR(CompleteDate(m->mutable_end(), "membership_recorded.end"));
    }
    if (m->has_as_of()) {
      LEDGER_RETURN_IF_ERROR(CompleteDate(m->mutable_as_of(), "membership_recorded.as_of"));
    }
  }
  if (event->has_annotation() && event->annotation().has_date()) {
    LEDGER_RETURN_IF_ERROR(CompleteDate(
        event->mutable_annotation()->mutable_date(), "annotation.date"));
  }
  compact::v1::Action* action = MutableActionOf(event);
  if (action != nullptr && action->consultation().has_planned_period()) {
    LEDGER_RETURN_IF_ERROR(CompleteDate(
        action->mutable_consultation()->mutable_planned_period(),
        "consultation.planned_period"));
  }
  return absl::OkStatus();
}

absl::Status ResolveReferences(const WorldState& state, const FactDirectory& facts,
                               Event* event) {
  if (event->has_annotation()) {
    return ResolveAnnotation(state, facts, event->mutable_annotation());
  }
  if (event->has_decision() && event->decision().has_responds_to()) {
    auto* ref = event->mutable_decision()->mutable_responds_to();
    LEDGER_RETURN_IF_ERROR(ResolveRef(state, facts, ref, "decision.responds_to"));
    if (!facts.Find(ref->sequence())->proposal) {
      return absl::InvalidArgumentError(absl::StrCat(
          "decision.responds_to names #", ref->sequence(),
          ", which is not a proposal"));
    }
  }
  LEDGER_RETURN_IF_ERROR(ResolveTiming(state, facts, event));
  compact::v1::Action* action = MutableActionOf(event);
  if (action != nullptr) {
    LEDGER_RETURN_IF_ERROR(ResolveMediationCase(state, action));
  }
  return absl::OkStatus();
}

absl::Status RequireText(std::string_view value, std::string_view what) {
  if (!value.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(what), " is required"));
}

absl::Status RequireBody(const WorldState& state, std::string_view body_id,
                         std::string_view what) {
  LEDGER_RETURN_IF_ERROR(RequireText(body_id, what));
  if (state.bodies().contains(std::string(body_id))) return absl::OkStatus();
  return absl::NotFoundError(absl::StrCat(
      std::string(what), ": body '", std::string(body_id),
      "' is not registered: register it (BodyRegistered) first"));
}

absl::Status RequireCompact(const WorldState& state,
                            std::string_view compact_id,
                            std::string_view what) {
  LEDGER_RETURN_IF_ERROR(RequireText(compact_id, what));
  if (state.compacts().contains(std::string(compact_id))) {
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat(
      std::string(what), ": compact '", std::string(compact_id),
      "' is not registered: register it (CompactRegistered) first"));
}

absl::Status CheckEvent(const WorldState& state, const Event& event) {
  LEDGER_RETURN_IF_ERROR(CheckCommon(state, event));
  switch (event.kind_case()) {
    case Event::kProposal:
    case Event::kDecision:
    case Event::kPlan:
    case Event::kOccurrence:
    case Event::kAnnotation:
      return CheckStep(state, event);
    default:
      return CheckRegistration(state, event);
  }
}

}  // namespace ledger::compact::internal
