// Tamper tests: change the stored log behind the library's back, the way an
// attacker or a broken disk would, and check that verification names the
// right sequence and the right problem, and that Open refuses the log.
#include "ledger/log/verify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include "google/protobuf/wrappers.pb.h"
#include "ledger/base/next_step.h"
#include "ledger/log/compact_range.h"
#include "ledger/log/log.h"
#include "ledger/log/rocks_db.h"
#include "ledger/log/storage_format.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::log {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kEntries = 100;

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LogOptions options;
    options.path = path();
    auto log = Log::Open(options);
    ASSERT_THAT(log, IsOk());
    std::vector<AppendRequest> batch;
    for (uint64_t i = 0; i < kEntries; ++i) {
      google::protobuf::StringValue value;
      value.set_value("decision number " + std::to_string(i));
      AppendRequest r;
      r.stream = "compact/c" + std::to_string(i % 5);
      r.actor = "tester";
      r.payload.PackFrom(value);
      // Several batches, so the log is built the way it is in use.
      batch.push_back(r);
      if (batch.size() == 7 || i + 1 == kEntries) {
        ASSERT_THAT((*log)->AppendBatch(batch), IsOk());
        batch.clear();
      }
    }
  }

  std::string path() const { return dir_.Sub("db"); }

  // Runs `edit` on the raw database, with the log closed.
  void Tamper(const std::function<void(RocksDb&)>& edit) {
    auto db = RocksDb::Open(path(), RocksDb::Mode::kMustExist);
    ASSERT_THAT(db, IsOk());
    edit(**db);
  }

  std::string RawEntry(RocksDb& db, uint64_t sequence) {
    std::string value;
    EXPECT_THAT(db.db()->Get({}, db.entries(), format::EntryKey(sequence), &value), IsOk());
    return value;
  }

  void ExpectProblem(Problem problem, uint64_t sequence) {
    auto report = VerifyLogAt(path());
    ASSERT_THAT(report, IsOk());
    EXPECT_EQ(report->problem, problem) << ProblemName(report->problem) << ": "
                                        << report->message;
    EXPECT_EQ(report->sequence, sequence) << report->message;
    // The open-time tail check covers only the newest entries; a log is
    // refused when the problem is inside that window or in the metadata.
    LogOptions options;
    options.path = path();
    options.tail_entries_checked_on_open = kEntries;
    auto log = Log::Open(options);
    EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(std::string(log.status().message()),
                HasSubstr("sequence " + std::to_string(sequence)));
  }

  testing::TempDir dir_;
};

TEST_F(VerifyTest, GoodLogVerifies) {
  auto report = VerifyLogAt(path());
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->message;
  EXPECT_EQ(report->entries_checked, kEntries);
  EXPECT_EQ(report->tree_size, kEntries);
}

TEST_F(VerifyTest, FlippedByteIsLeafMismatchAtThatEntry) {
  Tamper([&](RocksDb& db) {
    std::string bytes = RawEntry(db, 42);
    // The last byte lies in the payload's text: still parses, hashes anew.
    bytes.back() ^= 0x01;
    ASSERT_THAT(db.db()->Put({}, db.entries(), format::EntryKey(42), bytes), IsOk());
  });
  ExpectProblem(Problem::kLeafMismatch, 42);
}

TEST_F(VerifyTest, EveryFlippedByteOfOneEntryIsCaughtAtThatEntry) {
  std::string original;
  Tamper([&](RocksDb& db) { original = RawEntry(db, 17); });
  for (size_t i = 0; i < original.size(); ++i) {
    Tamper([&](RocksDb& db) {
      std::string bytes = original;
      bytes[i] ^= 0x20;
      ASSERT_THAT(db.db()->Put({}, db.entries(), format::EntryKey(17), bytes), IsOk());
    });
    auto report = VerifyLogAt(path());
    ASSERT_THAT(report, IsOk());
    EXPECT_FALSE(report->ok()) << "byte " << i;
    EXPECT_EQ(report->sequence, 17u) << "byte " << i << ": " << report->message;
  }
}

TEST_F(VerifyTest, DeletedEntryIsAGap) {
  Tamper([&](RocksDb& db) {
    ASSERT_THAT(db.db()->Delete({}, db.entries(), format::EntryKey(60)), IsOk());
  });
  ExpectProblem(Problem::kMissingEntry, 60);
}

TEST_F(VerifyTest, SwappedEntriesAreReordered) {
  Tamper([&](RocksDb& db) {
    const std::string a = RawEntry(db, 30);
    const std::string b = RawEntry(db, 31);
    ASSERT_THAT(db.db()->Put({}, db.entries(), format::EntryKey(30), b), IsOk());
    ASSERT_THAT(db.db()->Put({}, db.entries(), format::EntryKey(31), a), IsOk());
  });
  ExpectProblem(Problem::kReorderedEntry, 30);
}

TEST_F(VerifyTest, TruncatedTailNamesFirstMissingEntry) {
  Tamper([&](RocksDb& db) {
    for (uint64_t s = 95; s < kEntries; ++s) {
      ASSERT_THAT(db.db()->Delete({}, db.entries(), format::EntryKey(s)), IsOk());
    }
  });
  ExpectProblem(Problem::kTruncatedTail, 95);
}

TEST_F(VerifyTest, TruncatedTailBeforeTheOpenWindowIsStillRefused) {
  Tamper([&](RocksDb& db) {
    for (uint64_t s = 10; s < kEntries; ++s) {
      ASSERT_THAT(db.db()->Delete({}, db.entries(), format::EntryKey(s)), IsOk());
    }
  });
  LogOptions options;
  options.path = path();
  options.tail_entries_checked_on_open = 4;
  auto log = Log::Open(options);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(log.status().message()), HasSubstr("sequence 10"));
}

TEST_F(VerifyTest, RewrittenEntryWithRecomputedLeafIsCaughtByTheTree) {
  // An attacker who rewrites entry 50 and its stored leaf hash still
  // disagrees with the interior node over entries 50-51 (and with entry
  // 51's previous-hash link); the report names entry 50.
  Tamper([&](RocksDb& db) {
    ledger::v1::Entry entry;
    ASSERT_TRUE(entry.ParseFromString(RawEntry(db, 50)));
    entry.set_actor("someone else");
    const std::string bytes = entry.SerializeAsString();
    ASSERT_THAT(db.db()->Put({}, db.entries(), format::EntryKey(50), bytes), IsOk());
    ASSERT_THAT(db.db()->Put({}, db.merkle(), format::NodeKey(0, 50),
                             HashBytes(LeafHash(bytes))), IsOk());
  });
  auto report = VerifyLogAt(path());
  ASSERT_THAT(report, IsOk());
  // Entry 50 now disagrees with the interior node above it.
  EXPECT_EQ(report->problem, Problem::kNodeMismatch) << report->message;
  EXPECT_EQ(report->sequence, 50u);
}

TEST_F(VerifyTest, RewrittenEntryWithRebuiltTreeIsCaughtByTheChain) {
  // A more thorough attacker rewrites entry 50's link and rebuilds every
  // Merkle node and the committed root; only the hash chain still notices.
  // (Signed checkpoints held by auditors catch even a rebuilt chain.)
  Tamper([&](RocksDb& db) {
    ledger::v1::Entry entry;
    ASSERT_TRUE(entry.ParseFromString(RawEntry(db, 50)));
    entry.set_previous_hash(std::string(32, '\x07'));
    ASSERT_THAT(db.db()->Put({}, db.entries(), format::EntryKey(50),
                             entry.SerializeAsString()), IsOk());
    CompactRange range;
    for (uint64_t s = 0; s < kEntries; ++s) {
      range.Append(LeafHash(RawEntry(db, s)), [&](const CompactRange::NewNode& n) {
        ASSERT_THAT(db.db()->Put({}, db.merkle(), format::NodeKey(n.level, n.index),
                                 HashBytes(n.hash)), IsOk());
      });
    }
    ASSERT_THAT(db.db()->Put({}, db.meta(), format::kRootKey, HashBytes(range.Root())), IsOk());
  });
  ExpectProblem(Problem::kWrongPreviousHash, 50);
}

TEST_F(VerifyTest, ExtraEntryBeyondTreeSizeIsReported) {
  Tamper([&](RocksDb& db) {
    ASSERT_THAT(db.db()->Put({}, db.entries(), format::EntryKey(kEntries), "junk"), IsOk());
  });
  ExpectProblem(Problem::kExtraEntry, kEntries);
}

TEST_F(VerifyTest, ChangedRootIsRootMismatch) {
  Tamper([&](RocksDb& db) {
    ASSERT_THAT(db.db()->Put({}, db.meta(), format::kRootKey, std::string(32, 'x')), IsOk());
  });
  ExpectProblem(Problem::kRootMismatch, kEntries);
}

TEST_F(VerifyTest, UnparseableEntryIsReported) {
  Tamper([&](RocksDb& db) {
    ASSERT_THAT(db.db()->Put({}, db.entries(), format::EntryKey(3), "\xff\xff\xff"), IsOk());
  });
  auto report = VerifyLogAt(path());
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->problem, Problem::kUnreadableEntry);
  EXPECT_EQ(report->sequence, 3u);
}

TEST(VerifyOpenTest, MissingDatabaseIsNotFound) {
  testing::TempDir dir;
  EXPECT_EQ(VerifyLogAt(dir.Sub("nothing")).status().code(), absl::StatusCode::kNotFound);
}

TEST(VerifyOpenTest, ForeignRocksDbIsRefusedAndLeftUnchanged) {
  testing::TempDir dir;
  {
    rocksdb::DB* raw = nullptr;
    rocksdb::Options options;
    options.create_if_missing = true;
    ASSERT_THAT(rocksdb::DB::Open(options, dir.Sub("other"), &raw), IsOk());
    delete raw;
  }
  LogOptions options;
  options.path = dir.Sub("other");
  const absl::Status refused = Log::Open(options).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(NextStepOf(refused), NextStep::kOtherDatabase);
  std::vector<std::string> families;
  ASSERT_THAT(rocksdb::DB::ListColumnFamilies({}, dir.Sub("other"), &families), IsOk());
  EXPECT_EQ(families.size(), 1u);
}

}  // namespace
}  // namespace ledger::log
