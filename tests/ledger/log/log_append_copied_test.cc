// Log::AppendCopied: entries copied byte for byte from another log (a
// mirror, a restore) give the same tree, and anything that is not the
// next entry of the copy is refused whole.
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "google/protobuf/wrappers.pb.h"
#include "ledger/log/log.h"
#include "ledger/log/verify.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ledger::log {
namespace {

using ::ledger::testing::IsOk;
using ::testing::HasSubstr;

AppendRequest Request(const std::string& stream, const std::string& text,
                      const std::string& request_id = "") {
  google::protobuf::StringValue value;
  value.set_value(text);
  AppendRequest r;
  r.stream = stream;
  r.request_id = request_id;
  r.actor = "test";
  r.payload.PackFrom(value);
  return r;
}

class LogAppendCopiedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = Open("source");
    copy_ = Open("copy");
    ASSERT_NE(source_, nullptr);
    ASSERT_NE(copy_, nullptr);
    for (int i = 0; i < 10; ++i) {
      ASSERT_THAT(source_->Append(Request(absl::StrCat("s/", i % 3), absl::StrCat("event ", i),
                                          i % 2 == 0 ? absl::StrCat("req-", i) : "")),
                  IsOk());
    }
  }
  std::unique_ptr<Log> Open(const std::string& name) {
    LogOptions options;
    options.path = dir_.Sub(name);
    options.sync = false;
    auto log = Log::Open(options);
    EXPECT_THAT(log, IsOk());
    return log.ok() ? *std::move(log) : nullptr;
  }
  // The source's entries [from, to) as stored.
  std::vector<std::string> Entries(uint64_t from, uint64_t to) {
    std::vector<std::string> bytes;
    for (uint64_t i = from; i < to; ++i) bytes.push_back(source_->GetEntry(i)->bytes);
    return bytes;
  }
  // Entry `i` of the source, changed by `edit` and serialized again.
  template <typename Edit>
  std::string Edited(uint64_t i, Edit edit) {
    ledger::v1::Entry entry = source_->GetEntry(i)->entry;
    edit(entry);
    return entry.SerializeAsString();
  }
  void ExpectRefused(const std::vector<std::string>& entries, const std::string& why) {
    const TreeHead before = copy_->Head();
    auto copied = copy_->AppendCopied(entries);
    EXPECT_EQ(copied.status().code(), absl::StatusCode::kInvalidArgument) << copied.status();
    EXPECT_THAT(copied.status().message(), HasSubstr(why));
    EXPECT_EQ(copy_->Head().tree_size, before.tree_size);
    EXPECT_EQ(copy_->Head().root, before.root);
  }

  ledger::testing::TempDir dir_;
  std::unique_ptr<Log> source_;
  std::unique_ptr<Log> copy_;
};

TEST_F(LogAppendCopiedTest, CopiesGiveTheSourcesTreeStreamsAndRequestIds) {
  auto first = copy_->AppendCopied(Entries(0, 4));
  ASSERT_THAT(first, IsOk());
  auto rest = copy_->AppendCopied(Entries(4, 10));
  ASSERT_THAT(rest, IsOk());
  EXPECT_EQ(rest->front().sequence, 4u);
  EXPECT_EQ(copy_->Head().root, source_->Head().root);
  EXPECT_EQ(copy_->Size(), 10u);
  for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(copy_->GetEntry(i)->bytes, source_->GetEntry(i)->bytes);
  EXPECT_EQ(*copy_->StreamVersion("s/0"), *source_->StreamVersion("s/0"));
  EXPECT_EQ(copy_->ReadStream("s/1", 1, 10)->size(), source_->ReadStream("s/1", 1, 10)->size());
  auto report = VerifyLogAt(dir_.Sub("copy"));
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->message;

  // A retry of a copied request is answered from the copy, never appended.
  auto retry = copy_->Append(Request("s/0", "event 0", "req-0"));
  ASSERT_THAT(retry, IsOk());
  EXPECT_TRUE(retry->deduplicated);
  EXPECT_EQ(retry->sequence, 0u);
  // A retry that identifies itself by a fingerprint (as recorded commands
  // do) cannot be matched to the copied entry: refused, never appended.
  AppendRequest fingerprinted = Request("s/2", "event 2", "req-2");
  fingerprinted.fingerprint = "the command as first sent";
  auto unmatched = copy_->Append(fingerprinted);
  EXPECT_EQ(unmatched.status().code(), absl::StatusCode::kAlreadyExists) << unmatched.status();
  EXPECT_EQ(copy_->Size(), 10u);
  // New appends follow on, never recorded before the copied entries.
  auto next = copy_->Append(Request("s/0", "after the copy"));
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->sequence, 10u);
  EXPECT_EQ(next->stream_version, *source_->StreamVersion("s/0") + 1);
  EXPECT_GE(next->recorded_at, RecordedAt(source_->GetEntry(9)->entry));
}

TEST_F(LogAppendCopiedTest, EntriesOutOfOrderOrNotChainedAreRefusedWhole) {
  ExpectRefused(Entries(1, 3), "copied entry 0 says it is entry 1");
  ExpectRefused({Entries(0, 1)[0], Entries(2, 3)[0]}, "copied entry 1 says it is entry 2");
  ExpectRefused({Edited(0, [](ledger::v1::Entry& e) { e.set_previous_hash(std::string(32, 'x')); })},
                "does not chain to the entry before it");
  ExpectRefused({std::string("\xff\xff\xff", 3)}, "is not a ledger entry");
}

TEST_F(LogAppendCopiedTest, StreamVersionsTimesAndRequestIdsMustContinueTheCopy) {
  ASSERT_THAT(copy_->AppendCopied(Entries(0, 3)), IsOk());
  ExpectRefused({Edited(3, [](ledger::v1::Entry& e) { e.set_stream_version(7); })},
                "is version 7 of stream \"s/0\", whose next version is 2");
  ExpectRefused({Edited(3, [](ledger::v1::Entry& e) {
                  *e.mutable_recorded_at() =
                      google::protobuf::util::TimeUtil::SecondsToTimestamp(1);
                })},
                "before the entry before it");
  ExpectRefused({Edited(3, [](ledger::v1::Entry& e) { e.set_request_id("req-2"); })},
                "reuses the request id \"req-2\"");
  ExpectRefused({Edited(3, [](ledger::v1::Entry& e) { e.set_stream(""); })},
                "stream name must be");
  // Refusals left the copy able to go on.
  ASSERT_THAT(copy_->AppendCopied(Entries(3, 10)), IsOk());
  EXPECT_EQ(copy_->Head().root, source_->Head().root);
}

TEST_F(LogAppendCopiedTest, CopiesAreRefusedBehindAnAdmissionAndOnAReadOnlyLog) {
  struct AdmitAll : BatchAdmission {
    absl::Status Admit(const std::vector<AppendRequest>&, const std::vector<AppendResult>&) override {
      return absl::OkStatus();
    }
    void Abandon() override {}
  } admission;
  copy_->SetAdmission(&admission);
  auto refused = copy_->AppendCopied(Entries(0, 1));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("bypass the domain's admission"));
  EXPECT_EQ(copy_->Size(), 0u);
  copy_->SetAdmission(nullptr);

  LogOptions options;
  options.path = dir_.Sub("source");
  options.read_only = true;
  auto reader = Log::Open(options);
  ASSERT_THAT(reader, IsOk());
  EXPECT_EQ((*reader)->AppendCopied(Entries(0, 1)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ledger::log
