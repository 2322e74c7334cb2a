// The typed commands of CompactService, and LedgerService.Append's payload,
// turned into the compact.v1.Event the domain checks. Only shapes the
// command: every rule is the domain's.
//
// Pure functions; thread-safe.
#ifndef LEDGER_SERVICES_COMMANDS_H_
#define LEDGER_SERVICES_COMMANDS_H_

#include "absl/status/statusor.h"
#include "compact/v1/compact_service.pb.h"
#include "ledger/compact_ledger.h"
#include "ledger/v1/ledger_service.pb.h"

namespace ledger::services {

absl::StatusOr<RecordRequest> FromEndorsement(const compact::v1::RecordEndorsementRequest& r);
absl::StatusOr<RecordRequest> FromAdoption(const compact::v1::RecordAdoptionRequest& r);
absl::StatusOr<RecordRequest> FromSignature(const compact::v1::RecordSignatureRequest& r);
absl::StatusOr<RecordRequest> FromSupersession(
    const compact::v1::RecordSupersessionRequest& r);
// InvalidArgument when `step` is not one of ACTION_KIND_MEDIATION_*.
absl::StatusOr<RecordRequest> FromMediationStep(
    const compact::v1::RecordMediationStepRequest& r);

// LedgerService.Append: the payload must be a compact.v1.Event, and
// `stream` the stream the domain assigns to it. An annotation, or a
// mediation step after the request, that leaves its stream to the domain is
// bound to `stream` (the domain then refuses it if that is wrong).
// InvalidArgument otherwise, naming the stream the event belongs to.
absl::StatusOr<RecordRequest> FromAppend(const ledger::v1::AppendRequest& r);

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_COMMANDS_H_
