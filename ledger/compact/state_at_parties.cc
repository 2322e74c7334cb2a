// A compact's status per party on D (scope): a supersession "for the
// Council" leaves the compact in force for its other parties.
#include <algorithm>
#include <map>
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

bool Names(const google::protobuf::RepeatedPtrField<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// What one party's record says on D.
struct PartyRecord {
  bool superseded = false;
  bool in_force = false;
  bool decided = false;
  std::vector<uint64_t> possibly;
  std::vector<std::string> possibly_text;
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
  return a->kind() == compact::v1::ACTION_KIND_ADOPT_COMPACT && Names(a->body_ids(), id);
}

void Supersessions(const CompactState& c, std::map<std::string, PartyRecord>* parties) {
  for (const auto& v : c.superseded_by()) {
    for (auto& [id, record] : *parties) {
      if (!v.for_body_ids().empty() && !Names(v.for_body_ids(), id)) continue;
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
  // A party the registration names is bound once the compact is in force.
  bool in_force = false;
  for (const auto& [id, record] : parties) in_force = in_force || record.in_force;
  for (auto& [id, record] : parties) {
    compact::v1::PartyStatus* status = out->add_party_statuses();
    status->set_body_id(id);
    auto body = index.world().bodies().find(id);
    if (body != index.world().bodies().end()) status->set_body_name(body->second.body().name());
    const bool named = Names(out->compact().party_ids(), id);
    if (record.superseded) {
      status->set_status(compact::v1::COMPACT_STATUS_SUPERSEDED);
    } else if (record.in_force || (named && in_force)) {
      status->set_status(compact::v1::COMPACT_STATUS_IN_FORCE);
    } else if (record.decided) {
      status->set_status(compact::v1::COMPACT_STATUS_DECIDED_NOT_IN_EFFECT);
    }
    status->mutable_possibly_changed_by()->Add(record.possibly.begin(), record.possibly.end());
    status->set_possibly(absl::StrJoin(record.possibly_text, "; "));
  }
}

}  // namespace ledger::compact::internal
