#include "ledger/checkpointing/checkpoint_publisher.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/checkpoint.h"

namespace ledger::checkpointing {

namespace {

// How long the thread waits on the log at a time: the log cannot wake it
// for Stop, so this bounds how long Stop waits for it to notice.
constexpr absl::Duration kPoll = absl::Milliseconds(50);
// After a failed signature, try again no sooner than this (or the interval,
// if longer), so that a lasting fault is not a busy loop.
constexpr absl::Duration kRetry = absl::Seconds(1);

}  // namespace

absl::StatusOr<std::unique_ptr<CheckpointPublisher>> CheckpointPublisher::Create(
    log::Log& log, CheckpointPublisherOptions options) {
  if (options.signers.empty()) return absl::InvalidArgumentError("no signing key");
  if (options.interval < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the checkpoint interval is negative (", absl::FormatDuration(options.interval),
        "); give 0 to sign after every commit"));
  }
  if (options.witness_deadline <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the witness deadline must be positive, not ",
        absl::FormatDuration(options.witness_deadline), " (e.g. 5s)"));
  }
  LEDGER_ASSIGN_OR_RETURN(std::optional<log::Checkpoint> newest, audit::NewestCheckpoint(log));
  LEDGER_ASSIGN_OR_RETURN(std::string origin, audit::ChooseOrigin(newest, options.origin));
  const uint64_t published_size = newest.has_value() ? newest->tree_size : 0;
  std::unique_ptr<witness::Cosigning> cosigning;
  if (options.witnesses.has_value()) {
    LEDGER_ASSIGN_OR_RETURN(cosigning,
                            witness::Cosigning::Create(*options.witnesses, published_size));
  }
  return std::unique_ptr<CheckpointPublisher>(new CheckpointPublisher(
      log, std::move(options), std::move(origin), published_size, std::move(cosigning)));
}

CheckpointPublisher::CheckpointPublisher(log::Log& log, CheckpointPublisherOptions options,
                                         std::string origin, uint64_t published_size,
                                         std::unique_ptr<witness::Cosigning> cosigning)
    : log_(log), options_(std::move(options)), origin_(std::move(origin)),
      published_size_(published_size), cosigning_(std::move(cosigning)) {}

CheckpointPublisher::~CheckpointPublisher() { Stop(); }

std::string CheckpointPublisher::Describe() const {
  std::vector<std::string> labels;
  for (const auto& signer : options_.signers) labels.push_back(signer.verifier().Label());
  std::string line = absl::StrCat("signing checkpoints of ", origin_, " with ",
                                  absl::StrJoin(labels, ", "),
                                  " when the log grows, at most every ",
                                  absl::FormatDuration(options_.interval));
  if (cosigning_ != nullptr) {
    const witness::Policy& policy = cosigning_->policy();
    std::vector<std::string> witnesses;
    for (const auto& w : policy.witnesses()) witnesses.push_back(absl::StrCat(w.name, " ", w.url));
    absl::StrAppend(&line, "; asking witnesses ", absl::StrJoin(witnesses, ", "),
                    " to cosign each (quorum ", policy.quorum(), ", waiting at most ",
                    absl::FormatDuration(options_.witness_deadline), ")");
  } else {
    absl::StrAppend(&line, "; no witnesses (no policy)");
  }
  return line;
}

absl::StatusOr<Publication> CheckpointPublisher::PublishNow() {
  Publication publication;
  LEDGER_ASSIGN_OR_RETURN(publication.checkpoint,
                          audit::SignCheckpoint(log_, options_.signers, origin_));
  if (!publication.checkpoint.created) {
    published_size_ = std::max(published_size_.load(), publication.checkpoint.head.tree_size);
    return publication;
  }
  if (cosigning_ != nullptr) {
    const witness::ConsistencyProofSource proofs = [this](uint64_t old_size, uint64_t new_size) {
      return log_.ConsistencyProof(old_size, new_size);
    };
    LEDGER_ASSIGN_OR_RETURN(
        publication.cosigning,
        cosigning_->Cosign(publication.checkpoint.note, proofs,
                           absl::Now() + options_.witness_deadline));
    publication.checkpoint.note = publication.cosigning->note;
    if (!publication.cosigning->quorum.met) {
      publication.stored = false;
      return publication;
    }
  }
  LEDGER_RETURN_IF_ERROR(
      audit::StoreCheckpoint(log_, options_.signers, publication.checkpoint.note));
  published_size_ = publication.checkpoint.head.tree_size;
  return publication;
}

void CheckpointPublisher::Report(const Publication& publication) {
  if (options_.messages == nullptr || !publication.cosigning.has_value()) return;
  const witness::CosigningResult& r = *publication.cosigning;
  const uint64_t size = publication.checkpoint.head.tree_size;
  std::ostream& out = *options_.messages;
  const std::string failures = r.Failures();
  if (!r.quorum.met) {
    // The same failure once, not on every retry.
    // The explanation names who cosigned; the failures say why the others did not.
    const std::string why = absl::StrCat(r.quorum.explanation, "; ", failures);
    if (why == last_error_) return;
    last_error_ = why;
    out << "WARNING: checkpoint of tree size " << size
        << " NOT published: its witness quorum is not met (" << why
        << "); the published checkpoint stays at tree size " << published_size_.load()
        << ", recording continues, and the witnesses are asked again" << std::endl;
  } else if (!failures.empty()) {
    out << "checkpoint of tree size " << size << " cosigned by " << r.Cosigned()
        << " (quorum met); not cosigned: " << failures << std::endl;
  }
}

bool CheckpointPublisher::PublishIfGrown() {
  const uint64_t size = log_.Size();
  if (size <= published_size_) return true;
  auto published = PublishNow();
  if (!published.ok()) {
    // Entries are durable either way: say so once, not on every attempt.
    const std::string error = published.status().ToString();
    if (error != last_error_ && options_.messages != nullptr) {
      *options_.messages << "WARNING: could not sign a checkpoint of tree size " << size << ": "
                         << error << std::endl;
    }
    last_error_ = error;
    SetPublishing(false);
    return false;
  }
  Report(*published);
  if (!published->stored) {
    SetPublishing(false);
    return false;
  }
  last_error_.clear();
  SetPublishing(true);
  return true;
}

void CheckpointPublisher::SetPublishing(bool publishing) {
  if (publishing_ == publishing) return;
  publishing_ = publishing;
  if (options_.on_publishing) options_.on_publishing(publishing);
}

void CheckpointPublisher::Loop() {
  absl::Time next_allowed = absl::InfinitePast();
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (stop_) return;
    }
    const uint64_t size = log_.WaitForSize(published_size_, absl::Now() + kPoll);
    if (size <= published_size_) continue;
    {
      // The log grew: sign once the interval since the last signature has
      // passed, taking in whatever else is committed meanwhile.
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithDeadline(absl::Condition(&stop_), next_allowed);
      if (stop_) return;  // the owner publishes the final size
    }
    const bool signed_it = PublishIfGrown();
    next_allowed = absl::Now() + (signed_it ? options_.interval
                                            : std::max(options_.interval, kRetry));
  }
}

void CheckpointPublisher::Start() {
  absl::MutexLock lock(&mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void CheckpointPublisher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;  // wakes Loop's AwaitWithDeadline on unlock
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace ledger::checkpointing
