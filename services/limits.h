// What one client, or all of them together, can make the server hold.
//
// RecordingBudget bounds the recording requests handed to the ledger and
// not yet answered (unary recording calls, and each request of an
// AppendStream), in number and in serialized bytes: beyond it a request is
// refused at once with RESOURCE_EXHAUSTED instead of queueing, so a flood
// of recorders costs the server a bounded amount of memory and the caller
// learns to back off. A request larger than the whole byte budget is still
// admitted when nothing else is in flight (the message size limit bounds
// it), so that the budget never refuses a request for ever.
//
// ReadStreamSlots bounds the server-streaming reads (Subscribe, ReadLog,
// ReadStream, ListCheckpoints), in total and per caller: each holds a thread
// of gRPC's synchronous pool for as long as it lasts (a Subscribe until the
// client cancels), so without a bound one auditor could hold every thread
// and nobody else would be answered.
//
// Thread-safety: both are thread-safe. A ticket or slot must not outlive
// the object that gave it.
#ifndef LEDGER_SERVICES_LIMITS_H_
#define LEDGER_SERVICES_LIMITS_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace ledger::services {

class RecordingBudget {
 public:
  // Releases its share of the budget when destroyed.
  class Ticket {
   public:
    ~Ticket();
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;

   private:
    friend class RecordingBudget;
    Ticket(RecordingBudget& budget, size_t bytes) : budget_(budget), bytes_(bytes) {}
    RecordingBudget& budget_;
    const size_t bytes_;
  };

  // At most `max_requests` requests and `max_bytes` bytes in flight.
  RecordingBudget(size_t max_requests, size_t max_bytes)
      : max_requests_(max_requests), max_bytes_(max_bytes) {}

  // A ticket for one request of `bytes` bytes; ResourceExhausted, saying
  // which bound was reached and to retry later, when it does not fit.
  absl::StatusOr<std::unique_ptr<Ticket>> TryAdmit(size_t bytes);

  // Requests and bytes in flight now.
  size_t requests() const;
  size_t bytes() const;

 private:
  void Release(size_t bytes) ABSL_LOCKS_EXCLUDED(mu_);

  const size_t max_requests_;
  const size_t max_bytes_;
  mutable absl::Mutex mu_;
  size_t requests_ ABSL_GUARDED_BY(mu_) = 0;
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

class ReadStreamSlots {
 public:
  class Slot {
   public:
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    friend class ReadStreamSlots;
    Slot(ReadStreamSlots& slots, std::string caller)
        : slots_(slots), caller_(std::move(caller)) {}
    ReadStreamSlots& slots_;
    const std::string caller_;
  };

  // At most `max_total` streams at once, and `max_per_caller` of one caller.
  ReadStreamSlots(size_t max_total, size_t max_per_caller)
      : max_total_(max_total), max_per_caller_(max_per_caller) {}

  // A slot for one stream of `caller` (the authenticated identity);
  // ResourceExhausted, saying which bound was reached, when none is free.
  absl::StatusOr<std::unique_ptr<Slot>> TryEnter(const std::string& caller);

  size_t open() const;

 private:
  void Leave(const std::string& caller) ABSL_LOCKS_EXCLUDED(mu_);

  const size_t max_total_;
  const size_t max_per_caller_;
  mutable absl::Mutex mu_;
  size_t total_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, size_t> by_caller_ ABSL_GUARDED_BY(mu_);  // no zero counts
};

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_LIMITS_H_
