#include "ledger/scenario_file.h"
#include "tests/testing/status_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using ::ledger::testing::IsOk;

namespace ledger {
namespace {

using ::testing::HasSubstr;

TEST(ScenarioFileTest, ParsesLinesSkippingBlanksAndComments) {
  auto s = ParseScenario(
      "# a comment\n\n{\"sourceRegistered\": {\"sourceId\": \"a\"}}\n"
      "{\"sourceRegistered\": {\"sourceId\": \"b\"}}\n",
      "f.jsonl");
  ASSERT_THAT(s, IsOk());
  ASSERT_EQ(s->commands.size(), 2u);
  EXPECT_EQ(s->labels[0], "f.jsonl:3");
  EXPECT_EQ(s->labels[1], "f.jsonl:4");
  EXPECT_NE(s->request_ids[0], s->request_ids[1]);
}

TEST(ScenarioFileTest, RequestIdsDependOnlyOnContent) {
  auto a = ParseScenario("{\"sourceRegistered\": {\"sourceId\": \"a\"}}\n", "x");
  auto b = ParseScenario("\n\n{\"sourceRegistered\": {\"sourceId\": \"a\"}}", "y");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->request_ids[0], b->request_ids[0]);
}

TEST(ScenarioFileTest, MalformedLineIsNamed) {
  auto s = ParseScenario("{\"sourceRegistered\": {}}\n{not json\n", "bad.jsonl");
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("bad.jsonl:2"));
}

TEST(ScenarioFileTest, UnknownFieldIsRefused) {
  auto s = ParseScenario("{\"sourceRegistered\": {\"sauceId\": \"a\"}}\n", "t.jsonl");
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("t.jsonl:1"));
}

TEST(ScenarioFileTest, IdenticalLinesAreRefusedNamingBoth) {
  const std::string line = "{\"sourceRegistered\": {\"sourceId\": \"a\"}}\n";
  auto s = ParseScenario(line + "# c\n{\"sourceRegistered\": {\"sourceId\": \"b\"}}\n" + line,
                         "dup.jsonl");
  ASSERT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("dup.jsonl:4 repeats line 1"));
  // The same event spelled differently is a second event.
  auto spaced = ParseScenario(line + "{\"sourceRegistered\": {\"sourceId\":\"a\"}}\n", "x");
  ASSERT_THAT(spaced, IsOk());
  EXPECT_EQ(spaced->commands.size(), 2u);
  EXPECT_NE(spaced->request_ids[0], spaced->request_ids[1]);
}

TEST(ScenarioFileTest, EmptyFileIsRefused) {
  EXPECT_EQ(ParseScenario("\n# nothing\n", "e").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ScenarioFileTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadScenarioFile("/nonexistent/x.jsonl").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace ledger
