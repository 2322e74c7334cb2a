// What a person can do about an error, attached to the absl::Status as a
// payload, so that each front end says it in its own terms: the core's
// messages say what is wrong and what to do in the ledger's words; the CLI
// adds the command that does it (tools/ledgerctl/cli_common.cc); a gRPC
// caller gets the message alone, which names no tool it may not have.
//
// Thread-safety: free functions over values.
#ifndef LEDGER_BASE_NEXT_STEP_H_
#define LEDGER_BASE_NEXT_STEP_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/cord.h"

namespace ledger {

enum class NextStep {
  kVerifyLog,        // check the whole log; it names the first bad entry
  kCreateLedger,     // no database at the path: create one, or fix the path
  kSignCheckpoint,   // the log has no (covering) signed checkpoint yet
  kListCompacts,     // an unknown compact id: list the known ones
  kMakeKey,          // not a key file: make one
  kOtherDatabase,    // the path holds another database: give a ledger's path
  kGiveOrigin,       // a first checkpoint needs the log's name (its origin)
  kKeepOrigin,       // another origin than the log's was given: leave it out
  kGiveVerifierKey,  // no (or not the right) verifier key was given
  kPublishedLog,     // not where a log is published: give that place, or publish one
};

inline constexpr char kNextStepPayloadUrl[] = "compact-ledger/next-step";

// `status` with `step` attached (OK statuses are returned unchanged).
inline absl::Status WithNextStep(absl::Status status, NextStep step) {
  if (!status.ok()) {
    status.SetPayload(kNextStepPayloadUrl, absl::Cord(std::string(1, static_cast<char>(step))));
  }
  return status;
}

// The step attached to `status`, if any.
inline std::optional<NextStep> NextStepOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kNextStepPayloadUrl);  // absl::optional
  if (!payload.has_value() || payload->size() != 1) return std::nullopt;
  const int value = static_cast<unsigned char>((*payload)[0]);
  if (value > static_cast<int>(NextStep::kPublishedLog)) return std::nullopt;
  return static_cast<NextStep>(value);
}

}  // namespace ledger

#endif  // LEDGER_BASE_NEXT_STEP_H_
