// GoogleMock matchers for absl::Status and absl::StatusOr<T>, so that a
// failing test prints the status it got, not "false":
//
//   EXPECT_THAT(log->Append(request), IsOk());
//   EXPECT_THAT(ledger->Record(bad), StatusIs(absl::StatusCode::kInvalidArgument,
//                                             HasSubstr("line 3")));
//   LEDGER_ASSERT_OK_AND_ASSIGN(AppendResult result, log->Append(request));
//
// Header-only; include it from any test that links GTest::gmock.
#ifndef LEDGER_TESTS_TESTING_STATUS_MATCHERS_H_
#define LEDGER_TESTS_TESTING_STATUS_MATCHERS_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ledger::testing {

namespace internal {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

}  // namespace internal

// Matches an OK absl::Status, an absl::StatusOr<T> that holds a value, a
// grpc::Status, or another library's OK status with ok() and ToString()
// (rocksdb::Status).
MATCHER(IsOk, "is OK") {
  using Arg = std::decay_t<decltype(arg)>;
  if constexpr (std::is_same_v<Arg, absl::Status> || requires { arg.status(); }) {
    const absl::Status& status = internal::GetStatus(arg);
    if (!status.ok()) *result_listener << "which is " << status;
    return status.ok();
  } else if constexpr (requires {
                         arg.error_code();
                         arg.error_message();
                       }) {
    if (!arg.ok()) {
      *result_listener << "which is code " << static_cast<int>(arg.error_code()) << ": "
                       << arg.error_message();
    }
    return arg.ok();
  } else {
    if (!arg.ok()) *result_listener << "which is " << arg.ToString();
    return arg.ok();
  }
}

// Matches a status (or StatusOr's status) whose code is `code` and whose
// message matches `message_matcher` (a string or any string matcher, e.g.
// HasSubstr). A plain string matches the whole message exactly.
MATCHER_P2(StatusIs, code, message_matcher,
           std::string("has code ") + std::string(absl::StatusCodeToString(code)) +
               " and a message that " +
               ::testing::DescribeMatcher<std::string>(message_matcher)) {
  const absl::Status& status = internal::GetStatus(arg);
  *result_listener << "which is " << status;
  return status.code() == code &&
         ::testing::Matches(::testing::SafeMatcherCast<const std::string&>(message_matcher))(
             std::string(status.message()));
}

}  // namespace ledger::testing

#define LEDGER_STATUS_MATCHERS_CONCAT_INNER_(a, b) a##b
#define LEDGER_STATUS_MATCHERS_CONCAT_(a, b) LEDGER_STATUS_MATCHERS_CONCAT_INNER_(a, b)

// Evaluates `rexpr` (an absl::StatusOr<T>); fails the test (ASSERT) when it
// holds no value, else moves the value into `lhs` (a declaration or an
// lvalue).
#define LEDGER_ASSERT_OK_AND_ASSIGN(lhs, rexpr)                                       \
  auto LEDGER_STATUS_MATCHERS_CONCAT_(status_or_, __LINE__) = (rexpr);                \
  ASSERT_TRUE(LEDGER_STATUS_MATCHERS_CONCAT_(status_or_, __LINE__).ok())              \
      << LEDGER_STATUS_MATCHERS_CONCAT_(status_or_, __LINE__).status();               \
  lhs = std::move(*LEDGER_STATUS_MATCHERS_CONCAT_(status_or_, __LINE__))

#endif  // LEDGER_TESTS_TESTING_STATUS_MATCHERS_H_
