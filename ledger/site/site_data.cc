#include "ledger/site/site_data.h"

#include <algorithm>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "ledger/base/status_macros.h"
#include "ledger/compact/render.h"
#include "ledger/log/signed_note.h"
#include "ledger/site/message_walk.h"
#include "ledger/site/proto_schema.h"
#include "ledger/site/state_intervals.h"
#include "ledger/witness/cosignature.h"

namespace ledger::site {

namespace {

using compact::v1::Event;
using google::protobuf::Message;
using nlohmann::json;

json ProtoJson(const Message& message) {
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, {});
  return json::parse(out);
}

// The event's kind as its oneof member's JSON name ("decision", "plan"...).
std::string KindOf(const Event& event) {
  if (event.kind_case() == Event::KIND_NOT_SET) return "unknown";
  return Event::descriptor()->FindFieldByNumber(event.kind_case())->json_name();
}

// A file name for an id: the id itself when it is made of URL-safe
// characters, else "x-" and its hex, so no id can escape its directory.
std::string FileName(const std::string& id) {
  const bool safe = !id.empty() && id != "." && id != ".." &&
                    std::all_of(id.begin(), id.end(), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                             c == '_' || c == '.' || c == '~';
                    });
  if (safe) return id;
  std::string hex = "x-";
  for (unsigned char c : id) absl::StrAppend(&hex, absl::Hex(c, absl::kZeroPad2));
  return hex;
}

// The log's events by sequence, with what the pages need to find them.
struct Log {
  std::vector<HistoryItem> items;         // in sequence order, 0..size-1
  std::map<std::string, uint64_t> refs;   // Event.ref -> sequence
  std::map<std::string, uint64_t> sources;  // source id -> registration
  // target sequence -> annotations naming it (as target or related)
  std::map<uint64_t, std::vector<uint64_t>> annotations;

  std::optional<uint64_t> Resolve(const compact::v1::EventRef& ref) const {
    if (ref.has_sequence()) return ref.sequence();
    auto it = refs.find(ref.ref());
    if (it == refs.end()) return std::nullopt;
    return it->second;
  }
};

Log IndexLog(std::vector<HistoryItem> items) {
  Log log;
  log.items = std::move(items);
  for (const HistoryItem& item : log.items) {
    if (!item.event.ref().empty()) log.refs[item.event.ref()] = item.sequence;
    if (item.event.has_source_registered()) {
      log.sources[item.event.source_registered().source_id()] = item.sequence;
    }
  }
  for (const HistoryItem& item : log.items) {
    if (!item.event.has_annotation()) continue;
    const auto& a = item.event.annotation();
    std::set<uint64_t> named;
    if (auto t = log.Resolve(a.target())) named.insert(*t);
    for (const auto& r : a.related()) {
      if (auto s = log.Resolve(r)) named.insert(*s);
    }
    for (uint64_t s : named) log.annotations[s].push_back(item.sequence);
  }
  return log;
}

json FactJson(const HistoryItem& item) {
  return {{"sequence", item.sequence},
          {"stream", item.stream},
          {"kind", KindOf(item.event)},
          {"summary", compact::RenderEventText(item.event)},
          {"annotations", json::array()},
          {"event", ProtoJson(item.event)}};
}

// Adds `sequence`, the sources it cites and its annotations (and theirs).
void AddFact(const Log& log, uint64_t sequence, std::set<uint64_t>& facts) {
  if (sequence >= log.items.size() || !facts.insert(sequence).second) return;
  const Event& event = log.items[sequence].event;
  for (const auto& c : event.citations()) {
    auto it = log.sources.find(c.source_id());
    if (it != log.sources.end()) AddFact(log, it->second, facts);
  }
  auto it = log.annotations.find(sequence);
  if (it != log.annotations.end()) {
    for (uint64_t a : it->second) AddFact(log, a, facts);
  }
}

// Every fact sequence a report names (FactView and AnnotationView
// sequences), found by reflection so none is missed.
void CollectSequences(const Message& report, std::set<uint64_t>& out) {
  (void)VisitMessages(report, [&](const Message& message) {
    const auto* d = message.GetDescriptor();
    if (d->full_name() == "compact.v1.FactView" || d->full_name() == "compact.v1.AnnotationView") {
      out.insert(message.GetReflection()->GetUInt64(message, d->FindFieldByName("sequence")));
    }
    return absl::OkStatus();
  });
}

// Leaves out the stored events that a report repeats in each FactView:
// the page has them once, by sequence, verified.
void StripEvents(Message* report) {
  VisitMessages(report, [](Message* message) {
    const auto* d = message->GetDescriptor();
    if (d->full_name() == "compact.v1.FactView") {
      message->GetReflection()->ClearField(message, d->FindFieldByName("event"));
    }
    return true;
  });
}

// The date a fact is placed on: its own, or the last correction's.
struct Placed {
  compact::v1::Date date;
  std::optional<uint64_t> corrected_by;
  std::optional<uint64_t> retracted_by;
};

Placed PlaceFact(const Log& log, uint64_t sequence) {
  Placed placed;
  placed.date = log.items[sequence].event.date();
  auto it = log.annotations.find(sequence);
  if (it == log.annotations.end()) return placed;
  for (uint64_t a : it->second) {
    const auto& annotation = log.items[a].event.annotation();
    if (annotation.kind() != compact::v1::ANNOTATION_KIND_CORRECTION) continue;
    if (log.Resolve(annotation.target()) != sequence) continue;
    if (annotation.retracts()) placed.retracted_by = a;
    if (annotation.has_date()) {
      placed.date = annotation.date();
      placed.corrected_by = a;
    }
  }
  return placed;
}

bool OnTimeline(const Event& event) {
  return event.has_proposal() || event.has_decision() || event.has_plan() ||
         event.has_occurrence() || event.has_compact_registered() ||
         event.has_code_registered() || event.has_membership_recorded() ||
         event.has_body_succeeded() || event.has_body_registered();
}

// Facts in date order: earliest day first (unbounded before any day),
// then latest day (unbounded after any day), then ledger order.
json TimelineJson(const Log& log, const std::set<uint64_t>& facts) {
  struct Row {
    std::string earliest, latest;
    uint64_t sequence;
    json value;
  };
  std::vector<Row> rows;
  for (uint64_t s : facts) {
    const Event& event = log.items[s].event;
    if (!OnTimeline(event) || !event.has_date()) continue;
    Placed placed = PlaceFact(log, s);
    json row = {{"sequence", s}, {"kind", KindOf(event)}, {"date", ProtoJson(placed.date)}};
    if (placed.corrected_by) row["correctedBy"] = *placed.corrected_by;
    if (placed.retracted_by) row["retractedBy"] = *placed.retracted_by;
    rows.push_back({placed.date.earliest(), placed.date.latest(), s, std::move(row)});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    // "" (unbounded) sorts first as an earliest day; as a latest day it
    // sorts last, so it is compared as "~" (after every digit).
    const std::string al = a.latest.empty() ? "~" : a.latest;
    const std::string bl = b.latest.empty() ? "~" : b.latest;
    return std::tie(a.earliest, al, a.sequence) < std::tie(b.earliest, bl, b.sequence);
  });
  json out = json::array();
  for (Row& r : rows) out.push_back(std::move(r.value));
  return out;
}

json FactsJson(const Log& log, const std::set<uint64_t>& facts) {
  json out = json::array();
  for (uint64_t s : facts) {
    json fact = FactJson(log.items[s]);
    auto it = log.annotations.find(s);
    if (it != log.annotations.end()) fact["annotations"] = it->second;
    out.push_back(std::move(fact));
  }
  return out;
}

std::string DayText(const std::optional<compact::CivilDay>& day) {
  return day ? day->ToString() : std::string();
}

absl::StatusOr<json> CompactJson(const CompactLedger& ledger, const Log& log,
                                 const compact::v1::CompactRegistered& compact,
                                 const std::set<compact::CivilDay>& change_days,
                                 std::set<uint64_t>& facts, json& body_names) {
  const std::string& id = compact.compact_id();
  LEDGER_ASSIGN_OR_RETURN(std::vector<HistoryItem> history, ledger.History(id));
  for (const HistoryItem& item : history) AddFact(log, item.sequence, facts);
  LEDGER_ASSIGN_OR_RETURN(std::vector<StateInterval> intervals,
                          StateIntervals(ledger, id, change_days));
  json interval_json = json::array();
  for (StateInterval& interval : intervals) {
    std::set<uint64_t> named;
    CollectSequences(interval.report, named);
    for (uint64_t s : named) AddFact(log, s, facts);
    for (const auto& [body, name] : interval.report.body_names()) body_names[body] = name;
    json state = nullptr;
    if (interval.report.compacts_size() > 0) {
      StripEvents(interval.report.mutable_compacts(0));
      state = ProtoJson(interval.report.compacts(0));
    }
    interval_json.push_back(
        {{"from", DayText(interval.from)}, {"to", DayText(interval.to)}, {"state", state}});
  }
  std::optional<uint64_t> registration;
  for (const HistoryItem& item : history) {
    if (item.event.has_compact_registered()) registration = item.sequence;
  }
  return json{{"id", id},
              {"compact", ProtoJson(compact)},
              {"registration", registration ? json(*registration) : json(nullptr)},
              {"intervals", std::move(interval_json)}};
}

// What a fact has to do with body `id`, or "" for nothing.
std::string RoleOf(const Event& event, const std::string& id) {
  if (event.has_body_registered() && event.body_registered().body_id() == id) return "registration";
  if (event.has_membership_recorded()) {
    const auto& m = event.membership_recorded();
    if (m.organization_id() == id) return "has member";
    if (m.member_id() == id) return "member of";
    if (m.on_behalf_of() == id) return "represented by";
  }
  if (event.has_body_succeeded()) {
    if (event.body_succeeded().predecessor_id() == id) return "succeeded by";
    if (event.body_succeeded().successor_id() == id) return "succeeds";
  }
  if (event.actor().body_id() == id || event.meeting().body_id() == id) return "by this body";
  if (event.has_proposal() && (event.proposal().addressed_to() == id ||
                               event.proposal().recommend_to() == id)) {
    return "addressed to this body";
  }
  if (event.has_decision() && event.decision().recommended_to() == id) return "addressed to this body";
  const compact::v1::Action* action = event.has_proposal()     ? &event.proposal().action()
                                      : event.has_decision()   ? &event.decision().action()
                                      : event.has_plan()       ? &event.plan().action()
                                      : event.has_occurrence() ? &event.occurrence().action()
                                                               : nullptr;
  if (action && std::find(action->body_ids().begin(), action->body_ids().end(), id) !=
                    action->body_ids().end()) {
    return "names this body";
  }
  return "";
}

json BodyJson(const Log& log, const compact::v1::BodyRegistered& body, uint64_t registration,
              std::set<uint64_t>& facts) {
  json roles = json::object();
  for (const HistoryItem& item : log.items) {
    std::string role = RoleOf(item.event, body.body_id());
    if (role.empty()) continue;
    roles[std::to_string(item.sequence)] = role;
    AddFact(log, item.sequence, facts);
  }
  return {{"id", body.body_id()}, {"body", ProtoJson(body)}, {"registration", registration},
          {"roles", std::move(roles)}};
}

std::string Dump(const json& value) { return value.dump(1); }

}  // namespace

absl::Status ValidateSiteOptions(const SiteOptions& options) {
  if (options.log_keys.empty()) {
    return absl::InvalidArgumentError(
        "the web view needs the log's verifier key: give at least one (name+keyid+key)");
  }
  for (const std::string& key : options.log_keys) {
    auto parsed = log::NoteVerifier::FromKeyString(key);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("log key \"", key, "\": ",
                                                     parsed.status().message()));
    }
  }
  for (const std::string& key : options.witness_keys) {
    auto parsed = witness::CosignatureVerifier::FromKeyString(key);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("witness key \"", key, "\": ",
                                                     parsed.status().message()));
    }
  }
  if (options.witness_quorum < 0 ||
      options.witness_quorum > static_cast<int>(options.witness_keys.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "witness quorum ", options.witness_quorum, " must be between 0 and the ",
        options.witness_keys.size(), " witness keys given"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, std::string>> BuildSiteData(const CompactLedger& ledger,
                                                                 const SiteOptions& options) {
  LEDGER_RETURN_IF_ERROR(ValidateSiteOptions(options));
  LEDGER_ASSIGN_OR_RETURN(std::vector<HistoryItem> timeline, ledger.Timeline());
  for (size_t i = 0; i < timeline.size(); ++i) {
    if (timeline[i].sequence != i) {
      return absl::DataLossError(absl::StrCat("the log's entry ", i, " reads as sequence ",
                                              timeline[i].sequence));
    }
  }
  const Log log = IndexLog(std::move(timeline));
  LEDGER_ASSIGN_OR_RETURN(std::set<compact::CivilDay> change_days, ChangeDays(log.items));

  std::map<std::string, std::string> files;
  json body_names = json::object();
  json compacts = json::array();
  json homes = json::object();  // fact sequence -> the page that shows it
  for (const auto& compact : ledger.ListCompacts()) {
    std::set<uint64_t> facts;
    LEDGER_ASSIGN_OR_RETURN(json data,
                            CompactJson(ledger, log, compact, change_days, facts, body_names));
    const std::string file = FileName(compact.compact_id());
    data["timeline"] = TimelineJson(log, facts);
    data["facts"] = FactsJson(log, facts);
    for (uint64_t s : facts) {
      if (!homes.contains(std::to_string(s))) homes[std::to_string(s)] = "compact/" + file;
    }
    compacts.push_back({{"id", compact.compact_id()}, {"file", file},
                        {"title", compact.title()}, {"versionLabel", compact.version_label()},
                        {"facts", facts.size()}, {"intervals", data["intervals"].size()}});
    files["data/compact/" + file + ".json"] = Dump(data);
  }
  json bodies = json::array();
  for (const HistoryItem& item : log.items) {
    if (!item.event.has_body_registered()) continue;
    const auto& body = item.event.body_registered();
    std::set<uint64_t> facts;
    json data = BodyJson(log, body, item.sequence, facts);
    const std::string file = FileName(body.body_id());
    data["facts"] = FactsJson(log, facts);
    for (uint64_t s : facts) {
      if (!homes.contains(std::to_string(s))) homes[std::to_string(s)] = "body/" + file;
    }
    body_names[body.body_id()] = body.name();
    bodies.push_back({{"id", body.body_id()}, {"file", file}, {"name", body.name()},
                      {"shortName", body.short_name()}, {"facts", facts.size()}});
    files["data/body/" + file + ".json"] = Dump(data);
  }
  json index = {{"treeSize", log.items.size()},
                {"logKeys", options.log_keys},
                {"witnessKeys", options.witness_keys},
                {"witnessQuorum", options.witness_quorum},
                {"origin", options.origin},
                {"compacts", std::move(compacts)},
                {"bodies", std::move(bodies)},
                {"bodyNames", std::move(body_names)},
                {"factHomes", std::move(homes)}};
  files["data/index.json"] = Dump(index);
  files["data/schema.json"] = Dump(ProtoSchemaJson(*compact::v1::Event::descriptor()));
  return files;
}

}  // namespace ledger::site
