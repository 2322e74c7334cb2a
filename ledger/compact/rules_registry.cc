// Rules for registrations: sources, bodies, memberships, successions,
// persons, posts, compacts and codes of practice. Each id may be registered once.
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/compact/dates.h"
#include "ledger/compact/rules.h"

namespace ledger::compact::internal {
namespace {

using compact::v1::Event;
using compact::v1::WorldState;

template <typename Map>
absl::Status RequireNew(const Map& map, const std::string& id,
                        std::string_view what) {
  LEDGER_RETURN_IF_ERROR(RequireText(id, absl::StrCat(std::string(what), " id")));
  if (!map.contains(id)) return absl::OkStatus();
  return absl::AlreadyExistsError(absl::StrCat(
      std::string(what), " '", id,
      "' is already registered: use it, or choose another id"));
}

bool IsSha256Hex(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

// A document known only by another's citation: the citing source is
// registered, and the ledger holds none of its text (so no hash).
absl::Status CheckKnownByCitation(const WorldState& state,
                                  const compact::v1::SourceRegistered& source) {
  const std::string& citing = source.known_by_citation_in();
  if (citing.empty()) return absl::OkStatus();
  if (citing == source.source_id()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "source '", source.source_id(),
        "' cannot be known by citation in itself: name the document that cites it"));
  }
  if (!state.sources().contains(citing)) {
    return absl::NotFoundError(absl::StrCat(
        "known_by_citation_in names source '", citing,
        "', which is not registered: register the citing document first"));
  }
  if (!source.sha256().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "source '", source.source_id(), "' is known only by citation in '", citing,
        "' but gives a sha256: a document whose text the ledger holds is registered "
        "with its hash and without known_by_citation_in"));
  }
  return absl::OkStatus();
}

absl::Status CheckSource(const WorldState& state,
                         const compact::v1::SourceRegistered& source) {
  LEDGER_RETURN_IF_ERROR(RequireNew(state.sources(), source.source_id(), "source"));
  LEDGER_RETURN_IF_ERROR(RequireText(source.title(), "source title"));
  if (!source.sha256().empty() && !IsSha256Hex(source.sha256())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "source sha256 '", source.sha256(),
        "' is not 64 lower-case hex digits: give `sha256sum` of the text, or "
        "leave it empty when the ledger does not hold the text"));
  }
  if (!source.issued_by().empty()) {
    LEDGER_RETURN_IF_ERROR(RequireBody(state, source.issued_by(), "issued_by"));
  }
  return CheckKnownByCitation(state, source);
}

absl::Status CheckBody(const WorldState& state,
                       const compact::v1::BodyRegistered& body) {
  LEDGER_RETURN_IF_ERROR(RequireNew(state.bodies(), body.body_id(), "body"));
  LEDGER_RETURN_IF_ERROR(RequireText(body.name(), "body name"));
  if (body.classification() == compact::v1::CLASSIFICATION_UNSPECIFIED ||
      !compact::v1::Classification_IsValid(body.classification())) {
    return absl::InvalidArgumentError(
        "body classification is unset or unknown: use ORGANISATION when the "
        "sources do not say what kind of body it is");
  }
  if (!body.parent_id().empty()) {
    LEDGER_RETURN_IF_ERROR(RequireBody(state, body.parent_id(), "parent_id"));
  }
  return absl::OkStatus();
}

// A membership's dates must not contradict each other: it cannot certainly
// end before it starts, nor be said to hold on a day certainly outside them.
absl::Status CheckMembershipDates(const compact::v1::MembershipRecorded& m) {
  DayRange start, end, as_of;
  if (m.has_start()) { LEDGER_ASSIGN_OR_RETURN(start, RangeOf(m.start())); }
  if (m.has_end()) { LEDGER_ASSIGN_OR_RETURN(end, RangeOf(m.end())); }
  if (m.has_as_of()) { LEDGER_ASSIGN_OR_RETURN(as_of, RangeOf(m.as_of())); }
  auto before = [](const std::optional<CivilDay>& a, const std::optional<CivilDay>& b) {
    return a.has_value() && b.has_value() && *a < *b;
  };
  if (before(end.latest, start.earliest)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "membership end '", m.end().edtf(), "' is before its start '", m.start().edtf(),
        "': check both dates against the source"));
  }
  if (before(as_of.latest, start.earliest) || before(end.latest, as_of.earliest)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "membership as_of '", m.as_of().edtf(),
        "' is outside its start and end: a membership held as of a day had begun and "
        "not ended by then"));
  }
  return absl::OkStatus();
}

absl::Status CheckMembership(const WorldState& state,
                             const compact::v1::MembershipRecorded& m) {
  if (m.member_id().empty() == m.person_id().empty()) {
    return absl::InvalidArgumentError(
        "a membership names its member once: give member_id (a body) or person_id "
        "(a person), not both and not neither");
  }
  if (!m.member_id().empty()) {
    LEDGER_RETURN_IF_ERROR(RequireBody(state, m.member_id(), "member_id"));
  } else if (!state.persons().contains(m.person_id())) {
    return absl::NotFoundError(absl::StrCat(
        "person_id: person '", m.person_id(),
        "' is not registered: register them (PersonRegistered) first"));
  }
  LEDGER_RETURN_IF_ERROR(
      RequireBody(state, m.organization_id(), "organization_id"));
  if (!m.on_behalf_of().empty()) {
    LEDGER_RETURN_IF_ERROR(RequireBody(state, m.on_behalf_of(), "on_behalf_of"));
  }
  if (m.member_id() == m.organization_id()) {
    return absl::InvalidArgumentError("a body cannot be a member of itself");
  }
  if (!m.post_id().empty()) {
    auto post = state.posts().find(m.post_id());
    if (post == state.posts().end()) {
      return absl::NotFoundError(absl::StrCat(
          "post_id: post '", m.post_id(),
          "' is not registered: register it (PostRegistered) first"));
    }
    if (post->second.post().organization_id() != m.organization_id()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "post '", m.post_id(), "' is a post of '", post->second.post().organization_id(),
          "', not of '", m.organization_id(),
          "': a membership holds a post of the body it is a membership of"));
    }
  }
  return CheckMembershipDates(m);
}

absl::Status CheckPerson(const WorldState& state,
                         const compact::v1::PersonRegistered& person) {
  LEDGER_RETURN_IF_ERROR(RequireNew(state.persons(), person.person_id(), "person"));
  return RequireText(person.name(), "person name (as the sources give it)");
}

absl::Status CheckPost(const WorldState& state, const compact::v1::PostRegistered& post) {
  LEDGER_RETURN_IF_ERROR(RequireNew(state.posts(), post.post_id(), "post"));
  LEDGER_RETURN_IF_ERROR(RequireBody(state, post.organization_id(), "post organization_id"));
  return RequireText(post.label(), "post label (the post's name in the source's words)");
}

absl::Status CheckSuccession(const WorldState& state,
                             const compact::v1::BodySucceeded& s) {
  LEDGER_RETURN_IF_ERROR(RequireBody(state, s.predecessor_id(), "predecessor_id"));
  LEDGER_RETURN_IF_ERROR(RequireBody(state, s.successor_id(), "successor_id"));
  if (s.predecessor_id() == s.successor_id()) {
    return absl::InvalidArgumentError(
        "a body cannot succeed itself: a renaming registers the new name as "
        "its own body and records the succession");
  }
  if (s.kind() == compact::v1::SUCCESSION_KIND_UNSPECIFIED ||
      !compact::v1::SuccessionKind_IsValid(s.kind())) {
    return absl::InvalidArgumentError(
        "succession kind is unset or unknown: use NOT_STATED when the sources "
        "do not say whether it was a renaming");
  }
  for (const std::string& id : state.bodies().at(s.predecessor_id()).successor_ids()) {
    if (id == s.successor_id()) {
      return absl::AlreadyExistsError(absl::StrCat(
          "the succession ", s.predecessor_id(), " -> ", s.successor_id(),
          " is already recorded: annotate it instead"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCompactRegistered(const WorldState& state,
                                    const compact::v1::CompactRegistered& c) {
  LEDGER_RETURN_IF_ERROR(RequireNew(state.compacts(), c.compact_id(), "compact"));
  LEDGER_RETURN_IF_ERROR(RequireText(c.title(), "compact title"));
  if (c.scope() == compact::v1::SCOPE_UNSPECIFIED ||
      !compact::v1::Scope_IsValid(c.scope())) {
    return absl::InvalidArgumentError(
        "compact scope is unset or unknown: DISTRICT, COUNTY, NATIONAL or "
        "OTHER");
  }
  for (const std::string& party : c.party_ids()) {
    LEDGER_RETURN_IF_ERROR(RequireBody(state, party, "party_ids"));
  }
  return absl::OkStatus();
}

absl::Status CheckCode(const WorldState& state,
                       const compact::v1::CodeOfPracticeRegistered& code) {
  LEDGER_RETURN_IF_ERROR(RequireNew(state.codes(), code.code_id(), "code of practice"));
  LEDGER_RETURN_IF_ERROR(RequireCompact(state, code.compact_id(), "compact_id"));
  return RequireText(code.title(), "code title");
}

}  // namespace

absl::Status CheckRegistration(const WorldState& state, const Event& event) {
  switch (event.kind_case()) {
    case Event::kSourceRegistered:
      return CheckSource(state, event.source_registered());
    case Event::kBodyRegistered:
      return CheckBody(state, event.body_registered());
    case Event::kMembershipRecorded:
      return CheckMembership(state, event.membership_recorded());
    case Event::kBodySucceeded:
      return CheckSuccession(state, event.body_succeeded());
    case Event::kPersonRegistered:
      return CheckPerson(state, event.person_registered());
    case Event::kPostRegistered:
      return CheckPost(state, event.post_registered());
    case Event::kCompactRegistered:
      return CheckCompactRegistered(state, event.compact_registered());
    case Event::kCodeRegistered:
      return CheckCode(state, event.code_registered());
    default:
      return absl::InvalidArgumentError("unknown kind of event");
  }
}

}  // namespace ledger::compact::internal
