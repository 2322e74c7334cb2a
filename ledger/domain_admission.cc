#include "ledger/domain_admission.h"

#include <string>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/world_follower.h"

namespace ledger {
namespace {

constexpr char kRefusedRequest[] = "type.compactledger.dev/refused-request";

// The rule's refusal of requests[index], saying when it was found.
absl::Status Refused(const absl::Status& status, size_t index) {
  absl::Status refused(status.code(),
                       absl::StrCat(status.message(),
                                    " (found when checked again at commit, against the events "
                                    "committed before it, some recorded meanwhile)"));
  refused.SetPayload(kRefusedRequest, absl::Cord(absl::StrCat(index)));
  return refused;
}

}  // namespace

std::optional<size_t> RefusedRequest(const absl::Status& status) {
  const auto payload = status.GetPayload(kRefusedRequest);
  size_t index = 0;
  if (!payload.has_value() || !absl::SimpleAtoi(std::string(*payload), &index)) {
    return std::nullopt;
  }
  return index;
}

DomainAdmission::DomainAdmission(const log::Log& log, compact::World committed,
                                 WorldFollower* follower)
    : log_(log), follower_(follower), committed_(std::move(committed)) {}

absl::Status DomainAdmission::Admit(const std::vector<log::AppendRequest>& requests,
                                    const std::vector<log::AppendResult>& results) {
  if (inconsistent_) {
    return absl::InternalError(
        "the ledger's check of committed events lost track of the log; nothing more is "
        "recorded until the ledger is reopened");
  }
  if (!committed_.has_value()) {
    // After a failed write: what is on disk is exactly what was committed.
    // From the newest stored snapshot when there is one, else from the start.
    WorldFollower rebuilt(log_, compact::WorldOptions{.keep_facts = false});
    LEDGER_RETURN_IF_ERROR(rebuilt.Resume());
    LEDGER_RETURN_IF_ERROR(rebuilt.CatchUp());
    committed_ = rebuilt.TakeWorld();
  }
  // The requests that append, by their index in the batch.
  std::vector<size_t> appended;
  std::vector<compact::v1::Event> events;
  std::vector<compact::EventMeta> metas;
  for (size_t i = 0; i < requests.size(); ++i) {
    if (results[i].deduplicated) continue;
    appended.push_back(i);
    if (!requests[i].payload.UnpackTo(&events.emplace_back())) {
      return Refused(absl::InvalidArgumentError(absl::StrCat(
                         "the payload is a ", requests[i].payload.type_url(),
                         "; this ledger records compact.v1.Event payloads only")),
                     i);
    }
    metas.push_back(compact::EventMeta{results[i].sequence,
                                       absl::ToUnixMicros(results[i].recorded_at),
                                       requests[i].actor});
  }
  std::vector<compact::v1::Event> folded(events.size());
  if (events.size() > 1) {
    // All or nothing: tried on a fork first, so a refusal leaves the state;
    // then folded into the state as the fork folded it, without checking
    // again (the fork holds the same events).
    compact::World fork = committed_->ForkForChecking();
    for (size_t k = 0; k < events.size(); ++k) {
      if (absl::Status s = fork.Accept(events[k], metas[k], &folded[k]); !s.ok()) {
        return Refused(s, appended[k]);
      }
    }
    for (size_t k = 0; k < events.size(); ++k) {
      if (absl::Status s = committed_->ApplyAccepted(folded[k], metas[k]); !s.ok()) {
        inconsistent_ = true;
        return absl::InternalError(absl::StrCat(
            "request ", appended[k] + 1, " of ", requests.size(),
            " passed the check at commit on a fork but does not fold on the state itself: ",
            s.message(), "; nothing more is recorded until the ledger is reopened"));
      }
    }
  } else if (!events.empty()) {
    if (absl::Status s = committed_->Accept(events[0], metas[0], &folded[0]); !s.ok()) {
      return Refused(s, appended[0]);
    }
  }
  if (follower_ != nullptr) {
    for (size_t k = 0; k < events.size(); ++k) {
      admitted_.emplace(metas[k].sequence,
                        AcceptedEvent{std::move(folded[k]), std::move(metas[k])});
    }
  }
  return absl::OkStatus();
}

void DomainAdmission::Abandon() {
  committed_.reset();
  admitted_.clear();
}

void DomainAdmission::Committed() {
  if (follower_ == nullptr || admitted_.empty()) return;
  follower_->HandOver(std::exchange(admitted_, {}));
}

}  // namespace ledger
