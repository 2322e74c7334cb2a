// Internal to ledger/log: the state of the commit pipeline that its files
// share (log_commit.cc, log_staging.cc, and log.cc, which destroys queued
// writers): one queued caller, and one commit group being staged.
//
// Thread-compatible: a Writer is handed between its caller and the log's
// threads under Log's queue and answer locks; a Pending belongs to the
// commit thread.
#ifndef LEDGER_LOG_COMMIT_STATE_H_
#define LEDGER_LOG_COMMIT_STATE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ledger/log/compact_range.h"
#include "ledger/log/hash.h"
#include "ledger/log/log.h"
#include "ledger/log/rocks_db.h"

namespace ledger::log {

// One caller of AppendBatch or AppendBatchAsync, queued.
struct Log::Writer {
  const std::vector<AppendRequest>* requests = nullptr;
  // AppendCopied: the entries copied, instead of `requests`.
  const std::vector<std::string>* copied = nullptr;
  const DurableHook* on_durable = nullptr;
  absl::StatusOr<std::vector<AppendResult>> result;
  // AppendBatch: the caller waits on `cv` until `done`, both under Log's
  // queue_mu_ (which the analysis cannot name from here).
  bool done = false;
  absl::CondVar cv;
  // AppendBatchAsync: the writer owns its batch and is called back (and
  // deleted) by the commit thread.
  std::vector<AppendRequest> owned_requests;
  DurableHook owned_on_durable;
  AppendDone on_done;
};

// The state of one commit group before it is written.
struct Log::Pending {
  explicit Pending(const RocksDb& db) : batch(db) {}

  RocksDb::Batch batch;
  CompactRange frontier;
  Hash last_leaf{};
  uint64_t next_sequence = 0;
  absl::Time recorded_at;
  // What the batches staged so far did to each stream and request id.
  std::map<std::string, StreamTip, std::less<>> stream_versions;
  RequestIds request_ids;
  // Undo logs of the batch being staged, so a refused batch is taken out of
  // the maps above in time proportional to its own size, not the group's.
  // A stream's earlier tip (nullopt: it was not in the map), newest last.
  std::vector<std::pair<std::string, std::optional<StreamTip>>> undo_streams;
  // Request ids added (a staged id is never overwritten: a repeat is
  // deduplicated or refused before it is staged).
  std::vector<std::string> undo_requests;
};

}  // namespace ledger::log

#endif  // LEDGER_LOG_COMMIT_STATE_H_
