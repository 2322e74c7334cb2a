#include "tests/testing/status_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ledger::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Matches;
using ::testing::Not;

TEST(StatusMatchersTest, IsOkMatchesOnlyOkStatusesAndValues) {
  EXPECT_TRUE(Matches(IsOk())(absl::OkStatus()));
  EXPECT_TRUE(Matches(IsOk())(absl::StatusOr<int>(3)));
  EXPECT_FALSE(Matches(IsOk())(absl::InternalError("x")));
  EXPECT_FALSE(Matches(IsOk())(absl::StatusOr<int>(absl::NotFoundError("x"))));
}

// The shape of grpc::Status (ok, error_code, error_message), without gRPC.
struct RpcStatus {
  int code = 0;
  std::string message;
  bool ok() const { return code == 0; }
  int error_code() const { return code; }
  const std::string& error_message() const { return message; }
};

TEST(StatusMatchersTest, IsOkTakesAnRpcStatusAndSaysWhatItGot) {
  EXPECT_THAT(RpcStatus{}, IsOk());
  const RpcStatus refused{7, "the token may not record"};
  EXPECT_THAT(refused, Not(IsOk()));
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(::testing::ExplainMatchResult(IsOk(), refused, &listener));
  EXPECT_EQ(listener.str(), "which is code 7: the token may not record");
}

TEST(StatusMatchersTest, StatusIsNeedsTheCodeAndTheMessage) {
  const absl::Status status = absl::InvalidArgumentError("line 3: bad date");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 3")));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, "line 3: bad date"));
  EXPECT_THAT(status, Not(StatusIs(absl::StatusCode::kDataLoss, HasSubstr("line 3"))));
  EXPECT_THAT(status, Not(StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 4"))));
  EXPECT_THAT(status, Not(StatusIs(absl::StatusCode::kInvalidArgument, "line 3")));
  EXPECT_THAT(absl::StatusOr<int>(absl::AbortedError("version 2")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("2")));
  EXPECT_THAT(absl::StatusOr<int>(1), Not(StatusIs(absl::StatusCode::kAborted, HasSubstr(""))));
}

TEST(StatusMatchersTest, AssertOkAndAssignMovesTheValueOut) {
  LEDGER_ASSERT_OK_AND_ASSIGN(std::string value, absl::StatusOr<std::string>("entry"));
  EXPECT_EQ(value, "entry");
}

}  // namespace
}  // namespace ledger::testing
