#include "services/append_stream.h"

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/commands.h"
#include "services/convert.h"
#include "services/status.h"

namespace ledger::services {

using ledger::v1::AppendRequest;
using ledger::v1::AppendStreamResponse;

// One AppendStream call. Its state is guarded by mu_; the gRPC operations it
// starts are started outside mu_, because gRPC may run a reaction inline.
//
// Lifetime: gRPC deletes nothing; OnDone deletes the call, and OnDone comes
// only after Finish. Finish is called only once no ledger callback is
// outstanding, so the log never calls back a deleted call. A thread other
// than a reaction's (the log's answer thread, StopAll) starts at most
// one operation per event and touches nothing after it: once an operation
// is started, its reaction may finish the call and OnDone delete it.
class AppendStreamCall final
    : public grpc::ServerBidiReactor<AppendRequest, AppendStreamResponse> {
 public:
  AppendStreamCall(AppendStreams& owner, std::string actor)
      : owner_(owner), actor_(std::move(actor)) {}

  // Registered: start reading.
  void Begin() {
    Update([] { return true; });
  }

  // What to start next: at most one of these.
  struct Next {
    bool read = false;
    const AppendStreamResponse* write = nullptr;
    std::optional<grpc::Status> finish;
  };

  // StopAll, under the owner's lock: stop reading. Returns what to start
  // now (in practice nothing, or the finish), for StopAll to Act on once
  // it has released its lock.
  Next MarkStopping() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    return DecideLocked();
  }
  grpc::Status StoppedStatus() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        absl::StrCat("the server is shutting down; ", answered_,
                                     " requests of this call were answered. Resend any "
                                     "unanswered request with the same request id: one that was "
                                     "committed is answered as a retry"));
  }

  void OnReadDone(bool ok) override {
    Answer* slot = nullptr;
    Update([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      if (ok && !finish_claimed_) {
        Answer& read = answers_.emplace_back();
        read.bytes = request_.ByteSizeLong();
        read.stream = request_.stream();
        unanswered_bytes_ += read.bytes;
        read.response.set_request_id(request_.request_id());
        // Still "reading" until the request is queued (or while it is
        // held): no other thread may read into request_, and the requests
        // of one call reach the log in the order sent.
        if (MustWait(read)) {
          held_ = &read;
        } else {
          slot = &read;
          Recording(read);
        }
        return false;
      }
      reading_ = false;
      // !ok: half-closed (or cancelled: OnCancel says so). Else a read after
      // the call was ended, dropped unrecorded: the client was told to
      // resend what is unanswered.
      if (!ok) reads_done_ = true;
      return true;
    });
    // A reaction: gRPC keeps the call alive until it returns.
    if (slot != nullptr) RecordAndReadOn(*slot);
  }

  void OnWriteDone(bool ok) override {
    Answer* released = nullptr;
    Update([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      writing_ = false;
      unanswered_bytes_ -= answers_.front().bytes;
      answers_.pop_front();
      ++answered_;
      if (!ok) cancelled_ = true;
      // A held request goes on once the last one before it on its stream
      // is answered; its read stays claimed until it is queued.
      if (held_ != nullptr && !cancelled_ && !MustWait(*held_)) {
        released = std::exchange(held_, nullptr);
        Recording(*released);
        return false;
      }
      return true;
    });
    if (released != nullptr) RecordAndReadOn(*released);
  }

  void OnCancel() override {
    Update([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      cancelled_ = true;
      return true;
    });
  }

  void OnDone() override { delete this; }

 private:
  struct Answer {
    bool ready = false;
    size_t bytes = 0;
    std::string stream;  // the request's
    AppendStreamResponse response;
  };

  // Whether `read` must wait for an earlier request of this call on its
  // stream to be answered: unless it appends whatever the stream's version,
  // it is checked against that stream, and checked before the earlier one
  // commits it would be refused (an unspecified version) or fail (the exact
  // version the earlier one makes).
  bool MustWait(const Answer& read) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (request_.expected().kind() == ledger::v1::ExpectedVersion::KIND_ANY) return false;
    auto it = unanswered_streams_.find(read.stream);
    return it != unanswered_streams_.end() && it->second > 0;
  }
  // `read` goes to the ledger.
  void Recording(const Answer& read) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ++outstanding_;
    ++unanswered_streams_[read.stream];
  }
  void RecordAndReadOn(Answer& slot) {
    Record(slot);
    Update([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      reading_ = false;
      return true;
    });
  }
  // Records the request just read, answering into `slot`. (Stopping, it is
  // still recorded: the call ends once it is answered.)
  void Record(Answer& slot) {
    auto request = FromAppend(request_);
    if (!request.ok()) {
      Answered(slot, request.status());
      return;
    }
    if (absl::Status can_write = owner_.health_.CheckCanWrite(); !can_write.ok()) {
      Answered(slot, can_write);
      return;
    }
    auto admitted = owner_.budget_.TryAdmit(slot.bytes);
    if (!admitted.ok()) {
      Answered(slot, admitted.status());
      return;
    }
    std::shared_ptr<RecordingBudget::Ticket> ticket = *std::move(admitted);
    std::vector<RecordRequest> requests;
    requests.push_back(*std::move(request));
    owner_.ledger_.RecordAsync(
        std::move(requests), actor_,
        [this, &slot, ticket = std::move(ticket)](
            absl::StatusOr<std::vector<log::AppendResult>> results) mutable {
          ticket.reset();
          owner_.health_.Observe(results.status());
          if (!results.ok()) {
            Answered(slot, results.status());
            return;
          }
          Answered(slot, FillAppendResponse(owner_.ledger_.log(), results->front(),
                                            slot.response.mutable_appended()));
        });
  }

  // The outcome of a slot's request; on the log's answer thread, or on a
  // reaction's when refused at once.
  void Answered(Answer& slot, const absl::Status& status) {
    if (!status.ok()) {
      slot.response.clear_appended();
      slot.response.mutable_refused()->set_code(static_cast<int>(status.code()));
      slot.response.mutable_refused()->set_message(std::string(status.message()));
    }
    Update([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      slot.ready = true;
      --outstanding_;
      if (auto it = unanswered_streams_.find(slot.stream); --it->second == 0) {
        unanswered_streams_.erase(it);
      }
      return true;
    });
  }

  // Changes the state with `change` and, when it returns true, decides and
  // starts what the new state allows, all under one lock so that no other
  // thread can find an action possible and leave it to us.
  template <typename Change>
  void Update(Change change) ABSL_LOCKS_EXCLUDED(mu_) {
    Next next;
    {
      absl::MutexLock lock(&mu_);
      if (!change()) return;
      next = DecideLocked();
    }
    Act(std::move(next));
  }

  // Writes first: a client waiting for its answer sends nothing until it
  // has it, and every write's reaction decides again, so reads resume.
  Next DecideLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Next next;
    if (finish_claimed_) return next;
    if (!cancelled_ && !writing_ && !answers_.empty() && answers_.front().ready) {
      writing_ = true;
      next.write = &answers_.front().response;
      return next;
    }
    if (!cancelled_ && !stopping_ && !reading_ && !reads_done_ &&
        answers_.size() < AppendStreams::kMaxUnanswered &&
        (answers_.empty() || unanswered_bytes_ < AppendStreams::kMaxUnansweredBytes)) {
      reading_ = true;
      next.read = true;
      return next;
    }
    // Every ledger callback is back (it uses this call), nothing is being
    // written, and nothing more will be: end the call. A read still
    // outstanding (an idle client, when stopping) completes with !ok.
    if (writing_ || outstanding_ > 0) return next;
    if (cancelled_) {
      next.finish = grpc::Status(grpc::StatusCode::CANCELLED, "the call was cancelled");
    } else if (!answers_.empty()) {
      return next;
    } else if (stopping_ && !reads_done_) {
      next.finish = StoppedStatus();
    } else if (reads_done_) {
      next.finish = grpc::Status::OK;
    } else {
      return next;
    }
    finish_claimed_ = true;
    return next;
  }

  void Act(Next next) {
    if (next.write != nullptr) {
      StartWrite(next.write);
    } else if (next.read) {
      StartRead(&request_);
    } else if (next.finish.has_value()) {
      owner_.Remove(this);
      Finish(*next.finish);
    }
  }

  AppendStreams& owner_;
  const std::string actor_;
  AppendRequest request_;  // the read in flight, then being recorded

  absl::Mutex mu_;
  // Read, in order; the front is written next.
  std::deque<Answer> answers_ ABSL_GUARDED_BY(mu_);
  size_t unanswered_bytes_ ABSL_GUARDED_BY(mu_) = 0;  // of answers_
  size_t outstanding_ ABSL_GUARDED_BY(mu_) = 0;       // requests with the ledger
  // Per stream, requests of this call with the ledger.
  std::map<std::string, size_t, std::less<>> unanswered_streams_ ABSL_GUARDED_BY(mu_);
  // A request read but waiting for an earlier one on its stream (see
  // MustWait); it is in answers_, and reading stays claimed meanwhile.
  Answer* held_ ABSL_GUARDED_BY(mu_) = nullptr;
  uint64_t answered_ ABSL_GUARDED_BY(mu_) = 0;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool finish_claimed_ ABSL_GUARDED_BY(mu_) = false;

  friend class AppendStreams;
};

grpc::ServerBidiReactor<AppendRequest, AppendStreamResponse>* AppendStreams::Start(
    grpc::CallbackServerContext* context) {
  auto principal = access_.Check(*context, Permission::kWrite);
  if (!principal.ok()) {
    auto* refused = new AppendStreamCall(*this, std::string());
    {
      // Not shared yet: the lock is uncontended, taken because the flag is
      // guarded by it.
      absl::MutexLock lock(&refused->mu_);
      refused->finish_claimed_ = true;
    }
    refused->Finish(ToGrpcStatus(principal.status()));
    return refused;
  }
  auto* call = new AppendStreamCall(*this, principal->name);
  bool stopping;
  {
    absl::MutexLock lock(&mu_);
    stopping = stopping_;
    if (!stopping) open_.insert(call);
  }
  if (stopping) {
    grpc::Status stopped;
    {
      absl::MutexLock lock(&call->mu_);  // uncontended: not registered
      call->finish_claimed_ = true;
      stopped = call->StoppedStatus();
    }
    call->Finish(stopped);
    return call;
  }
  // Outside mu_: gRPC may run a reaction inline, and an ending call takes
  // mu_ to leave open_. StopAll may already have marked it; Begin then
  // starts nothing more.
  call->Begin();
  return call;
}

void AppendStreams::StopAll() {
  std::vector<std::pair<AppendStreamCall*, AppendStreamCall::Next>> acting;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    for (AppendStreamCall* call : open_) {
      AppendStreamCall::Next next = call->MarkStopping();
      if (next.finish.has_value() || next.write != nullptr || next.read) {
        acting.emplace_back(call, std::move(next));
      }
    }
  }
  // Outside mu_ (an ending call leaves open_ under it). Each call here has
  // claimed what it is to start, so nothing else ends it before it starts.
  for (auto& [call, next] : acting) call->Act(std::move(next));
}

void AppendStreams::Remove(AppendStreamCall* call) {
  absl::MutexLock lock(&mu_);
  open_.erase(call);
}

}  // namespace ledger::services
