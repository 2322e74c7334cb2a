// Rules for parties over time: a party withdrawing from a compact
// (ACTION_KIND_WITHDRAW_FROM_COMPACT) and a body being dissolved
// (ACTION_KIND_DISSOLVE_BODY). As elsewhere, contradictions of the record
// are refused and gaps are not: a withdrawal needs the withdrawing body to be
// a party on that date, but no earlier step is ever demanded beyond that.
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

// The first unretracted record among `records` for `body`, or nullptr.
// Rules read the records the fold keeps (state.proto), never the facts, so
// that a World that keeps no facts checks them too.
const compact::v1::PartyStepRecord* FirstFor(
    const google::protobuf::RepeatedPtrField<compact::v1::PartyStepRecord>& records,
    const std::string& body) {
  for (const compact::v1::PartyStepRecord& r : records) {
    if (!r.retracted() && r.body_id() == body) return &r;
  }
  return nullptr;
}

// The party is named by the compact's registration, or took it up in a
// step not certainly after the withdrawal (a step dated after it would be
// a contradiction; an overlapping one is not).
absl::Status RequireParty(const Event& event, const Action& action,
                          const compact::v1::CompactRecord& record, const DayRange& when) {
  const std::string& body = action.body_ids(0);
  if (HasId(record.compact().party_ids(), body)) return absl::OkStatus();
  bool later_only = false;
  for (const compact::v1::PartyStepRecord& step : record.party_steps()) {
    if (step.retracted() || step.body_id() != body) continue;
    absl::StatusOr<DayRange> taken = RangeOf(step.date());
    if (!taken.ok()) return taken.status();
    if (!CertainlyBefore(when, *taken)) return absl::OkStatus();
    later_only = true;
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "action.body_ids: '", body, "' is not a party of compact '", action.compact_id(),
      "' on ", event.date().edtf(),
      later_only ? ": its only steps taking the compact up are dated after this withdrawal"
                 : ": no registration, adoption or signature of the compact names it",
      "; a body withdraws only from a compact it is a party of (record its adoption or "
      "signature first, or correct the date)"));
}

// A body certainly dissolved before `when` takes no further step as a party.
absl::Status RequireNotCeased(const WorldState& state, const Event& event,
                              const std::string& body, const DayRange& when) {
  const compact::v1::PartyStepRecord* dissolved =
      FirstFor(state.bodies().at(body).dissolutions(), body);
  if (dissolved == nullptr) return absl::OkStatus();
  absl::StatusOr<DayRange> ceased = RangeOf(dissolved->date());
  if (!ceased.ok()) return ceased.status();
  if (!CertainlyBefore(*ceased, when)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "'", body, "' was dissolved at #", dissolved->sequence(), " (", dissolved->date().edtf(),
      "), before this withdrawal (", event.date().edtf(),
      "): a body that has ceased takes no further step; correct one of the dates"));
}

absl::Status CheckWithdrawal(const WorldState& state, const Event& event,
                             const Action& action) {
  const std::string& body = action.body_ids(0);
  const compact::v1::CompactRecord& record = state.compacts().at(action.compact_id());
  const compact::v1::PartyStepRecord* earlier = FirstFor(record.withdrawals(), body);
  if (earlier != nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "'", body, "' already withdrew from compact '", action.compact_id(), "' at #",
        earlier->sequence(), " (", earlier->date().edtf(),
        "): a party withdraws once; annotate or correct #", earlier->sequence(), " instead"));
  }
  absl::StatusOr<DayRange> when = RangeOf(event.date());
  if (!when.ok()) return when.status();
  LEDGER_RETURN_IF_ERROR(RequireParty(event, action, record, *when));
  return RequireNotCeased(state, event, body, *when);
}

absl::Status CheckDissolution(const WorldState& state, const Action& action) {
  const std::string& body = action.body_ids(0);
  const compact::v1::PartyStepRecord* earlier =
      FirstFor(state.bodies().at(body).dissolutions(), body);
  if (earlier == nullptr) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "'", body, "' was already dissolved at #", earlier->sequence(), " (",
      earlier->date().edtf(), "): a body ceases once; annotate or correct #",
      earlier->sequence(), " instead"));
}

}  // namespace

bool IsPartyChange(compact::v1::ActionKind kind) {
  return kind == compact::v1::ACTION_KIND_WITHDRAW_FROM_COMPACT ||
         kind == compact::v1::ACTION_KIND_DISSOLVE_BODY;
}

absl::Status CheckPartyFields(const WorldState& state, const Action& action) {
  const bool dissolve = action.kind() == compact::v1::ACTION_KIND_DISSOLVE_BODY;
  if (!action.successor_body_id().empty() && !dissolve) {
    return absl::InvalidArgumentError(
        "action.successor_body_id is given on an action that is not DISSOLVE_BODY: only a "
        "dissolved body has a successor there (a renaming is a BodySucceeded)");
  }
  if (!IsPartyChange(action.kind())) return absl::OkStatus();
  if (action.body_ids_size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "action.body_ids: ", dissolve ? "DISSOLVE_BODY" : "WITHDRAW_FROM_COMPACT",
        " names exactly one body (", dissolve ? "the body dissolved" : "the withdrawing party",
        "), not ", action.body_ids_size()));
  }
  if (!dissolve) return absl::OkStatus();
  if (!action.compact_id().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "action.compact_id: DISSOLVE_BODY names no compact (the body ceases for every "
        "compact at once), but '", action.compact_id(), "' is given; remove it"));
  }
  if (action.successor_body_id().empty()) return absl::OkStatus();
  LEDGER_RETURN_IF_ERROR(
      RequireBody(state, action.successor_body_id(), "action.successor_body_id"));
  if (action.successor_body_id() == action.body_ids(0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "action.successor_body_id: '", action.body_ids(0),
        "' cannot replace itself; name the body that replaced it, or leave it empty"));
  }
  return absl::OkStatus();
}

absl::Status CheckPartyChange(const WorldState& state, const Event& event) {
  const Action& action = *ActionOf(event);
  if (action.kind() == compact::v1::ACTION_KIND_WITHDRAW_FROM_COMPACT) {
    return CheckWithdrawal(state, event, action);
  }
  return CheckDissolution(state, action);
}

}  // namespace ledger::compact::internal
