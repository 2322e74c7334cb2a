// WriteHealth: whether the ledger can still write, as its recording calls
// find out.
//
// When the log cannot write or sync (a full disk, an I/O error), the
// recording gets UNAVAILABLE (docs/durability.md). The recording paths
// report each outcome here; the first UNAVAILABLE marks the ledger unable
// to write and calls the failure callback once, with that error: the server
// then makes its health service answer NOT_SERVING and logs why, so that a
// load balancer or an operator takes it out of service until it is
// restarted. From then on the recording paths refuse every recording
// themselves (CheckCanWrite) rather than rely on RocksDB to keep refusing:
// RocksDB may recover from some errors (a full disk freed) on its own, and
// a server whose health says NOT_SERVING must not take writes meanwhile.
//
// Thread-safety: Observe may be called from any thread (the log's answer
// thread, gRPC's); SetOnFailure must be called before any Observe.
#ifndef LEDGER_SERVICES_WRITE_HEALTH_H_
#define LEDGER_SERVICES_WRITE_HEALTH_H_

#include <atomic>
#include <functional>

#include "absl/status/status.h"

namespace ledger::services {

class WriteHealth {
 public:
  using OnFailure = std::function<void(const absl::Status&)>;

  void SetOnFailure(OnFailure on_failure) { on_failure_ = std::move(on_failure); }

  // The outcome of a recording. Only UNAVAILABLE, the code of a failed
  // write or sync, counts; refusals (a bad command, a version conflict, a
  // spent budget) say nothing about the disk.
  void Observe(const absl::Status& status) {
    if (status.code() != absl::StatusCode::kUnavailable) return;
    if (failed_.exchange(true)) return;
    if (on_failure_) on_failure_(status);
  }

  // True once a recording failed to write.
  bool failed() const { return failed_.load(); }

  // OK while no recording has failed to write; then UNAVAILABLE saying that
  // the server takes no recordings until it is restarted.
  absl::Status CheckCanWrite() const {
    if (!failed()) return absl::OkStatus();
    return absl::UnavailableError(
        "the ledger could not write earlier (see the server's log: a full disk or an I/O "
        "error); it takes no recordings until it is restarted once the disk is fixed");
  }

 private:
  OnFailure on_failure_;
  std::atomic<bool> failed_{false};
};

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_WRITE_HEALTH_H_
