// The record's organisations, persons, posts and memberships, its meetings
// and its motions as Popolo JSON (https://www.popoloproject.com/specs/), so
// civic-data tools can read who sat on which body, in which post, and when,
// and what was put to which meeting and with what result.
//
// Pure; thread-safe.
#ifndef LEDGER_COMPACT_POPOLO_H_
#define LEDGER_COMPACT_POPOLO_H_

#include <string>

#include "compact/v1/compact.pb.h"
#include "ledger/compact/proto_alias.h"

namespace ledger::compact {

// One JSON object {"organizations", "persons", "posts", "memberships",
// "events", "motions"} with Popolo's field names; every array is present,
// empty when the record has none. Organizations, persons and posts in id
// order; memberships, events and motions in ledger order:
//  - organization: id, name, other_names [{name}] (short name), classification
//    (the Classification enum in lower case, e.g. "council"), parent_id,
//    dissolution_date (the day its DISSOLVE_BODY took effect, when that is a
//    plain date; everything about the dissolution, the successor included,
//    in the extension: {dissolved {sequence, date, date_corrected_by, effect,
//    in_effect_from, successor_id}});
//  - person: id, name, honorific_prefix, email;
//  - post: id, label, role, organization_id;
//  - membership: id ("membership-<sequence>"), label, role, organization_id,
//    person_id (a person member) or member {"@type": "Organization", "id"}
//    (a body member), post_id, on_behalf_of_id, start_date, end_date;
//  - event (a meeting): id ("event-<sequence of the first fact naming it>"),
//    name (the body's name, "meeting", the date in the source's words),
//    classification (the MeetingKind in lower case, e.g. "cabinet"),
//    organization_id (the body that met), start_date, description, sources.
//    A meeting is named by a proposal, decision, plan or occurrence's
//    `meeting`, or by a HOLD_MEETING occurrence without one (the actor's
//    meeting, kind unknown). Facts naming the same body and kind on the same
//    exact day are one event; a vaguer date merges only with the same EDTF
//    and the same reference, and without a reference stands alone;
//  - motion: id ("motion-<sequence>"), organization_id (the body a proposal
//    is put to, or the deciding body), legislative_session_id (the event of
//    its meeting, or of the decision on it), text (the source's words, its
//    citations' quotes), classification (the ActionKind in lower case, e.g.
//    "adopt_compact"), result, sources. A proposal is a motion; a decision
//    that answers a proposal (`responds_to`) is that motion's result, and a
//    decision that answers none is a motion of its own. result: "pass"
//    (approve, endorse, adopt, agree, resolve, and an amendment carried),
//    "fail" (reject), "recommended", "referred back", "noted"; absent for a
//    proposal no decision in the record answers.
// Popolo membership dates are YYYY, YYYY-MM or YYYY-MM-DD: a start or end
// whose EDTF is exactly that (no "?", "~", range or set) is written as
// start_date / end_date. An event's start_date (a date-time in Popolo) is
// written only for an exact day, YYYY-MM-DD. A motion's date (a date-time)
// is never written: no source gives a time. Every date is kept, with the
// source's words, in the extension object "compact_ledger" (memberships:
// {sequence, start, end, as_of, inferred, note}; events: {date,
// date_corrected_by, references, facts [{sequence, kind}]}; motions:
// {sequence, kind, date, date_corrected_by, proposed_by, requested,
// recommend_to, due, decisions [{sequence, decision, by, result, date,
// date_corrected_by, event_id, recommended_to, amendment}], inferred,
// note}; each date {edtf, as_written}), which Popolo's schemas (no
// additionalProperties: false) allow. A correction's new date is the date
// written, as state reads it, with "date_corrected_by" naming the
// correction. "sources" lists only sources with an absolute URI (Popolo's
// link.json requires a URL), left out when none has one. Retracted facts
// are left out. Successions, annotations, citations other than the quoted
// words, plans, votes and counts are not exported (see docs/domain.md).
std::string PopoloJson(const compact::v1::WorldState& world);

}  // namespace ledger::compact

#endif  // LEDGER_COMPACT_POPOLO_H_
