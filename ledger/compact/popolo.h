// The record's organisations, persons, posts and memberships as Popolo JSON
// (https://www.popoloproject.com/specs/), so civic-data tools can read who
// sat on which body, in which post, and when.
//
// Pure; thread-safe.
#ifndef LEDGER_COMPACT_POPOLO_H_
#define LEDGER_COMPACT_POPOLO_H_

#include <string>

#include "compact/v1/compact.pb.h"
#include "ledger/compact/proto_alias.h"

namespace ledger::compact {

// One JSON object {"organizations", "persons", "posts", "memberships"}
// with Popolo's field names, in id order (memberships in ledger order):
//  - organization: id, name, other_names [{name}] (short name), classification
//    (the Classification enum in lower case, e.g. "council"), parent_id;
//  - person: id, name, honorific_prefix, email;
//  - post: id, label, role, organization_id;
//  - membership: id ("membership-<sequence>"), label, role, organization_id,
//    person_id (a person member) or member {"@type": "Organization", "id"}
//    (a body member), post_id, on_behalf_of_id, start_date, end_date.
// Popolo dates are YYYY, YYYY-MM or YYYY-MM-DD: a start or end whose EDTF is
// exactly that (no "?", "~", range or set) is written as start_date /
// end_date; every other date is left out of those fields and kept, with the
// source's words, in the extension object "compact_ledger" ({sequence,
// start, end, as_of, inferred, note}, each date {edtf, as_written}), which
// Popolo's schemas (no additionalProperties: false) allow. A retracted
// membership is left out. Successions, corrections and citations are not
// exported (see docs/domain.md).
std::string PopoloJson(const compact::v1::WorldState& world);

}  // namespace ledger::compact

#endif  // LEDGER_COMPACT_POPOLO_H_
