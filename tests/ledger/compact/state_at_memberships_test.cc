// Persons, posts and memberships: refused when malformed (nothing folded),
// and shown on each day exactly as precisely as their dates allow.
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "ledger/compact/render.h"
#include "ledger/compact/state_at.h"
#include "ledger/compact/world.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::compact {
namespace {

using ::compact::v1::Event;
using ::compact::v1::MembershipView;
using ::testing::HasSubstr;

constexpr char kCite[] = R"("citations":[{"sourceId":"src","locator":"p1","quote":"words"}])";

std::string With(const std::string& body) { return "{" + body + "," + kCite + "}"; }

class MembershipsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Record(R"({"sourceRegistered":{"sourceId":"src","title":"A paper","date":{"edtf":"2011-09"}}})");
    for (const char* id : {"council", "board", "pct", "ccg"}) {
      Record(With(std::string(R"("bodyRegistered":{"bodyId":")") + id + R"(","name":"The )" + id +
                  R"(","classification":"CLASSIFICATION_COUNCIL"})"));
    }
    Record(With(R"("personRegistered":{"personId":"ann","name":"Ann Smith","honorificPrefix":"Cllr."})"));
    Record(With(R"("postRegistered":{"postId":"board-chair","organizationId":"board","label":"Chair"})"));
  }

  absl::Status Try(const std::string& json) {
    Event command;
    auto parsed = google::protobuf::util::JsonStringToMessage(json, &command);
    EXPECT_THAT(parsed, IsOk()) << parsed.ToString() << " in " << json;
    absl::StatusOr<Event> event = world_.Prepare(command);
    if (!event.ok()) return event.status();
    return world_.Apply(*event, EventMeta{next_++, 1000, "test"});
  }
  void Record(const std::string& json) {
    absl::Status s = Try(json);
    ASSERT_THAT(s, IsOk()) << s << " for " << json;
  }
  // Expects `json` refused with `code` and a message containing `words`,
  // and nothing folded.
  void ExpectRefused(const std::string& json, absl::StatusCode code, const std::string& words) {
    const int before = world_.state().facts_size();
    absl::Status s = Try(json);
    EXPECT_EQ(s.code(), code) << s << " for " << json;
    EXPECT_THAT(std::string(s.message()), HasSubstr(words));
    EXPECT_EQ(world_.state().facts_size(), before);
  }
  ::compact::v1::StateReport At(const std::string& day) {
    absl::StatusOr<::compact::v1::StateReport> r = StateAt(world_.state(), *ParseQueryDate(day), "");
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : ::compact::v1::StateReport();
  }
  // The membership recorded at `sequence` on `day`, or null when not shown.
  const MembershipView* On(const ::compact::v1::StateReport& report, uint64_t sequence) {
    for (const MembershipView& m : report.memberships()) {
      if (m.fact().sequence() == sequence) return &m;
    }
    return nullptr;
  }

  World world_;
  uint64_t next_ = 0;
};

TEST_F(MembershipsTest, MalformedPersonsPostsAndMembershipsAreRefusedAndFoldNothing) {
  ExpectRefused(With(R"("personRegistered":{"personId":"bob"})"), absl::StatusCode::kInvalidArgument,
                "person name");
  ExpectRefused(With(R"("personRegistered":{"personId":"ann","name":"Ann"})"),
                absl::StatusCode::kAlreadyExists, "person 'ann'");
  ExpectRefused(With(R"("postRegistered":{"postId":"p","organizationId":"nobody","label":"Chair"})"),
                absl::StatusCode::kNotFound, "nobody");
  ExpectRefused(With(R"("postRegistered":{"postId":"p","organizationId":"board"})"),
                absl::StatusCode::kInvalidArgument, "post label");
  ExpectRefused(With(R"("membershipRecorded":{"organizationId":"board"})"),
                absl::StatusCode::kInvalidArgument, "member_id (a body) or person_id");
  ExpectRefused(With(R"("membershipRecorded":{"memberId":"council","personId":"ann","organizationId":"board"})"),
                absl::StatusCode::kInvalidArgument, "not both");
  ExpectRefused(With(R"("membershipRecorded":{"personId":"zed","organizationId":"board"})"),
                absl::StatusCode::kNotFound, "person 'zed'");
  ExpectRefused(With(R"("membershipRecorded":{"personId":"ann","organizationId":"board","postId":"none"})"),
                absl::StatusCode::kNotFound, "post 'none'");
  ExpectRefused(With(R"("membershipRecorded":{"personId":"ann","organizationId":"council","postId":"board-chair"})"),
                absl::StatusCode::kInvalidArgument, "a post of 'board'");
  ExpectRefused(With(R"("membershipRecorded":{"personId":"ann","organizationId":"board","start":{"edtf":"2010-13"}})"),
                absl::StatusCode::kInvalidArgument, "membership_recorded.start");
  ExpectRefused(With(R"("membershipRecorded":{"personId":"ann","organizationId":"board","start":{"edtf":"2010"},"end":{"edtf":"2009"}})"),
                absl::StatusCode::kInvalidArgument, "before its start");
  ExpectRefused(With(R"("membershipRecorded":{"personId":"ann","organizationId":"board","start":{"edtf":"2010"},"asOf":{"edtf":"2008-05"}})"),
                absl::StatusCode::kInvalidArgument, "outside its start and end");
  ExpectRefused(With(R"("membershipRecorded":{"personId":"ann","organizationId":"board","end":{"edtf":"2010"},"asOf":{"edtf":"2012"}})"),
                absl::StatusCode::kInvalidArgument, "outside its start and end");
}

TEST_F(MembershipsTest, MembershipWithStartAndEndIsCurrentBetweenAndEndedAfter) {
  Record(With(R"("membershipRecorded":{"personId":"ann","organizationId":"board","postId":"board-chair","start":{"edtf":"2008-05","asWritten":"May 2008"},"end":{"edtf":"2010-03-31"}})"));
  const uint64_t seq = next_ - 1;
  EXPECT_EQ(On(At("2008-04-30"), seq), nullptr);
  // May 2008: the start is uncertain until the month is over.
  ASSERT_NE(On(At("2008-05-10"), seq), nullptr);
  EXPECT_EQ(On(At("2008-05-10"), seq)->status(), ::compact::v1::MEMBERSHIP_STATUS_UNCERTAIN);
  ASSERT_NE(On(At("2009-01-01"), seq), nullptr);
  EXPECT_EQ(On(At("2009-01-01"), seq)->status(), ::compact::v1::MEMBERSHIP_STATUS_CURRENT);
  const auto after = At("2010-04-01");
  ASSERT_NE(On(after, seq), nullptr);
  EXPECT_EQ(On(after, seq)->status(), ::compact::v1::MEMBERSHIP_STATUS_ENDED);
  const std::string text = RenderStateText(At("2009-01-01"));
  EXPECT_THAT(text, HasSubstr("CURRENT: MEMBERSHIP: Ann Smith is a member of The board, holding post Chair"));
  EXPECT_THAT(text, HasSubstr("from 2008-05 (\"May 2008\")"));
}

TEST_F(MembershipsTest, MembershipKnownOnlyAsOfADayInventsNoStart) {
  Record(With(R"("membershipRecorded":{"memberId":"pct","organizationId":"board","asOf":{"edtf":"2006-06-02","asWritten":"currently"}})"));
  const uint64_t seq = next_ - 1;
  EXPECT_EQ(On(At("2006-06-01"), seq), nullptr);
  const auto report = At("2007");
  const MembershipView* m = On(report, seq);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->status(), ::compact::v1::MEMBERSHIP_STATUS_AS_OF);
  EXPECT_THAT(m->because(), HasSubstr("when it began is not in the sources"));
  EXPECT_THAT(m->because(), HasSubstr("nor whether it still holds"));
}

TEST_F(MembershipsTest, MembershipWhoseEndIsUncertainIsUncertainWithinTheEndsRange) {
  Record(With(R"("membershipRecorded":{"memberId":"pct","organizationId":"board","start":{"edtf":"2006"},"end":{"edtf":"2013-22","asWritten":"summer 2013"}})"));
  const uint64_t seq = next_ - 1;
  EXPECT_EQ(On(At("2012"), seq)->status(), ::compact::v1::MEMBERSHIP_STATUS_CURRENT);
  const auto july = At("2013-07-01");
  const MembershipView* m = On(july, seq);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->status(), ::compact::v1::MEMBERSHIP_STATUS_UNCERTAIN);
  EXPECT_THAT(m->because(), HasSubstr("may or may not have ended by 2013-07-01"));
  EXPECT_EQ(On(At("2013-09-01"), seq)->status(), ::compact::v1::MEMBERSHIP_STATUS_ENDED);
}

TEST_F(MembershipsTest, RetractedMembershipIsNotShown) {
  Record(With(R"("membershipRecorded":{"memberId":"pct","organizationId":"board","start":{"edtf":"2006"}},"ref":"m")"));
  const uint64_t seq = next_ - 1;
  ASSERT_NE(On(At("2008"), seq), nullptr);
  Record(With(R"("annotation":{"kind":"ANNOTATION_KIND_CORRECTION","target":{"ref":"m"},"text":"never a member","retracts":true})"));
  EXPECT_EQ(On(At("2008"), seq), nullptr);
}

TEST_F(MembershipsTest, PersonsAndPostsHaveStreamsOfTheirOwnOrTheirBodys) {
  Event person, post;
  ASSERT_THAT(google::protobuf::util::JsonStringToMessage(
                  R"({"personRegistered":{"personId":"ann","name":"Ann"}})", &person), IsOk());
  ASSERT_THAT(google::protobuf::util::JsonStringToMessage(
                  R"({"postRegistered":{"postId":"p","organizationId":"board","label":"Chair"}})", &post), IsOk());
  EXPECT_EQ(*World::StreamOf(person), "person/ann");
  EXPECT_EQ(*World::StreamOf(post), "body/board");
}

}  // namespace
}  // namespace ledger::compact
