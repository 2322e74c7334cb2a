// The state of one compact on day D, built from the facts that concern it.
#include <optional>
#include <string>
#include <vector>

#include "ledger/compact/fold.h"
#include "ledger/compact/rules.h"
#include "ledger/compact/state_index.h"
#include "ledger/compact/state_match.h"

namespace ledger::compact::internal {
namespace {

using compact::v1::CompactState;
using compact::v1::Event;

using Facts = std::vector<const FactInfo*>;

bool IsRegistration(const Event& e) {
  return ActionOf(e) == nullptr && !e.has_annotation();
}

bool Certain(const FactInfo& f) { return f.seen == Seen::kCertain; }

void StepOf(const StateIndex& index, const FactInfo& f,
            compact::v1::PartyStep* step) {
  const compact::v1::Party& actor = f.fact->event().actor();
  step->set_body_id(actor.body_id());
  if (const auto* body = index.Body(actor.body_id())) step->set_body_name(body->body().name());
  step->set_on_behalf_of(actor.on_behalf_of());
  index.View(f, step->mutable_fact());
}

// The withdrawing party is the body the action names, not necessarily the
// actor (a board may record a partner's withdrawal).
void WithdrawalOf(const StateIndex& index, const FactInfo& f,
                  compact::v1::PartyStep* step) {
  const auto& named = ActionOf(f.fact->event())->body_ids();
  // Prepare guarantees exactly one; a corrupt snapshot must not crash a query.
  const std::string party = named.empty() ? std::string() : named[0];
  step->set_body_id(party);
  if (const auto* body = index.Body(party)) step->set_body_name(body->body().name());
  index.View(f, step->mutable_fact());
}

// True when a CERTAIN decision among `mine` agrees the proposal at
// `sequence` (a carried decision that resolves it).
bool Agreed(const StateIndex& index, uint64_t sequence, const Facts& mine) {
  const std::optional<FactInfo> proposal = index.Find(sequence);
  if (!proposal.has_value() || proposal->retracted) return false;
  for (const FactInfo* d : mine) {
    if (Certain(*d) && Carried(d->fact->event()) && ResolvesProposal(*proposal, *d)) {
      return true;
    }
  }
  return false;
}

// True when the event a plan waits for (Plan.after) has certainly happened
// on D: a decision or occurrence in effect, or a plan that a CERTAIN fact
// among `mine` meets.
bool Happened(const StateIndex& index, uint64_t sequence, const Facts& mine) {
  const std::optional<FactInfo> after = index.Find(sequence);
  if (!after.has_value() || after->retracted) return false;
  if (!after->fact->event().has_plan()) return after->in_effect == Seen::kCertain;
  for (const FactInfo* done : mine) {
    if (Certain(*done) && MeetsPlan(*after, *done)) return true;
  }
  return false;
}

// MET when a certain fact meets it; otherwise PROPOSED while the proposal
// holding it is not agreed, WAITING while the event it follows has not
// happened, OVERDUE once its due date has passed, else PENDING.
void PlanOf(const StateIndex& index, const FactInfo& plan, const Facts& mine,
            compact::v1::PlanView* view) {
  index.View(plan, view->mutable_fact());
  for (const FactInfo* done : mine) {
    if (!MeetsPlan(plan, *done)) continue;
    if (Certain(*done)) view->add_met_by(done->fact->sequence());
    else view->add_possibly_met_by(done->fact->sequence());
  }
  const compact::v1::Plan& p = plan.fact->event().plan();
  absl::StatusOr<DayRange> range = RangeOf(p.due());
  const bool past = range.ok() && range->latest && *range->latest < index.at();
  compact::v1::PlanStatus status = compact::v1::PLAN_STATUS_PENDING;
  if (!view->met_by().empty()) {
    status = compact::v1::PLAN_STATUS_MET;
  } else if (p.has_proposed_in() && !Agreed(index, p.proposed_in().sequence(), mine)) {
    status = compact::v1::PLAN_STATUS_PROPOSED;
  } else if (p.has_after() && !Happened(index, p.after().sequence(), mine)) {
    status = compact::v1::PLAN_STATUS_WAITING;
  } else if (past) {
    status = compact::v1::PLAN_STATUS_OVERDUE;
  }
  view->set_status(status);
}

void AddProposal(const StateIndex& index, const FactInfo& p, const Facts& mine,
                 CompactState* out) {
  std::vector<uint64_t> resolved, possibly;
  for (const FactInfo* d : mine) {
    if (!ResolvesProposal(p, *d)) continue;
    (Certain(*d) ? resolved : possibly).push_back(d->fact->sequence());
  }
  compact::v1::ProposalView* view = resolved.empty()
                                        ? out->add_open_proposals()
                                        : out->add_resolved_proposals();
  index.View(p, view->mutable_fact());
  view->mutable_resolved_by()->Add(resolved.begin(), resolved.end());
  view->mutable_possibly_resolved_by()->Add(possibly.begin(), possibly.end());
}

void AddSupersession(const StateIndex& index, const FactInfo& f,
                     const std::string& id, CompactState* out) {
  const compact::v1::Action& a = *ActionOf(f.fact->event());
  const bool ours = a.compact_id() == id;
  compact::v1::SupersessionView* view =
      ours ? out->add_supersedes() : out->add_superseded_by();
  view->set_compact_id(ours ? a.other_compact_id() : a.compact_id());
  if (const auto* other = index.Compact(view->compact_id())) {
    view->set_compact_title(other->compact().title());
  }
  *view->mutable_for_body_ids() = a.body_ids();
  view->set_condition(a.condition());
  index.View(f, view->mutable_fact());
}

// Sorts a carried fact into the section for its action.
void AddCarried(const StateIndex& index, const FactInfo& f,
                const std::string& id, CompactState* out) {
  const compact::v1::ActionKind kind = ActionOf(f.fact->event())->kind();
  switch (kind) {
    case compact::v1::ACTION_KIND_ENDORSE_COMPACT:
    case compact::v1::ACTION_KIND_ENDORSE_PRINCIPLES:
      StepOf(index, f, out->add_endorsements());
      return;
    case compact::v1::ACTION_KIND_ADOPT_COMPACT:
      StepOf(index, f, out->add_adoptions());
      return;
    case compact::v1::ACTION_KIND_SIGN_COMPACT:
      StepOf(index, f, out->add_signatures());
      return;
    case compact::v1::ACTION_KIND_SUPERSEDE_COMPACT:
      AddSupersession(index, f, id, out);
      return;
    case compact::v1::ACTION_KIND_WITHDRAW_FROM_COMPACT:
      WithdrawalOf(index, f, out->add_withdrawals());
      return;
    default:
      break;
  }
  // Codes, consultations and mediation have their own sections.
  if (IsCodeStep(kind) || IsConsultationStep(kind) || IsMediationStep(kind)) return;
  index.View(f, out->add_other_facts());
}

void Classify(const StateIndex& index, const FactInfo& f, const Facts& mine,
              const std::string& id, CompactState* out) {
  const Event& e = f.fact->event();
  if (e.has_proposal()) {
    AddProposal(index, f, mine, out);
  } else if (e.has_plan()) {
    PlanOf(index, f, mine, out->add_plans());
  } else if (e.has_decision() &&
             e.decision().kind() == compact::v1::DECISION_KIND_RECOMMEND) {
    StepOf(index, f, out->add_recommendations());
  } else if (Carried(e)) {
    AddCarried(index, f, id, out);
  } else {
    index.View(f, out->add_other_facts());
  }
  // Uncertain that it happened, or that it is in effect.
  if (f.seen == Seen::kUncertain || f.in_effect == Seen::kUncertain) {
    index.View(f, out->add_uncertain());
  }
}

}  // namespace

// Sections for codes, consultations, mediation cases and disagreements
// (state_at_sections.cc).
void AddCodes(const StateIndex& index, const std::string& id, const Facts& mine,
              CompactState* out);
void AddConsultations(const StateIndex& index, const std::string& id,
                      const Facts& mine, CompactState* out);
void AddMediationCases(const StateIndex& index, const std::string& id,
                       const Facts& mine, CompactState* out);
void AddDisagreements(const StateIndex& index, const std::string& id,
                      CompactState* out);
compact::v1::CompactStatus StatusOf(const CompactState& state);

void CompactStateAt(const StateIndex& index,
                    const compact::v1::CompactRecord& record, CompactState* out) {
  const std::string& id = record.compact().compact_id();
  out->set_compact_id(id);
  *out->mutable_compact() = record.compact();
  const absl::Span<const int> positions = index.PositionsOf(id);
  std::vector<FactInfo> infos;
  infos.reserve(positions.size());
  for (int position : positions) infos.push_back(index.Info(position));
  Facts mine;
  mine.reserve(infos.size());
  for (const FactInfo& info : infos) {
    if (IsRegistration(info.fact->event()) || !info.dated) continue;
    if (info.retracted && info.seen != Seen::kNotYet) {
      index.View(info, out->add_retracted());
    } else if (StateIndex::Visible(info)) {
      mine.push_back(&info);
    }
  }
  for (const FactInfo* f : mine) Classify(index, *f, mine, id, out);
  AddCodes(index, id, mine, out);
  AddConsultations(index, id, mine, out);
  AddMediationCases(index, id, mine, out);
  AddDisagreements(index, id, out);
  AddPartyStatuses(index, out);
  out->set_status(StatusOf(*out));
}

}  // namespace ledger::compact::internal
