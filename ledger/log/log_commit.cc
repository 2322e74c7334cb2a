// Log: the commit pipeline. Callers queue batches; the commit thread takes
// them group by group, stages and admits each batch, and commits the group
// with one synced write; the answer thread calls asynchronous callers back.
#include "ledger/log/log.h"

#include <pthread.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/commit_state.h"
#include "ledger/log/rocks_db.h"
#include "ledger/log/storage_format.h"

namespace ledger::log {

namespace {

// Most batches one group takes; bounds the commit thread's work and the
// latency of the first caller in a group.
constexpr size_t kMaxGroupBatches = 256;

absl::Status Closed() {
  return absl::FailedPreconditionError("the ledger is closing; appends are no longer taken");
}

// Prefixes a request's error with its place in a multi-request batch.
absl::Status InBatch(const absl::Status& status, size_t index, size_t count) {
  if (count == 1) return status;
  return absl::Status(status.code(),
                      absl::StrCat("request ", index + 1, " of ", count, ": ",
                                   status.message(), " (nothing was appended)"));
}

}  // namespace

void Log::CommitGroup(const std::vector<Writer*>& group, BatchAdmission* admission) {
  Pending pending(*db_);
  pending.frontier = frontier_;
  pending.last_leaf = last_leaf_hash_;
  pending.next_sequence = frontier_.size();
  // recorded_at never decreases, even when the clock steps back.
  // A copy (alone in its group) keeps its entries' own times.
  pending.recorded_at = group.front()->copied != nullptr
                            ? last_recorded_at_
                            : std::max(options_.clock(), last_recorded_at_);
  bool admitted = false;  // some batch of the group was admitted
  for (Writer* w : group) {
    // Each batch is all-or-nothing on its own: remember where it started.
    pending.batch.SetSavePoint();
    const CompactRange frontier = pending.frontier;
    const Hash last_leaf = pending.last_leaf;
    const uint64_t next_sequence = pending.next_sequence;
    pending.undo_streams.clear();
    pending.undo_requests.clear();
    std::vector<AppendResult> results;
    absl::Status failed;
    if (w->copied != nullptr) {
      results.reserve(w->copied->size());
      if (admission != nullptr) {
        failed = absl::FailedPreconditionError(
            "copied entries would bypass the domain's admission: copy into a log that no "
            "domain state has opened");
      }
      for (size_t i = 0; i < w->copied->size() && failed.ok(); ++i) {
        auto result = StageCopied((*w->copied)[i], pending);
        if (result.ok()) results.push_back(*result);
        else failed = result.status();
      }
    } else {
      results.reserve(w->requests->size());
      for (size_t i = 0; i < w->requests->size() && failed.ok(); ++i) {
        auto result = Stage((*w->requests)[i], pending);
        if (result.ok()) results.push_back(*result);
        else failed = InBatch(result.status(), i, w->requests->size());
      }
    }
    auto appends = [&] {
      return std::any_of(results.begin(), results.end(),
                         [](const AppendResult& r) { return !r.deduplicated; });
    };
    if (failed.ok() && admission != nullptr && w->copied == nullptr && appends()) {
      failed = admission->Admit(*w->requests, results);
      admitted = admitted || failed.ok();
    }
    if (failed.ok()) {
      pending.batch.PopSavePoint();
      w->result = std::move(results);
      continue;
    }
    pending.batch.RollbackToSavePoint();
    pending.frontier = frontier;
    pending.last_leaf = last_leaf;
    pending.next_sequence = next_sequence;
    for (auto it = pending.undo_streams.rbegin(); it != pending.undo_streams.rend(); ++it) {
      if (it->second.has_value()) {
        pending.stream_versions[it->first] = *it->second;
      } else {
        pending.stream_versions.erase(it->first);
      }
    }
    for (const std::string& id : pending.undo_requests) pending.request_ids.erase(id);
    w->result = failed;
  }
  // Each writer whose batch succeeded hears of it, before readers do.
  auto tell_durable = [&] {
    for (Writer* w : group) {
      if (w->result.ok() && w->on_durable != nullptr && *w->on_durable) {
        (*w->on_durable)(*w->result);
      }
    }
  };
  if (pending.next_sequence == frontier_.size()) {  // only retries or refusals
    tell_durable();
    return;
  }
  const Hash root = pending.frontier.Root();
  pending.batch.Put(Family::kMeta, format::kTreeSizeKey,
                    format::EncodeUint64(pending.next_sequence));
  pending.batch.Put(Family::kMeta, format::kRootKey, HashBytes(root));
  const absl::Status written = db_->Write(pending.batch, options_.sync);
  if (!written.ok()) {
    for (Writer* w : group) {
      if (w->result.ok()) w->result = written;
    }
    if (admitted) admission->Abandon();
    return;
  }
  frontier_ = std::move(pending.frontier);
  last_leaf_hash_ = pending.last_leaf;
  last_recorded_at_ = pending.recorded_at;
  if (admitted) admission->Committed();
  tell_durable();
  {
    // Durable now; published before head_ (see stream_tips_).
    absl::MutexLock lock(&streams_mu_);
    if (stream_tips_.size() + pending.stream_versions.size() > kMaxCachedStreams) {
      stream_tips_.clear();
    }
    for (auto& [stream, tip] : pending.stream_versions) {
      stream_tips_.insert_or_assign(stream, tip);
    }
  }
  {
    absl::MutexLock lock(&head_mu_);
    head_ = {pending.next_sequence, root};
  }
  head_grew_.SignalAll();
}

absl::StatusOr<std::vector<AppendResult>> Log::AppendBatch(
    const std::vector<AppendRequest>& requests) {
  return AppendBatch(requests, nullptr);
}

absl::StatusOr<std::vector<AppendResult>> Log::AppendBatch(
    const std::vector<AppendRequest>& requests, const DurableHook& on_durable) {
  if (options_.read_only) {
    return absl::FailedPreconditionError("the ledger was opened read-only");
  }
  Writer self;
  self.requests = &requests;
  self.on_durable = &on_durable;
  return Wait(self);
}

absl::StatusOr<std::vector<AppendResult>> Log::AppendCopied(
    const std::vector<std::string>& entries) {
  if (options_.read_only) {
    return absl::FailedPreconditionError("the ledger was opened read-only");
  }
  Writer self;
  self.copied = &entries;
  return Wait(self);
}

absl::StatusOr<std::vector<AppendResult>> Log::Wait(Writer& self) {
  absl::MutexLock lock(&queue_mu_);
  if (closing_) return Closed();
  writers_.push_back(&self);
  queue_filled_.Signal();
  while (!self.done) self.cv.Wait(&queue_mu_);
  return std::move(self.result);
}

void Log::AppendBatchAsync(std::vector<AppendRequest> requests, DurableHook on_durable,
                           AppendDone done) {
  if (options_.read_only) {
    done(absl::FailedPreconditionError("the ledger was opened read-only"));
    return;
  }
  auto writer = std::make_unique<Writer>();
  writer->owned_requests = std::move(requests);
  writer->owned_on_durable = std::move(on_durable);
  writer->requests = &writer->owned_requests;
  writer->on_durable = &writer->owned_on_durable;
  writer->on_done = std::move(done);
  {
    absl::MutexLock lock(&queue_mu_);
    if (!closing_) {
      writers_.push_back(writer.release());
      queue_filled_.Signal();
      return;
    }
  }
  writer->on_done(Closed());
}

void Log::CommitLoop() {
  // Named so that operators can tell it apart in top -H, perf and gdb.
  pthread_setname_np(pthread_self(), "ledger-commit");
  std::vector<Writer*> group;
  std::vector<std::unique_ptr<Writer>> finished;
  queue_mu_.Lock();
  for (;;) {
    while (!closing_ && writers_.empty()) queue_filled_.Wait(&queue_mu_);
    if (writers_.empty()) break;  // closing, and every queued batch is committed
    group.clear();
    // A copy is committed alone (its entries keep their own recorded_at).
    while (!writers_.empty() &&
           (group.empty() || (options_.group_commit && group.size() < kMaxGroupBatches &&
                              group.front()->copied == nullptr &&
                              writers_.front()->copied == nullptr))) {
      group.push_back(writers_.front());
      writers_.pop_front();
    }
    BatchAdmission* admission = admission_;
    queue_mu_.Unlock();
    CommitGroup(group, admission);
    // Waiting callers wake first (they need queue_mu_, released below).
    queue_mu_.Lock();
    for (Writer* w : group) {
      if (w->on_done) {
        finished.emplace_back(w);
        continue;
      }
      w->done = true;
      w->cv.Signal();
    }
    queue_mu_.Unlock();
    if (!finished.empty()) {
      {
        absl::MutexLock answers_lock(&answers_mu_);
        for (auto& w : finished) answers_.push_back(std::move(w));
      }
      answers_filled_.Signal();
      finished.clear();
    }
    queue_mu_.Lock();
  }
  queue_mu_.Unlock();
}

void Log::AnswerLoop() {
  pthread_setname_np(pthread_self(), "ledger-answer");
  std::vector<std::unique_ptr<Writer>> answering;
  answers_mu_.Lock();
  for (;;) {
    while (!committer_stopped_ && answers_.empty()) answers_filled_.Wait(&answers_mu_);
    if (answers_.empty()) break;  // the commit thread has stopped and all are answered
    answering.swap(answers_);
    // Without the lock: callbacks may queue further appends.
    answers_mu_.Unlock();
    for (const auto& w : answering) w->on_done(std::move(w->result));
    answering.clear();
    answers_mu_.Lock();
  }
  answers_mu_.Unlock();
}

void Log::SetAdmission(BatchAdmission* admission) {
  absl::MutexLock lock(&queue_mu_);
  admission_ = admission;
}

absl::StatusOr<AppendResult> Log::Append(const AppendRequest& request) {
  LEDGER_ASSIGN_OR_RETURN(auto results, AppendBatch({request}));
  return results.front();
}

}  // namespace ledger::log
