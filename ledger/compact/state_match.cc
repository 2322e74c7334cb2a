#include "ledger/compact/state_match.h"

#include <algorithm>
#include <string>

#include "ledger/compact/rules.h"

namespace ledger::compact::internal {
namespace {

using compact::v1::Action;

bool CodesCovered(const Action& wanted, const Action& got) {
  for (const std::string& code : wanted.code_ids()) {
    if (!HasId(got.code_ids(), code)) return false;
  }
  return true;
}

bool KindMeets(compact::v1::ActionKind planned, compact::v1::ActionKind done) {
  if (planned == done) return true;
  return planned == compact::v1::ACTION_KIND_HOLD_CONSULTATION &&
         done == compact::v1::ACTION_KIND_CLOSE_CONSULTATION;
}

// Same target: compact, other compact, codes, consultation, case, text.
bool SameTarget(const Action& wanted, const Action& got) {
  if (wanted.compact_id() != got.compact_id()) return false;
  if (!wanted.other_compact_id().empty() &&
      wanted.other_compact_id() != got.other_compact_id()) {
    return false;
  }
  if (!CodesCovered(wanted, got)) return false;
  if (wanted.consultation().consultation_id() !=
      got.consultation().consultation_id()) {
    return false;
  }
  if (wanted.mediation().case_id() != got.mediation().case_id()) return false;
  return wanted.version_label().empty() || got.version_label().empty() ||
         wanted.version_label() == got.version_label();
}

bool IsMeeting(compact::v1::ActionKind kind) {
  return kind == compact::v1::ACTION_KIND_HOLD_MEETING ||
         kind == compact::v1::ACTION_KIND_DISCUSS_COMPACT ||
         kind == compact::v1::ACTION_KIND_HOLD_CONSULTATION_ACTIVITY ||
         kind == compact::v1::ACTION_KIND_ISSUE_DOCUMENT;
}

}  // namespace

bool MeetsPlan(const FactInfo& plan, const FactInfo& done) {
  const compact::v1::Event& p = plan.fact->event();
  const compact::v1::Event& d = done.fact->event();
  if (!p.has_plan() || !Carried(d)) return false;
  const Action& wanted = p.plan().action();
  const Action& got = *ActionOf(d);
  if (!KindMeets(wanted.kind(), got.kind()) || !SameTarget(wanted, got)) {
    return false;
  }
  if (IsMeeting(wanted.kind()) &&
      (p.actor().body_id() != d.actor().body_id() ||
       wanted.description() != got.description())) {
    return false;
  }
  // Done before the plan was made cannot be what the plan asked for.
  return !CertainlyBefore(done.range, plan.range);
}

bool ResolvesProposal(const FactInfo& proposal, const FactInfo& decision) {
  const compact::v1::Event& p = proposal.fact->event();
  const compact::v1::Event& d = decision.fact->event();
  if (!p.has_proposal() || !d.has_decision()) return false;
  const compact::v1::EventRef& named = d.decision().responds_to();
  if (named.has_sequence()) return named.sequence() == proposal.fact->sequence();
  const Action& wanted = p.proposal().action();
  const Action& got = d.decision().action();
  return d.actor().body_id() == p.proposal().addressed_to() &&
         wanted.kind() == got.kind() && SameTarget(wanted, got) &&
         !CertainlyBefore(decision.range, proposal.range);
}

}  // namespace ledger::compact::internal
