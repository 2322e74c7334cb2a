// The state report as plain text.
#include "ledger/compact/render.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/compact/rules.h"

namespace ledger::compact {
namespace {

using Names = std::map<std::string, std::string>;
using compact::v1::FactView;

std::string RangeOnly(const compact::v1::Date& d) {
  std::string when = internal::WhenText(d);
  return when.rfind("in ", 0) == 0 ? "some day " + when : when;
}

// ", takes effect <when> ("words") — IN EFFECT" (or NOT YET IN EFFECT, or
// effect UNCERTAIN).
std::string EffectText(const compact::v1::EffectView& e) {
  std::string text = ", takes effect ";
  if (e.effect().has_on_event() && e.has_on_event_sequence()) {
    absl::StrAppend(&text, "with #", e.on_event_sequence(), " ");
  }
  absl::StrAppend(&text, e.has_starts() ? internal::WhenText(e.starts()) : "(unknown)");
  if (!e.effect().as_written().empty()) {
    absl::StrAppend(&text, " (\"", e.effect().as_written(), "\")");
  }
  switch (e.status()) {
    case compact::v1::EFFECT_STATUS_IN_EFFECT: return text + " — IN EFFECT";
    case compact::v1::EFFECT_STATUS_NOT_YET: return text + " — DECIDED, NOT YET IN EFFECT";
    default: return text + " — effect UNCERTAIN";
  }
}

// "<what> on D [#n]" or "UNCERTAIN: <what> some day in [a .. b] — the
// sources do not give the day [#n]", then why, and annotations.
std::string FactLine(const FactView& f, const std::string& what,
                     const std::string& indent) {
  std::string line = indent + "- ";
  const compact::v1::Date& d = f.effective_date();
  if (f.certainty() == compact::v1::CERTAINTY_UNCERTAIN) {
    absl::StrAppend(&line, "UNCERTAIN: ", what, " ", RangeOnly(d),
                    " — the sources do not give the day");
  } else {
    absl::StrAppend(&line, what, " ", internal::WhenText(d));
  }
  if (!d.as_written().empty()) absl::StrAppend(&line, " (\"", d.as_written(), "\")");
  if (f.has_effect()) absl::StrAppend(&line, EffectText(f.effect()));
  absl::StrAppend(&line, " [#", f.sequence(), "]\n");
  if (!f.uncertain_because().empty()) {
    absl::StrAppend(&line, indent, "    why: ", f.uncertain_because(), "\n");
  } else if (!d.inferred_because().empty()) {
    absl::StrAppend(&line, indent, "    bounds inferred: ", d.inferred_because(), "\n");
  }
  if (f.has_effect() && !f.effect().because().empty()) {
    absl::StrAppend(&line, indent, "    effect: ", f.effect().because(), "\n");
  }
  for (const auto& a : f.annotations()) {
    const compact::v1::Annotation& note = a.annotation();
    std::string link;
    if (note.has_replaced_by() && note.replaced_by().has_sequence()) {
      link = note.replaced_by().sequence() == f.sequence()
                 ? absl::StrCat(" (replaces #", note.target().sequence(), ")")
                 : absl::StrCat(" (replaced by #", note.replaced_by().sequence(), ")");
    }
    absl::StrAppend(&line, indent, "    ",
                    compact::v1::AnnotationKind_Name(note.kind()).substr(16),
                    " #", a.sequence(), link, ": ", note.text(), "\n");
  }
  return line;
}

std::string Generic(const FactView& f, const Names& names, const std::string& indent) {
  return FactLine(f, internal::EventLine(f.event(), names), indent);
}

std::string StepText(const compact::v1::PartyStep& s, const std::string& verb) {
  std::string who = s.body_name().empty() ? s.body_id() : s.body_name();
  if (!s.on_behalf_of().empty()) absl::StrAppend(&who, " on behalf of ", s.on_behalf_of());
  const compact::v1::Action* a = internal::ActionOf(s.fact().event());
  std::string what = absl::StrCat(verb, " by ", who);
  if (a->kind() == compact::v1::ACTION_KIND_ENDORSE_PRINCIPLES) what = "principles " + what;
  if (s.fact().event().inferred()) absl::StrAppend(&what, " [inferred]");
  return what;
}

template <typename Steps>
void Section(const std::string& title, const Steps& steps, const std::string& verb,
             std::string* out) {
  if (steps.empty()) return;
  absl::StrAppend(out, title, ":\n");
  for (const auto& s : steps) absl::StrAppend(out, FactLine(s.fact(), StepText(s, verb), "  "));
}

void Supersessions(const compact::v1::CompactState& c, std::string* out) {
  for (const auto* list : {&c.supersedes(), &c.superseded_by()}) {
    const bool ours = list == &c.supersedes();
    for (const auto& s : *list) {
      std::string what = absl::StrCat(ours ? "supersedes " : "superseded by ",
                                       s.compact_id(), " (", s.compact_title(), ")",
                                       s.for_body_ids().empty() ? " for everyone" : " for " +
                                       absl::StrJoin(s.for_body_ids(), ", "));
      if (!s.condition().empty()) absl::StrAppend(&what, ", ", s.condition());
      // As for every other step: an inference never reads as a stated fact.
      if (s.fact().event().inferred()) absl::StrAppend(&what, " [inferred]");
      absl::StrAppend(out, FactLine(s.fact(), what, "  "));
    }
  }
}

bool Former(const compact::v1::PartyStatus& p) {
  return p.standing() == compact::v1::PARTY_STANDING_WITHDRAWN ||
         p.standing() == compact::v1::PARTY_STANDING_CEASED;
}

// "FORMER party: withdrew on D ("words") [#n]" or "FORMER party: ceased
// (body dissolved) on D, replaced by S [#n]".
std::string FormerText(const compact::v1::PartyStatus& p, const Names& names) {
  const bool ceased = p.standing() == compact::v1::PARTY_STANDING_CEASED;
  std::string text = absl::StrCat("FORMER party: ", ceased ? "ceased (body dissolved) " : "withdrew ",
                                  internal::WhenText(p.since()));
  if (!p.since().as_written().empty()) absl::StrAppend(&text, " (\"", p.since().as_written(), "\")");
  if (!p.successor().empty()) {
    auto it = names.find(p.successor());
    absl::StrAppend(&text, ", replaced by ", it == names.end() ? p.successor() : it->second);
  }
  if (p.has_sequence()) absl::StrAppend(&text, " [#", p.sequence(), "]");
  return text + "; its own steps below are history";
}

// Printed when parties differ from the compact's status, may change, or are
// former parties.
void PartyStatuses(const compact::v1::CompactState& c, const Names& names, std::string* out) {
  bool telling = false;
  for (const auto& p : c.party_statuses()) {
    telling = telling || p.status() != c.status() || !p.possibly().empty() || Former(p);
  }
  if (!telling) return;
  absl::StrAppend(out, "Status per party:\n");
  for (const auto& p : c.party_statuses()) {
    // A former party's status is what the compact was for it before it
    // withdrew or ceased: said as past, so it never reads as current.
    absl::StrAppend(out, "  - ", p.body_name().empty() ? p.body_id() : p.body_name(), ": ",
                    Former(p) ? "was " : "",
                    p.status() == compact::v1::COMPACT_STATUS_UNSPECIFIED
                        ? std::string("no step of its own known to be in effect")
                        : compact::v1::CompactStatus_Name(p.status()).substr(15),
                    Former(p) ? " (former party)" : "",
                    p.possibly().empty() ? "" : "; possibly " + p.possibly(), "\n");
    if (Former(p)) absl::StrAppend(out, "      ", FormerText(p, names), "\n");
  }
}

std::string PlanStatusText(const compact::v1::PlanView& p) {
  const auto& plan = p.fact().event().plan();
  switch (p.status()) {
    case compact::v1::PLAN_STATUS_OVERDUE: return ", OVERDUE (not known to be met)";
    case compact::v1::PLAN_STATUS_MET:
      return absl::StrCat(", MET by #", absl::StrJoin(p.met_by(), ", #"));
    case compact::v1::PLAN_STATUS_PROPOSED:
      return absl::StrCat(", PROPOSED in #", plan.proposed_in().sequence(),
                          ", not agreed on this day (nothing is due until it is)");
    case compact::v1::PLAN_STATUS_WAITING:
      return absl::StrCat(", WAITING for #", plan.after().sequence(),
                          " (due only once that has happened)");
    default:
      break;
  }
  std::string text = ", pending";
  if (plan.has_proposed_in()) absl::StrAppend(&text, " (proposal #", plan.proposed_in().sequence(), " agreed)");
  if (plan.has_after()) absl::StrAppend(&text, " (#", plan.after().sequence(), " has happened)");
  return text;
}

std::string PlanText(const compact::v1::PlanView& p, const Names& names) {
  const auto& plan = p.fact().event().plan();
  std::string what = "PLANNED";
  if (plan.has_due()) {
    absl::StrAppend(&what, ", due ", internal::WhenText(plan.due()));
    // The source's words beside the day they are read as ("by September
    // 2006" -> on or before 2006-09-30), as for every other date.
    if (!plan.due().as_written().empty()) absl::StrAppend(&what, " (\"", plan.due().as_written(), "\")");
  }
  absl::StrAppend(&what, PlanStatusText(p));
  if (!p.possibly_met_by().empty()) {
    absl::StrAppend(&what, "; possibly met by #", absl::StrJoin(p.possibly_met_by(), ", #"),
                    " (uncertain)");
  }
  const std::string who = p.fact().event().actor().body_id();
  absl::StrAppend(&what, who.empty() ? "" : " — for " + (names.count(who) ? names.at(who) : who),
                  ": ", internal::ActionText(plan.action(), names), "; stated");
  return what;
}

void Lists(const compact::v1::CompactState& c, const Names& names, std::string* out) {
  for (const auto& code : c.codes()) {
    absl::StrAppend(out, "Code of practice ", code.title(),
                    code.also_known_as().empty() ? "" : " (also: " + absl::StrJoin(code.also_known_as(), ", ") + ")",
                    code.identity_inferred() ? " [inferred: one code by name, not stated]" : "",
                    ": ", code.status() == compact::v1::CODE_STATUS_UNSPECIFIED
                              ? std::string("status not known on this day (only uncertain facts)")
                              : compact::v1::CodeStatus_Name(code.status()).substr(12),
                    code.overdue() ? ", OVERDUE or unknown (a plan's due date passed and it is not known to be met)" : "",
                    "\n");
    for (const auto& f : code.facts()) absl::StrAppend(out, Generic(f, names, "  "));
  }
  for (const auto& cons : c.consultations()) {
    absl::StrAppend(out, "Consultation ", cons.consultation_id(), ": ",
                    cons.stage() == compact::v1::CONSULTATION_STAGE_UNSPECIFIED
                        ? std::string("stage not known on this day (only proposed or uncertain)")
                        : compact::v1::ConsultationStage_Name(cons.stage()).substr(19),
                    "\n");
    for (const auto& f : cons.facts()) absl::StrAppend(out, Generic(f, names, "  "));
  }
  for (const auto& m : c.mediation_cases()) {
    absl::StrAppend(out, "Mediation case ", m.case_id(), " (", m.requested_by(), " against ",
                    m.against(), ": ", m.issue(), "): ",
                    compact::v1::MediationStage_Name(m.stage()).substr(16), "\n");
    for (const auto& f : m.steps()) absl::StrAppend(out, Generic(f, names, "  "));
  }
  if (!c.open_proposals().empty()) absl::StrAppend(out, "Open proposals (not decisions):\n");
  for (const auto& p : c.open_proposals()) {
    absl::StrAppend(out, Generic(p.fact(), names, "  "));
    if (!p.possibly_resolved_by().empty()) {
      absl::StrAppend(out, "      possibly resolved by #", absl::StrJoin(p.possibly_resolved_by(), ", #"),
                      " (uncertain)\n");
    }
  }
  if (!c.resolved_proposals().empty()) absl::StrAppend(out, "Resolved proposals:\n");
  for (const auto& p : c.resolved_proposals()) {
    absl::StrAppend(out, FactLine(p.fact(), internal::EventLine(p.fact().event(), names) +
                    ", resolved by #" + absl::StrJoin(p.resolved_by(), ", #"), "  "));
  }
  if (!c.plans().empty()) absl::StrAppend(out, "Plans (not occurrences):\n");
  for (const auto& p : c.plans()) absl::StrAppend(out, FactLine(p.fact(), PlanText(p, names), "  "));
}

void Tail(const compact::v1::CompactState& c, const Names& names, std::string* out) {
  if (!c.other_facts().empty()) absl::StrAppend(out, "Other decisions and occurrences:\n");
  for (const auto& f : c.other_facts()) absl::StrAppend(out, Generic(f, names, "  "));
  for (const auto& d : c.disagreements()) {
    absl::StrAppend(out, "DISAGREEMENT (#", d.conflict().sequence(), "): ",
                    d.conflict().annotation().text(), "\n");
    for (const auto& f : d.claims()) absl::StrAppend(out, Generic(f, names, "  claim "));
  }
  if (!c.uncertain().empty()) {
    absl::StrAppend(out, "Uncertain on this day: #");
    std::vector<uint64_t> seqs;
    for (const auto& f : c.uncertain()) seqs.push_back(f.sequence());
    absl::StrAppend(out, absl::StrJoin(seqs, ", #"), " (see why: above)\n");
  }
  if (!c.retracted().empty()) absl::StrAppend(out, "Retracted by a correction:\n");
  for (const auto& f : c.retracted()) absl::StrAppend(out, Generic(f, names, "  "));
}

}  // namespace

std::string RenderStateText(const compact::v1::StateReport& report) {
  Names names(report.body_names().begin(), report.body_names().end());
  names.insert(report.person_names().begin(), report.person_names().end());
  names.insert(report.post_labels().begin(), report.post_labels().end());
  std::string out = absl::StrCat(
      "State on ", report.at(), report.compact_id().empty() ? " (all compacts)" :
      " (compact " + report.compact_id() + ")",
      "\nCERTAIN facts ended on or before that day; UNCERTAIN ones may or may not "
      "have happened by then.\n");
  if (report.compacts().empty()) absl::StrAppend(&out, "\nNo compact is known to exist on this day.\n");
  for (const auto& c : report.compacts()) {
    absl::StrAppend(&out, "\n== ", c.compact_id(), ": ", c.compact().title(),
                    c.compact().version_label().empty() ? "" : " (" + c.compact().version_label() + ")",
                    " ==\nStatus (from certain facts in effect only): ",
                    compact::v1::CompactStatus_Name(c.status()).substr(15), "\n");
    PartyStatuses(c, names, &out);
    Section("Endorsements", c.endorsements(), "endorsed", &out);
    Section("Adoptions", c.adoptions(), "adopted", &out);
    Section("Signatures", c.signatures(), "signed", &out);
    Section("Recommendations (not adoptions)", c.recommendations(), "recommended", &out);
    Section("Withdrawals", c.withdrawals(), "withdrawal", &out);
    if (!c.supersedes().empty() || !c.superseded_by().empty()) absl::StrAppend(&out, "Supersession:\n");
    Supersessions(c, &out);
    Lists(c, names, &out);
    Tail(c, names, &out);
  }
  if (!report.memberships().empty()) {
    absl::StrAppend(&out, "\nMemberships known on this day (as precise as the sources):\n");
  }
  for (const auto& m : report.memberships()) {
    absl::StrAppend(&out, "  - ", compact::v1::MembershipStatus_Name(m.status()).substr(18),
                    ": ", internal::EventLine(m.fact().event(), names), " [#",
                    m.fact().sequence(), "]\n      ", m.because(), "\n");
  }
  if (!report.other_facts().empty()) absl::StrAppend(&out, "\nFacts naming no compact:\n");
  for (const auto& f : report.other_facts()) absl::StrAppend(&out, Generic(f, names, "  "));
  return out;
}

}  // namespace ledger::compact
