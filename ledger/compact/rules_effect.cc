// Lifecycle rules for carried actions (occurrences and decisions that carry
// their action). These refuse contradictions of the record only; gaps (a
// step with no recorded earlier step) are always allowed.
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/compact/dates.h"
#include "ledger/compact/rules.h"

namespace ledger::compact::internal {
namespace {

using compact::v1::Action;
using compact::v1::Event;
using compact::v1::WorldState;

bool AppliesTo(const compact::v1::SupersessionRecord& s,
               const compact::v1::Party& party) {
  if (s.for_body_ids().empty()) return true;
  for (const std::string& id : s.for_body_ids()) {
    if (id == party.body_id() || id == party.on_behalf_of()) return true;
  }
  return false;
}

// Taking up a compact (endorsing, adopting, signing) on a day certainly
// after its known supersession is a contradiction. Backfilling an earlier
// step of a superseded compact is not.
absl::Status CheckNotSuperseded(const WorldState& state, const Event& event,
                                const Action& action) {
  const compact::v1::CompactRecord& record =
      state.compacts().at(action.compact_id());
  absl::StatusOr<DayRange> step = RangeOf(event.date());
  if (!step.ok()) return step.status();
  if (!step->earliest.has_value()) return absl::OkStatus();
  for (const compact::v1::SupersessionRecord& s : record.superseded_by()) {
    if (!AppliesTo(s, event.actor())) continue;
    absl::StatusOr<DayRange> when = RangeOf(s.date());
    if (!when.ok()) return when.status();
    // In effect certainly only once both the decision and the start of its
    // effect are past.
    if (s.has_effect_starts()) {
      absl::StatusOr<DayRange> starts = RangeOf(s.effect_starts());
      if (!starts.ok()) return starts.status();
      if (!starts->latest.has_value()) continue;
      if (when->latest.has_value()) when->latest = std::max(*when->latest, *starts->latest);
    }
    if (when->latest.has_value() && *when->latest < *step->earliest) {
      return absl::FailedPreconditionError(absl::StrCat(
          "compact '", action.compact_id(), "' was superseded by '",
          s.by_compact_id(), "' (#", s.sequence(), ", ", s.date().edtf(),
          s.has_effect_starts() ? ", in effect by " + when->latest->ToString() : "",
          ") before this step (", event.date().edtf(),
          "): endorse, adopt or sign the superseding compact, or correct "
          "the supersession's date"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckSignature(const WorldState& state, const Event& event,
                            const Action& action) {
  if (!event.has_actor()) {
    return absl::InvalidArgumentError(
        "a signature needs the signing party in actor.body_id");
  }
  const compact::v1::CompactRecord& record =
      state.compacts().at(action.compact_id());
  for (const compact::v1::SignatureRecord& s : record.signatures()) {
    if (s.body_id() == event.actor().body_id() &&
        s.version_label() == action.version_label()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "'", s.body_id(), "' already signed compact '", action.compact_id(),
          "' (", action.version_label().empty() ? std::string("this text")
                                                 : action.version_label(),
          ") at #", s.sequence(),
          ": a party signs a text once; annotate or correct #", s.sequence(),
          " instead"));
    }
  }
  return absl::OkStatus();
}

int Rank(compact::v1::MediationStage stage) {
  switch (stage) {
    case compact::v1::MEDIATION_STAGE_REQUESTED: return 1;
    case compact::v1::MEDIATION_STAGE_ACCEPTED: return 2;
    case compact::v1::MEDIATION_STAGE_MEDIATOR_APPOINTED: return 3;
    case compact::v1::MEDIATION_STAGE_MEETING_HELD: return 4;
    default: return 5;  // resolved, escalated, withdrawn: the case is closed
  }
}

absl::Status CheckMediationOrder(const WorldState& state, const Event& event,
                                 const Action& action) {
  const std::string& id = action.mediation().case_id();
  const compact::v1::MediationStage next = MediationStageOf(action.kind());
  auto it = state.mediation_cases().find(id);
  if (next == compact::v1::MEDIATION_STAGE_REQUESTED) {
    if (it == state.mediation_cases().end()) return absl::OkStatus();
    return absl::AlreadyExistsError(absl::StrCat(
        "mediation case '", id, "' was already requested: choose a new case id"));
  }
  const compact::v1::MediationCaseRecord& c = it->second;
  const std::string at = compact::v1::MediationStage_Name(c.stage());
  if (Rank(c.stage()) == 5) {
    return absl::FailedPreconditionError(absl::StrCat(
        "mediation case '", id, "' is closed (", at, "): no further steps"));
  }
  const bool forward = Rank(next) > Rank(c.stage()) ||
                       next == compact::v1::MEDIATION_STAGE_MEETING_HELD ||
                       next == compact::v1::MEDIATION_STAGE_WITHDRAWN;
  if (!forward || (next == compact::v1::MEDIATION_STAGE_MEETING_HELD &&
                   Rank(c.stage()) > Rank(next))) {
    return absl::FailedPreconditionError(absl::StrCat(
        "mediation case '", id, "' is at ", at, "; ",
        compact::v1::MediationStage_Name(next),
        " cannot follow it (order: requested, accepted, mediator appointed, "
        "meeting held, resolved or escalated; withdrawn at any open stage)"));
  }
  absl::StatusOr<DayRange> last = RangeOf(c.last_step_date());
  absl::StatusOr<DayRange> now = RangeOf(event.date());
  if (!last.ok() || !now.ok()) return !last.ok() ? last.status() : now.status();
  if (CertainlyBefore(*now, *last)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "this step of mediation case '", id, "' (", event.date().edtf(),
        ") is dated before the case's previous step (",
        c.last_step_date().edtf(), ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckConsultationOrder(const WorldState& state,
                                    const Action& action) {
  auto it = state.consultations().find(action.consultation().consultation_id());
  if (it == state.consultations().end()) return absl::OkStatus();
  if (it->second.stage() == compact::v1::CONSULTATION_STAGE_CLOSED &&
      (action.kind() == compact::v1::ACTION_KIND_OPEN_CONSULTATION ||
       action.kind() == compact::v1::ACTION_KIND_CLOSE_CONSULTATION)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "consultation '", it->first,
        "' is already closed: it cannot be opened or closed again; record a "
        "new consultation, or correct the closing event"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckEffect(const WorldState& state, const Event& event) {
  const Action& action = *ActionOf(event);
  switch (action.kind()) {
    case compact::v1::ACTION_KIND_SIGN_COMPACT:
      LEDGER_RETURN_IF_ERROR(CheckSignature(state, event, action));
      [[fallthrough]];
    case compact::v1::ACTION_KIND_ENDORSE_COMPACT:
    case compact::v1::ACTION_KIND_ENDORSE_PRINCIPLES:
    case compact::v1::ACTION_KIND_ADOPT_COMPACT:
      return CheckNotSuperseded(state, event, action);
    default:
      break;
  }
  if (IsPartyChange(action.kind())) return CheckPartyChange(state, event);
  if (IsMediationStep(action.kind())) {
    return CheckMediationOrder(state, event, action);
  }
  if (IsConsultationStep(action.kind())) {
    return CheckConsultationOrder(state, action);
  }
  return absl::OkStatus();
}

compact::v1::MediationStage MediationStageOf(compact::v1::ActionKind kind) {
  switch (kind) {
    case compact::v1::ACTION_KIND_MEDIATION_REQUESTED:
      return compact::v1::MEDIATION_STAGE_REQUESTED;
    case compact::v1::ACTION_KIND_MEDIATION_ACCEPTED:
      return compact::v1::MEDIATION_STAGE_ACCEPTED;
    case compact::v1::ACTION_KIND_MEDIATOR_APPOINTED:
      return compact::v1::MEDIATION_STAGE_MEDIATOR_APPOINTED;
    case compact::v1::ACTION_KIND_MEDIATION_MEETING_HELD:
      return compact::v1::MEDIATION_STAGE_MEETING_HELD;
    case compact::v1::ACTION_KIND_MEDIATION_RESOLVED:
      return compact::v1::MEDIATION_STAGE_RESOLVED;
    case compact::v1::ACTION_KIND_MEDIATION_ESCALATED:
      return compact::v1::MEDIATION_STAGE_ESCALATED;
    case compact::v1::ACTION_KIND_MEDIATION_WITHDRAWN:
      return compact::v1::MEDIATION_STAGE_WITHDRAWN;
    default:
      return compact::v1::MEDIATION_STAGE_UNSPECIFIED;
  }
}

}  // namespace ledger::compact::internal
