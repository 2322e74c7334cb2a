// Kinds of step the compact domain groups together: the action kinds of a
// mediation and of a consultation.
//
// Pure functions; thread-safe.
#ifndef LEDGER_COMPACT_STEPS_H_
#define LEDGER_COMPACT_STEPS_H_

#include "compact/v1/compact.pb.h"
#include "ledger/compact/proto_alias.h"

namespace ledger::compact {

// True when the action kind is a mediation step (ACTION_KIND_MEDIATION_REQUESTED
// to ACTION_KIND_MEDIATION_WITHDRAWN).
bool IsMediationStep(compact::v1::ActionKind kind);
// True when the action kind is a consultation step.
bool IsConsultationStep(compact::v1::ActionKind kind);

}  // namespace ledger::compact

#endif  // LEDGER_COMPACT_STEPS_H_
