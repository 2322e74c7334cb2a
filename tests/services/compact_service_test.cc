// CompactService against a real server on loopback: typed commands, state
// at a date, history with proofs, and the refusals of each.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/log/proof_verify.h"
#include "services/convert.h"
#include "tests/services/service_test_util.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::services {
namespace {

using ::testing::HasSubstr;
using compact::v1::CompactService;
using namespace ledger::services::testing;  // NOLINT: test helpers

class CompactServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(server_.Start(), IsOk());
    client_ = server_.Client();
    ASSERT_THAT(server_.SeedWorld(*client_), IsOk());
  }

  compact::v1::CommandContext Context(const std::string& date = "2006-06-07",
                                      const std::string& request_id = "") {
    compact::v1::CommandContext c;
    c.mutable_date()->set_edtf(date);
    *c.add_citations() = events::Cite();
    c.set_request_id(request_id);
    return c;
  }
  compact::v1::RecordEndorsementRequest Endorse(int body, const std::string& date = "2006-06-07") {
    compact::v1::RecordEndorsementRequest r;
    *r.mutable_context() = Context(date);
    r.set_compact_id(kCompact);
    r.mutable_by()->set_body_id(BodyId(body));
    return r;
  }
  template <typename Request>
  absl::StatusOr<compact::v1::RecordResponse> Record(
      grpc::Status (CompactService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                   compact::v1::RecordResponse*),
      const Request& request) {
    return client_->Call(method, client_->compact(), request);
  }
  void ExpectRefused(const absl::Status& status, absl::StatusCode code, uint64_t size) {
    EXPECT_EQ(status.code(), code) << status;
    EXPECT_FALSE(status.message().empty());
    EXPECT_EQ(server_.Size(*client_), size);
  }
  absl::StatusOr<compact::v1::StateReport> State(const std::string& as_of,
                                                 const std::string& compact = kCompact) {
    compact::v1::GetCompactRequest request;
    request.set_compact_id(compact);
    request.set_as_of(as_of);
    return client_->Call(&CompactService::Stub::GetCompact, client_->compact(), request);
  }

  TestServer server_;
  std::unique_ptr<LedgerClient> client_;
};

TEST_F(CompactServiceTest, TypedCommandsRecordEachStep) {
  auto endorsed = Record(&CompactService::Stub::RecordEndorsement, Endorse(0));
  ASSERT_THAT(endorsed, IsOk());
  EXPECT_EQ(endorsed->stream(), "compact/test-compact");

  compact::v1::RecordAdoptionRequest adopt;
  *adopt.mutable_context() = Context("2006-07-01");
  adopt.set_compact_id(kCompact);
  adopt.mutable_by()->set_body_id(BodyId(1));
  adopt.add_partner_ids(BodyId(2));
  ASSERT_THAT(Record(&CompactService::Stub::RecordAdoption, adopt), IsOk());

  compact::v1::RecordSignatureRequest sign;
  *sign.mutable_context() = Context("2006-07-02");
  sign.set_compact_id(kCompact);
  sign.mutable_by()->set_body_id(BodyId(2));
  ASSERT_THAT(Record(&CompactService::Stub::RecordSignature, sign), IsOk());

  compact::v1::RecordSupersessionRequest supersede;
  *supersede.mutable_context() = Context("2006-07-01");
  supersede.set_compact_id(kCompact);
  supersede.set_superseded_compact_id(kOtherCompact);
  supersede.mutable_by()->set_body_id(BodyId(1));
  supersede.set_condition("with immediate effect");
  ASSERT_THAT(Record(&CompactService::Stub::RecordSupersession, supersede), IsOk());

  compact::v1::RecordMediationStepRequest mediation;
  *mediation.mutable_context() = Context("2007-01-10");
  mediation.set_step(compact::v1::ACTION_KIND_MEDIATION_REQUESTED);
  mediation.set_compact_id(kCompact);
  mediation.mutable_by()->set_body_id(BodyId(3));
  mediation.mutable_mediation()->set_case_id("case-1");
  mediation.mutable_mediation()->set_requested_by(BodyId(3));
  mediation.mutable_mediation()->set_against(BodyId(1));
  mediation.mutable_mediation()->set_issue("funding");
  auto requested = Record(&CompactService::Stub::RecordMediationStep, mediation);
  ASSERT_THAT(requested, IsOk());
  mediation.set_step(compact::v1::ACTION_KIND_MEDIATION_ACCEPTED);
  mediation.clear_compact_id();
  *mediation.mutable_context() = Context("2007-01-20");
  auto accepted = Record(&CompactService::Stub::RecordMediationStep, mediation);
  ASSERT_THAT(accepted, IsOk());
  EXPECT_EQ(accepted->stream(), "compact/test-compact");

  auto state = State("2007");
  ASSERT_THAT(state, IsOk());
  ASSERT_EQ(state->compacts_size(), 1);
  const auto& c = state->compacts(0);
  EXPECT_EQ(c.status(), compact::v1::COMPACT_STATUS_IN_FORCE);
  EXPECT_EQ(c.endorsements_size(), 1);
  EXPECT_EQ(c.adoptions_size(), 1);
  EXPECT_EQ(c.signatures_size(), 1);
  EXPECT_EQ(c.supersedes_size(), 1);
  ASSERT_EQ(c.mediation_cases_size(), 1);
  EXPECT_EQ(c.mediation_cases(0).steps_size(), 2);
}

TEST_F(CompactServiceTest, StateAtADateAndAsKnownAt) {
  auto first = Record(&CompactService::Stub::RecordEndorsement, Endorse(0));
  ASSERT_THAT(first, IsOk());
  auto second = Record(&CompactService::Stub::RecordEndorsement, Endorse(1, "2006-08"));
  ASSERT_THAT(second, IsOk());
  // Known at the first one's recording time: a call and a durable write
  // separate the two, so the second one's time is later (recorded_at has
  // microseconds and never goes back).
  ASSERT_LT(FromTimestamp(first->recorded_at()), FromTimestamp(second->recorded_at()));
  auto before = State("2006-05");
  ASSERT_THAT(before, IsOk());
  // No fact of the compact starts by then: it is not known to exist yet.
  EXPECT_EQ(before->compacts_size(), 0);
  EXPECT_EQ(before->at(), "2006-05-31");
  auto later = State("2006-09-01");
  ASSERT_THAT(later, IsOk());
  ASSERT_EQ(later->compacts_size(), 1);
  EXPECT_EQ(later->compacts(0).endorsements_size(), 2);
  compact::v1::GetCompactRequest known;
  known.set_compact_id(kCompact);
  known.set_as_of("2006-09-01");
  *known.mutable_as_known_at() = first->recorded_at();
  auto then = client_->Call(&CompactService::Stub::GetCompact, client_->compact(), known);
  ASSERT_THAT(then, IsOk());
  ASSERT_EQ(then->compacts_size(), 1);
  EXPECT_EQ(then->compacts(0).endorsements_size(), 1);
}

TEST_F(CompactServiceTest, ListCompactsAndHistoryWithProofs) {
  auto list = client_->Call(&CompactService::Stub::ListCompacts, client_->compact(), {});
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->compacts_size(), 2);
  EXPECT_EQ(list->compacts(0).compact_id(), kOtherCompact);
  EXPECT_EQ(list->compacts(1).compact_id(), kCompact);

  ASSERT_THAT(Record(&CompactService::Stub::RecordEndorsement, Endorse(0)), IsOk());
  compact::v1::GetHistoryRequest request;
  request.set_compact_id(kCompact);
  request.set_with_proofs(true);
  auto history = client_->Call(&CompactService::Stub::GetHistory, client_->compact(), request);
  ASSERT_THAT(history, IsOk());
  ASSERT_EQ(history->events_size(), 2);
  EXPECT_EQ(history->tree_size(), server_.Size(*client_));
  for (const auto& e : history->events()) {
    EXPECT_EQ(e.actor(), kLocalIdentity);
    std::vector<log::Hash> path;
    for (const auto& h : e.proof().hashes()) path.push_back(*log::HashFromBytes(h));
    EXPECT_TRUE(log::VerifyInclusion(e.sequence(), history->tree_size(),
                                     *log::HashFromBytes(e.leaf_hash()), path,
                                     *log::HashFromBytes(history->root_hash()))
                    .ok());
  }
  // Against an earlier tree: the newest event carries no proof.
  request.set_tree_size(history->events(1).sequence());
  auto earlier = client_->Call(&CompactService::Stub::GetHistory, client_->compact(), request);
  ASSERT_THAT(earlier, IsOk());
  EXPECT_TRUE(earlier->events(0).has_proof());
  EXPECT_FALSE(earlier->events(1).has_proof());
}

TEST_F(CompactServiceTest, RefusalsHaveTheDocumentedCodeAndAppendNothing) {
  ASSERT_TRUE(Record(&CompactService::Stub::RecordSignature, [&] {
                compact::v1::RecordSignatureRequest r;
                *r.mutable_context() = Context();
                r.set_compact_id(kCompact);
                r.mutable_by()->set_body_id(BodyId(0));
                return r;
              }()).ok());
  const uint64_t size = server_.Size(*client_);
  auto unknown = Endorse(0);
  unknown.set_compact_id("no-such-compact");
  ExpectRefused(Record(&CompactService::Stub::RecordEndorsement, unknown).status(),
                absl::StatusCode::kNotFound, size);
  ExpectRefused(Record(&CompactService::Stub::RecordEndorsement, Endorse(0, "June 2006"))
                    .status(),
                absl::StatusCode::kInvalidArgument, size);
  auto empty = Endorse(0);
  empty.clear_compact_id();
  ExpectRefused(Record(&CompactService::Stub::RecordEndorsement, empty).status(),
                absl::StatusCode::kInvalidArgument, size);
  compact::v1::RecordSignatureRequest twice;
  *twice.mutable_context() = Context("2006-08");
  twice.set_compact_id(kCompact);
  twice.mutable_by()->set_body_id(BodyId(0));
  ExpectRefused(Record(&CompactService::Stub::RecordSignature, twice).status(),
                absl::StatusCode::kFailedPrecondition, size);
  compact::v1::RecordMediationStepRequest not_a_step;
  *not_a_step.mutable_context() = Context();
  not_a_step.set_step(compact::v1::ACTION_KIND_SIGN_COMPACT);
  ExpectRefused(Record(&CompactService::Stub::RecordMediationStep, not_a_step).status(),
                absl::StatusCode::kInvalidArgument, size);
  not_a_step.set_step(compact::v1::ACTION_KIND_MEDIATION_ACCEPTED);
  not_a_step.mutable_mediation()->set_case_id("no-such-case");
  ExpectRefused(Record(&CompactService::Stub::RecordMediationStep, not_a_step).status(),
                absl::StatusCode::kNotFound, size);
  auto stale = Endorse(1);
  *stale.mutable_context()->mutable_expected() = Exact(1);
  auto aborted = Record(&CompactService::Stub::RecordEndorsement, stale);
  ExpectRefused(aborted.status(), absl::StatusCode::kAborted, size);
  EXPECT_THAT(std::string(aborted.status().message()), HasSubstr("version 2"));
  compact::v1::RecordEventRequest no_kind;
  ExpectRefused(Record(&CompactService::Stub::RecordEvent, no_kind).status(),
                absl::StatusCode::kInvalidArgument, size);
  compact::v1::RecordEventsRequest batch;
  *batch.add_events()->mutable_event() = events::Endorse(kCompact, BodyId(1), "2006-04-04");
  *batch.add_events()->mutable_event() = events::Endorse(kCompact, BodyId(1), "not a date");
  ExpectRefused(client_->Call(&CompactService::Stub::RecordEvents, client_->compact(), batch)
                    .status(),
                absl::StatusCode::kInvalidArgument, size);
}

TEST_F(CompactServiceTest, EventsAboveTheEntryLimitAreInvalidArgumentAndAppendNothing) {
  const uint64_t size = server_.Size(*client_);
  compact::v1::RecordEventRequest big;
  *big.mutable_event() =
      events::Endorse(kCompact, BodyId(0), "2006-04-04", {.note = std::string(70'000, 'n')});
  auto refused = Record(&CompactService::Stub::RecordEvent, big);
  ExpectRefused(refused.status(), absl::StatusCode::kInvalidArgument, size);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("the limit is 65535"));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("entry would be"));
  // In a batch, the small command before it is not appended either.
  compact::v1::RecordEventsRequest batch;
  *batch.add_events()->mutable_event() = events::Endorse(kCompact, BodyId(1), "2006-04-04");
  *batch.add_events()->mutable_event() = big.event();
  auto batch_refused =
      client_->Call(&CompactService::Stub::RecordEvents, client_->compact(), batch);
  ExpectRefused(batch_refused.status(), absl::StatusCode::kInvalidArgument, size);
  // The raw Append path says the same.
  ledger::v1::AppendRequest append;
  append.set_stream(absl::StrCat("compact/", kCompact));
  append.mutable_payload()->PackFrom(big.event());
  auto raw = client_->Call(&ledger::v1::LedgerService::Stub::Append, client_->ledger(), append);
  ExpectRefused(raw.status(), absl::StatusCode::kInvalidArgument, size);
  EXPECT_THAT(std::string(raw.status().message()), HasSubstr("the limit is 65535"));
  // 60 KiB of note fits.
  compact::v1::RecordEventRequest fits;
  *fits.mutable_event() =
      events::Endorse(kCompact, BodyId(0), "2006-04-04", {.note = std::string(60 << 10, 'n')});
  EXPECT_THAT(Record(&CompactService::Stub::RecordEvent, fits), IsOk());
  EXPECT_EQ(server_.Size(*client_), size + 1);
}

TEST_F(CompactServiceTest, ReadRefusals) {
  for (const char* bad : {"", "2006-13", "June 2006", "2006-02-30", "[..2006]"}) {
    EXPECT_EQ(State(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(State("2006", "no-such-compact").status().code(), absl::StatusCode::kNotFound);
  compact::v1::GetHistoryRequest history;
  EXPECT_EQ(client_->Call(&CompactService::Stub::GetHistory, client_->compact(), history)
                .status().code(),
            absl::StatusCode::kInvalidArgument);
  history.set_compact_id("no-such-compact");
  EXPECT_EQ(client_->Call(&CompactService::Stub::GetHistory, client_->compact(), history)
                .status().code(),
            absl::StatusCode::kNotFound);
  history.set_compact_id(kCompact);
  history.set_with_proofs(true);
  history.set_tree_size(1000);
  EXPECT_EQ(client_->Call(&CompactService::Stub::GetHistory, client_->compact(), history)
                .status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(CompactServiceTest, RetriesReturnTheFirstResult) {
  auto request = Endorse(2);
  request.mutable_context()->set_request_id("endorse-2");
  auto first = Record(&CompactService::Stub::RecordEndorsement, request);
  ASSERT_THAT(first, IsOk());
  const uint64_t size = server_.Size(*client_);
  auto retry = Record(&CompactService::Stub::RecordEndorsement, request);
  ASSERT_THAT(retry, IsOk());
  EXPECT_TRUE(retry->deduplicated());
  EXPECT_EQ(retry->sequence(), first->sequence());
  EXPECT_EQ(server_.Size(*client_), size);
  request.mutable_by()->set_body_id(BodyId(3));
  ExpectRefused(Record(&CompactService::Stub::RecordEndorsement, request).status(),
                absl::StatusCode::kAlreadyExists, size);
}

}  // namespace
}  // namespace ledger::services
