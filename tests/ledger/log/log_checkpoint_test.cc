// Checkpoints stored by the log, and the open-time check that the newest
// one still describes a prefix of the log (rollback detection).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/protobuf/wrappers.pb.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/log.h"
#include "ledger/log/rocks_db.h"
#include "ledger/log/storage_format.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::log {
namespace {

using ::testing::HasSubstr;

class LogCheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto signer = NoteSigner::Generate("ledger.example/compacts");
    ASSERT_THAT(signer, IsOk());
    signer_ = std::make_unique<NoteSigner>(*signer);
    log_ = OpenLog();
    for (int i = 0; i < 10; ++i) {
      google::protobuf::StringValue v;
      v.set_value(std::to_string(i));
      AppendRequest r;
      r.stream = "s";
      r.payload.PackFrom(v);
      ASSERT_THAT(log_->Append(r), IsOk());
    }
  }
  std::unique_ptr<Log> OpenLog() {
    LogOptions options;
    options.path = dir_.Sub("db");
    auto log = Log::Open(options);
    EXPECT_THAT(log, IsOk());
    return log.ok() ? *std::move(log) : nullptr;
  }
  std::string Sign(uint64_t size, const Hash& root) {
    auto note = SignCheckpoint("ledger.example/compacts", TreeHead{size, root}, *signer_);
    EXPECT_THAT(note, IsOk());
    return note.value_or("");
  }

  testing::TempDir dir_;
  std::unique_ptr<NoteSigner> signer_;
  std::unique_ptr<Log> log_;
};

TEST_F(LogCheckpointTest, StoresAndReturnsCheckpointsBySize) {
  const std::string at5 = Sign(5, *log_->RootAt(5));
  const std::string at10 = Sign(10, log_->Head().root);
  ASSERT_THAT(log_->PutCheckpoint(at10), IsOk());
  ASSERT_THAT(log_->PutCheckpoint(at5), IsOk());
  EXPECT_EQ(**log_->GetCheckpoint(5), at5);
  EXPECT_EQ(**log_->LatestCheckpoint(), at10);
  std::vector<uint64_t> sizes;
  ASSERT_THAT(log_->ForEachCheckpoint([&](uint64_t size, const std::string&) {
                     sizes.push_back(size);
                     return Visit::kContinue;
                   }), IsOk());
  EXPECT_EQ(sizes, (std::vector<uint64_t>{5, 10}));
  // Stopping ends the loop with OK; an error ends it with the error.
  sizes.clear();
  ASSERT_THAT(log_->ForEachCheckpoint([&](uint64_t size, const std::string&) {
                     sizes.push_back(size);
                     return Visit::kStop;
                   }), IsOk());
  EXPECT_EQ(sizes, (std::vector<uint64_t>{5}));
  EXPECT_EQ(log_->ForEachCheckpoint([](uint64_t, const std::string&) -> absl::StatusOr<Visit> {
                  return absl::CancelledError("enough");
                }).code(),
            absl::StatusCode::kCancelled);
  // Storing the same note again is a no-op.
  EXPECT_THAT(log_->PutCheckpoint(at10), IsOk());
}

TEST_F(LogCheckpointTest, CheckpointsAroundASizeAreTheNearestStoredAndTheNewest) {
  auto none = log_->CheckpointsAround(7);
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->below.has_value() || none->above.has_value() || none->newest.has_value());
  for (uint64_t size : {3, 5, 9}) {
    ASSERT_THAT(log_->PutCheckpoint(Sign(size, *log_->RootAt(size))), IsOk());
  }
  auto around = log_->CheckpointsAround(7);
  ASSERT_THAT(around, IsOk());
  EXPECT_EQ(around->below, 5u);
  EXPECT_EQ(around->above, 9u);
  EXPECT_EQ(around->newest, 9u);
  // A stored size is neither below nor above itself.
  around = log_->CheckpointsAround(5);
  ASSERT_THAT(around, IsOk());
  EXPECT_EQ(around->below, 3u);
  EXPECT_EQ(around->above, 9u);
  around = log_->CheckpointsAround(2);
  ASSERT_THAT(around, IsOk());
  EXPECT_FALSE(around->below.has_value());
  EXPECT_EQ(around->above, 3u);
  around = log_->CheckpointsAround(100);
  ASSERT_THAT(around, IsOk());
  EXPECT_EQ(around->below, 9u);
  EXPECT_FALSE(around->above.has_value());
}

TEST_F(LogCheckpointTest, RefusesCheckpointsThatDoNotMatchTheLog) {
  EXPECT_EQ(log_->PutCheckpoint(Sign(11, log_->Head().root)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->PutCheckpoint(Sign(10, *log_->RootAt(9))).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->PutCheckpoint("not a note").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(log_->LatestCheckpoint()->has_value());
}

TEST_F(LogCheckpointTest, AnotherNoteForAStoredSizeIsAlreadyExists) {
  ASSERT_THAT(log_->PutCheckpoint(Sign(10, log_->Head().root)), IsOk());
  auto other = NoteSigner::Generate("someone.else");
  ASSERT_THAT(other, IsOk());
  auto note = SignCheckpoint("ledger.example/compacts", log_->Head(), *other);
  ASSERT_THAT(note, IsOk());
  EXPECT_EQ(log_->PutCheckpoint(*note).code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(LogCheckpointTest, OpenRefusesALogRolledBackBehindItsCheckpoint) {
  ASSERT_THAT(log_->PutCheckpoint(Sign(10, log_->Head().root)), IsOk());
  const Hash root5 = *log_->RootAt(5);
  log_.reset();
  {
    // Roll the log back to 5 entries consistently: entries, leaves, size and
    // root all agree, so only the published checkpoint gives it away.
    auto db = RocksDb::Open(dir_.Sub("db"), RocksDb::Mode::kMustExist);
    ASSERT_THAT(db, IsOk());
    RocksDb::Batch batch(**db);
    for (uint64_t s = 5; s < 10; ++s) batch.Delete(Family::kEntries, format::EntryKey(s));
    batch.Put(Family::kMeta, format::kTreeSizeKey, format::EncodeUint64(5));
    batch.Put(Family::kMeta, format::kRootKey, HashBytes(root5));
    ASSERT_THAT((*db)->Write(batch, true), IsOk());
  }
  LogOptions options;
  options.path = dir_.Sub("db");
  auto log = Log::Open(options);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(log.status().message()), HasSubstr("commits to 10 entries"));
}

}  // namespace
}  // namespace ledger::log
