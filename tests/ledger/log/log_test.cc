#include "ledger/log/log.h"

#include <atomic>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/protobuf/wrappers.pb.h"
#include "ledger/log/proof_verify.h"
#include "ledger/log/verify.h"
#include "tests/testing/temp_dir.h"

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
    EXPECT_TRUE(log.ok()) << log.status();
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
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->sequence, 0u);
  EXPECT_EQ(b->sequence, 1u);
  auto first = log->GetEntry(0);
  auto second = log->GetEntry(1);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->entry.previous_hash(), std::string(32, '\0'));
  EXPECT_EQ(second->entry.previous_hash(), HashBytes(first->leaf_hash));
  EXPECT_EQ(second->leaf_hash, LeafHash(second->bytes));
  EXPECT_EQ(b->leaf_hash, second->leaf_hash);
}

TEST_F(LogTest, StreamVersionsAreDenseAndPerStream) {
  auto log = OpenLog();
  ASSERT_TRUE(log->Append(Request("s/a", "1")).ok());
  ASSERT_TRUE(log->Append(Request("s/b", "2")).ok());
  auto third = log->Append(Request("s/a", "3"));
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->stream_version, 2u);
  EXPECT_EQ(*log->StreamVersion("s/a"), 2u);
  EXPECT_EQ(*log->StreamVersion("s/b"), 1u);
  EXPECT_EQ(*log->StreamVersion("s"), 0u);
  EXPECT_EQ(*log->StreamVersion("s/a/x"), 0u);
  auto entries = log->ReadStream("s/a", 1, 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].sequence, 0u);
  EXPECT_EQ((*entries)[1].sequence, 2u);
  EXPECT_EQ(log->ReadStream("s/a", 2, 10)->size(), 1u);
  EXPECT_TRUE(log->ReadStream("nope", 1, 10)->empty());
}

TEST_F(LogTest, ExpectedVersionConflictIsAbortedWithActualVersion) {
  auto log = OpenLog();
  ASSERT_TRUE(log->Append(Request("s/a", "1", ExpectedVersion::NoStream())).ok());
  auto again = log->Append(Request("s/a", "2", ExpectedVersion::NoStream()));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(again.status().message()), HasSubstr("version 1"));
  auto stale = log->Append(Request("s/a", "2", ExpectedVersion::Exact(3)));
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(log->Append(Request("s/a", "2", ExpectedVersion::Exact(1))).ok());
  EXPECT_EQ(log->Size(), 2u);
}

TEST_F(LogTest, RetryWithSameRequestIdReturnsFirstResult) {
  auto log = OpenLog();
  auto first = log->Append(Request("s/a", "x", ExpectedVersion::NoStream(), "req-1"));
  ASSERT_TRUE(first.ok());
  auto retry = log->Append(Request("s/a", "x", ExpectedVersion::NoStream(), "req-1"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->deduplicated);
  EXPECT_EQ(retry->sequence, first->sequence);
  EXPECT_EQ(retry->leaf_hash, first->leaf_hash);
  EXPECT_EQ(log->Size(), 1u);
}

TEST_F(LogTest, SameRequestIdWithDifferentPayloadIsAlreadyExists) {
  auto log = OpenLog();
  ASSERT_TRUE(log->Append(Request("s/a", "x", ExpectedVersion::Any(), "req-1")).ok());
  auto other = log->Append(Request("s/a", "y", ExpectedVersion::Any(), "req-1"));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(log->Size(), 1u);
}

TEST_F(LogTest, FailedBatchAppendsNothing) {
  auto log = OpenLog();
  ASSERT_TRUE(log->Append(Request("s/a", "1")).ok());
  const TreeHead before = log->Head();
  auto result = log->AppendBatch({Request("s/b", "2"), Request("s/c", "3"),
                                  Request("s/a", "4", ExpectedVersion::NoStream())});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("request 3 of 3"));
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
  ASSERT_TRUE(results.ok()) << results.status();
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
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Append(Request("s", "1")).ok());
  now -= absl::Hours(1);
  ASSERT_TRUE((*log)->Append(Request("s", "2")).ok());
  EXPECT_EQ((*log)->GetEntry(1)->entry.recorded_at().seconds(), 2000000000);
}

TEST_F(LogTest, ReopenPreservesHeadAndProofs) {
  TreeHead head;
  {
    auto log = OpenLog();
    for (int i = 0; i < 300; ++i) {
      ASSERT_TRUE(log->Append(Request("s/" + std::to_string(i % 7), std::to_string(i))).ok());
    }
    head = log->Head();
  }
  auto log = OpenLog();
  EXPECT_EQ(log->Head().tree_size, 300u);
  EXPECT_EQ(log->Head().root, head.root);
  for (uint64_t size : {1u, 2u, 77u, 128u, 299u, 300u}) {
    auto root = log->RootAt(size);
    ASSERT_TRUE(root.ok());
    for (uint64_t i = 0; i < size; i += 13) {
      auto proof = log->InclusionProof(i, size);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(VerifyInclusion(i, size, log->GetEntry(i)->leaf_hash, *proof, *root).ok());
    }
    auto consistency = log->ConsistencyProof(size, 300);
    ASSERT_TRUE(consistency.ok());
    EXPECT_TRUE(VerifyConsistency(size, 300, *consistency, *root, head.root).ok());
  }
  // Appending after reopen continues the chain and the tree.
  ASSERT_TRUE(log->Append(Request("s/x", "after")).ok());
  log.reset();
  auto report = VerifyLogAt(dir_.Sub("db"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << report->message;
  EXPECT_EQ(report->entries_checked, 301u);
}

TEST_F(LogTest, ProofsOutOfRangeAreInvalidArgument) {
  auto log = OpenLog();
  ASSERT_TRUE(log->Append(Request("s", "1")).ok());
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

TEST_F(LogTest, SnapshotsRoundTrip) {
  auto log = OpenLog();
  EXPECT_FALSE(log->GetSnapshot("k")->has_value());
  ASSERT_TRUE(log->PutSnapshot("k", "v").ok());
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
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->message;
}

TEST_F(LogTest, RacingWritersOnOneVersionHaveExactlyOneWinner) {
  auto log = OpenLog();
  ASSERT_TRUE(log->Append(Request("c", "first", ExpectedVersion::NoStream())).ok());
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
    ASSERT_TRUE(log->Append(Request("s", "x")).ok());
  });
  EXPECT_EQ(log->WaitForSize(0, absl::Now() + absl::Seconds(30)), 1u);
  writer.join();
}

}  // namespace
}  // namespace ledger::log
