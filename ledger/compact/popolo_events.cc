// The events (meetings) and motions (proposals and decisions) halves of the
// Popolo export. What is written, and why, is documented in popolo.h.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/compact/popolo_parts.h"
#include "ledger/compact/rules.h"

namespace ledger::compact::popolo {
namespace {

using nlohmann::json;
using compact::v1::Event;
using compact::v1::Fact;

// A meeting as one fact names it.
struct MeetingSeen {
  std::string body_id;
  compact::v1::MeetingKind kind = compact::v1::MEETING_KIND_UNSPECIFIED;
  std::optional<compact::v1::Date> date;
  std::string reference;
  std::string description;
  // The correction that gave `date`, when it was the fact's own corrected.
  std::optional<uint64_t> date_corrected_by;
};

// The meeting a fact names: its `meeting`, or, for a HOLD_MEETING
// occurrence without one, the actor's meeting on the occurrence's date (the
// kind then unknown). A meeting without a date of its own takes the date of
// a decision or occurrence taken at it (that is the day the body met); a
// proposal's or plan's date is when it was written, not the meeting's, so
// theirs is not borrowed. A borrowed date is the fact's date as corrected.
std::optional<MeetingSeen> MeetingOf(const Corrected& record, const Fact& fact) {
  const Event& e = fact.event();
  MeetingSeen out;
  auto borrow_date = [&] {
    if (const compact::v1::Date* d = record.DateOf(fact, &out.date_corrected_by)) out.date = *d;
  };
  if (e.has_meeting()) {
    const compact::v1::Meeting& m = e.meeting();
    out.body_id = m.body_id();
    out.kind = m.kind();
    out.reference = m.reference();
    out.description = m.description();
    if (m.has_date()) {
      out.date = m.date();
      // The same day in the fact's own date may carry the source's words.
      if (out.date->as_written().empty() && e.date().edtf() == out.date->edtf()) {
        out.date->set_as_written(e.date().as_written());
      }
    } else if (e.has_decision() || e.has_occurrence()) {
      borrow_date();
    }
    return out;
  }
  if (e.has_occurrence() && e.has_actor() &&
      e.occurrence().action().kind() == compact::v1::ACTION_KIND_HOLD_MEETING) {
    out.body_id = e.actor().body_id();
    out.description = e.occurrence().action().description();
    borrow_date();
    return out;
  }
  return std::nullopt;
}

// Which facts name the same meeting: the same body and kind on the same
// exact day, whatever their references. A vaguer date (a month, a range,
// "?") could be several meetings, so it merges only with the same EDTF and
// the same reference; without a reference it stands alone.
std::string MeetingKey(const MeetingSeen& m, uint64_t sequence) {
  const std::string kind = compact::v1::MeetingKind_Name(m.kind);
  if (m.date.has_value() && IsExactDay(m.date->edtf())) {
    return absl::StrCat(m.body_id, "\n", kind, "\n", m.date->edtf());
  }
  if (m.reference.empty()) return absl::StrCat("#", sequence);
  return absl::StrCat(m.body_id, "\n", kind, "\n", m.date.has_value() ? m.date->edtf() : "", "\n",
                      m.reference);
}

std::string Category(const Event& e) {
  if (e.has_proposal()) return "proposal";
  if (e.has_decision()) return "decision";
  if (e.has_plan()) return "plan";
  if (e.has_occurrence()) return "occurrence";
  return "other";
}

std::string BodyName(const compact::v1::WorldState& world, const std::string& id) {
  auto it = world.bodies().find(id);
  return it == world.bodies().end() ? id : it->second.body().name();
}

// The event's name in the record's words: the body's registered name, what
// kind of gathering, and the date as the source wrote it (else its EDTF).
// Named once every fact is merged, as a later fact may give the date's words.
void Name(const compact::v1::WorldState& world, json* event) {
  const std::string classification = event->value("classification", "");
  std::string what = "meeting";
  if (classification == "public_event") what = "event";
  if (classification == "workshop") what = "workshop";
  const std::string body = (*event)["organization_id"].get<std::string>();
  std::string name = absl::StrCat(BodyName(world, body), " ", what);
  const json& ext = (*event)["compact_ledger"];
  if (ext.contains("date")) {
    absl::StrAppend(&name, ", ", ext["date"].value("as_written", ext["date"].value("edtf", "")));
  }
  (*event)["name"] = name;
}

json NewEvent(const MeetingSeen& m, uint64_t sequence) {
  json out = {{"id", absl::StrCat("event-", sequence)}, {"organization_id", m.body_id}};
  const std::string classification = EnumWord(compact::v1::MeetingKind_Name(m.kind), 13);
  if (!classification.empty()) out["classification"] = classification;
  // Popolo's start_date is a date-time: only a whole day is written there.
  if (m.date.has_value() && IsExactDay(m.date->edtf())) out["start_date"] = m.date->edtf();
  json ext = {{"facts", json::array()}};
  if (m.date.has_value()) ext["date"] = DateJson(*m.date);
  if (m.date_corrected_by.has_value()) ext["date_corrected_by"] = *m.date_corrected_by;
  out["compact_ledger"] = std::move(ext);
  return out;
}

// Adds what one more fact says of a meeting already seen: its reference,
// its description and the words of its date, where the first did not say.
void Merge(json* event, const MeetingSeen& m, const Fact& fact, const json& links) {
  json& ext = (*event)["compact_ledger"];
  ext["facts"].push_back({{"sequence", fact.sequence()}, {"kind", Category(fact.event())}});
  if (!m.reference.empty()) {
    if (!ext.contains("references")) ext["references"] = json::array();
    if (std::find(ext["references"].begin(), ext["references"].end(), m.reference) ==
        ext["references"].end()) {
      ext["references"].push_back(m.reference);
    }
  }
  if (!m.description.empty() && !event->contains("description")) {
    (*event)["description"] = m.description;
  }
  if (m.date.has_value() && !m.date->as_written().empty() && ext.contains("date") &&
      !ext["date"].contains("as_written")) {
    ext["date"]["as_written"] = m.date->as_written();
  }
  for (const json& link : links) {
    if (!event->contains("sources")) (*event)["sources"] = json::array();
    json& sources = (*event)["sources"];
    if (std::find(sources.begin(), sources.end(), link) == sources.end()) sources.push_back(link);
  }
}

// Popolo's result for a decision: a resolution in favour passes (an
// amendment carried is the motion passed as amended); a recommendation, a
// referral back and a noting are not passes and keep their own words.
std::string Result(compact::v1::DecisionKind kind) {
  if (internal::CarriesAction(kind)) return "pass";
  switch (kind) {
    case compact::v1::DECISION_KIND_RECOMMEND:
      return "recommended";
    case compact::v1::DECISION_KIND_REFER_BACK:
      return "referred back";
    case compact::v1::DECISION_KIND_REJECT:
      return "fail";
    case compact::v1::DECISION_KIND_NOTE:
      return "noted";
    default:
      return "";
  }
}

// "date" (and "date_corrected_by" when a correction gave it) of a fact.
void AddDate(const Corrected& record, const Fact& fact, json* out) {
  std::optional<uint64_t> by;
  if (const compact::v1::Date* d = record.DateOf(fact, &by)) (*out)["date"] = DateJson(*d);
  if (by.has_value()) (*out)["date_corrected_by"] = *by;
}

std::string Quotes(const Event& e) {
  std::vector<std::string> quotes;
  for (const compact::v1::Citation& c : e.citations()) quotes.push_back(c.quote());
  return absl::StrJoin(quotes, "\n");
}

// What the extension keeps of a decision: its sequence, kind, result, date
// as the source gives it (or as a correction gives it), meeting, and the
// amendment's words.
json DecisionJson(const Corrected& record, const Fact& fact,
                  const std::map<uint64_t, std::string>& event_of_fact) {
  const Event& e = fact.event();
  const compact::v1::Decision& d = e.decision();
  json out = {{"sequence", fact.sequence()},
              {"decision", EnumWord(compact::v1::DecisionKind_Name(d.kind()), 14)},
              {"by", e.actor().body_id()}};
  if (const std::string result = Result(d.kind()); !result.empty()) out["result"] = result;
  AddDate(record, fact, &out);
  if (auto it = event_of_fact.find(fact.sequence()); it != event_of_fact.end()) {
    out["event_id"] = it->second;
  }
  if (!d.recommended_to().empty()) out["recommended_to"] = d.recommended_to();
  if (!d.amendment().empty()) out["amendment"] = d.amendment();
  return out;
}

// A motion from a proposal (put to `addressed_to`) or from a decision that
// answers no proposal in the record (the deciding body's own motion).
json NewMotion(const Corrected& record, const Fact& fact,
               const std::map<uint64_t, std::string>& event_of_fact) {
  const Event& e = fact.event();
  const compact::v1::Action& action =
      e.has_proposal() ? e.proposal().action() : e.decision().action();
  json out = {{"id", absl::StrCat("motion-", fact.sequence())},
              {"organization_id",
               e.has_proposal() ? e.proposal().addressed_to() : e.actor().body_id()}};
  if (const std::string text = Quotes(e); !text.empty()) out["text"] = text;
  const std::string classification = EnumWord(compact::v1::ActionKind_Name(action.kind()), 12);
  if (!classification.empty()) out["classification"] = classification;
  if (auto it = event_of_fact.find(fact.sequence()); it != event_of_fact.end()) {
    out["legislative_session_id"] = it->second;
  }
  if (json links = SourceLinks(record.world, e); !links.empty()) out["sources"] = std::move(links);
  // Popolo's motion date is a date-time; no source gives a time, so the
  // date stays here, as precise as the source gives it.
  json ext = {{"sequence", fact.sequence()}, {"kind", Category(e)}};
  AddDate(record, fact, &ext);
  if (e.has_proposal()) {
    const compact::v1::Proposal& p = e.proposal();
    if (e.has_actor()) ext["proposed_by"] = e.actor().body_id();
    const std::string requested = EnumWord(compact::v1::DecisionKind_Name(p.requested()), 14);
    if (!requested.empty()) ext["requested"] = requested;
    if (!p.recommend_to().empty()) ext["recommend_to"] = p.recommend_to();
    if (p.has_due()) ext["due"] = DateJson(p.due());
  } else {
    json decision = DecisionJson(record, fact, event_of_fact);
    if (decision.contains("result")) out["result"] = decision["result"];
    ext["decisions"] = json::array({std::move(decision)});
  }
  if (e.inferred()) ext["inferred"] = true;
  if (!e.note().empty()) ext["note"] = e.note();
  out["compact_ledger"] = std::move(ext);
  return out;
}

}  // namespace

json Events(const Corrected& record, std::map<uint64_t, std::string>* event_of_fact) {
  const compact::v1::WorldState& world = record.world;
  json events = json::array();
  std::map<std::string, size_t> index_of_key;
  for (const Fact& fact : world.facts()) {
    if (record.retracted.contains(fact.sequence())) continue;
    const std::optional<MeetingSeen> meeting = MeetingOf(record, fact);
    if (!meeting.has_value() || meeting->body_id.empty()) continue;
    const auto [it, added] =
        index_of_key.emplace(MeetingKey(*meeting, fact.sequence()), events.size());
    if (added) events.push_back(NewEvent(*meeting, fact.sequence()));
    json& event = events[it->second];
    Merge(&event, *meeting, fact, SourceLinks(world, fact.event()));
    (*event_of_fact)[fact.sequence()] = event["id"].get<std::string>();
  }
  for (json& event : events) Name(world, &event);
  return events;
}

json Motions(const Corrected& record, const std::map<uint64_t, std::string>& event_of_fact) {
  const compact::v1::WorldState& world = record.world;
  json motions = json::array();
  std::map<uint64_t, size_t> motion_of_proposal;
  for (const Fact& fact : world.facts()) {
    const Event& e = fact.event();
    if (record.retracted.contains(fact.sequence()) || !(e.has_proposal() || e.has_decision())) {
      continue;
    }
    std::optional<uint64_t> answers;
    if (e.has_decision() && e.decision().has_responds_to()) {
      answers = SequenceOf(world, e.decision().responds_to());
    }
    auto proposal = answers.has_value() ? motion_of_proposal.find(*answers)
                                        : motion_of_proposal.end();
    if (proposal == motion_of_proposal.end()) {
      if (e.has_proposal()) motion_of_proposal[fact.sequence()] = motions.size();
      motions.push_back(NewMotion(record, fact, event_of_fact));
      continue;
    }
    // A decision on a proposal in the record is that motion's outcome; the
    // latest decision in ledger order gives its result, and every one is
    // kept with its own kind and date.
    json& motion = motions[proposal->second];
    json decision = DecisionJson(record, fact, event_of_fact);
    if (decision.contains("result")) motion["result"] = decision["result"];
    if (!motion.contains("legislative_session_id") && decision.contains("event_id")) {
      motion["legislative_session_id"] = decision["event_id"];
    }
    json& ext = motion["compact_ledger"];
    if (!ext.contains("decisions")) ext["decisions"] = json::array();
    ext["decisions"].push_back(std::move(decision));
  }
  return motions;
}

}  // namespace ledger::compact::popolo
