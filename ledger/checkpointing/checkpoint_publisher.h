// Publishing a ledger's signed checkpoints: whenever the log has grown (at
// most once per interval), sign its head as a C2SP tlog-checkpoint, ask the
// witnesses of a C2SP tlog-policy (if any) to cosign it, and store the note
// with the cosignatures that arrived before the deadline
// (Log::PutCheckpoint): GetCheckpoint, bundles, tiles and proofs then carry
// them.
//
// Only a checkpoint that meets the policy's quorum is stored, so nothing
// published ever lacks it. When the quorum is not met by the deadline the
// checkpoint is not stored: the newest published checkpoint stays, the
// publisher says which witnesses did not cosign and why, and it asks again
// later (a witness that cosigned meanwhile answers for the same tree
// again). Entries are durable whether or not a checkpoint covers them, so
// appends never wait for the publisher or the witnesses.
//
// Thread-safety: Start runs a background thread that owns publishing until
// Stop; PublishNow and PublishIfGrown must not be called while it runs.
// published_size and origin may be read at any time.
#ifndef LEDGER_CHECKPOINTING_CHECKPOINT_PUBLISHER_H_
#define LEDGER_CHECKPOINTING_CHECKPOINT_PUBLISHER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ledger/audit/checkpointer.h"
#include "ledger/log/log.h"
#include "ledger/log/signed_note.h"
#include "ledger/witness/cosigning.h"
#include "ledger/witness/policy.h"

namespace ledger::checkpointing {

struct CheckpointPublisherOptions {
  // At least one; every one signs each checkpoint (key rotation).
  std::vector<log::NoteSigner> signers;
  // The log's origin; required when no checkpoint is stored yet, else it
  // must be the stored one's (or empty to reuse it).
  std::string origin;
  // At most one checkpoint per interval (0: after every commit).
  absl::Duration interval = absl::Seconds(1);
  // Witnesses to ask, with the quorum to gather; none when absent.
  std::optional<witness::Policy> witnesses;
  // How long a checkpoint waits for its witnesses before it is stored.
  absl::Duration witness_deadline = absl::Seconds(5);
  // Where the publisher reports (warnings, witness failures). Not owned.
  std::ostream* messages = nullptr;
  // Told whether publishing keeps up, each time that changes: false when a
  // checkpoint of the grown log could not be signed or stored or did not
  // meet its witness quorum (the published checkpoint stays behind the
  // log), true once one is published again. Called by whoever publishes
  // (PublishIfGrown's caller or the background thread); must be quick.
  // Default: none.
  std::function<void(bool publishing)> on_publishing;
};

// One publication.
struct Publication {
  // `note` as stored, or as signed and cosigned when `stored` is false.
  audit::PublishedCheckpoint checkpoint;
  // The witnesses' answers; absent without witnesses or when nothing new
  // was signed.
  std::optional<witness::CosigningResult> cosigning;
  // False when the witnesses' quorum was not met, so nothing was stored.
  bool stored = true;
};

class CheckpointPublisher {
 public:
  // Checks the options against the log's stored checkpoints. InvalidArgument
  // for no signer, a negative interval or witness deadline, a missing
  // origin (no checkpoint stored yet), an origin that is not the stored
  // one's or cannot be a checkpoint's first line, and a witness policy that
  // Cosigning::Create refuses; errors reading the log otherwise. `log` must
  // outlive the publisher.
  static absl::StatusOr<std::unique_ptr<CheckpointPublisher>> Create(
      log::Log& log, CheckpointPublisherOptions options);
  ~CheckpointPublisher();  // Stop()

  const std::string& origin() const { return origin_; }
  // The size of the newest checkpoint stored (by this publisher or before).
  uint64_t published_size() const { return published_size_.load(); }
  bool has_witnesses() const { return cosigning_ != nullptr; }
  // One line saying what the publisher does, for a server's start log.
  std::string Describe() const;

  // Signs the current head, gathers cosignatures (up to the deadline) and
  // stores it if they meet the quorum (else stored = false); when a
  // checkpoint of the current size is stored already, returns it (created =
  // false). Errors of audit::SignCheckpoint and audit::StoreCheckpoint;
  // witness failures are not errors (see Publication::cosigning).
  absl::StatusOr<Publication> PublishNow();

  // PublishNow if the log has grown beyond published_size(), reporting
  // witness failures and errors to `messages` (the same failure once, not
  // on every attempt). False when it failed or the quorum was not met (the
  // caller retries later).
  bool PublishIfGrown();

  // Runs PublishIfGrown on a background thread whenever the log grows, at
  // most once per interval (after a failure, at most once a second).
  void Start() ABSL_LOCKS_EXCLUDED(mu_);
  // Stops and joins that thread (does not publish: call PublishIfGrown after
  // the last append to cover the final size). Idempotent.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  CheckpointPublisher(log::Log& log, CheckpointPublisherOptions options, std::string origin,
                      uint64_t published_size, std::unique_ptr<witness::Cosigning> cosigning);
  void Loop() ABSL_LOCKS_EXCLUDED(mu_);
  void Report(const Publication& publication);

  log::Log& log_;
  const CheckpointPublisherOptions options_;
  const std::string origin_;
  std::atomic<uint64_t> published_size_;
  std::unique_ptr<witness::Cosigning> cosigning_;
  // Tells on_publishing when `publishing` differs from what it said last.
  void SetPublishing(bool publishing);

  std::string last_error_;  // owned by whoever publishes (see class comment)
  std::optional<bool> publishing_;  // likewise: what on_publishing was told last

  std::thread thread_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace ledger::checkpointing

#endif  // LEDGER_CHECKPOINTING_CHECKPOINT_PUBLISHER_H_
