// Sections of a compact's state on D: codes of practice, consultations,
// mediation cases, disagreements, and the status from certain facts.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "ledger/compact/fold.h"
#include "ledger/compact/rules.h"
#include "ledger/compact/state_index.h"

namespace ledger::compact::internal {
namespace {

using compact::v1::CompactState;
using Facts = std::vector<const FactInfo*>;

// Progress of a code from one certain fact (higher is further on).
compact::v1::CodeStatus CodeStepOf(const compact::v1::Event& e,
                                   const compact::v1::Action& a) {
  if (e.has_plan()) return compact::v1::CODE_STATUS_PLANNED;
  if (!Carried(e)) return compact::v1::CODE_STATUS_UNSPECIFIED;
  switch (a.kind()) {
    case compact::v1::ACTION_KIND_DRAFT_CODE: return compact::v1::CODE_STATUS_DRAFTED;
    case compact::v1::ACTION_KIND_AGREE_CODE: return compact::v1::CODE_STATUS_AGREED;
    case compact::v1::ACTION_KIND_FOLD_CODES_INTO_COMMITMENTS:
      return compact::v1::CODE_STATUS_FOLDED;
    case compact::v1::ACTION_KIND_RETIRE_CODE: return compact::v1::CODE_STATUS_RETIRED;
    default: return compact::v1::CODE_STATUS_UNSPECIFIED;
  }
}

bool CodeOverdue(const CompactState& out, const std::string& code_id) {
  for (const compact::v1::PlanView& plan : out.plans()) {
    if (plan.status() == compact::v1::PLAN_STATUS_OVERDUE &&
        HasId(plan.fact().event().plan().action().code_ids(), code_id)) {
      return true;
    }
  }
  return false;
}

bool OnlyProposed(const CompactState& out, uint64_t plan_sequence) {
  for (const compact::v1::PlanView& plan : out.plans()) {
    if (plan.fact().sequence() == plan_sequence) {
      return plan.status() == compact::v1::PLAN_STATUS_PROPOSED;
    }
  }
  return false;
}

std::vector<const compact::v1::CodeRecord*> CodesOf(const StateIndex& index,
                                                     const std::string& id) {
  std::vector<const compact::v1::CodeRecord*> codes;
  for (const auto& [code_id, record] : index.world().codes()) {
    if (record.code().compact_id() == id && index.Known(record.sequence())) {
      codes.push_back(&record);
    }
  }
  std::sort(codes.begin(), codes.end(), [](auto* a, auto* b) {
    return a->sequence() < b->sequence();
  });
  return codes;
}

}  // namespace

void AddCodes(const StateIndex& index, const std::string& id, const Facts& mine,
              CompactState* out) {
  for (const compact::v1::CodeRecord* record : CodesOf(index, id)) {
    compact::v1::CodeState& code = *out->add_codes();
    const std::string& code_id = record->code().code_id();
    int status = compact::v1::CODE_STATUS_UNSPECIFIED;
    for (const FactInfo* f : mine) {
      const compact::v1::Action* a = ActionOf(f->fact->event());
      bool named = HasId(a->code_ids(), code_id);
      for (const compact::v1::Commitment& c : a->commitments()) {
        named = named || HasId(c.code_ids(), code_id);
      }
      if (!named) continue;
      index.View(*f, code.add_facts());
      if (f->seen == Seen::kCertain) {
        status = std::max<int>(status, CodeStepOf(f->fact->event(), *a));
      }
    }
    if (code.facts().empty()) {
      out->mutable_codes()->RemoveLast();
      continue;
    }
    code.set_code_id(code_id);
    code.set_title(record->code().title());
    *code.mutable_also_known_as() = record->code().also_known_as();
    code.set_status(static_cast<compact::v1::CodeStatus>(status));
    code.set_overdue(CodeOverdue(*out, code_id));
    const std::optional<FactInfo> registered = index.Find(record->sequence());
    code.set_identity_inferred(registered.has_value() && registered->fact->event().inferred());
  }
}

void AddConsultations(const StateIndex& index, const std::string& id,
                      const Facts& mine, CompactState* out) {
  for (const auto& [cid, record] : index.world().consultations()) {
    if (record.compact_id() != id) continue;
    compact::v1::ConsultationState& state = *out->add_consultations();
    int stage = compact::v1::CONSULTATION_STAGE_UNSPECIFIED;
    for (const FactInfo* f : mine) {
      const compact::v1::Event& e = f->fact->event();
      const compact::v1::Action* a = ActionOf(e);
      if (a->consultation().consultation_id() != cid) continue;
      index.View(*f, state.add_facts());
      if (f->seen != Seen::kCertain) continue;
      int step = compact::v1::CONSULTATION_STAGE_UNSPECIFIED;
      // A plan only proposed (not yet agreed) does not make it planned.
      if (e.has_plan() && !OnlyProposed(*out, f->fact->sequence())) {
        step = compact::v1::CONSULTATION_STAGE_PLANNED;
      }
      if (Carried(e) && a->kind() == compact::v1::ACTION_KIND_OPEN_CONSULTATION) {
        step = compact::v1::CONSULTATION_STAGE_OPEN;
      }
      if (Carried(e) && (a->kind() == compact::v1::ACTION_KIND_CLOSE_CONSULTATION ||
                         a->kind() == compact::v1::ACTION_KIND_HOLD_CONSULTATION)) {
        step = compact::v1::CONSULTATION_STAGE_CLOSED;
      }
      stage = std::max(stage, step);
    }
    if (state.facts().empty()) {
      out->mutable_consultations()->RemoveLast();
      continue;
    }
    state.set_consultation_id(cid);
    state.set_stage(static_cast<compact::v1::ConsultationStage>(stage));
  }
}

void AddMediationCases(const StateIndex& index, const std::string& id,
                       const Facts& mine, CompactState* out) {
  for (const auto& [case_id, record] : index.world().mediation_cases()) {
    if (record.compact_id() != id) continue;
    compact::v1::MediationCaseState& state = *out->add_mediation_cases();
    for (const FactInfo* f : mine) {
      const compact::v1::Action* a = ActionOf(f->fact->event());
      if (!IsMediationStep(a->kind()) || a->mediation().case_id() != case_id) {
        continue;
      }
      index.View(*f, state.add_steps());
      if (f->seen == Seen::kCertain && Carried(f->fact->event())) {
        state.set_stage(MediationStageOf(a->kind()));
      }
    }
    if (state.steps().empty()) {
      out->mutable_mediation_cases()->RemoveLast();
      continue;
    }
    state.set_case_id(case_id);
    state.set_requested_by(record.requested_by());
    state.set_against(record.against());
    state.set_issue(record.issue());
  }
}

void AddDisagreements(const StateIndex& index, const std::string& id,
                      CompactState* out) {
  for (const compact::v1::Fact* conflict : index.conflicts()) {
    const compact::v1::Annotation& a = conflict->event().annotation();
    std::vector<uint64_t> claims = {a.target().sequence()};
    for (const auto& r : a.related()) claims.push_back(r.sequence());
    compact::v1::Disagreement& d = *out->add_disagreements();
    bool ours = false;
    for (uint64_t seq : claims) {
      const std::optional<FactInfo> info = index.Find(seq);
      if (!info.has_value()) continue;
      ours = ours || Concerns(info->fact->event(), id);
      if (StateIndex::Visible(*info)) index.View(*info, d.add_claims());
    }
    if (!ours || d.claims().empty()) {
      out->mutable_disagreements()->RemoveLast();
      continue;
    }
    StateIndex::AnnotationOf(*conflict, d.mutable_conflict());
  }
}

bool InEffect(const compact::v1::FactView& f) {
  return f.certainty() == compact::v1::CERTAINTY_CERTAIN &&
         (!f.has_effect() || f.effect().status() == compact::v1::EFFECT_STATUS_IN_EFFECT);
}

bool DecidedNotInEffect(const compact::v1::FactView& f) {
  return f.certainty() == compact::v1::CERTAINTY_CERTAIN && f.has_effect() &&
         f.effect().status() == compact::v1::EFFECT_STATUS_NOT_YET;
}

compact::v1::CompactStatus StatusOf(const CompactState& s) {
  auto certain = [](const compact::v1::FactView& f) { return InEffect(f); };
  for (const auto& v : s.superseded_by()) {
    if (certain(v.fact()) && v.for_body_ids().empty()) {
      return compact::v1::COMPACT_STATUS_SUPERSEDED;
    }
  }
  // Superseded for every current party it is known to have (a party that
  // withdrew or ceased is bound by nothing, superseded or not).
  bool any_current = false;
  bool all_superseded = true;
  for (const auto& party : s.party_statuses()) {
    if (party.standing() != compact::v1::PARTY_STANDING_CURRENT) continue;
    any_current = true;
    all_superseded = all_superseded &&
                     party.status() == compact::v1::COMPACT_STATUS_SUPERSEDED;
  }
  if (any_current && all_superseded) return compact::v1::COMPACT_STATUS_SUPERSEDED;
  bool decided = false;
  for (const auto* steps : {&s.adoptions(), &s.signatures()}) {
    for (const auto& step : *steps) {
      if (!certain(step.fact())) {
        decided = decided || DecidedNotInEffect(step.fact());
        continue;
      }
      // Taken up, but every party has since withdrawn or ceased.
      return any_current || s.party_statuses().empty()
                 ? compact::v1::COMPACT_STATUS_IN_FORCE
                 : compact::v1::COMPACT_STATUS_NO_CURRENT_PARTY;
    }
  }
  if (decided) return compact::v1::COMPACT_STATUS_DECIDED_NOT_IN_EFFECT;
  for (const auto& step : s.endorsements()) {
    if (certain(step.fact()) &&
        ActionOf(step.fact().event())->kind() ==
            compact::v1::ACTION_KIND_ENDORSE_COMPACT) {
      return compact::v1::COMPACT_STATUS_ENDORSED;
    }
  }
  for (const auto& f : s.other_facts()) {
    if (certain(f) && Carried(f.event()) &&
        ActionOf(f.event())->kind() ==
                          compact::v1::ACTION_KIND_DRAFT_COMPACT) {
      return compact::v1::COMPACT_STATUS_DRAFTED;
    }
  }
  return compact::v1::COMPACT_STATUS_IN_DEVELOPMENT;
}

}  // namespace ledger::compact::internal
