#include "ledger/log/log.h"

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

}  // namespace
}  // namespace ledger::log
