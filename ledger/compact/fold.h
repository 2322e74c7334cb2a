// Internal to ledger_compact: folding a checked event into WorldState.
//
// Pure; thread-compatible (mutates only *state).
#ifndef LEDGER_COMPACT_FOLD_H_
#define LEDGER_COMPACT_FOLD_H_

#include "compact/v1/compact.pb.h"
#include "ledger/compact/fact_directory.h"
#include "ledger/compact/proto_alias.h"
#include "ledger/compact/world.h"

namespace ledger::compact::internal {

// Appends `event` to state->facts (when `keep_fact`) and updates the
// records the rules read (registrations, signatures, supersessions,
// consultations, mediation cases, refs, last sequence). `facts` lists the
// events folded before it (for the date of an event an effect waits for).
// Requires: `event` passed CheckEvent on *state and meta.sequence is
// greater than every folded sequence.
void Fold(compact::v1::WorldState* state, const compact::v1::Event& event,
          const EventMeta& meta, const FactDirectory& facts, bool keep_fact = true);

// Rebuilds the records of parties over time (CompactRecord.party_steps and
// withdrawals, BodyRecord.dissolutions) from state->facts, so that a
// snapshot folded before those records existed checks withdrawals like a
// fresh fold. A state that keeps no facts is left as it is (its records
// are all it has).
void RefoldPartySteps(compact::v1::WorldState* state);

// True when `event` concerns compact `compact_id`: it is in the compact's
// stream, or names the compact (e.g. as the compact superseded), or
// annotates an event in its stream.
bool Concerns(const compact::v1::Event& event, std::string_view compact_id);

}  // namespace ledger::compact::internal

#endif  // LEDGER_COMPACT_FOLD_H_
