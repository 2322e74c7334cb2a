// The log when its disk fails: a full disk (ENOSPC) or an I/O error (EIO)
// on a write-ahead log append or sync, injected by FaultFs. Nothing is
// acknowledged, callers get UNAVAILABLE saying what to do, the log keeps
// refusing appends until it is reopened (RocksDB 7.8 keeps the error), and
// after a reopen the log verifies and a retry with the same request id
// finds the batch exactly once.
#include <memory>
#include <string>
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

AppendRequest Request(const std::string& id) {
  AppendRequest request;
  google::protobuf::StringValue value;
  value.set_value("payload of " + id);
  request.stream = "compact/c";
  request.request_id = id;
  request.payload.PackFrom(value);
  return request;
}

class WriteFailureTest : public ::testing::Test {
 protected:
  std::unique_ptr<Log> Open() {
    fs_ = std::make_shared<FaultFs>();
    LogOptions options;
    options.path = dir_.Sub("db");
    options.env = FaultFs::NewEnv(fs_);
    auto log = Log::Open(options);
    EXPECT_THAT(log, IsOk());
    return log.ok() ? std::move(*log) : nullptr;
  }

  void ExpectVerifies(uint64_t size) {
    auto report = VerifyLogAt(dir_.Sub("db"));
    ASSERT_THAT(report, IsOk());
    EXPECT_TRUE(report->ok()) << report->message;
    EXPECT_EQ(report->tree_size, size);
  }

  ::ledger::testing::TempDir dir_;
  std::shared_ptr<FaultFs> fs_;
};

TEST_F(WriteFailureTest, FullDiskOnWalAppendAcknowledgesNothingAndSaysWhatToDo) {
  auto log = Open();
  ASSERT_NE(log, nullptr);
  ASSERT_THAT(log->Append(Request("first")), IsOk());
  fs_->InjectError(FaultFs::Op::kWalAppend, rocksdb::IOStatus::NoSpace("injected ENOSPC"));
  auto failed = log->Append(Request("second"));
  ASSERT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
  EXPECT_NE(failed.status().message().find("disk is full"), std::string::npos)
      << failed.status();
  EXPECT_NE(failed.status().message().find("restart"), std::string::npos) << failed.status();
  EXPECT_EQ(log->Size(), 1u);
  EXPECT_GT(fs_->injected_failures(), 0u);

  // RocksDB keeps the error: the fault is gone, appends are still refused.
  fs_->ClearErrors();
  auto still = log->Append(Request("third"));
  EXPECT_EQ(still.status().code(), absl::StatusCode::kUnavailable) << still.status();
  EXPECT_EQ(log->Size(), 1u);

  log.reset();
  log = Open();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->Size(), 1u);
  auto retried = log->Append(Request("second"));
  ASSERT_THAT(retried, IsOk());
  EXPECT_FALSE(retried->deduplicated);
  EXPECT_EQ(retried->sequence, 1u);
  auto again = log->Append(Request("second"));
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->deduplicated);
  EXPECT_EQ(again->sequence, 1u);
  log.reset();
  ExpectVerifies(2);
}

// RocksDB 7.8 pinned: a batch whose WAL sync failed was written to the
// file; once the process restarts without a power cut, RocksDB replays it
// and the unacknowledged batch is in the log. Its request id makes the
// caller's retry find it instead of appending it twice.
TEST_F(WriteFailureTest, BatchWhoseSyncFailedReappearsAtRestartAndItsRetryFindsIt) {
  auto log = Open();
  ASSERT_NE(log, nullptr);
  ASSERT_THAT(log->Append(Request("first")), IsOk());
  fs_->InjectError(FaultFs::Op::kWalSync, rocksdb::IOStatus::IOError("injected EIO"));
  auto failed = log->AppendBatch({Request("second-a"), Request("second-b")});
  ASSERT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
  EXPECT_NE(failed.status().message().find("I/O error"), std::string::npos) << failed.status();
  EXPECT_EQ(log->Size(), 1u);
  log.reset();

  log = Open();  // no power cut: the written but unsynced batch is read back
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->Size(), 3u);
  auto retried = log->AppendBatch({Request("second-a"), Request("second-b")});
  ASSERT_THAT(retried, IsOk());
  EXPECT_TRUE((*retried)[0].deduplicated);
  EXPECT_TRUE((*retried)[1].deduplicated);
  EXPECT_EQ((*retried)[0].sequence, 1u);
  EXPECT_EQ((*retried)[1].sequence, 2u);
  EXPECT_EQ(log->Size(), 3u);
  log.reset();
  ExpectVerifies(3);
}

// The same failed sync followed by a power cut: the batch is gone, and the
// retry appends it once.
TEST_F(WriteFailureTest, BatchWhoseSyncFailedIsGoneAfterPowerCutAndItsRetryAppendsIt) {
  auto log = Open();
  ASSERT_NE(log, nullptr);
  ASSERT_THAT(log->Append(Request("first")), IsOk());
  fs_->InjectError(FaultFs::Op::kWalSync, rocksdb::IOStatus::IOError("injected EIO"));
  auto failed = log->Append(Request("second"));
  ASSERT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
  fs_->CutPower();
  log.reset();
  fs_->DropUnsyncedData();

  log = Open();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->Size(), 1u);
  auto retried = log->Append(Request("second"));
  ASSERT_THAT(retried, IsOk());
  EXPECT_FALSE(retried->deduplicated);
  EXPECT_EQ(retried->sequence, 1u);
  log.reset();
  ExpectVerifies(2);
}

}  // namespace
}  // namespace ledger::log
