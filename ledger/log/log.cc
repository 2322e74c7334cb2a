// Log: opening (with the check of its tail), the committed head, waiting for
// it to grow, and closing. The other jobs of the log have files of their
// own: log_commit.cc, log_staging.cc, log_reads.cc, log_proofs.cc,
// log_checkpoints.cc and log_snapshots.cc.
#include "ledger/log/log.h"

#include <memory>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "ledger/base/next_step.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/commit_state.h"
#include "ledger/log/rocks_db.h"
#include "ledger/log/storage_format.h"
#include "ledger/log/verify.h"

namespace ledger::log {

absl::Time RecordedAt(const ledger::v1::Entry& entry) {
  return absl::FromUnixMicros(
      google::protobuf::util::TimeUtil::TimestampToMicroseconds(entry.recorded_at()));
}

Log::Log(LogOptions options, std::unique_ptr<RocksDb> db)
    : options_(std::move(options)), db_(std::move(db)) {
  if (!options_.clock) options_.clock = [] { return absl::Now(); };
}

Log::~Log() { Close(); }

void Log::Close() {
  {
    absl::MutexLock lock(&queue_mu_);
    closing_ = true;
  }
  queue_filled_.Signal();
  if (committer_.joinable()) committer_.join();
  {
    absl::MutexLock lock(&answers_mu_);
    committer_stopped_ = true;
  }
  answers_filled_.Signal();
  if (answerer_.joinable()) answerer_.join();
}

const std::string& Log::path() const { return db_->path(); }

absl::StatusOr<std::unique_ptr<Log>> Log::Open(const LogOptions& options) {
  const RocksDb::Mode mode = options.read_only ? RocksDb::Mode::kReadOnly
                             : options.create_if_missing
                                 ? RocksDb::Mode::kCreateIfMissing
                                 : RocksDb::Mode::kMustExist;
  LEDGER_ASSIGN_OR_RETURN(auto db, RocksDb::Open(options.path, mode, options.env.get()));
  std::unique_ptr<Log> log(new Log(options, std::move(db)));
  LEDGER_RETURN_IF_ERROR(log->CheckTail());
  if (!options.read_only) {
    log->committer_ = std::thread([raw = log.get()] { raw->CommitLoop(); });
    log->answerer_ = std::thread([raw = log.get()] { raw->AnswerLoop(); });
  }
  return log;
}

absl::Status Log::CheckTail() {
  LEDGER_ASSIGN_OR_RETURN(auto size, db_->Get(Family::kMeta, format::kTreeSizeKey));
  const uint64_t committed = size ? format::DecodeUint64(*size).value_or(0) : 0;
  const uint64_t window = options_.tail_entries_checked_on_open;
  const uint64_t from = committed > window ? committed - window : 0;
  LEDGER_ASSIGN_OR_RETURN(VerifyReport report, VerifyStore(*db_, from));
  if (!report.ok()) {
    return WithNextStep(
        absl::DataLossError(absl::StrCat(
            "refusing to open the ledger at ", path(), ": ", ProblemName(report.problem),
            " at sequence ", report.sequence, ": ", report.message,
            ". Verify the whole log for a full report")),
        NextStep::kVerifyLog);
  }
  LEDGER_ASSIGN_OR_RETURN(frontier_, CompactRange::FromStore(Nodes(), report.tree_size));
  {
    // No thread runs yet; the lock is for the analysis, uncontended.
    absl::MutexLock lock(&head_mu_);
    head_ = {report.tree_size, report.root};
  }
  last_recorded_at_ = absl::InfinitePast();
  if (report.tree_size > 0) {
    LEDGER_ASSIGN_OR_RETURN(StoredEntry last, GetEntry(report.tree_size - 1));
    last_leaf_hash_ = last.leaf_hash;
    last_recorded_at_ = RecordedAt(last.entry);
  }
  return CheckLatestCheckpoint();
}

TreeHead Log::Head() const {
  absl::MutexLock lock(&head_mu_);
  return head_;
}

uint64_t Log::WaitForSize(uint64_t known_size, absl::Time deadline) const {
  absl::MutexLock lock(&head_mu_);
  while (head_.tree_size <= known_size) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) break;
    head_grew_.WaitWithTimeout(&head_mu_, left);
  }
  return head_.tree_size;
}

}  // namespace ledger::log
