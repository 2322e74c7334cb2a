// Rules for proposals, decisions, plans, occurrences and annotations, and
// the structural checks of the action each wraps.
#include <string>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/compact/rules.h"

namespace ledger::compact::internal {
namespace {

using compact::v1::Action;
using compact::v1::ActionKind;
using compact::v1::Event;
using compact::v1::WorldState;

bool CompactOptional(ActionKind kind) {
  return kind == compact::v1::ACTION_KIND_HOLD_MEETING ||
         kind == compact::v1::ACTION_KIND_ISSUE_DOCUMENT ||
         kind == compact::v1::ACTION_KIND_DISSOLVE_BODY;
}

bool NeedsOtherCompact(ActionKind kind) {
  return kind == compact::v1::ACTION_KIND_DESIGNATE_FRAMEWORK ||
         kind == compact::v1::ACTION_KIND_SUPERSEDE_COMPACT;
}

absl::Status CheckCodes(const WorldState& state, const Action& action,
                        const google::protobuf::RepeatedPtrField<std::string>& ids) {
  for (const std::string& id : ids) {
    auto it = state.codes().find(id);
    if (it == state.codes().end()) {
      return absl::NotFoundError(absl::StrCat(
          "code of practice '", id,
          "' is not registered: register it (CodeOfPracticeRegistered) at "
          "whatever stage it is first known"));
    }
    if (it->second.code().compact_id() != action.compact_id()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "code of practice '", id, "' belongs to compact '",
          it->second.code().compact_id(), "', not '", action.compact_id(), "'"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCompacts(const WorldState& state, const Action& action) {
  if (!action.compact_id().empty() || !CompactOptional(action.kind())) {
    LEDGER_RETURN_IF_ERROR(
        RequireCompact(state, action.compact_id(), "action.compact_id"));
  }
  if (NeedsOtherCompact(action.kind())) {
    LEDGER_RETURN_IF_ERROR(RequireCompact(state, action.other_compact_id(),
                                          "action.other_compact_id"));
    if (action.other_compact_id() == action.compact_id()) {
      return absl::InvalidArgumentError(
          "action.other_compact_id names the same compact as compact_id");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckLists(const WorldState& state, const Action& action) {
  for (const std::string& id : action.body_ids()) {
    LEDGER_RETURN_IF_ERROR(RequireBody(state, id, "action.body_ids"));
  }
  const ActionKind kind = action.kind();
  if (kind == compact::v1::ACTION_KIND_TASK_BODY && action.body_ids().empty()) {
    return absl::InvalidArgumentError("TASK_BODY needs the body tasked in body_ids");
  }
  if ((IsCodeStep(kind) ||
       kind == compact::v1::ACTION_KIND_FOLD_CODES_INTO_COMMITMENTS) &&
      action.code_ids().empty()) {
    return absl::InvalidArgumentError("this action needs code_ids");
  }
  LEDGER_RETURN_IF_ERROR(CheckCodes(state, action, action.code_ids()));
  if ((kind == compact::v1::ACTION_KIND_APPROVE_PRINCIPLES ||
       kind == compact::v1::ACTION_KIND_AGREE_TIMETABLE) &&
      action.items().empty()) {
    return absl::InvalidArgumentError(
        "this action needs its items (the principles or timetable steps, in "
        "the source's words)");
  }
  if ((kind == compact::v1::ACTION_KIND_DEFINE_COMMITMENTS ||
       kind == compact::v1::ACTION_KIND_FOLD_CODES_INTO_COMMITMENTS) &&
      action.commitments().empty()) {
    return absl::InvalidArgumentError("this action needs its commitments");
  }
  for (const compact::v1::Commitment& c : action.commitments()) {
    LEDGER_RETURN_IF_ERROR(RequireText(c.title(), "commitment title"));
    LEDGER_RETURN_IF_ERROR(CheckCodes(state, action, c.code_ids()));
  }
  return absl::OkStatus();
}

absl::Status CheckMediationFields(const WorldState& state, const Action& action) {
  const compact::v1::MediationDetails& m = action.mediation();
  if (action.kind() == compact::v1::ACTION_KIND_MEDIATION_REQUESTED) {
    LEDGER_RETURN_IF_ERROR(RequireText(m.case_id(), "mediation.case_id"));
    LEDGER_RETURN_IF_ERROR(RequireBody(state, m.requested_by(), "mediation.requested_by"));
    LEDGER_RETURN_IF_ERROR(RequireBody(state, m.against(), "mediation.against"));
    return RequireText(m.issue(), "mediation.issue");
  }
  if (action.kind() == compact::v1::ACTION_KIND_MEDIATOR_APPOINTED) {
    if (!m.mediator_body_id().empty()) {
      return RequireBody(state, m.mediator_body_id(), "mediation.mediator_body_id");
    }
    return RequireText(m.mediator_name(),
                       "mediation.mediator_body_id or mediator_name");
  }
  return absl::OkStatus();
}

absl::Status CheckKindFields(const WorldState& state, const Action& action) {
  const ActionKind kind = action.kind();
  if (IsConsultationStep(kind)) {
    const std::string& id = action.consultation().consultation_id();
    LEDGER_RETURN_IF_ERROR(RequireText(id, "consultation.consultation_id"));
    auto it = state.consultations().find(id);
    if (it != state.consultations().end() &&
        it->second.compact_id() != action.compact_id()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "consultation '", id, "' is on compact '", it->second.compact_id(),
          "', not '", action.compact_id(), "'"));
    }
  }
  if (IsMediationStep(kind)) return CheckMediationFields(state, action);
  if (kind == compact::v1::ACTION_KIND_ISSUE_DOCUMENT) {
    return RequireText(action.document_title(), "action.document_title");
  }
  if (kind == compact::v1::ACTION_KIND_OFFER) {
    return RequireText(action.description(),
                       "action.description (what is offered, in the source's words)");
  }
  if (kind == compact::v1::ACTION_KIND_HOLD_MEETING) {
    return RequireText(action.description(),
                       "action.description (what meeting or event)");
  }
  return absl::OkStatus();
}

absl::Status CheckDecisionKind(const WorldState& state,
                               const compact::v1::Decision& d) {
  if (d.kind() == compact::v1::DECISION_KIND_UNSPECIFIED ||
      !compact::v1::DecisionKind_IsValid(d.kind())) {
    return absl::InvalidArgumentError(
        "decision.kind is unset or unknown: recommend, approve, endorse, "
        "adopt, agree, refer back, amend, reject, note or resolve");
  }
  const ActionKind a = d.action().kind();
  if (d.kind() == compact::v1::DECISION_KIND_RECOMMEND) {
    return RequireBody(state, d.recommended_to(), "decision.recommended_to");
  }
  if (d.kind() == compact::v1::DECISION_KIND_ENDORSE &&
      a != compact::v1::ACTION_KIND_ENDORSE_COMPACT &&
      a != compact::v1::ACTION_KIND_ENDORSE_PRINCIPLES) {
    return absl::InvalidArgumentError(
        "an ENDORSE decision must endorse a compact or its principles");
  }
  if (d.kind() == compact::v1::DECISION_KIND_ADOPT &&
      a != compact::v1::ACTION_KIND_ADOPT_COMPACT &&
      a != compact::v1::ACTION_KIND_SUPERSEDE_COMPACT) {
    return absl::InvalidArgumentError(
        "an ADOPT decision must adopt a compact (or its supersession of "
        "another); use AGREE or APPROVE for other actions");
  }
  return absl::OkStatus();
}

absl::Status CheckAnnotation(const compact::v1::Annotation& note) {
  if (note.kind() == compact::v1::ANNOTATION_KIND_UNSPECIFIED ||
      !compact::v1::AnnotationKind_IsValid(note.kind())) {
    return absl::InvalidArgumentError(
        "annotation.kind is unset or unknown: NOTE, CORRECTION or CONFLICT");
  }
  LEDGER_RETURN_IF_ERROR(RequireText(note.text(), "annotation.text"));
  if (note.kind() == compact::v1::ANNOTATION_KIND_CONFLICT &&
      note.related().empty()) {
    return absl::InvalidArgumentError(
        "a CONFLICT annotation names the other claims in `related`");
  }
  return absl::OkStatus();
}

absl::Status CheckProposal(const WorldState& state, const compact::v1::Proposal& p) {
  LEDGER_RETURN_IF_ERROR(RequireBody(state, p.addressed_to(), "proposal.addressed_to"));
  if (!compact::v1::DecisionKind_IsValid(p.requested())) {
    return absl::InvalidArgumentError("proposal.requested is not a known kind");
  }
  if (p.requested() == compact::v1::DECISION_KIND_RECOMMEND) {
    LEDGER_RETURN_IF_ERROR(RequireBody(state, p.recommend_to(), "proposal.recommend_to"));
  }
  return absl::OkStatus();
}

// An offer is made by the offering body: it happened (an occurrence) or is
// proposed. It is neither a decision nor a plan of the body offered to; the
// plan to take it up is that body's own plan.
absl::Status CheckOffer(const Event& event, const Action& action) {
  if (action.kind() != compact::v1::ACTION_KIND_OFFER) return absl::OkStatus();
  if (event.has_decision() || event.has_plan()) {
    return absl::InvalidArgumentError(
        "an OFFER is recorded as an occurrence (the offer was made) with the offering "
        "body as actor, not as a decision or a plan; record the plan to take it up as "
        "the planning body's own plan");
  }
  if (!event.has_actor()) {
    return absl::InvalidArgumentError("an OFFER needs the offering body in actor.body_id");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckAction(const WorldState& state, const Action& action) {
  if (action.kind() == compact::v1::ACTION_KIND_UNSPECIFIED ||
      !compact::v1::ActionKind_IsValid(action.kind())) {
    return absl::InvalidArgumentError(
        "action.kind is unset or unknown: say what is proposed, decided, "
        "planned or done");
  }
  LEDGER_RETURN_IF_ERROR(CheckCompacts(state, action));
  LEDGER_RETURN_IF_ERROR(CheckLists(state, action));
  LEDGER_RETURN_IF_ERROR(CheckPartyFields(state, action));
  return CheckKindFields(state, action);
}

absl::Status CheckStep(const WorldState& state, const Event& event) {
  if (event.has_annotation()) return CheckAnnotation(event.annotation());
  const Action* action = ActionOf(event);
  if (action == nullptr || action->kind() == compact::v1::ACTION_KIND_UNSPECIFIED) {
    LEDGER_RETURN_IF_ERROR(CheckAction(state, Action()));
  }
  if (event.has_proposal()) {
    LEDGER_RETURN_IF_ERROR(CheckProposal(state, event.proposal()));
  }
  if (event.has_decision()) {
    if (!event.has_actor()) {
      return absl::InvalidArgumentError(
          "a decision needs its deciding body in actor.body_id");
    }
    LEDGER_RETURN_IF_ERROR(CheckDecisionKind(state, event.decision()));
  }
  LEDGER_RETURN_IF_ERROR(CheckAction(state, *action));
  LEDGER_RETURN_IF_ERROR(CheckOffer(event, *action));
  if (Carried(event)) return CheckEffect(state, event);
  return absl::OkStatus();
}

bool IsCodeStep(ActionKind kind) {
  return kind == compact::v1::ACTION_KIND_DRAFT_CODE ||
         kind == compact::v1::ACTION_KIND_AGREE_CODE ||
         kind == compact::v1::ACTION_KIND_RETIRE_CODE;
}

}  // namespace ledger::compact::internal

namespace ledger::compact {

bool IsMediationStep(compact::v1::ActionKind kind) {
  return kind >= compact::v1::ACTION_KIND_MEDIATION_REQUESTED &&
         kind <= compact::v1::ACTION_KIND_MEDIATION_WITHDRAWN;
}

bool IsConsultationStep(compact::v1::ActionKind kind) {
  return kind >= compact::v1::ACTION_KIND_HOLD_CONSULTATION &&
         kind <= compact::v1::ACTION_KIND_CLOSE_CONSULTATION;
}

}  // namespace ledger::compact
