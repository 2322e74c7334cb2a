#include "services/commands.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "ledger/compact/steps.h"
#include "ledger/compact/streams.h"
#include "ledger/compact/world.h"
#include "services/convert.h"

namespace ledger::services {

namespace {

using compact::v1::Action;
using compact::v1::ActionKind;
using compact::v1::CommandContext;
using compact::v1::DecisionKind;
using compact::v1::Event;

constexpr char kEventTypeUrl[] = "type.googleapis.com/compact.v1.Event";

Event Base(const CommandContext& c, const compact::v1::Party& by) {
  Event event;
  if (c.has_date()) *event.mutable_date() = c.date();
  *event.mutable_citations() = c.citations();
  if (c.has_meeting()) *event.mutable_meeting() = c.meeting();
  event.set_note(c.note());
  event.set_inferred(c.inferred());
  event.set_ref(c.ref());
  *event.mutable_actor() = by;
  return event;
}

Action* Decide(Event& event, DecisionKind kind, ActionKind action, const std::string& compact) {
  event.mutable_decision()->set_kind(kind);
  Action* a = event.mutable_decision()->mutable_action();
  a->set_kind(action);
  a->set_compact_id(compact);
  return a;
}

Action* Occur(Event& event, ActionKind action, const std::string& compact) {
  Action* a = event.mutable_occurrence()->mutable_action();
  a->set_kind(action);
  a->set_compact_id(compact);
  return a;
}

absl::StatusOr<RecordRequest> Request(const Event& event, const CommandContext& c) {
  return ToRecordRequest(event, c.request_id(), c.expected());
}

bool IsLaterMediationStep(const Event& event) {
  if (!event.has_occurrence()) return false;
  const ActionKind kind = event.occurrence().action().kind();
  return compact::IsMediationStep(kind) && kind != compact::v1::ACTION_KIND_MEDIATION_REQUESTED;
}

}  // namespace

absl::StatusOr<RecordRequest> FromEndorsement(const compact::v1::RecordEndorsementRequest& r) {
  Event event = Base(r.context(), r.by());
  Decide(event, compact::v1::DECISION_KIND_ENDORSE,
         r.principles_only() ? compact::v1::ACTION_KIND_ENDORSE_PRINCIPLES
                             : compact::v1::ACTION_KIND_ENDORSE_COMPACT,
         r.compact_id())
      ->set_version_label(r.version_label());
  return Request(event, r.context());
}

absl::StatusOr<RecordRequest> FromAdoption(const compact::v1::RecordAdoptionRequest& r) {
  Event event = Base(r.context(), r.by());
  Action* a = Decide(event, compact::v1::DECISION_KIND_ADOPT,
                     compact::v1::ACTION_KIND_ADOPT_COMPACT, r.compact_id());
  *a->mutable_body_ids() = r.partner_ids();
  a->set_version_label(r.version_label());
  a->set_condition(r.condition());
  return Request(event, r.context());
}

absl::StatusOr<RecordRequest> FromSignature(const compact::v1::RecordSignatureRequest& r) {
  Event event = Base(r.context(), r.by());
  Occur(event, compact::v1::ACTION_KIND_SIGN_COMPACT, r.compact_id())
      ->set_version_label(r.version_label());
  return Request(event, r.context());
}

absl::StatusOr<RecordRequest> FromSupersession(
    const compact::v1::RecordSupersessionRequest& r) {
  Event event = Base(r.context(), r.by());
  Action* a = Decide(event, compact::v1::DECISION_KIND_ADOPT,
                     compact::v1::ACTION_KIND_SUPERSEDE_COMPACT, r.compact_id());
  a->set_other_compact_id(r.superseded_compact_id());
  *a->mutable_body_ids() = r.for_body_ids();
  a->set_condition(r.condition());
  return Request(event, r.context());
}

absl::StatusOr<RecordRequest> FromMediationStep(
    const compact::v1::RecordMediationStepRequest& r) {
  if (!compact::IsMediationStep(r.step())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "step ", compact::v1::ActionKind_Name(r.step()),
        " is not a mediation step: use ACTION_KIND_MEDIATION_REQUESTED .. _WITHDRAWN"));
  }
  Event event = Base(r.context(), r.by());
  *Occur(event, r.step(), r.compact_id())->mutable_mediation() = r.mediation();
  return Request(event, r.context());
}

absl::StatusOr<RecordRequest> FromAppend(const ledger::v1::AppendRequest& r) {
  if (r.stream().empty()) {
    return absl::InvalidArgumentError("stream is empty: name it, e.g. \"compact/<id>\"");
  }
  Event event;
  if (r.payload().type_url() != kEventTypeUrl || !r.payload().UnpackTo(&event)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "payload is \"", r.payload().type_url(), "\": Append accepts only a compact.v1.Event (",
        kEventTypeUrl, ")"));
  }
  if (event.has_annotation() && event.annotation().target_stream().empty()) {
    event.mutable_annotation()->set_target_stream(r.stream());
  }
  Action* action = event.has_occurrence() ? event.mutable_occurrence()->mutable_action() : nullptr;
  if (IsLaterMediationStep(event) && action->compact_id().empty()) {
    if (const auto id = compact::CompactIdOfStream(r.stream()); id.has_value()) {
      action->set_compact_id(std::string(*id));
    }
  }
  absl::StatusOr<std::string> stream = compact::World::StreamOf(event);
  if (!stream.ok()) return stream.status();
  if (*stream != r.stream()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "this event belongs to stream \"", *stream, "\", not \"", r.stream(),
        "\": append it there"));
  }
  return ToRecordRequest(event, r.request_id(), r.expected());
}

}  // namespace ledger::services
