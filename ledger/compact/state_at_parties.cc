// A compact's status per party on D (scope): a supersession "for the
// Council" leaves the compact in force for its other parties. And its
// standing (parties over time): a party that withdrew, or a body that was
// dissolved, is a former party from the day that takes effect; its own
// steps stay in the report as history.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/compact/rules.h"
#include "ledger/compact/state_index.h"

namespace ledger::compact::internal {
namespace {

using compact::v1::CompactState;
using compact::v1::FactView;

// What one party's record says on D.
struct PartyRecord {
  bool superseded = false;
  bool in_force = false;
  bool decided = false;
  std::vector<uint64_t> possibly;
  std::vector<std::string> possibly_text;
  compact::v1::PartyStanding standing = compact::v1::PARTY_STANDING_CURRENT;
  // The withdrawal or dissolution in effect that made it former.
  compact::v1::Date since;
  std::optional<uint64_t> sequence;
  std::string successor;
  // A withdrawal or dissolution that is uncertain on D (itself, or the start
  // of its effect): it may or may not be former.
  bool pending_withdrawal = false;
  bool pending_dissolution = false;
};

// "uncertain on this day" or "decided, not yet in effect".
std::string Pending(const FactView& f) {
  return DecidedNotInEffect(f) ? "decided, not yet in effect" : "uncertain on this day";
}

// Decided or happened, possibly in effect later: not (yet) counted.
bool Possible(const FactView& f) {
  return !InEffect(f);
}

// An adoption or signature that names `id` (as actor or partner).
bool TakesUp(const compact::v1::PartyStep& step, const std::string& id) {
  if (step.body_id() == id) return true;
  const compact::v1::Action* a = ActionOf(step.fact().event());
  return a->kind() == compact::v1::ACTION_KIND_ADOPT_COMPACT && HasId(a->body_ids(), id);
}

void Supersessions(const CompactState& c, std::map<std::string, PartyRecord>* parties) {
  for (const auto& v : c.superseded_by()) {
    for (auto& [id, record] : *parties) {
      if (!v.for_body_ids().empty() && !HasId(v.for_body_ids(), id)) continue;
      if (InEffect(v.fact())) {
        record.superseded = true;
      } else if (Possible(v.fact())) {
        record.possibly.push_back(v.fact().sequence());
        record.possibly_text.push_back(absl::StrCat("SUPERSEDED by ", v.compact_id(), " (#",
                                                    v.fact().sequence(), ", ",
                                                    Pending(v.fact()), ")"));
      }
    }
  }
}

void TakenUp(const CompactState& c, std::map<std::string, PartyRecord>* parties) {
  for (const auto* steps : {&c.adoptions(), &c.signatures()}) {
    for (const auto& step : *steps) {
      for (auto& [id, record] : *parties) {
        if (!TakesUp(step, id)) continue;
        if (InEffect(step.fact())) {
          record.in_force = true;
        } else {
          record.decided = record.decided || DecidedNotInEffect(step.fact());
          record.possibly.push_back(step.fact().sequence());
          record.possibly_text.push_back(absl::StrCat(
              "IN_FORCE by ", steps == &c.adoptions() ? "adoption" : "signature", " (#",
              step.fact().sequence(), ", ", Pending(step.fact()), ")"));
        }
      }
    }
  }
}

// Marks `record` former when fact `f` (a withdrawal or a dissolution) is
// in effect on D; otherwise lists it beside, as what may have changed.
void MarkFormer(const FactView& f, compact::v1::PartyStanding standing,
                const std::string& successor, PartyRecord* record) {
  const bool dissolution = standing == compact::v1::PARTY_STANDING_CEASED;
  if (!InEffect(f)) {
    // Decided but certainly not yet in effect leaves the standing certain.
    if (!DecidedNotInEffect(f)) {
      (dissolution ? record->pending_dissolution : record->pending_withdrawal) = true;
    }
    record->possibly.push_back(f.sequence());
    record->possibly_text.push_back(absl::StrCat(dissolution ? "CEASED" : "WITHDRAWN", " (#",
                                                 f.sequence(), ", ", Pending(f), ")"));
    return;
  }
  // Dissolution outranks withdrawal: the body no longer exists at all.
  if (record->standing == compact::v1::PARTY_STANDING_CEASED) return;
  record->standing = standing;
  record->since = f.has_effect() && f.effect().has_starts() ? f.effect().starts()
                                                              : f.effective_date();
  record->sequence = f.sequence();
  record->successor = successor;
}

void Withdrawals(const CompactState& c, std::map<std::string, PartyRecord>* parties) {
  for (const auto& w : c.withdrawals()) {
    MarkFormer(w.fact(), compact::v1::PARTY_STANDING_WITHDRAWN, "", &(*parties)[w.body_id()]);
  }
}

// Dissolutions name no compact: they are found through each party's body
// record (BodyRecord.dissolutions), not among the compact's facts.
void Dissolutions(const StateIndex& index, std::map<std::string, PartyRecord>* parties) {
  for (auto& [id, record] : *parties) {
    const compact::v1::BodyRecord* body = index.Body(id);
    if (body == nullptr) continue;
    for (const auto& d : body->dissolutions()) {
      const std::optional<FactInfo> info = index.Find(d.sequence());
      if (!info.has_value() || !StateIndex::Visible(*info)) continue;
      FactView view;
      index.View(*info, &view);
      MarkFormer(view, compact::v1::PARTY_STANDING_CEASED,
                 ActionOf(view.event())->successor_body_id(), &record);
    }
  }
}

// CERTAIN unless a withdrawal or dissolution may have changed its standing.
compact::v1::Certainty StandingCertainty(const PartyRecord& r) {
  const bool may_change =
      (r.standing == compact::v1::PARTY_STANDING_CURRENT &&
       (r.pending_withdrawal || r.pending_dissolution)) ||
      (r.standing == compact::v1::PARTY_STANDING_WITHDRAWN && r.pending_dissolution);
  return may_change ? compact::v1::CERTAINTY_UNCERTAIN : compact::v1::CERTAINTY_CERTAIN;
}

void SetStanding(const PartyRecord& record, compact::v1::PartyStatus* status) {
  status->set_standing(record.standing);
  status->set_standing_certainty(StandingCertainty(record));
  if (record.standing == compact::v1::PARTY_STANDING_CURRENT) return;
  *status->mutable_since() = record.since;
  if (record.sequence.has_value()) status->set_sequence(*record.sequence);
  status->set_successor(record.successor);
}

}  // namespace

void AddPartyStatuses(const StateIndex& index, CompactState* out) {
  std::map<std::string, PartyRecord> parties;
  for (const std::string& id : out->compact().party_ids()) parties[id];
  for (const auto* steps : {&out->adoptions(), &out->signatures()}) {
    for (const auto& step : *steps) {
      parties[step.body_id()];
      const compact::v1::Action* a = ActionOf(step.fact().event());
      if (a->kind() != compact::v1::ACTION_KIND_ADOPT_COMPACT) continue;
      for (const std::string& partner : a->body_ids()) parties[partner];
    }
  }
  for (const auto& v : out->superseded_by()) {
    for (const std::string& id : v.for_body_ids()) parties[id];
  }
  Supersessions(*out, &parties);
  TakenUp(*out, &parties);
  Withdrawals(*out, &parties);
  Dissolutions(index, &parties);
  // A party the registration names is bound once the compact is in force.
  bool in_force = false;
  for (const auto& [id, record] : parties) in_force = in_force || record.in_force;
  for (auto& [id, record] : parties) {
    compact::v1::PartyStatus* status = out->add_party_statuses();
    status->set_body_id(id);
    if (const auto* body = index.Body(id)) status->set_body_name(body->body().name());
    const bool named = HasId(out->compact().party_ids(), id);
    if (record.superseded) {
      status->set_status(compact::v1::COMPACT_STATUS_SUPERSEDED);
    } else if (record.in_force || (named && in_force)) {
      status->set_status(compact::v1::COMPACT_STATUS_IN_FORCE);
    } else if (record.decided) {
      status->set_status(compact::v1::COMPACT_STATUS_DECIDED_NOT_IN_EFFECT);
    }
    status->mutable_possibly_changed_by()->Add(record.possibly.begin(), record.possibly.end());
    status->set_possibly(absl::StrJoin(record.possibly_text, "; "));
    SetStanding(record, status);
  }
}

}  // namespace ledger::compact::internal
