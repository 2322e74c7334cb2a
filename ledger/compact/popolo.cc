#include "ledger/compact/popolo.h"

#include <map>
#include <regex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ledger::compact {
namespace {

using nlohmann::json;

// Popolo's date pattern: a plain EDTF Level 0 calendar date, no more.
bool IsPopoloDate(const std::string& edtf) {
  static const std::regex kPlain("^[0-9]{4}(-[0-9]{2}){0,2}$");
  return std::regex_match(edtf, kPlain);
}

json DateJson(const compact::v1::Date& d) {
  json out = {{"edtf", d.edtf()}};
  if (!d.as_written().empty()) out["as_written"] = d.as_written();
  return out;
}

json Organization(const compact::v1::BodyRegistered& b) {
  json out = {{"id", b.body_id()}, {"name", b.name()}};
  if (!b.short_name().empty()) out["other_names"] = json::array({{{"name", b.short_name()}}});
  out["classification"] =
      absl::AsciiStrToLower(compact::v1::Classification_Name(b.classification()).substr(15));
  if (!b.parent_id().empty()) out["parent_id"] = b.parent_id();
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

// Sequences of the memberships a correction retracted.
std::set<uint64_t> Retracted(const compact::v1::WorldState& world) {
  std::set<uint64_t> out;
  for (const compact::v1::Fact& f : world.facts()) {
    const auto& e = f.event();
    if (e.has_annotation() && e.annotation().retracts() &&
        e.annotation().kind() == compact::v1::ANNOTATION_KIND_CORRECTION) {
      out.insert(e.annotation().target().sequence());
    }
  }
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
  out["organizations"] = InIdOrder(world.bodies(), [](const auto& r) { return Organization(r.body()); });
  out["persons"] = InIdOrder(world.persons(), [](const auto& r) { return Person(r.person()); });
  out["posts"] = InIdOrder(world.posts(), [](const auto& r) { return Post(r.post()); });
  json memberships = json::array();
  const std::set<uint64_t> retracted = Retracted(world);
  for (const compact::v1::Fact& f : world.facts()) {
    if (!f.event().has_membership_recorded() || retracted.contains(f.sequence())) continue;
    memberships.push_back(Membership(f));
  }
  out["memberships"] = std::move(memberships);
  return out.dump(2);
}

}  // namespace ledger::compact
