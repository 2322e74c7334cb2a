// LedgerService against a real server on loopback: every RPC's happy path
// and its refusals, each refusal appending nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "ledger/log/proof_verify.h"
#include "tests/services/service_test_util.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::services {
namespace {

using ::testing::HasSubstr;
using ledger::v1::LedgerService;
using namespace ledger::services::testing;  // NOLINT: test helpers
using namespace ::ledger::testing::events;  // NOLINT: test helpers

class LedgerServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.options().max_receive_message_bytes = 64 << 10;
    ASSERT_THAT(server_.Start(), IsOk());
    client_ = server_.Client();
    ASSERT_THAT(server_.SeedWorld(*client_), IsOk());
  }

  ledger::v1::AppendRequest AppendOf(const compact::v1::Event& event,
                                     const std::string& stream) {
    ledger::v1::AppendRequest r;
    r.set_stream(stream);
    r.mutable_payload()->PackFrom(event);
    return r;
  }
  absl::StatusOr<ledger::v1::AppendResponse> Append(const ledger::v1::AppendRequest& r) {
    return client_->Call(&LedgerService::Stub::Append, client_->ledger(), r);
  }
  std::vector<ledger::v1::LogEntry> ReadAll(grpc::ClientReader<ledger::v1::LogEntry>* reader,
                                            grpc::Status* status) {
    std::vector<ledger::v1::LogEntry> out;
    ledger::v1::LogEntry e;
    while (reader->Read(&e)) out.push_back(e);
    *status = reader->Finish();
    return out;
  }
  // Asserts `status` has `code` and the log did not grow from `size`.
  void ExpectRefused(const absl::Status& status, absl::StatusCode code, uint64_t size) {
    EXPECT_EQ(status.code(), code) << status;
    EXPECT_FALSE(status.message().empty());
    EXPECT_EQ(server_.Size(*client_), size);
  }

  TestServer server_;
  std::unique_ptr<LedgerClient> client_;
};

TEST_F(LedgerServiceTest, AppendRecordsACompactEventAsTheCaller) {
  const uint64_t size = server_.Size(*client_);
  auto r = Append(AppendOf(Endorse(kCompact, BodyId(0), "2006-04-04"), "compact/test-compact"));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->sequence(), size);
  EXPECT_EQ(r->stream(), "compact/test-compact");
  EXPECT_EQ(r->stream_version(), 2u);
  EXPECT_EQ(r->leaf_hash().size(), 32u);
  EXPECT_FALSE(r->deduplicated());
  ledger::v1::GetEntryRequest get;
  get.set_sequence(r->sequence());
  auto entry = client_->Call(&LedgerService::Stub::GetEntry, client_->ledger(), get);
  ASSERT_THAT(entry, IsOk());
  EXPECT_EQ(entry->entry().actor(), kLocalIdentity);
  EXPECT_EQ(log::HashBytes(log::LeafHash(entry->entry_bytes())), r->leaf_hash());
}

TEST_F(LedgerServiceTest, AppendHonoursExpectedVersions) {
  const uint64_t size = server_.Size(*client_);
  auto request = AppendOf(Endorse(kCompact, BodyId(0), "2006-04-04"), "compact/test-compact");
  *request.mutable_expected() = Exact(7);
  auto stale = Append(request);
  ExpectRefused(stale.status(), absl::StatusCode::kAborted, size);
  EXPECT_THAT(std::string(stale.status().message()), HasSubstr("version 1"));
  request.mutable_expected()->set_kind(ledger::v1::ExpectedVersion::KIND_NO_STREAM);
  ExpectRefused(Append(request).status(), absl::StatusCode::kAborted, size);
  *request.mutable_expected() = Exact(1);
  ASSERT_THAT(Append(request), IsOk());
  request.mutable_expected()->set_kind(ledger::v1::ExpectedVersion::KIND_ANY);
  EXPECT_THAT(Append(request), IsOk());
}

TEST_F(LedgerServiceTest, AppendRetryWithSameRequestIdAppendsNothing) {
  auto request = AppendOf(Endorse(kCompact, BodyId(1), "2006-04-04"), "compact/test-compact");
  request.set_request_id("retry-1");
  auto first = Append(request);
  ASSERT_THAT(first, IsOk());
  const uint64_t size = server_.Size(*client_);
  auto again = Append(request);
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->deduplicated());
  EXPECT_EQ(again->sequence(), first->sequence());
  EXPECT_EQ(again->leaf_hash(), first->leaf_hash());
  EXPECT_EQ(server_.Size(*client_), size);
  auto other = AppendOf(Endorse(kCompact, BodyId(2), "2006-04-04"), "compact/test-compact");
  other.set_request_id("retry-1");
  ExpectRefused(Append(other).status(), absl::StatusCode::kAlreadyExists, size);
}

TEST_F(LedgerServiceTest, AppendRefusesBadInputAndAppendsNothing) {
  const uint64_t size = server_.Size(*client_);
  ExpectRefused(Append(AppendOf(Endorse(kCompact, BodyId(0), "2006-04-04"), "")).status(),
                absl::StatusCode::kInvalidArgument, size);
  // A payload of the wrong type.
  ledger::v1::AppendRequest wrong;
  wrong.set_stream("compact/test-compact");
  wrong.mutable_payload()->PackFrom(ledger::v1::TreeHead());
  ExpectRefused(Append(wrong).status(), absl::StatusCode::kInvalidArgument, size);
  // Bytes that claim to be an Event but do not parse.
  wrong.mutable_payload()->set_type_url("type.googleapis.com/compact.v1.Event");
  wrong.mutable_payload()->set_value("\xff\xff\xff");
  ExpectRefused(Append(wrong).status(), absl::StatusCode::kInvalidArgument, size);
  // Not the stream the domain assigns.
  auto elsewhere =
      Append(AppendOf(Endorse(kCompact, BodyId(0), "2006-04-04"), "compact/old-compact"));
  ExpectRefused(elsewhere.status(), absl::StatusCode::kInvalidArgument, size);
  EXPECT_THAT(std::string(elsewhere.status().message()), HasSubstr("compact/test-compact"));
  // Unknown compact, malformed date, over-long request id.
  auto unknown = AppendOf(Endorse("nope", BodyId(0), "2006-04-04"), "compact/nope");
  ExpectRefused(Append(unknown).status(), absl::StatusCode::kNotFound, size);
  auto bad_date = AppendOf(Endorse(kCompact, BodyId(0), "2006-13-45"), "compact/test-compact");
  ExpectRefused(Append(bad_date).status(), absl::StatusCode::kInvalidArgument, size);
  auto long_id = AppendOf(Endorse(kCompact, BodyId(0), "2006-04-04"), "compact/test-compact");
  long_id.set_request_id(std::string(300, 'x'));
  ExpectRefused(Append(long_id).status(), absl::StatusCode::kInvalidArgument, size);
  *long_id.mutable_expected() = Exact(0);
  long_id.clear_request_id();
  ExpectRefused(Append(long_id).status(), absl::StatusCode::kInvalidArgument, size);
}

TEST_F(LedgerServiceTest, OversizedMessageIsResourceExhausted) {
  const uint64_t size = server_.Size(*client_);
  auto request =
      AppendOf(Endorse(kCompact, BodyId(0), "2006-04-04", {.note = std::string(100 << 10, 'n')}),
               "compact/test-compact");
  ExpectRefused(Append(request).status(), absl::StatusCode::kResourceExhausted, size);
}

TEST_F(LedgerServiceTest, GetEntryBeyondTheLogIsNotFound) {
  ledger::v1::GetEntryRequest get;
  get.set_sequence(server_.Size(*client_));
  auto entry = client_->Call(&LedgerService::Stub::GetEntry, client_->ledger(), get);
  EXPECT_EQ(entry.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(LedgerServiceTest, ReadLogPagesInOrder) {
  const uint64_t size = server_.Size(*client_);
  std::vector<uint64_t> seen;
  for (uint64_t from = 0; from < size; from += 3) {
    ledger::v1::ReadLogRequest request;
    request.set_from_sequence(from);
    request.set_limit(3);
    auto context = client_->NewContext();
    grpc::Status status;
    for (const auto& e : ReadAll(client_->ledger().ReadLog(context.get(), request).get(),
                                 &status)) {
      EXPECT_EQ(e.entry().sequence(), e.sequence());
      EXPECT_EQ(log::HashBytes(log::LeafHash(e.entry_bytes())), e.leaf_hash());
      seen.push_back(e.sequence());
    }
    ASSERT_THAT(status, IsOk()) << status.error_message();
  }
  ASSERT_EQ(seen.size(), size);
  for (uint64_t i = 0; i < size; ++i) EXPECT_EQ(seen[i], i);
  ledger::v1::ReadLogRequest beyond;
  beyond.set_from_sequence(size + 1);
  auto context = client_->NewContext();
  grpc::Status status;
  ReadAll(client_->ledger().ReadLog(context.get(), beyond).get(), &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(LedgerServiceTest, ReadStreamReturnsOneStreamByVersion) {
  ASSERT_THAT(Append(AppendOf(Endorse(kCompact, BodyId(0), "2006-04-04"), "compact/test-compact")),
              IsOk());
  ASSERT_THAT(Append(AppendOf(Endorse(kCompact, BodyId(1), "2006-04-04"), "compact/test-compact")),
              IsOk());
  ledger::v1::ReadStreamRequest request;
  request.set_stream("compact/test-compact");
  request.set_from_version(2);
  auto context = client_->NewContext();
  grpc::Status status;
  auto entries = ReadAll(client_->ledger().ReadStream(context.get(), request).get(), &status);
  ASSERT_THAT(status, IsOk()) << status.error_message();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].entry().stream_version(), 2u);
  EXPECT_EQ(entries[1].entry().stream_version(), 3u);
  for (const char* bad : {"", "compact/nope"}) {
    request.set_stream(bad);
    auto ctx = client_->NewContext();
    ReadAll(client_->ledger().ReadStream(ctx.get(), request).get(), &status);
    EXPECT_EQ(status.error_code(), *bad ? grpc::StatusCode::NOT_FOUND
                                        : grpc::StatusCode::INVALID_ARGUMENT);
  }
}

TEST_F(LedgerServiceTest, ProofsVerifyAgainstTheCheckpoint) {
  auto first = client_->Call(&LedgerService::Stub::GetCheckpoint, client_->ledger(), {});
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(Append(AppendOf(Endorse(kCompact, BodyId(0), "2006-04-04"), "compact/test-compact")),
              IsOk());
  auto second = client_->Call(&LedgerService::Stub::GetCheckpoint, client_->ledger(), {});
  ASSERT_THAT(second, IsOk());
  ASSERT_EQ(second->tree_size(), first->tree_size() + 1);
  auto hashes = [](const auto& list) {
    std::vector<log::Hash> out;
    for (const auto& h : list) out.push_back(*log::HashFromBytes(h));
    return out;
  };
  ledger::v1::GetInclusionProofRequest inclusion;
  inclusion.set_sequence(2);
  auto proof = client_->Call(&LedgerService::Stub::GetInclusionProof, client_->ledger(),
                             inclusion);
  ASSERT_THAT(proof, IsOk());
  EXPECT_EQ(proof->root_hash(), second->root_hash());
  EXPECT_TRUE(log::VerifyInclusion(2, proof->proof().tree_size(),
                                   *log::HashFromBytes(proof->leaf_hash()),
                                   hashes(proof->proof().hashes()),
                                   *log::HashFromBytes(second->root_hash()))
                  .ok());
  ledger::v1::GetConsistencyProofRequest consistency;
  consistency.set_first_size(first->tree_size());
  auto cproof = client_->Call(&LedgerService::Stub::GetConsistencyProof, client_->ledger(),
                              consistency);
  ASSERT_THAT(cproof, IsOk());
  EXPECT_TRUE(log::VerifyConsistency(first->tree_size(), second->tree_size(),
                                     hashes(cproof->proof().hashes()),
                                     *log::HashFromBytes(first->root_hash()),
                                     *log::HashFromBytes(second->root_hash()))
                  .ok());
  inclusion.set_tree_size(second->tree_size() + 5);
  EXPECT_EQ(client_->Call(&LedgerService::Stub::GetInclusionProof, client_->ledger(), inclusion)
                .status().code(),
            absl::StatusCode::kInvalidArgument);
  inclusion.set_sequence(second->tree_size());
  inclusion.set_tree_size(0);
  EXPECT_NE(client_->Call(&LedgerService::Stub::GetInclusionProof, client_->ledger(), inclusion)
                .status().code(),
            absl::StatusCode::kOk);
  consistency.set_first_size(second->tree_size() + 1);
  EXPECT_EQ(client_->Call(&LedgerService::Stub::GetConsistencyProof, client_->ledger(),
                          consistency).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledger::services
