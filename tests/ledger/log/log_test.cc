#include "ledger/log/log.h"
#include "ledger/log/storage_format.h"

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/wrappers.pb.h"
#include "ledger/log/proof_verify.h"
#include "ledger/log/rocks_db.h"
#include "ledger/log/verify.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::StatusIs;

namespace ledger::log {
namespace {

using ::testing::HasSubstr;

google::protobuf::Any Payload(const std::string& text) {
  google::protobuf::StringValue value;
  value.set_value(text);
  google::protobuf::Any any;
  any.PackFrom(value);
  return any;
}

AppendRequest Request(const std::string& stream, const std::string& text,
                      ExpectedVersion expected = ExpectedVersion::Any(),
                      const std::string& request_id = "") {
  AppendRequest r;
  r.stream = stream;
  r.expected = expected;
  r.request_id = request_id;
  r.actor = "test";
  r.payload = Payload(text);
  return r;
}

class LogTest : public ::testing::Test {
 protected:
  std::unique_ptr<Log> OpenLog() {
    LogOptions options;
    options.path = dir_.Sub("db");
    auto log = Log::Open(options);
    EXPECT_THAT(log, IsOk());
    return log.ok() ? *std::move(log) : nullptr;
  }
  testing::TempDir dir_;
};

TEST_F(LogTest, EmptyLogHasEmptyRoot) {
  auto log = OpenLog();
  EXPECT_EQ(log->Size(), 0u);
  EXPECT_EQ(log->Head().root, EmptyTreeRoot());
}

TEST_F(LogTest, AppendLinksPreviousHash) {
  auto log = OpenLog();
  auto a = log->Append(Request("s/a", "one"));
  auto b = log->Append(Request("s/a", "two"));
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->sequence, 0u);
  EXPECT_EQ(b->sequence, 1u);
  auto first = log->GetEntry(0);
  auto second = log->GetEntry(1);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(first->entry.previous_hash(), std::string(32, '\0'));
  EXPECT_EQ(second->entry.previous_hash(), HashBytes(first->leaf_hash));
  EXPECT_EQ(second->leaf_hash, LeafHash(second->bytes));
  EXPECT_EQ(b->leaf_hash, second->leaf_hash);
}

TEST_F(LogTest, StreamVersionsAreDenseAndPerStream) {
  auto log = OpenLog();
  ASSERT_THAT(log->Append(Request("s/a", "1")), IsOk());
  ASSERT_THAT(log->Append(Request("s/b", "2")), IsOk());
  auto third = log->Append(Request("s/a", "3"));
  ASSERT_THAT(third, IsOk());
  EXPECT_EQ(third->stream_version, 2u);
  EXPECT_EQ(*log->StreamVersion("s/a"), 2u);
  EXPECT_EQ(*log->StreamVersion("s/b"), 1u);
  EXPECT_EQ(*log->StreamVersion("s"), 0u);
  EXPECT_EQ(*log->StreamVersion("s/a/x"), 0u);
  auto entries = log->ReadStream("s/a", 1, 10);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].sequence, 0u);
  EXPECT_EQ((*entries)[1].sequence, 2u);
  EXPECT_EQ(log->ReadStream("s/a", 2, 10)->size(), 1u);
  EXPECT_TRUE(log->ReadStream("nope", 1, 10)->empty());
}

TEST_F(LogTest, ExpectedVersionConflictIsAbortedWithActualVersion) {
  auto log = OpenLog();
  ASSERT_THAT(log->Append(Request("s/a", "1", ExpectedVersion::NoStream())), IsOk());
  auto again = log->Append(Request("s/a", "2", ExpectedVersion::NoStream()));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(again.status().message()), HasSubstr("version 1"));
  auto stale = log->Append(Request("s/a", "2", ExpectedVersion::Exact(3)));
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(log->Append(Request("s/a", "2", ExpectedVersion::Exact(1))), IsOk());
  EXPECT_EQ(log->Size(), 2u);
}

TEST_F(LogTest, RetryWithSameRequestIdReturnsFirstResult) {
  auto log = OpenLog();
  auto first = log->Append(Request("s/a", "x", ExpectedVersion::NoStream(), "req-1"));
  ASSERT_THAT(first, IsOk());
  auto retry = log->Append(Request("s/a", "x", ExpectedVersion::NoStream(), "req-1"));
  ASSERT_THAT(retry, IsOk());
  EXPECT_TRUE(retry->deduplicated);
  EXPECT_EQ(retry->sequence, first->sequence);
  EXPECT_EQ(retry->leaf_hash, first->leaf_hash);
  EXPECT_EQ(first->stream, "s/a");
  EXPECT_EQ(retry->stream, "s/a");
  EXPECT_EQ(log->Size(), 1u);
}

TEST_F(LogTest, RequestIdsAreFoundInTableFilesAsInTheMemtable) {
  // Once flushed from the memtable, request ids are looked up in the table
  // files (through their bloom filters): retries must still be recognised.
  std::vector<AppendResult> first;
  {
    auto log = OpenLog();
    for (int i = 0; i < 50; ++i) {
      auto r = log->Append(Request("s/a", absl::StrCat("x", i), ExpectedVersion::Any(),
                                   absl::StrCat("req-", i, std::string(i, 'z'))));
      ASSERT_THAT(r, IsOk());
      first.push_back(*r);
    }
  }
  {
    auto db = RocksDb::Open(dir_.Sub("db"), RocksDb::Mode::kMustExist);
    ASSERT_THAT(db, IsOk());
    ASSERT_THAT((*db)->db()->Flush(rocksdb::FlushOptions(), (*db)->requests()), IsOk());
  }
  auto log = OpenLog();
  for (int i = 0; i < 50; ++i) {
    const std::string id = absl::StrCat("req-", i, std::string(i, 'z'));
    auto retry = log->Append(Request("s/a", absl::StrCat("x", i), ExpectedVersion::Any(), id));
    ASSERT_THAT(retry, IsOk());
    EXPECT_TRUE(retry->deduplicated);
    EXPECT_EQ(retry->sequence, first[i].sequence);
    EXPECT_EQ(log->Append(Request("s/a", "other", ExpectedVersion::Any(), id)).status().code(),
              absl::StatusCode::kAlreadyExists);
  }
  EXPECT_THAT(log->Append(Request("s/a", "new", ExpectedVersion::Any(), "req-new")), IsOk());
  EXPECT_EQ(log->Size(), 51u);
}

TEST_F(LogTest, SameRequestIdWithDifferentPayloadIsAlreadyExists) {
  auto log = OpenLog();
  ASSERT_THAT(log->Append(Request("s/a", "x", ExpectedVersion::Any(), "req-1")), IsOk());
  auto other = log->Append(Request("s/a", "y", ExpectedVersion::Any(), "req-1"));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(log->Size(), 1u);
}

TEST_F(LogTest, FailedBatchAppendsNothing) {
  auto log = OpenLog();
  ASSERT_THAT(log->Append(Request("s/a", "1")), IsOk());
  const TreeHead before = log->Head();
  auto result = log->AppendBatch({Request("s/b", "2"), Request("s/c", "3"),
                                  Request("s/a", "4", ExpectedVersion::NoStream())});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("request 3 of 3"));
  EXPECT_EQ(log->Head().tree_size, before.tree_size);
  EXPECT_EQ(log->Head().root, before.root);
  EXPECT_EQ(*log->StreamVersion("s/b"), 0u);
}

TEST_F(LogTest, EntriesAboveTheTilesLimitAreRefusedAndNothingIsAppended) {
  auto log = OpenLog();
  // 60 KiB of payload makes an entry under 65,535 bytes.
  auto fits = log->Append(Request("s/a", std::string(60 << 10, 'x')));
  ASSERT_THAT(fits, IsOk());
  EXPECT_LE(log->GetEntry(fits->sequence)->bytes.size(), format::kMaxEntryBytes);
  const TreeHead before = log->Head();
  for (size_t payload : {size_t{65'535}, size_t{65'536}, size_t{1} << 20}) {
    auto refused = log->AppendBatch({Request("s/b", "small"),
                                     Request("s/b", std::string(payload, 'y'))});
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << payload;
    EXPECT_THAT(std::string(refused.status().message()), HasSubstr("the limit is 65535"));
    EXPECT_THAT(std::string(refused.status().message()), HasSubstr("request 2 of 2"));
  }
  EXPECT_EQ(log->Head().tree_size, before.tree_size);
  EXPECT_EQ(log->Head().root, before.root);
  EXPECT_EQ(*log->StreamVersion("s/b"), 0u);
}

TEST_F(LogTest, BatchSeesItsOwnStreamVersionsAndRequestIds) {
  auto log = OpenLog();
  auto results = log->AppendBatch(
      {Request("s/a", "1", ExpectedVersion::NoStream(), "r1"),
       Request("s/a", "2", ExpectedVersion::Exact(1)),
       Request("s/a", "1", ExpectedVersion::NoStream(), "r1")});
  ASSERT_THAT(results, IsOk());
  EXPECT_EQ((*results)[1].stream_version, 2u);
  EXPECT_TRUE((*results)[2].deduplicated);
  EXPECT_EQ(log->Size(), 2u);
}

TEST_F(LogTest, BadStreamNamesAreInvalidArgument) {
  auto log = OpenLog();
  EXPECT_EQ(log->Append(Request("", "x")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log->Append(Request(std::string("a\0b", 3), "x")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log->Append(Request(std::string(300, 'a'), "x")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log->Append(Request("s", "x", ExpectedVersion::Exact(0))).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log->Size(), 0u);
}

TEST_F(LogTest, RecordedAtNeverDecreases) {
  LogOptions options;
  options.path = dir_.Sub("db");
  absl::Time now = absl::FromUnixSeconds(2000000000);
  options.clock = [&] { return now; };
  auto log = Log::Open(options);
  ASSERT_THAT(log, IsOk());
  ASSERT_THAT((*log)->Append(Request("s", "1")), IsOk());
  now -= absl::Hours(1);
  ASSERT_THAT((*log)->Append(Request("s", "2")), IsOk());
  EXPECT_EQ((*log)->GetEntry(1)->entry.recorded_at().seconds(), 2000000000);
}

TEST_F(LogTest, ReopenPreservesHeadAndProofs) {
  TreeHead head;
  {
    auto log = OpenLog();
    for (int i = 0; i < 300; ++i) {
      ASSERT_THAT(log->Append(Request("s/" + std::to_string(i % 7), std::to_string(i))), IsOk());
    }
    head = log->Head();
  }
  auto log = OpenLog();
  EXPECT_EQ(log->Head().tree_size, 300u);
  EXPECT_EQ(log->Head().root, head.root);
  for (uint64_t size : {1u, 2u, 77u, 128u, 299u, 300u}) {
    auto root = log->RootAt(size);
    ASSERT_THAT(root, IsOk());
    for (uint64_t i = 0; i < size; i += 13) {
      auto proof = log->InclusionProof(i, size);
      ASSERT_THAT(proof, IsOk());
      EXPECT_THAT(VerifyInclusion(i, size, log->GetEntry(i)->leaf_hash, *proof, *root), IsOk());
    }
    auto consistency = log->ConsistencyProof(size, 300);
    ASSERT_THAT(consistency, IsOk());
    EXPECT_THAT(VerifyConsistency(size, 300, *consistency, *root, head.root), IsOk());
  }
  // Appending after reopen continues the chain and the tree.
  ASSERT_THAT(log->Append(Request("s/x", "after")), IsOk());
  log.reset();
  auto report = VerifyLogAt(dir_.Sub("db"));
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->message;
  EXPECT_EQ(report->entries_checked, 301u);
}

TEST_F(LogTest, ProofsOutOfRangeAreInvalidArgument) {
  auto log = OpenLog();
  ASSERT_THAT(log->Append(Request("s", "1")), IsOk());
  EXPECT_EQ(log->InclusionProof(1, 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log->InclusionProof(0, 2).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log->ConsistencyProof(2, 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log->RootAt(5).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log->GetEntry(1).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(LogTest, OpenWithoutCreateOnMissingDirectoryIsNotFound) {
  LogOptions options;
  options.path = dir_.Sub("absent");
  options.create_if_missing = false;
  EXPECT_EQ(Log::Open(options).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(LogTest, CreatingUnderAMissingParentSaysToMakeItAndMakesNothing) {
  LogOptions options;
  options.path = dir_.Sub("missing/parent/db");
  EXPECT_THAT(Log::Open(options).status(),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("its parent directory " + dir_.Sub("missing/parent") +
                                 " does not exist; create it first")));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("missing")));
  // A trailing '/' names the same directory, whose parent exists.
  options.path = dir_.Sub("trailing") + "/";
  EXPECT_THAT(Log::Open(options), IsOk());
}

TEST_F(LogTest, CreatingInADirectoryOfOtherFilesIsRefusedAndRocksDbsOwnAreNot) {
  std::filesystem::create_directories(dir_.Sub("published"));
  { std::ofstream(dir_.Sub("published/checkpoint")) << "x"; }
  LogOptions options;
  options.path = dir_.Sub("published");
  EXPECT_THAT(Log::Open(options).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("holds other files (\"checkpoint\")")));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("published/LOCK")));

  // What an earlier creation cut short leaves is no obstacle.
  std::filesystem::create_directories(dir_.Sub("cut-short"));
  { std::ofstream(dir_.Sub("cut-short/LOCK")); }
  { std::ofstream(dir_.Sub("cut-short/LOG")) << "log"; }
  options.path = dir_.Sub("cut-short");
  EXPECT_THAT(Log::Open(options), IsOk());
}

TEST_F(LogTest, SnapshotsRoundTrip) {
  auto log = OpenLog();
  EXPECT_FALSE(log->GetSnapshot("k")->has_value());
  ASSERT_THAT(log->PutSnapshot("k", "v"), IsOk());
  EXPECT_EQ(**log->GetSnapshot("k"), "v");
}

TEST_F(LogTest, ConcurrentAppendsAreDenseAndEachBatchAllOrNothing) {
  auto log = OpenLog();
  constexpr int kThreads = 16;
  constexpr int kRounds = 20;
  std::vector<std::thread> threads;
  std::vector<std::vector<AppendResult>> acked(kThreads);
  std::atomic<int> refused{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        const std::string mine = "s/t" + std::to_string(t);
        // Every other batch carries a request that must fail (a stream
        // that does not exist at version 99): the whole batch is refused,
        // whatever group it was committed with.
        std::vector<AppendRequest> batch = {Request(mine, "a"), Request("shared", "b")};
        if (r % 2 == 1) batch.push_back(Request(mine, "c", ExpectedVersion::Exact(99)));
        auto results = log->AppendBatch(batch);
        if (!results.ok()) {
          EXPECT_EQ(results.status().code(), absl::StatusCode::kAborted);
          ++refused;
          continue;
        }
        acked[t].insert(acked[t].end(), results->begin(), results->end());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(refused.load(), kThreads * kRounds / 2);
  const uint64_t expected = kThreads * (kRounds / 2) * 2;
  EXPECT_EQ(log->Size(), expected);
  EXPECT_EQ(*log->StreamVersion("shared"), expected / 2);
  std::set<uint64_t> sequences;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(*log->StreamVersion("s/t" + std::to_string(t)), uint64_t{kRounds / 2});
    for (const auto& r : acked[t]) {
      EXPECT_TRUE(sequences.insert(r.sequence).second) << "sequence acknowledged twice";
      EXPECT_EQ(log->GetEntry(r.sequence)->leaf_hash, r.leaf_hash);
    }
  }
  EXPECT_EQ(sequences.size(), expected);
  log.reset();
  auto report = VerifyLogAt(dir_.Sub("db"));
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->message;
}

TEST_F(LogTest, RacingWritersOnOneVersionHaveExactlyOneWinner) {
  auto log = OpenLog();
  ASSERT_THAT(log->Append(Request("c", "first", ExpectedVersion::NoStream())), IsOk());
  std::atomic<int> winners{0}, aborted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 32; ++t) {
    threads.emplace_back([&, t] {
      auto r = log->Append(Request("c", "racer " + std::to_string(t), ExpectedVersion::Exact(1)));
      if (r.ok()) ++winners;
      else if (r.status().code() == absl::StatusCode::kAborted) ++aborted;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(aborted.load(), 31);
  EXPECT_EQ(log->Size(), 2u);
}

TEST_F(LogTest, WaitForSizeWakesOnAppendAndTimesOut) {
  auto log = OpenLog();
  const absl::Time start = absl::Now();
  EXPECT_EQ(log->WaitForSize(0, start + absl::Milliseconds(20)), 0u);
  std::thread writer([&] {
    absl::SleepFor(absl::Milliseconds(10));
    ASSERT_THAT(log->Append(Request("s", "x")), IsOk());
  });
  EXPECT_EQ(log->WaitForSize(0, absl::Now() + absl::Seconds(30)), 1u);
  writer.join();
}

// Stream versions are kept in memory once a stream is used; these check
// that they always agree with the stream index in RocksDB.

TEST_F(LogTest, StreamVersionsAreRightAfterReopen) {
  {
    auto log = OpenLog();
    ASSERT_THAT(log->Append(Request("s/a", "1", ExpectedVersion::NoStream())), IsOk());
    ASSERT_THAT(log->Append(Request("s/b", "2")), IsOk());
    ASSERT_THAT(log->Append(Request("s/a", "3", ExpectedVersion::Exact(1))), IsOk());
  }
  auto log = OpenLog();
  // Asked before any append: read from the index.
  EXPECT_EQ(*log->StreamVersion("s/a"), 2u);
  auto stale = log->Append(Request("s/a", "4", ExpectedVersion::Exact(1)));
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(stale.status().message()), HasSubstr("at version 2"));
  auto fresh = log->Append(Request("s/b", "5", ExpectedVersion::NoStream()));
  EXPECT_EQ(fresh.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(fresh.status().message()), HasSubstr("at version 1"));
  auto next = log->Append(Request("s/a", "6", ExpectedVersion::Exact(2)));
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->stream_version, 3u);
  EXPECT_EQ(*log->StreamVersion("s/a"), 3u);
  EXPECT_EQ(*log->StreamVersion("s/b"), 1u);
  EXPECT_EQ(*log->StreamVersion("s/new"), 0u);
  ASSERT_THAT(log->Append(Request("s/new", "7", ExpectedVersion::NoStream())), IsOk());
  EXPECT_EQ(*log->StreamVersion("s/new"), 1u);
}

TEST_F(LogTest, StreamVersionAtAnswersForEveryPrefix) {
  auto log = OpenLog();
  // s/a at sequences 0 and 2, s/b at 1.
  ASSERT_THAT(log->Append(Request("s/a", "1")), IsOk());
  ASSERT_THAT(log->Append(Request("s/b", "2")), IsOk());
  ASSERT_THAT(log->Append(Request("s/a", "3")), IsOk());
  auto check = [](const Log& log) {
    const uint64_t want_a[] = {0, 1, 1, 2};
    const uint64_t want_b[] = {0, 0, 1, 1};
    for (uint64_t size = 0; size < 4; ++size) {
      EXPECT_EQ(*log.StreamVersionAt("s/a", size), want_a[size]) << "size " << size;
      EXPECT_EQ(*log.StreamVersionAt("s/b", size), want_b[size]) << "size " << size;
      EXPECT_EQ(*log.StreamVersionAt("s/c", size), 0u) << "size " << size;
    }
  };
  check(*log);
  log.reset();
  log = OpenLog();
  check(*log);  // from the index
  ASSERT_THAT(log->Append(Request("s/c", "4")), IsOk());
  check(*log);  // s/a and s/b now from the index, s/c from memory
  EXPECT_EQ(*log->StreamVersionAt("s/a", 4), 2u);
  EXPECT_EQ(*log->StreamVersionAt("s/b", 4), 1u);
  EXPECT_EQ(*log->StreamVersionAt("s/c", 4), 1u);
  EXPECT_EQ(*log->StreamVersionAt("s/c", 100), 1u);
}

TEST_F(LogTest, RefusedBatchLeavesStreamVersionsAndRequestIds) {
  auto log = OpenLog();
  ASSERT_THAT(log->Append(Request("s/a", "1")), IsOk());
  // Touches s/a and s/new and takes an id, then fails: none of it counts.
  auto refused = log->AppendBatch({Request("s/a", "2", ExpectedVersion::Exact(1), "id-1"),
                                   Request("s/new", "3", ExpectedVersion::NoStream()),
                                   Request("s/a", "4", ExpectedVersion::Exact(7))});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("at version 2, not version 7"));
  EXPECT_EQ(*log->StreamVersion("s/a"), 1u);
  EXPECT_EQ(*log->StreamVersion("s/new"), 0u);
  auto again = log->AppendBatch({Request("s/a", "5", ExpectedVersion::Exact(1), "id-1"),
                                 Request("s/new", "6", ExpectedVersion::NoStream())});
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE((*again)[0].deduplicated);
  EXPECT_EQ((*again)[0].stream_version, 2u);
  EXPECT_EQ((*again)[1].stream_version, 1u);
  EXPECT_EQ(*log->StreamVersion("s/a"), 2u);
  EXPECT_EQ(*log->StreamVersion("s/new"), 1u);
}

// Many writers in the same groups, some refused after staging entries for
// streams that accepted batches of the same group also append to: the
// refused batch must be taken out of the group exactly (versions, ids).
TEST_F(LogTest, RefusedBatchesInAGroupLeaveTheOthersIntact) {
  auto log = OpenLog();
  constexpr int kThreads = 16;
  constexpr int kRounds = 30;
  std::vector<std::thread> threads;
  std::atomic<int> acked{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        const std::string id = absl::StrCat("t", t, "-r", r);
        std::vector<AppendRequest> batch = {Request("shared", "a", ExpectedVersion::Any(), id),
                                            Request("shared", "b"),
                                            Request(absl::StrCat("s/t", t), "c")};
        const bool refuse = (r + t) % 3 == 0;
        if (refuse) batch.push_back(Request("shared", "d", ExpectedVersion::NoStream()));
        auto results = log->AppendBatch(batch);
        EXPECT_EQ(results.ok(), !refuse) << results.status();
        if (!results.ok()) {
          EXPECT_EQ(results.status().code(), absl::StatusCode::kAborted);
          continue;
        }
        ++acked;
        EXPECT_EQ((*results)[1].stream_version, (*results)[0].stream_version + 1);
        EXPECT_EQ((*results)[1].sequence, (*results)[0].sequence + 1);
      }
    });
  }
  for (auto& th : threads) th.join();
  const uint64_t batches = acked.load();
  EXPECT_EQ(log->Size(), batches * 3);
  EXPECT_EQ(*log->StreamVersion("shared"), batches * 2);
  // Versions are dense in the stored entries too.
  auto shared = log->ReadStream("shared", 1, ~uint64_t{0});
  ASSERT_THAT(shared, IsOk());
  ASSERT_EQ(shared->size(), batches * 2);
  for (size_t i = 0; i < shared->size(); ++i) {
    EXPECT_EQ((*shared)[i].entry.stream_version(), i + 1);
  }
  uint64_t own = 0;
  for (int t = 0; t < kThreads; ++t) own += *log->StreamVersion(absl::StrCat("s/t", t));
  EXPECT_EQ(own, batches);
  // A refused batch's id is free; an accepted one's is taken.
  for (int t = 0; t < kThreads; ++t) {
    for (int r = 0; r < kRounds; ++r) {
      const std::string id = absl::StrCat("t", t, "-r", r);
      auto found = log->FindRequest(Request("shared", "a", ExpectedVersion::Any(), id));
      ASSERT_THAT(found, IsOk());
      EXPECT_EQ(found->has_value(), (r + t) % 3 != 0) << id;
    }
  }
  log.reset();
  auto reopened = OpenLog();
  EXPECT_EQ(*reopened->StreamVersion("shared"), batches * 2);
}

TEST_F(LogTest, ConcurrentWritersOnOneStreamSeeEachOthersVersions) {
  auto log = OpenLog();
  constexpr int kThreads = 8;
  constexpr int kAttempts = 25;
  std::atomic<int> won{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAttempts; ++i) {
        auto current = log->StreamVersion("one");
        ASSERT_THAT(current, IsOk());
        const ExpectedVersion expected =
            *current == 0 ? ExpectedVersion::NoStream() : ExpectedVersion::Exact(*current);
        auto r = log->Append(Request("one", std::to_string(t), expected));
        if (r.ok()) {
          EXPECT_EQ(r->stream_version, *current + 1);
          ++won;
        } else {
          EXPECT_EQ(r.status().code(), absl::StatusCode::kAborted) << r.status();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_GE(won.load(), 1);
  EXPECT_EQ(log->Size(), uint64_t(won.load()));
  EXPECT_EQ(*log->StreamVersion("one"), uint64_t(won.load()));
  auto entries = log->ReadStream("one", 1, ~uint64_t{0});
  ASSERT_THAT(entries, IsOk());
  for (size_t i = 0; i < entries->size(); ++i) {
    EXPECT_EQ((*entries)[i].entry.stream_version(), i + 1);
  }
}

// More streams than the log keeps versions of in memory: still right.
TEST_F(LogTest, StreamVersionsStayRightBeyondTheInMemoryTable) {
  LogOptions options;
  options.path = dir_.Sub("db");
  options.sync = false;  // 2 x 70k entries
  auto opened = Log::Open(options);
  ASSERT_THAT(opened, IsOk());
  auto& log = *opened;
  const size_t streams = Log::kMaxCachedStreams + 4000;
  auto name = [](size_t i) { return absl::StrCat("s/", i); };
  for (int round = 0; round < 2; ++round) {
    std::vector<AppendRequest> batch;
    for (size_t i = 0; i < streams; ++i) {
      batch.push_back(Request(name(i), "x",
                              round == 0 ? ExpectedVersion::NoStream()
                                         : ExpectedVersion::Exact(1)));
      if (batch.size() == 5000 || i + 1 == streams) {
        auto appended = log->AppendBatch(batch);
        ASSERT_THAT(appended, IsOk());
        batch.clear();
      }
    }
  }
  for (size_t i : {size_t{0}, size_t{1}, streams / 2, streams - 1}) {
    EXPECT_EQ(*log->StreamVersion(name(i)), 2u) << name(i);
    EXPECT_EQ(*log->StreamVersionAt(name(i), streams), 1u) << name(i);
    auto stale = log->Append(Request(name(i), "y", ExpectedVersion::Exact(1)));
    EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
    EXPECT_THAT(std::string(stale.status().message()), HasSubstr("at version 2"));
    EXPECT_THAT(log->Append(Request(name(i), "z", ExpectedVersion::Exact(2))), IsOk());
    EXPECT_EQ(*log->StreamVersion(name(i)), 3u);
  }
}

// Collects the outcomes of asynchronous appends.
struct AsyncOutcomes {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<absl::StatusOr<std::vector<AppendResult>>> done;

  Log::AppendDone Callback() {
    return [this](absl::StatusOr<std::vector<AppendResult>> result) {
      std::lock_guard<std::mutex> lock(mu);
      done.push_back(std::move(result));
      cv.notify_all();
    };
  }
  void WaitFor(size_t count) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done.size() >= count; });
  }
};

TEST_F(LogTest, AsyncAppendsAreDurableVisibleAndDenseWhenCalledBack) {
  auto log = OpenLog();
  AsyncOutcomes outcomes;
  std::atomic<int> durable_calls{0};
  std::atomic<bool> visible_before_durable{false};
  constexpr int kBatches = 200;
  for (int i = 0; i < kBatches; ++i) {
    log->AppendBatchAsync(
        {Request(absl::StrCat("s/", i % 5), absl::StrCat("async ", i), ExpectedVersion::Any(),
                 absl::StrCat("id-", i))},
        [&](const std::vector<AppendResult>& results) {
          // Before the head shows the entry.
          if (log->Size() > results.front().sequence) visible_before_durable = true;
          ++durable_calls;
        },
        [&, callback = outcomes.Callback()](absl::StatusOr<std::vector<AppendResult>> r) {
          // After: a reader sees the entry the moment its writer hears.
          if (r.ok() && !log->GetEntry(r->front().sequence).ok()) visible_before_durable = true;
          callback(std::move(r));
        });
  }
  outcomes.WaitFor(kBatches);
  EXPECT_EQ(durable_calls.load(), kBatches);
  EXPECT_FALSE(visible_before_durable.load());
  std::set<uint64_t> sequences;
  for (const auto& r : outcomes.done) {
    ASSERT_THAT(r, IsOk());
    sequences.insert(r->front().sequence);
  }
  EXPECT_EQ(sequences.size(), static_cast<size_t>(kBatches));
  EXPECT_EQ(*sequences.rbegin(), kBatches - 1u);  // dense from 0
  auto report = VerifyLogAt(dir_.Sub("db"));
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->message;
  // A retry of an asynchronous append is answered like a synchronous one.
  auto retry = log->Append(Request("s/3", "async 3", ExpectedVersion::Any(), "id-3"));
  ASSERT_THAT(retry, IsOk());
  EXPECT_TRUE(retry->deduplicated);
  EXPECT_EQ(log->Size(), static_cast<uint64_t>(kBatches));
}

TEST_F(LogTest, AsyncRefusalIsCalledBackAndAppendsNothing) {
  auto log = OpenLog();
  ASSERT_THAT(log->Append(Request("s/a", "1")), IsOk());
  AsyncOutcomes outcomes;
  bool durable_called = false;
  log->AppendBatchAsync({Request("s/b", "2"), Request("s/a", "3", ExpectedVersion::NoStream())},
                        [&](const std::vector<AppendResult>&) { durable_called = true; },
                        outcomes.Callback());
  outcomes.WaitFor(1);
  ASSERT_EQ(outcomes.done.front().status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(outcomes.done.front().status().message()),
              HasSubstr("request 2 of 2"));
  EXPECT_FALSE(durable_called);
  EXPECT_EQ(log->Size(), 1u);
}

TEST_F(LogTest, ClosingCommitsEveryQueuedAsyncAppend) {
  AsyncOutcomes outcomes;
  constexpr int kBatches = 300;
  {
    auto log = OpenLog();
    for (int i = 0; i < kBatches; ++i) {
      log->AppendBatchAsync({Request("s", absl::StrCat(i))}, nullptr, outcomes.Callback());
    }
  }  // the destructor waits for every queued batch
  ASSERT_EQ(outcomes.done.size(), static_cast<size_t>(kBatches));
  for (const auto& r : outcomes.done) EXPECT_THAT(r, IsOk());
  auto report = VerifyLogAt(dir_.Sub("db"));
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->message;
  EXPECT_EQ(report->tree_size, static_cast<uint64_t>(kBatches));
}

TEST_F(LogTest, CallbacksMayQueueFurtherAsyncAppends) {
  auto log = OpenLog();
  AsyncOutcomes outcomes;
  std::function<void(int)> chain = [&](int left) {
    log->AppendBatchAsync({Request("s/chain", absl::StrCat(left))}, nullptr,
                          [&, left, callback = outcomes.Callback()](
                              absl::StatusOr<std::vector<AppendResult>> r) {
                            callback(std::move(r));
                            if (left > 1) chain(left - 1);
                          });
  };
  chain(20);
  outcomes.WaitFor(20);
  EXPECT_EQ(log->Size(), 20u);
  EXPECT_EQ(*log->StreamVersion("s/chain"), 20u);
}

TEST_F(LogTest, AsyncAnswersComeInCommitOrder) {
  auto log = OpenLog();
  std::mutex mu;
  std::vector<uint64_t> answered;  // first sequence of each batch, as called back
  AsyncOutcomes outcomes;
  constexpr int kBatches = 400;
  for (int i = 0; i < kBatches; ++i) {
    log->AppendBatchAsync({Request(absl::StrCat("s/", i % 7), absl::StrCat(i)),
                           Request("s/shared", absl::StrCat(i))},
                          nullptr,
                          [&, callback = outcomes.Callback()](
                              absl::StatusOr<std::vector<AppendResult>> r) {
                            if (r.ok()) {
                              std::lock_guard<std::mutex> lock(mu);
                              answered.push_back(r->front().sequence);
                            }
                            callback(std::move(r));
                          });
  }
  outcomes.WaitFor(kBatches);
  ASSERT_EQ(answered.size(), static_cast<size_t>(kBatches));
  for (size_t i = 1; i < answered.size(); ++i) {
    EXPECT_LT(answered[i - 1], answered[i]) << "answer " << i;
  }
}

TEST_F(LogTest, ASlowAnswerDoesNotHoldUpLaterCommits) {
  auto log = OpenLog();
  AsyncOutcomes outcomes;
  std::promise<void> first_answering;
  std::atomic<uint64_t> size_seen_by_first{0};
  log->AppendBatchAsync({Request("s", "first")}, nullptr,
                        [&, callback = outcomes.Callback()](
                            absl::StatusOr<std::vector<AppendResult>> r) {
                          first_answering.set_value();
                          // Answers are called back one at a time, but the
                          // commit thread goes on: the second batch, queued
                          // only now, becomes durable while this one waits.
                          size_seen_by_first = log->WaitForSize(1, absl::Now() + absl::Seconds(30));
                          callback(std::move(r));
                        });
  first_answering.get_future().wait();
  log->AppendBatchAsync({Request("s", "second")}, nullptr, outcomes.Callback());
  outcomes.WaitFor(2);
  EXPECT_EQ(size_seen_by_first.load(), 2u);
  ASSERT_THAT(outcomes.done[0], IsOk());
  ASSERT_THAT(outcomes.done[1], IsOk());
  EXPECT_EQ(outcomes.done[1]->front().sequence, 1u);
}

TEST_F(LogTest, AppendsAfterCloseAreRefused) {
  auto log = OpenLog();
  ASSERT_THAT(log->Append(Request("s", "before")), IsOk());
  log->Close();
  log->Close();  // idempotent
  EXPECT_EQ(log->Append(Request("s", "after")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  AsyncOutcomes outcomes;
  log->AppendBatchAsync({Request("s", "after")}, nullptr, outcomes.Callback());
  ASSERT_EQ(outcomes.done.size(), 1u);  // called before returning
  EXPECT_EQ(outcomes.done.front().status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(log->Size(), 1u);
  EXPECT_THAT(log->GetEntry(0), IsOk());  // reads still work
}

TEST_F(LogTest, AsyncAppendToReadOnlyLogIsRefusedAtOnce) {
  { auto log = OpenLog(); }
  LogOptions options;
  options.path = dir_.Sub("db");
  options.read_only = true;
  auto log = Log::Open(options);
  ASSERT_THAT(log, IsOk());
  AsyncOutcomes outcomes;
  (*log)->AppendBatchAsync({Request("s", "x")}, nullptr, outcomes.Callback());
  ASSERT_EQ(outcomes.done.size(), 1u);  // called before returning
  EXPECT_EQ(outcomes.done.front().status().code(), absl::StatusCode::kFailedPrecondition);
}

// Admits every batch but those holding a request to a stream under
// "refused/", and remembers what it was shown.
class RecordingAdmission : public BatchAdmission {
 public:
  absl::Status Admit(const std::vector<AppendRequest>& requests,
                     const std::vector<AppendResult>& results) override {
    std::lock_guard<std::mutex> lock(mu);
    for (const AppendRequest& r : requests) {
      if (absl::StartsWith(r.stream, "refused/")) {
        return absl::FailedPreconditionError("refused by the admission");
      }
    }
    for (size_t i = 0; i < requests.size(); ++i) {
      if (!results[i].deduplicated) shown.emplace_back(results[i].sequence, requests[i].payload.value());
    }
    return absl::OkStatus();
  }
  void Abandon() override {}

  std::mutex mu;
  std::vector<std::pair<uint64_t, std::string>> shown;  // admitted, by sequence
};

TEST_F(LogTest, AdmissionRefusesAWholeBatchAndOnlyIt) {
  auto log = OpenLog();
  RecordingAdmission admission;
  log->SetAdmission(&admission);
  ASSERT_THAT(log->Append(Request("s/a", "1")), IsOk());
  auto refused = log->AppendBatch({Request("s/b", "2"), Request("refused/c", "3")});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("refused by the admission"));
  EXPECT_EQ(log->Size(), 1u);
  auto next = log->AppendBatch({Request("s/b", "4"), Request("s/c", "5")});
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ((*next)[0].sequence, 1u);
  EXPECT_EQ(*log->StreamVersion("s/b"), 1u);
  std::lock_guard<std::mutex> lock(admission.mu);
  ASSERT_EQ(admission.shown.size(), 3u);
  EXPECT_EQ(admission.shown[1].first, 1u);
  EXPECT_EQ(admission.shown[2].first, 2u);
  EXPECT_EQ(admission.shown[2].second, Payload("5").value());
}

TEST_F(LogTest, AdmissionSeesEveryCommitInOrderButNoRetry) {
  auto log = OpenLog();
  RecordingAdmission admission;
  log->SetAdmission(&admission);
  AsyncOutcomes outcomes;
  constexpr int kBatches = 300;
  for (int i = 0; i < kBatches; ++i) {
    // Every third batch is refused, every fifth repeats an earlier request.
    const int id = i % 5 == 4 ? i - 1 : i;
    const std::string stream = id % 3 == 2 ? "refused/x" : absl::StrCat("s/", id % 4);
    log->AppendBatchAsync({Request(stream, absl::StrCat(id), ExpectedVersion::Any(),
                                   absl::StrCat("id-", id))},
                          nullptr, outcomes.Callback());
  }
  outcomes.WaitFor(kBatches);
  int retries = 0;
  for (const auto& outcome : outcomes.done) retries += outcome.ok() && outcome->front().deduplicated;
  EXPECT_GT(retries, 0);
  std::lock_guard<std::mutex> lock(admission.mu);
  ASSERT_EQ(admission.shown.size(), log->Size());
  for (size_t i = 0; i < admission.shown.size(); ++i) {
    EXPECT_EQ(admission.shown[i].first, i);
    auto entry = log->GetEntry(i);
    ASSERT_THAT(entry, IsOk());
    EXPECT_EQ(entry->entry.payload().value(), admission.shown[i].second);
  }
}

TEST_F(LogTest, NodesAtReadsARangeOfStoredNodesAsNodesDoesOneByOne) {
  auto log = OpenLog();
  std::vector<AppendRequest> batch;
  for (int i = 0; i < 300; ++i) batch.push_back(Request("s/a", absl::StrCat("event ", i)));
  ASSERT_THAT(log->AppendBatch(batch), IsOk());
  const NodeReader nodes = log->Nodes();
  for (const auto& [level, first, count] :
       std::vector<std::tuple<uint8_t, uint64_t, uint64_t>>{{0, 0, 256}, {0, 256, 44}, {1, 10, 5}, {8, 0, 1}}) {
    auto range = log->NodesAt(level, first, count);
    ASSERT_THAT(range, IsOk());
    ASSERT_EQ(range->size(), count);
    for (uint64_t i = 0; i < count; ++i) EXPECT_EQ((*range)[i], *nodes(level, first + i));
  }
  // Beyond the stored nodes: the first missing one is named.
  auto beyond = log->NodesAt(0, 290, 20);
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(beyond.status().message(), HasSubstr("(level 0, index 300)"));
  EXPECT_EQ(log->NodesAt(8, 1, 1).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace ledger::log
