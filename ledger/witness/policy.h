// C2SP tlog-policy (https://c2sp.org/tlog-policy; the spec has no tag yet,
// read at C2SP/C2SP 5ba5ee8): which logs are trusted, which witnesses, and
// the quorum of witnesses whose cosignatures make a checkpoint valid.
//
//   log <vkey> [<url>]                  a trusted log; the key name is its origin
//   witness <name> <vkey> [<url>]       a witness (cosignature key, type 0x04)
//   group <name> all|any|<k> <name>...  k of the members must have witnessed
//   quorum <name>|none                  exactly once
//
// Lines end in "\n"; items are separated by spaces and tabs; blank lines and
// lines starting with "#" (after white space) are ignored. A group or the
// quorum refers only to names defined on earlier lines; witnesses and groups
// share one namespace, in which "none" is reserved. Only tab, newline,
// 0x20-0x7E and 0x80-0xFF may appear. Two logs or two witnesses with the
// same public key (whatever its name) are refused, as is a name that is a
// member of more than one group, or twice of one. Log keys must be
// Ed25519 (type 0x01), the only checkpoint signature this ledger verifies.
//
// Limits (the spec recommends supporting at least 32 of each): 256 logs, 256
// witnesses, 256 groups, 256 members per group, 1 MiB of text.
//
// Thread-safety: a Policy is immutable after parsing; its const methods may
// be called concurrently.
#ifndef LEDGER_WITNESS_POLICY_H_
#define LEDGER_WITNESS_POLICY_H_

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/signed_note.h"
#include "ledger/witness/cosignature.h"

namespace ledger::witness {

struct PolicyLog {
  log::NoteVerifier key;
  std::string url;  // Empty when not given.
};

struct PolicyWitness {
  std::string name;
  CosignatureVerifier key;
  std::string url;  // Empty when not given.
};

struct PolicyGroup {
  std::string name;
  size_t threshold = 1;              // 1 <= threshold <= members.size()
  std::vector<std::string> members;  // Witness or earlier group names.
};

struct PolicyParseOptions {
  // A witness's list of logs needs no quorum line; a verifier's policy does.
  // Default: true.
  bool require_quorum = true;
};

// Whether a set of cosigning witnesses meets the quorum.
struct QuorumResult {
  bool met = false;
  // The policy's witnesses that cosigned, in policy order.
  std::vector<std::string> cosigned;
  // Why the quorum is not met (empty when met), e.g. "group partners needs 2
  // of w1, w2, w3; 1 cosigned".
  std::string explanation;
};

// A checkpoint that a trusted log signed and that meets the quorum.
struct CheckedCheckpoint {
  log::VerifiedCheckpoint checkpoint;
  std::vector<VerifiedCosignature> cosignatures;  // By the policy's witnesses.
  QuorumResult quorum;
};

class Policy {
 public:
  // Parses a policy file. InvalidArgument "line N: ..." saying what is wrong
  // and how to write it instead; "no quorum line" (when required) without a
  // line number.
  static absl::StatusOr<Policy> Parse(std::string_view text, const PolicyParseOptions& options = {});

  const std::vector<PolicyLog>& logs() const { return logs_; }
  const std::vector<PolicyWitness>& witnesses() const { return witnesses_; }
  const std::vector<PolicyGroup>& groups() const { return groups_; }
  // The quorum's name: a witness, a group, or "none"; empty when the file has
  // no quorum line (allowed only with require_quorum = false).
  const std::string& quorum() const { return quorum_; }
  // The log keys as verifiers, for OpenNote and VerifyCheckpoint.
  std::vector<log::NoteVerifier> LogKeys() const;
  std::vector<CosignatureVerifier> WitnessKeys() const;

  // Evaluates the quorum for the witnesses named in `cosigned` (other names
  // are ignored). With no quorum line: never met.
  QuorumResult Evaluate(const std::set<std::string>& cosigned) const;

  // Opens `note` with the policy's log keys (VerifyCheckpoint with
  // `expected_origin`, or with the origin of the first log key that signed
  // when it is empty), verifies the cosignatures of the policy's witnesses,
  // and evaluates the quorum. Errors: those of VerifyCheckpoint and
  // VerifyCosignatures (DataLoss for a bad signature or cosignature, none by
  // a trusted log); FailedPrecondition with QuorumResult::explanation and the
  // witnesses that did cosign when the quorum is not met.
  absl::StatusOr<CheckedCheckpoint> Check(std::string_view note,
                                          std::string_view expected_origin) const;

  // The quorum as the valid cosignatures of the policy's witnesses in `note`
  // meet it, the log's signatures not checked (the caller signed the note,
  // or checks them apart). Errors of ParseNote and VerifyCosignatures.
  absl::StatusOr<QuorumResult> EvaluateCosignatures(std::string_view note) const;

 private:
  // The policy names of the witnesses whose keys made `cosignatures`.
  std::set<std::string> CosignedBy(std::span<const VerifiedCosignature> cosignatures) const;
  // Whether each witness and group name is satisfied by `cosigned`.
  std::map<std::string, bool> Satisfied(const std::set<std::string>& cosigned) const;
  std::vector<PolicyLog> logs_;
  std::vector<PolicyWitness> witnesses_;
  std::vector<PolicyGroup> groups_;
  std::string quorum_;
};

// Reads and parses the policy file at `path`. NotFound or Unavailable when
// it cannot be read; InvalidArgument "<path>: ..." for a file over 1 MiB or
// one that Policy::Parse refuses.
absl::StatusOr<Policy> ReadPolicyFile(const std::string& path,
                                      const PolicyParseOptions& options = {});

}  // namespace ledger::witness

#endif  // LEDGER_WITNESS_POLICY_H_
