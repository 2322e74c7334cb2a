// One-line renderings of events and their actions.
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/compact/render.h"
#include "ledger/compact/rules.h"

namespace ledger::compact {
namespace internal {
namespace {

using Names = std::map<std::string, std::string>;
using compact::v1::Action;

std::string Name(const Names& names, const std::string& id) {
  auto it = names.find(id);
  return it == names.end() ? id : it->second;
}

std::string List(const Names& names,
                 const google::protobuf::RepeatedPtrField<std::string>& ids) {
  std::vector<std::string> out;
  for (const std::string& id : ids) out.push_back(Name(names, id));
  return absl::StrJoin(out, ", ");
}

// The noun phrase for an action's kind ("adoption of", "signature of").
std::string KindPhrase(const Action& a, const Names& names) {
  switch (a.kind()) {
    case compact::v1::ACTION_KIND_DRAFT_COMPACT: return "drafting of";
    case compact::v1::ACTION_KIND_SUPPORT_DEVELOPMENT: return "support for the development of";
    case compact::v1::ACTION_KIND_DESIGNATE_FRAMEWORK:
      return absl::StrCat("use of compact ", a.other_compact_id(), " as the framework for");
    case compact::v1::ACTION_KIND_TASK_BODY:
      return absl::StrCat("tasking ", List(names, a.body_ids()), " with progressing");
    case compact::v1::ACTION_KIND_APPROVE_PRINCIPLES: return "approval of the common principles of";
    case compact::v1::ACTION_KIND_ENDORSE_PRINCIPLES: return "endorsement of the principles of";
    case compact::v1::ACTION_KIND_ENDORSE_COMPACT: return "endorsement of";
    case compact::v1::ACTION_KIND_ADOPT_COMPACT: return "adoption of";
    case compact::v1::ACTION_KIND_SIGN_COMPACT: return "signature of";
    case compact::v1::ACTION_KIND_SUPERSEDE_COMPACT:
      return absl::StrCat("supersession of compact ", a.other_compact_id(), " by");
    case compact::v1::ACTION_KIND_REVIEW_COMPACT: return "review of";
    case compact::v1::ACTION_KIND_DISCUSS_COMPACT: return "discussion of a draft of";
    case compact::v1::ACTION_KIND_DEFINE_COMMITMENTS: return "commitments of";
    case compact::v1::ACTION_KIND_FOLD_CODES_INTO_COMMITMENTS:
      return absl::StrCat("folding codes of practice (", absl::StrJoin(a.code_ids(), ", "),
                          ") into the commitments of");
    case compact::v1::ACTION_KIND_DRAFT_CODE:
      return absl::StrCat("drafting of codes of practice (", absl::StrJoin(a.code_ids(), ", "), ") of");
    case compact::v1::ACTION_KIND_AGREE_CODE:
      return absl::StrCat("agreement of codes of practice (", absl::StrJoin(a.code_ids(), ", "), ") of");
    case compact::v1::ACTION_KIND_RETIRE_CODE:
      return absl::StrCat("retirement of codes of practice (", absl::StrJoin(a.code_ids(), ", "), ") of");
    case compact::v1::ACTION_KIND_AGREE_TIMETABLE: return "a timetable for";
    case compact::v1::ACTION_KIND_AGREE_MEDIATION_PROCESS: return "a mediation process for";
    case compact::v1::ACTION_KIND_HOLD_MEETING: return "a meeting or event";
    case compact::v1::ACTION_KIND_ISSUE_DOCUMENT:
      return absl::StrCat("document \"", a.document_title(), "\"");
    case compact::v1::ACTION_KIND_OFFER: return "an offer concerning";
    case compact::v1::ACTION_KIND_WITHDRAW_FROM_COMPACT:
      return absl::StrCat("withdrawal of ", List(names, a.body_ids()), " from");
    case compact::v1::ACTION_KIND_DISSOLVE_BODY:
      return absl::StrCat("dissolution of ", List(names, a.body_ids()),
                          a.successor_body_id().empty()
                              ? std::string()
                              : ", replaced by " + Name(names, a.successor_body_id()));
    default: break;
  }
  if (IsConsultationStep(a.kind())) {
    return absl::StrCat("consultation ", a.consultation().consultation_id(), " (",
                        compact::v1::ActionKind_Name(a.kind()).substr(12), ") on");
  }
  return absl::StrCat("mediation case ", a.mediation().case_id(), " (",
                      compact::v1::ActionKind_Name(a.kind()).substr(12), ") under");
}

// "MEMBERSHIP: X is a member of Y on behalf of Z, holding post P, role
// "R" ("label"), from S, until E, as of A".
std::string MembershipText(const compact::v1::MembershipRecorded& m, const Names& names) {
  std::string text = absl::StrCat(
      "MEMBERSHIP: ", Name(names, m.member_id().empty() ? m.person_id() : m.member_id()),
      " is a member of ", Name(names, m.organization_id()));
  if (!m.on_behalf_of().empty()) absl::StrAppend(&text, " on behalf of ", Name(names, m.on_behalf_of()));
  if (!m.post_id().empty()) absl::StrAppend(&text, ", holding post ", Name(names, m.post_id()));
  if (!m.role().empty()) absl::StrAppend(&text, ", role \"", m.role(), "\"");
  if (!m.label().empty()) absl::StrAppend(&text, " (\"", m.label(), "\")");
  auto when = [&text](const char* what, const compact::v1::Date& d) {
    absl::StrAppend(&text, ", ", what, " ", d.edtf());
    if (!d.as_written().empty()) absl::StrAppend(&text, " (\"", d.as_written(), "\")");
  };
  if (m.has_start()) when("from", m.start());
  if (m.has_end()) when("until", m.end());
  if (m.has_as_of()) when("as of", m.as_of());
  return text;
}

std::string RegistrationText(const compact::v1::Event& e, const Names& names) {
  switch (e.kind_case()) {
    case compact::v1::Event::kSourceRegistered: {
      const auto& source = e.source_registered();
      return absl::StrCat("REGISTERED source ", source.source_id(),
                          source.known_by_citation_in().empty()
                              ? std::string()
                              : " (known only by citation in " + source.known_by_citation_in() +
                                    "; the ledger does not hold its text)",
                          ": ", source.title());
    }
    case compact::v1::Event::kBodyRegistered:
      return absl::StrCat("REGISTERED body ", e.body_registered().body_id(), ": ",
                          e.body_registered().name());
    case compact::v1::Event::kMembershipRecorded:
      return MembershipText(e.membership_recorded(), names);
    case compact::v1::Event::kPersonRegistered: {
      const auto& p = e.person_registered();
      return absl::StrCat("REGISTERED person ", p.person_id(), ": ",
                          p.honorific_prefix().empty() ? "" : p.honorific_prefix() + " ",
                          p.name(), p.email().empty() ? "" : " <" + p.email() + ">");
    }
    case compact::v1::Event::kPostRegistered: {
      const auto& p = e.post_registered();
      return absl::StrCat("REGISTERED post ", p.post_id(), ": ", p.label(), " of ",
                          Name(names, p.organization_id()),
                          p.role().empty() ? "" : " (role \"" + p.role() + "\")");
    }
    case compact::v1::Event::kBodySucceeded: {
      const auto& s = e.body_succeeded();
      return absl::StrCat("SUCCESSION: ", Name(names, s.successor_id()), " followed ",
                          Name(names, s.predecessor_id()), " (",
                          compact::v1::SuccessionKind_Name(s.kind()).substr(16), ")");
    }
    case compact::v1::Event::kCompactRegistered:
      return absl::StrCat("REGISTERED compact ", e.compact_registered().compact_id(), ": ",
                          e.compact_registered().title());
    case compact::v1::Event::kCodeRegistered:
      return absl::StrCat("REGISTERED code of practice ", e.code_registered().code_id(), ": ",
                          e.code_registered().title(), " of compact ",
                          e.code_registered().compact_id());
    default:
      return "UNKNOWN event";
  }
}

}  // namespace

// A reference recorded in the same batch is stored by its ref alone.
std::string RefText(const compact::v1::EventRef& ref) {
  return ref.has_sequence() ? absl::StrCat("#", ref.sequence())
                            : absl::StrCat("ref '", ref.ref(), "'");
}

std::string WhenText(const compact::v1::Date& d) {
  std::string when;
  if (!d.earliest().empty() && d.earliest() == d.latest()) {
    when = "on " + d.earliest();
  } else if (!d.earliest().empty() && !d.latest().empty()) {
    when = absl::StrCat("in [", d.earliest(), " .. ", d.latest(), "]");
  } else if (!d.latest().empty()) {
    when = "on or before " + d.latest();
  } else if (!d.earliest().empty()) {
    when = "on or after " + d.earliest();
  } else {
    when = "undated";
  }
  if (d.uncertain()) absl::StrAppend(&when, " (date marked uncertain)");
  if (d.approximate()) absl::StrAppend(&when, " (date approximate)");
  return when;
}

std::string ActionText(const Action& a, const Names& names) {
  std::string text = KindPhrase(a, names);
  if (!a.compact_id().empty()) absl::StrAppend(&text, " compact ", a.compact_id());
  if (!a.version_label().empty()) absl::StrAppend(&text, " (", a.version_label(), ")");
  if (!a.condition().empty()) absl::StrAppend(&text, ", ", a.condition());
  if (!a.description().empty()) absl::StrAppend(&text, ": ", a.description());
  return text;
}

std::string EventLine(const compact::v1::Event& e, const Names& names) {
  const std::string who = Name(names, e.actor().body_id());
  std::string line;
  if (e.has_proposal()) {
    const auto& p = e.proposal();
    line = absl::StrCat("PROPOSED (not decided)", who.empty() ? "" : " by " + who,
                        " to ", Name(names, p.addressed_to()));
    if (p.requested() != compact::v1::DECISION_KIND_UNSPECIFIED) {
      absl::StrAppend(&line, ", asking it to ",
                      compact::v1::DecisionKind_Name(p.requested()).substr(14));
    }
    if (!p.recommend_to().empty()) absl::StrAppend(&line, " to ", Name(names, p.recommend_to()));
    absl::StrAppend(&line, ": ", ActionText(p.action(), names));
    if (p.has_due()) {
      absl::StrAppend(&line, "; proposed to happen ", WhenText(p.due()),
                      p.due().as_written().empty() ? "" : " (\"" + p.due().as_written() + "\")");
    }
  } else if (e.has_decision()) {
    const auto& d = e.decision();
    line = absl::StrCat("DECIDED by ", who, " (",
                        compact::v1::DecisionKind_Name(d.kind()).substr(14), ")");
    if (!d.recommended_to().empty()) absl::StrAppend(&line, " to ", Name(names, d.recommended_to()));
    absl::StrAppend(&line, ": ", ActionText(d.action(), names));
  } else if (e.has_plan()) {
    line = absl::StrCat("PLANNED", who.empty() ? "" : " for " + who, ": ",
                        ActionText(e.plan().action(), names));
    if (e.plan().has_due()) {
      absl::StrAppend(&line, "; due ", WhenText(e.plan().due()));
      // The source's words beside the day they are read as, as for dates.
      if (!e.plan().due().as_written().empty()) {
        absl::StrAppend(&line, " (\"", e.plan().due().as_written(), "\")");
      }
    }
    if (e.plan().has_proposed_in()) {
      absl::StrAppend(&line, "; part of proposal ", RefText(e.plan().proposed_in()),
                      " (proposed, not agreed by this event)");
    }
    if (e.plan().has_after()) {
      absl::StrAppend(&line, "; due only after ", RefText(e.plan().after()));
    }
    absl::StrAppend(&line, "; stated");
  } else if (e.has_occurrence() &&
             e.occurrence().action().kind() == compact::v1::ACTION_KIND_OFFER) {
    line = absl::StrCat("OFFERED", who.empty() ? "" : " by " + who,
                        " (an offer, not a decision or plan of anyone else): ",
                        ActionText(e.occurrence().action(), names));
  } else if (e.has_occurrence()) {
    line = absl::StrCat("HAPPENED", who.empty() ? "" : " (" + who + ")", ": ",
                        ActionText(e.occurrence().action(), names));
  } else if (e.has_annotation()) {
    const auto& a = e.annotation();
    const std::string target = RefText(a.target());
    line = absl::StrCat(compact::v1::AnnotationKind_Name(a.kind()).substr(16), " on ", target,
                        a.retracts() ? " (retracts it" : "",
                        a.has_replaced_by() ? ", replaced by " + RefText(a.replaced_by()) : "",
                        a.retracts() ? ")" : "", ": ", a.text());
  } else {
    line = RegistrationText(e, names);
  }
  if (e.inferred()) absl::StrAppend(&line, " [inferred]");
  return line;
}

}  // namespace internal

std::string RenderEventText(const compact::v1::Event& event) {
  // An annotation dates what it says (a conflict between the sources, say)
  // in its own date when the event has none.
  const compact::v1::Date& when =
      event.date().edtf().empty() && event.has_annotation() ? event.annotation().date() : event.date();
  std::string date = when.edtf().empty() ? "(undated)" : when.edtf();
  if (!when.inferred_because().empty()) date += " (bounds inferred)";
  return absl::StrCat(date, "  ", internal::EventLine(event, {}));
}

}  // namespace ledger::compact
