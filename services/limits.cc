#include "services/limits.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ledger::services {

RecordingBudget::Ticket::~Ticket() { budget_.Release(bytes_); }

absl::StatusOr<std::unique_ptr<RecordingBudget::Ticket>> RecordingBudget::TryAdmit(
    size_t bytes) {
  absl::MutexLock lock(&mu_);
  if (requests_ >= max_requests_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the server has ", requests_, " recording requests in flight, its limit: retry after "
        "a short wait (with the same request id)"));
  }
  if (requests_ > 0 && bytes > max_bytes_ - std::min(bytes_, max_bytes_)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the server holds ", bytes_, " bytes of recording requests in flight and this one is ",
        bytes, " (limit ", max_bytes_, "): retry after a short wait (with the same request id)"));
  }
  ++requests_;
  bytes_ += bytes;
  return std::unique_ptr<Ticket>(new Ticket(*this, bytes));
}

void RecordingBudget::Release(size_t bytes) {
  absl::MutexLock lock(&mu_);
  --requests_;
  bytes_ -= bytes;
}

size_t RecordingBudget::requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

size_t RecordingBudget::bytes() const {
  absl::MutexLock lock(&mu_);
  return bytes_;
}

ReadStreamSlots::Slot::~Slot() { slots_.Leave(caller_); }

absl::StatusOr<std::unique_ptr<ReadStreamSlots::Slot>> ReadStreamSlots::TryEnter(
    const std::string& caller) {
  absl::MutexLock lock(&mu_);
  if (total_ >= max_total_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the server serves ", total_, " streaming reads (Subscribe, ReadLog, ReadStream, "
        "ListCheckpoints) at once, its limit: retry later"));
  }
  auto it = by_caller_.find(caller);
  if (it != by_caller_.end() && it->second >= max_per_caller_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "\"", caller, "\" already has ", it->second, " streaming reads open (Subscribe, "
        "ReadLog, ReadStream, ListCheckpoints), the limit per caller: end one first (one "
        "Subscribe follows the whole log)"));
  }
  ++total_;
  ++by_caller_[caller];
  return std::unique_ptr<Slot>(new Slot(*this, caller));
}

void ReadStreamSlots::Leave(const std::string& caller) {
  absl::MutexLock lock(&mu_);
  --total_;
  if (auto it = by_caller_.find(caller); --it->second == 0) by_caller_.erase(it);
}

size_t ReadStreamSlots::open() const {
  absl::MutexLock lock(&mu_);
  return total_;
}

}  // namespace ledger::services
