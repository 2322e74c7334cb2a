// Durability under power cuts. The log runs on FaultFs
// (tests/testing/fault_fs.h), which keeps track of what has been synced;
// recorder threads append through AppendBatch and AppendBatchAsync (the
// path AppendStream uses) and remember every acknowledgement; at a random
// number of acknowledged entries the power goes off, FaultFs throws away
// everything not synced, and the log is reopened. Then every acknowledged
// entry must be there with the acknowledged leaf hash (the SHA-256 of its
// exact bytes) and payload, no batch may be partly there, and the whole log
// must verify.
//
// With LogOptions::sync off the same scenario must lose acknowledged
// entries: that test shows the check would catch a missing fsync (which a
// kill -9 test cannot: the page cache survives the process).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "google/protobuf/wrappers.pb.h"
#include "ledger/log/log.h"
#include "ledger/log/verify.h"
#include "tests/testing/fault_fs.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

using ::ledger::testing::IsOk;

namespace ledger::log {
namespace {

using ::ledger::testing::FaultFs;

// Far beyond what a healthy run takes: only a hang reaches it.
constexpr auto kHangDeadline = std::chrono::minutes(2);

struct Batch {
  std::vector<AppendRequest> requests;
  // Set once the log acknowledged the batch.
  std::optional<std::vector<AppendResult>> acked;
};

// What a reopened log says about the batches appended before the cut.
struct Findings {
  uint64_t acknowledged_entries = 0;
  // Acknowledged entries missing, or stored with other bytes.
  uint64_t lost = 0;
  // Batches of which some but not all requests are in the log.
  uint64_t partial_batches = 0;
  bool verified = false;
  std::string first_problem;
};

class PowerCutTest : public ::testing::Test {
 protected:
  LogOptions Options(bool sync) {
    fs_ = std::make_shared<FaultFs>();
    LogOptions options;
    options.path = dir_.Sub("db");
    options.sync = sync;
    options.env = FaultFs::NewEnv(fs_);
    return options;
  }

  Batch MakeBatch(const std::string& id, std::mt19937_64& random) {
    Batch batch;
    batch.requests.resize(1 + random() % 4);
    for (size_t j = 0; j < batch.requests.size(); ++j) {
      AppendRequest& request = batch.requests[j];
      google::protobuf::StringValue value;
      value.set_value(std::string(random() % 300, static_cast<char>('a' + random() % 26)) + id);
      request.stream = "compact/c" + std::to_string(random() % 5);
      request.request_id = id + "-" + std::to_string(j);
      request.actor = "recorder";
      request.payload.PackFrom(value);
    }
    return batch;
  }

  // Appends from three unary threads and one asynchronous producer until
  // `target` entries are acknowledged, cuts the power, closes the log and
  // drops what was not synced. Returns the batches submitted.
  std::vector<Batch> AppendThenCutPower(const LogOptions& options, uint64_t target,
                                        uint64_t seed, int round) {
    auto log = Log::Open(options);
    EXPECT_THAT(log, IsOk());
    if (!log.ok()) return {};
    std::mutex mu;
    std::condition_variable changed;
    std::vector<Batch> batches;     // guarded by mu
    uint64_t acked_entries = 0;     // guarded by mu
    int in_flight = 0;              // guarded by mu
    bool stop = false;              // guarded by mu
    auto submit = [&](std::mt19937_64& random, const std::string& id) -> std::optional<size_t> {
      std::lock_guard<std::mutex> lock(mu);
      if (stop) return std::nullopt;
      batches.push_back(MakeBatch(id, random));
      return batches.size() - 1;
    };
    auto acknowledge = [&](size_t index, const absl::StatusOr<std::vector<AppendResult>>& r) {
      std::lock_guard<std::mutex> lock(mu);
      if (r.ok()) {
        batches[index].acked = *r;
        acked_entries += r->size();
      }
      changed.notify_all();
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937_64 random(seed + t);
        for (int i = 0;; ++i) {
          const std::string id = "r" + std::to_string(round) + "-u" + std::to_string(t) + "-" +
                                 std::to_string(i);
          const auto index = submit(random, id);
          if (!index.has_value()) return;
          std::vector<AppendRequest> requests;
          {
            std::lock_guard<std::mutex> lock(mu);
            requests = batches[*index].requests;
          }
          const auto result = (*log)->AppendBatch(requests);
          acknowledge(*index, result);
          if (!result.ok()) return;  // the power is off
        }
      });
    }
    threads.emplace_back([&] {
      std::mt19937_64 random(seed + 100);
      for (int i = 0;; ++i) {
        {
          std::unique_lock<std::mutex> lock(mu);
          changed.wait(lock, [&] { return stop || in_flight < 16; });
          if (stop) return;
          ++in_flight;
        }
        const auto index = submit(random, "r" + std::to_string(round) + "-a-" + std::to_string(i));
        if (!index.has_value()) {
          std::lock_guard<std::mutex> lock(mu);
          --in_flight;
          changed.notify_all();
          return;
        }
        std::vector<AppendRequest> requests;
        {
          std::lock_guard<std::mutex> lock(mu);
          requests = batches[*index].requests;
        }
        (*log)->AppendBatchAsync(std::move(requests), nullptr, [&, index = *index](auto result) {
          acknowledge(index, result);
          std::lock_guard<std::mutex> lock(mu);
          --in_flight;
          changed.notify_all();
        });
      }
    });
    {
      std::unique_lock<std::mutex> lock(mu);
      EXPECT_TRUE(changed.wait_for(lock, kHangDeadline, [&] { return acked_entries >= target; }))
          << "only " << acked_entries << " of " << target << " entries acknowledged";
    }
    fs_->CutPower();
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
      changed.notify_all();
    }
    for (auto& thread : threads) thread.join();
    log->reset();  // every queued batch is answered (refused: the power is off)
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(in_flight, 0);
    fs_->DropUnsyncedData();
    return batches;
  }

  // Reopens the log and checks `batches` against it.
  Findings Check(const LogOptions& options, const std::vector<Batch>& batches) {
    Findings findings;
    auto problem = [&](const std::string& what) {
      if (findings.first_problem.empty()) findings.first_problem = what;
    };
    {
      auto log = Log::Open(options);
      if (!log.ok()) {
        problem("reopening: " + std::string(log.status().ToString()));
        return findings;
      }
      for (const Batch& batch : batches) {
        size_t present = 0;
        for (size_t j = 0; j < batch.requests.size(); ++j) {
          const AppendRequest& request = batch.requests[j];
          auto found = (*log)->FindRequest(request);
          if (found.ok() && found->has_value()) ++present;
          if (!batch.acked.has_value()) continue;
          ++findings.acknowledged_entries;
          const AppendResult& acked = (*batch.acked)[j];
          auto entry = (*log)->GetEntry(acked.sequence);
          if (!entry.ok() || entry->leaf_hash != acked.leaf_hash ||
              entry->entry.payload().SerializeAsString() != request.payload.SerializeAsString() ||
              entry->entry.request_id() != request.request_id) {
            ++findings.lost;
            problem("acknowledged entry " + std::to_string(acked.sequence) + " (" +
                    request.request_id + ") is " +
                    (entry.ok() ? "different" : "missing: " + entry.status().ToString()));
          }
        }
        if (present != 0 && present != batch.requests.size()) {
          ++findings.partial_batches;
          problem("batch of " + batch.requests.front().request_id + " is partly present");
        }
      }
    }
    auto report = VerifyLogAt(options.path);
    findings.verified = report.ok() && report->ok();
    if (!findings.verified) {
      problem("verify: " + (report.ok() ? report->message : report.status().ToString()));
    }
    return findings;
  }

  ::ledger::testing::TempDir dir_;
  std::shared_ptr<FaultFs> fs_;
};

TEST_F(PowerCutTest, EveryAcknowledgedAppendSurvivesPowerCuts) {
  const uint64_t seed = std::random_device()();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 random(seed);
  std::vector<Batch> all;
  for (int round = 0; round < 4; ++round) {
    const uint64_t target = 1 + random() % 400;
    SCOPED_TRACE("round " + std::to_string(round) + ", cut after " + std::to_string(target) +
                 " acknowledged entries");
    auto batches = AppendThenCutPower(Options(/*sync=*/true), target, random(), round);
    EXPECT_GT(fs_->wal_syncs(), 0u);
    std::move(batches.begin(), batches.end(), std::back_inserter(all));
    const Findings findings = Check(Options(/*sync=*/true), all);
    EXPECT_GE(findings.acknowledged_entries, target);
    EXPECT_EQ(findings.lost, 0u) << findings.first_problem;
    EXPECT_EQ(findings.partial_batches, 0u) << findings.first_problem;
    EXPECT_TRUE(findings.verified) << findings.first_problem;
    if (HasFailure()) return;
  }
}

// The detector works: without fsync, a power cut loses acknowledged
// entries, and the check above sees it.
TEST_F(PowerCutTest, PowerCutLosesAcknowledgedAppendsWhenSyncIsOff) {
  const uint64_t seed = std::random_device()();
  SCOPED_TRACE("seed " + std::to_string(seed));
  // The first round creates the log; the second appends to it unsynced.
  std::vector<Batch> all;
  for (int round = 0; round < 2; ++round) {
    auto batches = AppendThenCutPower(Options(/*sync=*/round == 0), 50, seed + round, round);
    std::move(batches.begin(), batches.end(), std::back_inserter(all));
  }
  EXPECT_EQ(fs_->wal_syncs(), 0u);
  const Findings findings = Check(Options(/*sync=*/true), all);
  EXPECT_GE(findings.acknowledged_entries, 100u);
  EXPECT_GT(findings.lost, 0u) << "a power cut lost nothing although nothing was synced";
  EXPECT_EQ(findings.partial_batches, 0u) << findings.first_problem;
  EXPECT_TRUE(findings.verified) << findings.first_problem;
}

}  // namespace
}  // namespace ledger::log
