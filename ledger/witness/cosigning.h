// Collecting a quorum of cosignatures: sends a signed checkpoint to every
// witness of a C2SP tlog-policy at once (one thread each, WitnessClient),
// waits for them until a deadline, and adds the valid cosignatures to the
// note. The caller decides what to do with a note whose quorum is not met;
// the result says which witnesses did not cosign and why.
//
// Thread-safety: Cosign calls on one Cosigning are serialized internally;
// the object may be shared between threads.
#ifndef LEDGER_WITNESS_COSIGNING_H_
#define LEDGER_WITNESS_COSIGNING_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ledger/witness/policy.h"
#include "ledger/witness/witness_client.h"

namespace ledger::witness {

// What one witness did with one checkpoint.
struct WitnessOutcome {
  std::string witness;  // The policy's name.
  std::string url;
  // OK when it cosigned; else WitnessClient::RequestCosignature's error.
  absl::Status status;
  uint64_t timestamp = 0;  // Of the cosignature, when OK.
};

struct CosigningResult {
  // The checkpoint with the log's signatures and the cosignatures gathered
  // (by the policy's witnesses, in policy order), ready to store.
  std::string note;
  // One per witness, in policy order.
  std::vector<WitnessOutcome> outcomes;
  QuorumResult quorum;
  // "w1, w3" style lists for messages.
  std::string Cosigned() const;
  // "w2 (http://...): <error>; ..." for every witness that did not cosign.
  std::string Failures() const;
};

class Cosigning {
 public:
  // A client for every witness of `policy`. InvalidArgument when a witness
  // has no URL or a bad one (WitnessClient::Create), when the policy has no
  // witness, or when its quorum is "none" (nothing to ask). `initial_size`
  // is the size each witness is first believed to have cosigned (the newest
  // stored checkpoint's): a wrong guess costs one 409 round trip.
  static absl::StatusOr<std::unique_ptr<Cosigning>> Create(Policy policy, uint64_t initial_size);

  const Policy& policy() const { return policy_; }

  // Asks every witness to cosign `note` (a checkpoint signed by the log) at
  // once; returns when all have answered or failed, and no later than
  // shortly after `deadline` (each request's timeouts are what remains).
  // InvalidArgument when `note` is not a signed checkpoint; otherwise
  // always a result, whether or not the quorum is met.
  absl::StatusOr<CosigningResult> Cosign(std::string_view note,
                                         const ConsistencyProofSource& proofs,
                                         absl::Time deadline);

 private:
  Cosigning(Policy policy, std::vector<std::unique_ptr<WitnessClient>> clients);
  const Policy policy_;
  absl::Mutex mu_;  // one Cosign at a time: each client is single-threaded
  std::vector<std::unique_ptr<WitnessClient>> clients_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ledger::witness

#endif  // LEDGER_WITNESS_COSIGNING_H_
