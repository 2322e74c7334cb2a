// What an auditor trusts when checking a checkpoint offline: the log's
// verifier keys (--key), the log's origin (--origin, pinned by default to
// the keys' name, as C2SP tlog-checkpoint asks verifiers to do), and
// optionally a C2SP tlog-policy (--policy) whose quorum of witnesses must
// have cosigned. Shared by verify-proof, verify --bundle and
// verify-consistency.
//
// Thread-safety: plain values; the functions are stateless.
#ifndef LEDGER_TOOLS_LEDGERCTL_TRUST_OPTIONS_H_
#define LEDGER_TOOLS_LEDGERCTL_TRUST_OPTIONS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "ledger/log/signed_note.h"
#include "ledger/witness/policy.h"

namespace ledger::cli {

// The flags as given.
struct TrustFlags {
  std::vector<std::string> keys;
  std::string origin;
  std::string policy_file;
};

// The flags, parsed.
struct Trust {
  // --key keys, then the policy's log keys.
  std::vector<log::NoteVerifier> keys;
  // The origin every checkpoint must name: --origin, or the keys' name.
  std::string origin;
  // True when `origin` was taken from the keys' name (no --origin).
  bool origin_from_key = false;
  std::optional<witness::Policy> policy;
};

// Adds --origin and --policy to `app` (--key stays with each command); when
// `needs` is given, they are refused without it (as `verify --policy`
// without --bundle, which would otherwise check nothing they name).
void AddTrustOptions(CLI::App* app, TrustFlags* flags, CLI::Option* needs = nullptr);

// Parses the flags. InvalidArgument for a malformed key, no key at all (with
// what to pass), keys of several names without --origin, or a malformed
// policy (naming its line); NotFound / Unavailable for a policy file that
// cannot be opened / read.
absl::StatusOr<Trust> LoadTrust(const TrustFlags& flags);

// Explains a checkpoint verification error: when the origin was pinned by
// default and the checkpoint names another one, says so and how to pass
// --origin. Other errors are returned unchanged.
std::string ExplainCheckpointError(const Trust& trust, const absl::Status& status);

// The witnesses' part of the verdict on a checkpoint that the log's keys
// already verified.
struct WitnessVerdict {
  // False when no policy was given (only the operator's key was checked).
  bool checked = false;
  // OK when the quorum is met or no policy was given; FailedPrecondition
  // when it is not met, DataLoss for a bad cosignature by a policy witness
  // or a checkpoint not signed by a log of the policy.
  absl::Status status;
  // The policy witnesses that cosigned (policy names), when checked.
  std::vector<std::string> cosigned;
  // One line for a person: the quorum met and by whom, or that only the
  // operator's key was checked.
  std::string summary;
};

// Checks `note` against the policy's quorum, if any.
WitnessVerdict CheckWitnesses(const Trust& trust, std::string_view note);

// {"quorum": "met"|"not met"|"not checked", "cosignedBy": [...]}.
nlohmann::json WitnessJson(const WitnessVerdict& verdict);

}  // namespace ledger::cli

#endif  // LEDGER_TOOLS_LEDGERCTL_TRUST_OPTIONS_H_
