// Compact events for tests, built field by field: a source, bodies, compacts,
// endorsements, supersessions, notes and corrections, each as a recorder
// would submit it and each admitted by the domain rules once what it names is
// recorded. Every event but Source() cites the source kSource, so record
// Source() first.
//
// Each function returns a compact::v1::Event; what a test varies goes in a
// trailing With:
//
//   using namespace ::ledger::testing::events;
//   ledger.Record({Source(), Body("board"), Compact("c1")}, "clerk");
//   ledger.Record({Endorse("c1", "board", "2006-04-04", {.ref = "e1"}),
//                  Correction("e1", "endorsed in June")}, "clerk");
//
// To build an event the rules refuse, build an ordinary one and change the
// field under test.
#ifndef LEDGER_TESTS_TESTING_EVENTS_H_
#define LEDGER_TESTS_TESTING_EVENTS_H_

#include <string>
#include <utility>

#include "compact/v1/compact.pb.h"

namespace ledger::testing::events {

using Event = ::compact::v1::Event;

// The source that Source() registers and every other event cites.
inline constexpr char kSource[] = "src";

// What varies between events of one kind; an empty field keeps the default.
// Designated initializers name what a call changes:
//   Compact("c1", {.ref = "first"}), Endorse(..., {.note = "retried"}).
struct With {
  std::string ref = {};    // Event.ref, for later events to name this one by
  std::string note = {};   // Event.note
  std::string date = {};   // Event.date (EDTF); replaces a date given positionally
  std::string quote = {};  // the quote of the citation of kSource
  std::string actor = {};  // Event.actor: the body that acts
};

// A citation of kSource, at "p1", quoting `quote`.
inline ::compact::v1::Citation Cite(const std::string& quote = "words") {
  ::compact::v1::Citation c;
  c.set_source_id(kSource);
  c.set_locator("p1");
  c.set_quote(quote);
  return c;
}

namespace internal {

// `e` with `with` applied, citing kSource if `cited`.
inline Event Finish(Event e, const With& with, bool cited = true) {
  if (cited) *e.add_citations() = with.quote.empty() ? Cite() : Cite(with.quote);
  if (!with.ref.empty()) e.set_ref(with.ref);
  if (!with.note.empty()) e.set_note(with.note);
  if (!with.date.empty()) e.mutable_date()->set_edtf(with.date);
  if (!with.actor.empty()) e.mutable_actor()->set_body_id(with.actor);
  return e;
}

}  // namespace internal

// The registration of source `id` ("Minutes" of 2006-06-02); it cites
// nothing.
inline Event Source(const std::string& id = kSource, const With& with = {}) {
  Event e;
  auto* s = e.mutable_source_registered();
  s->set_source_id(id);
  s->set_title("Minutes");
  s->mutable_date()->set_edtf("2006-06-02");
  return internal::Finish(std::move(e), with, /*cited=*/false);
}

// The registration of body `id` (named `id`, a council).
inline Event Body(const std::string& id, const With& with = {}) {
  Event e;
  auto* b = e.mutable_body_registered();
  b->set_body_id(id);
  b->set_name(id);
  b->set_classification(::compact::v1::CLASSIFICATION_COUNCIL);
  return internal::Finish(std::move(e), with);
}

// The registration of compact `id` ("Compact <id>", county scope), dated
// 2006-04: from then on StateAt reports it. Clear the date for a compact
// known only from its first later fact.
inline Event Compact(const std::string& id, const With& with = {}) {
  Event e;
  auto* c = e.mutable_compact_registered();
  c->set_compact_id(id);
  c->set_title("Compact " + id);
  c->set_scope(::compact::v1::SCOPE_COUNTY);
  e.mutable_date()->set_edtf("2006-04");
  return internal::Finish(std::move(e), with);
}

// Body `body` endorses compact `compact` on `edtf`.
inline Event Endorse(const std::string& compact, const std::string& body,
                     const std::string& edtf, const With& with = {}) {
  Event e;
  auto* d = e.mutable_decision();
  d->set_kind(::compact::v1::DECISION_KIND_ENDORSE);
  d->mutable_action()->set_kind(::compact::v1::ACTION_KIND_ENDORSE_COMPACT);
  d->mutable_action()->set_compact_id(compact);
  e.mutable_actor()->set_body_id(body);
  e.mutable_date()->set_edtf(edtf);
  return internal::Finish(std::move(e), with);
}

// Body "council" (or with.actor) adopts compact `by` as superseding `old`,
// on `edtf`.
inline Event Supersede(const std::string& by, const std::string& old, const std::string& edtf,
                       const With& with = {}) {
  Event e;
  auto* d = e.mutable_decision();
  d->set_kind(::compact::v1::DECISION_KIND_ADOPT);
  d->mutable_action()->set_kind(::compact::v1::ACTION_KIND_SUPERSEDE_COMPACT);
  d->mutable_action()->set_compact_id(by);
  d->mutable_action()->set_other_compact_id(old);
  e.mutable_actor()->set_body_id("council");
  e.mutable_date()->set_edtf(edtf);
  return internal::Finish(std::move(e), with);
}

// A note on the event recorded with `ref`, naming it by ref alone.
inline Event Note(const std::string& ref, const std::string& text, const With& with = {}) {
  Event e;
  auto* a = e.mutable_annotation();
  a->set_kind(::compact::v1::ANNOTATION_KIND_NOTE);
  a->mutable_target()->set_ref(ref);
  a->set_text(text);
  return internal::Finish(std::move(e), with);
}

// A correction of the event recorded with `ref`, naming it by ref alone. To
// correct the target's date, set annotation().date() on the result.
inline Event Correction(const std::string& ref, const std::string& text, const With& with = {}) {
  Event e = Note(ref, text, with);
  e.mutable_annotation()->set_kind(::compact::v1::ANNOTATION_KIND_CORRECTION);
  return e;
}

}  // namespace ledger::testing::events

#endif  // LEDGER_TESTS_TESTING_EVENTS_H_
