// State at a date: what the folded events say held on day D.
//
// Each fact is CERTAIN on D when its latest day is on or before D,
// UNCERTAIN when D falls inside its range (or its latest day is unbounded),
// and left out when its earliest day is after D; an unbounded earliest day
// never leaves it out. A compact is in the report once one of its facts
// with a known earliest day starts on or before D. Status comes from CERTAIN
// facts only; UNCERTAIN ones are listed with their range and why. Proposals
// stay proposals; plans are met only by matching decisions or occurrences,
// and overdue once their due date has passed unmet. Corrections apply
// (a corrected date replaces the original; a retracted fact is listed as
// retracted and has no effect); conflicts keep every claim.
//
// Pure functions; thread-safe.
#ifndef LEDGER_COMPACT_STATE_AT_H_
#define LEDGER_COMPACT_STATE_AT_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "compact/v1/compact.pb.h"
#include "ledger/compact/edtf.h"
#include "ledger/compact/proto_alias.h"

namespace ledger::compact {

// State on day `at` of compact `compact_id` (NotFound if it is not
// registered; a report with no compacts if it does not exist yet on `at`),
// or of every compact when `compact_id` is empty. DataLoss if a stored date
// is corrupt.
absl::StatusOr<compact::v1::StateReport> StateAt(
    const compact::v1::WorldState& world, const CivilDay& at,
    std::string_view compact_id);

// The same, written to `out`, which may live on a google::protobuf::Arena
// (the report of a long history holds many messages, cheaper to allocate
// and free there). `out` is cleared first; on error it is left unspecified.
// Indexes every fact of `world` on each call: a World answers repeated
// queries faster (World::StateAt).
absl::Status StateAt(const compact::v1::WorldState& world, const CivilDay& at,
                     std::string_view compact_id,
                     compact::v1::StateReport* out);

}  // namespace ledger::compact

#endif  // LEDGER_COMPACT_STATE_AT_H_
