// Internal to ledger_compact: which decisions or occurrences meet a plan or
// resolve a proposal.
//
// Pure functions; thread-safe.
#ifndef LEDGER_COMPACT_STATE_MATCH_H_
#define LEDGER_COMPACT_STATE_MATCH_H_

#include "compact/v1/compact.pb.h"
#include "ledger/compact/proto_alias.h"
#include "ledger/compact/state_index.h"

namespace ledger::compact::internal {

// True when carried fact `done` does what `plan` (a Plan fact) planned: the
// same action on the same compact, codes, consultation or case (a held
// consultation is met by its closing), dated no earlier than the plan was
// made. Meetings must also match the actor and description, since one
// meeting does not meet the plan of another.
bool MeetsPlan(const FactInfo& plan, const FactInfo& done);

// True when decision `decision` resolves proposal `proposal`: it names it,
// or the body addressed decided on the same action.
bool ResolvesProposal(const FactInfo& proposal, const FactInfo& decision);

}  // namespace ledger::compact::internal

#endif  // LEDGER_COMPACT_STATE_MATCH_H_
