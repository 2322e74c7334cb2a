#include "ledger/compact/popolo.h"

#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ledger/compact/popolo_parts.h"
#include "ledger/compact/rules.h"

namespace ledger::compact {
namespace popolo {

using nlohmann::json;

bool IsPopoloDate(const std::string& edtf) {
  static const std::regex kPlain("^[0-9]{4}(-[0-9]{2}){0,2}$");
  return std::regex_match(edtf, kPlain);
}

bool IsExactDay(const std::string& edtf) {
  static const std::regex kDay("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
  return std::regex_match(edtf, kDay);
}

json DateJson(const compact::v1::Date& d) {
  json out = {{"edtf", d.edtf()}};
  if (!d.as_written().empty()) out["as_written"] = d.as_written();
  return out;
}

std::string EnumWord(const std::string& name, size_t prefix_length) {
  if (name.size() <= prefix_length) return "";
  std::string word = absl::AsciiStrToLower(name.substr(prefix_length));
  return word == "unspecified" ? "" : word;
}

std::optional<uint64_t> SequenceOf(const compact::v1::WorldState& world,
                                   const compact::v1::EventRef& ref) {
  if (ref.has_sequence()) return ref.sequence();
  if (auto it = world.refs().find(ref.ref()); !ref.ref().empty() && it != world.refs().end()) {
    return it->second;
  }
  return std::nullopt;
}

std::set<uint64_t> Retracted(const compact::v1::WorldState& world) {
  std::set<uint64_t> out;
  for (const compact::v1::Fact& f : world.facts()) {
    const auto& e = f.event();
    if (e.has_annotation() && e.annotation().retracts() &&
        e.annotation().kind() == compact::v1::ANNOTATION_KIND_CORRECTION) {
      if (auto target = SequenceOf(world, e.annotation().target())) out.insert(*target);
    }
  }
  return out;
}

Corrected::Corrected(const compact::v1::WorldState& w) : world(w), retracted(Retracted(w)) {
  for (const compact::v1::Fact& f : w.facts()) {
    const auto& e = f.event();
    if (e.has_annotation() && e.annotation().kind() == compact::v1::ANNOTATION_KIND_CORRECTION &&
        e.annotation().has_date()) {
      if (auto target = SequenceOf(w, e.annotation().target())) redated[*target] = &f;
    }
  }
}

const compact::v1::Date* Corrected::DateOf(const compact::v1::Fact& fact,
                                           std::optional<uint64_t>* by) const {
  if (auto it = redated.find(fact.sequence()); it != redated.end()) {
    *by = it->second->sequence();
    return &it->second->event().annotation().date();
  }
  *by = std::nullopt;
  return fact.event().has_date() ? &fact.event().date() : nullptr;
}

// RFC 3986 absolute URI: a scheme, ":", and no white space. A relative path
// such as "scenarios/sources/x.txt" is not one.
bool IsAbsoluteUri(const std::string& uri) {
  static const std::regex kAbsolute("^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$");
  return std::regex_match(uri, kAbsolute);
}

json SourceLinks(const compact::v1::WorldState& world, const compact::v1::Event& event) {
  json out = json::array();
  std::set<std::string> seen;
  for (const compact::v1::Citation& c : event.citations()) {
    auto it = world.sources().find(c.source_id());
    if (it == world.sources().end() || !seen.insert(c.source_id()).second) continue;
    const compact::v1::SourceRegistered& source = it->second.source();
    if (!IsAbsoluteUri(source.uri())) continue;
    out.push_back({{"url", source.uri()}, {"note", source.title()}});
  }
  return out;
}

}  // namespace popolo

namespace {

using nlohmann::json;
using popolo::DateJson;
using popolo::IsPopoloDate;

// The day a dissolution takes effect, as state reads it: the date of its
// effect ("with effect from"), of the event its effect waits for, or its own
// (corrected) date. nullptr when that is not known.
const compact::v1::Date* DissolvedOn(const popolo::Corrected& record,
                                     const compact::v1::Fact& fact) {
  std::optional<uint64_t> corrected_by;
  const compact::v1::Event& e = fact.event();
  if (!e.has_effect() || e.effect().immediate()) return record.DateOf(fact, &corrected_by);
  if (e.effect().has_from()) return &e.effect().from();
  const std::optional<uint64_t> awaited = popolo::SequenceOf(record.world, e.effect().on_event());
  const compact::v1::Fact* on = awaited ? internal::FindFact(record.world, *awaited) : nullptr;
  if (on == nullptr || record.retracted.contains(on->sequence())) return nullptr;
  return record.DateOf(*on, &corrected_by);
}

// A body's carried dissolution that is not retracted (the rules allow one
// at a time), from the fold's record of it; nullptr when it has none.
const compact::v1::Fact* DissolutionOf(const popolo::Corrected& record,
                                       const compact::v1::BodyRecord& body) {
  for (const compact::v1::PartyStepRecord& d : body.dissolutions()) {
    if (!d.retracted()) return internal::FindFact(record.world, d.sequence());
  }
  return nullptr;
}

// A dissolved body's Popolo dissolution_date is written only when the day
// it took effect is a plain date; that day, the event's own date and words,
// its effect's words and the successor (Popolo has no field for one) go to
// the extension object.
json Organization(const compact::v1::BodyRegistered& b, const popolo::Corrected& record,
                  const compact::v1::Fact* dissolution) {
  json out = {{"id", b.body_id()}, {"name", b.name()}};
  if (!b.short_name().empty()) out["other_names"] = json::array({{{"name", b.short_name()}}});
  const std::string classification =
      popolo::EnumWord(compact::v1::Classification_Name(b.classification()), 15);
  if (!classification.empty()) out["classification"] = classification;
  if (!b.parent_id().empty()) out["parent_id"] = b.parent_id();
  if (dissolution == nullptr) return out;
  const compact::v1::Event& e = dissolution->event();
  json dissolved = {{"sequence", dissolution->sequence()}};
  std::optional<uint64_t> corrected_by;
  if (const compact::v1::Date* date = record.DateOf(*dissolution, &corrected_by)) {
    dissolved["date"] = DateJson(*date);
  }
  if (corrected_by) dissolved["date_corrected_by"] = *corrected_by;
  if (e.has_effect()) dissolved["effect"] = e.effect().as_written();
  const compact::v1::Date* on = DissolvedOn(record, *dissolution);
  if (on != nullptr) {
    dissolved["in_effect_from"] = DateJson(*on);
    if (IsPopoloDate(on->edtf())) out["dissolution_date"] = on->edtf();
  }
  const std::string& successor = internal::ActionOf(e)->successor_body_id();
  if (!successor.empty()) dissolved["successor_id"] = successor;
  out["compact_ledger"] = {{"dissolved", std::move(dissolved)}};
  return out;
}

json Person(const compact::v1::PersonRegistered& p) {
  json out = {{"id", p.person_id()}, {"name", p.name()}};
  if (!p.honorific_prefix().empty()) out["honorific_prefix"] = p.honorific_prefix();
  if (!p.email().empty()) out["email"] = p.email();
  return out;
}

json Post(const compact::v1::PostRegistered& p) {
  json out = {{"id", p.post_id()}, {"label", p.label()}, {"organization_id", p.organization_id()}};
  if (!p.role().empty()) out["role"] = p.role();
  return out;
}

json Membership(const compact::v1::Fact& fact) {
  const compact::v1::Event& e = fact.event();
  const compact::v1::MembershipRecorded& m = e.membership_recorded();
  json out = {{"id", absl::StrCat("membership-", fact.sequence())},
              {"organization_id", m.organization_id()}};
  if (!m.person_id().empty()) {
    out["person_id"] = m.person_id();
  } else {
    out["member"] = {{"@type", "Organization"}, {"id", m.member_id()}};
  }
  if (!m.label().empty()) out["label"] = m.label();
  if (!m.role().empty()) out["role"] = m.role();
  if (!m.post_id().empty()) out["post_id"] = m.post_id();
  if (!m.on_behalf_of().empty()) out["on_behalf_of_id"] = m.on_behalf_of();
  if (m.has_start() && IsPopoloDate(m.start().edtf())) out["start_date"] = m.start().edtf();
  if (m.has_end() && IsPopoloDate(m.end().edtf())) out["end_date"] = m.end().edtf();
  json ext = {{"sequence", fact.sequence()}};
  if (m.has_start()) ext["start"] = DateJson(m.start());
  if (m.has_end()) ext["end"] = DateJson(m.end());
  if (m.has_as_of()) {
    ext["as_of"] = DateJson(m.as_of());
  } else if (!m.has_start() && e.has_date()) {
    ext["as_of"] = DateJson(e.date());
  }
  if (e.inferred()) ext["inferred"] = true;
  if (!e.note().empty()) ext["note"] = e.note();
  out["compact_ledger"] = std::move(ext);
  return out;
}

template <typename Map, typename Fn>
json InIdOrder(const Map& map, Fn fn) {
  std::map<std::string, json> sorted;
  for (const auto& [id, record] : map) sorted.emplace(id, fn(record));
  json out = json::array();
  for (auto& [id, j] : sorted) out.push_back(std::move(j));
  return out;
}

}  // namespace

std::string PopoloJson(const compact::v1::WorldState& world) {
  json out;
  const popolo::Corrected record(world);
  out["organizations"] = InIdOrder(world.bodies(), [&](const auto& r) {
    return Organization(r.body(), record, DissolutionOf(record, r));
  });
  out["persons"] = InIdOrder(world.persons(), [](const auto& r) { return Person(r.person()); });
  out["posts"] = InIdOrder(world.posts(), [](const auto& r) { return Post(r.post()); });
  json memberships = json::array();
  for (const compact::v1::Fact& f : world.facts()) {
    if (!f.event().has_membership_recorded() || record.retracted.contains(f.sequence())) continue;
    memberships.push_back(Membership(f));
  }
  out["memberships"] = std::move(memberships);
  std::map<uint64_t, std::string> event_of_fact;
  out["events"] = popolo::Events(record, &event_of_fact);
  out["motions"] = popolo::Motions(record, event_of_fact);
  return out.dump(2);
}

}  // namespace ledger::compact
