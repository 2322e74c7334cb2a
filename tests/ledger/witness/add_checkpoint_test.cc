#include "ledger/witness/add_checkpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "ledger/log/signed_note.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::witness {
namespace {

using ::testing::HasSubstr;

// The example request body of C2SP tlog-witness v1.0.0.
constexpr char kSpecRequest[] =
    "old 20852014\n"
    "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
    "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
    "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
    "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
    "\n"
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "\xE2\x80\x94 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
    "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "\xE2\x80\x94 example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/"
    "V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n";

// The example response body of the same spec.
constexpr char kSpecResponse[] =
    "\xE2\x80\x94 witness.example/w1 CMp+6LWBU0anHGH5aNDTJkH/gj79sG+T6+iP2ThYN5krrDJbR1HDnucjL39QsZTSvVjyQLrdk3DXDqI5G2HgLatVs0pWh6Up69HVOw==\n"
    "\xE2\x80\x94 witness.example/w1 I7rEps0pvK2UqkS2gSpVUDhrhVtQV9lgF6pRrWAvjJHjyWpW7VcE3SiOlVlbQNt64vWhO+DlkL0+UfzuOBMh9ChdMkP1vi/lCAsmlw==\n"
    "\xE2\x80\x94 witness.example/w2 AWui8Sk55XjYLOijihBjhqEH6nS1ndDymE0a+6idX7pLcnoB+dhnz0854aLZgrrKbYKA7nC3HNJhm/kWl7oJlqU3rXXvpysAdyP3wQ==\n";

TEST(AddCheckpointRequestTest, ParsesTheSpecExample) {
  auto request = ParseAddCheckpointRequest(kSpecRequest);
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->old_size, 20852014u);
  ASSERT_EQ(request->proof.size(), 4u);
  EXPECT_EQ(request->proof[0][0], 0x3e);  // 'PlRN' -> 3e 54 4d
  auto note = log::ParseNote(request->checkpoint);
  ASSERT_THAT(note, IsOk());
  EXPECT_EQ(note->signatures.size(), 2u);
  EXPECT_EQ(FormatAddCheckpointRequest(*request), kSpecRequest);
}

TEST(AddCheckpointRequestTest, SpecResponseIsThreeSignatureLines) {
  // The client concatenates the response to the checkpoint and parses a note.
  auto request = ParseAddCheckpointRequest(kSpecRequest);
  auto note = log::ParseNote(request->checkpoint + kSpecResponse);
  ASSERT_THAT(note, IsOk());
  ASSERT_EQ(note->signatures.size(), 5u);
  EXPECT_EQ(note->signatures[2].name, "witness.example/w1");
  EXPECT_EQ(note->signatures[4].name, "witness.example/w2");
}

TEST(AddCheckpointRequestTest, EmptyProofFromZero) {
  auto request = ParseAddCheckpointRequest("old 0\n\nx\n1\nroot\n");
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->old_size, 0u);
  EXPECT_TRUE(request->proof.empty());
}

TEST(AddCheckpointRequestTest, MalformedBodiesAreRefusedSayingWhy) {
  const std::string hash = "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n";
  std::string proof64;
  for (int i = 0; i < 64; ++i) proof64 += hash;
  std::string proof63;
  for (int i = 0; i < 63; ++i) proof63 += hash;
  const std::string cp = "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  struct Case {
    std::string body;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"", "does not end in a newline"},
      {hash + "\n" + cp, "must be `old <size>`"},
      {"old\n\n" + cp, "must be `old <size>`"},
      {"old -1\n\n" + cp, "must be `old <size>`"},
      {"old 01\n\n" + cp, "must be `old <size>`"},
      {"old 18446744073709551616\n\n" + cp, "must be `old <size>`"},
      {"old  1\n\n" + cp, "must be `old <size>`"},
      {"OLD 1\n\n" + cp, "must be `old <size>`"},
      {"old 1\n" + proof64 + "\n" + cp, "more than 63"},
      {"old 1\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw\n\n" + cp, "line 2 is not a hash"},
      {"old 1\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpka=\n\n" + cp, "line 2 is not a hash"},
      {"old 1\nAAAA\n\n" + cp, "line 2 is not a hash"},
      {"old 1\n" + hash + "not base64!\n\n" + cp, "line 3 is not a hash"},
      {"old 1\n" + hash, "no blank line"},
      {"old 1\n\n", "the checkpoint is missing"},
      {std::string(kMaxAddCheckpointBytes + 1, 'a'), "larger than"},
  };
  for (const Case& c : cases) {
    auto request = ParseAddCheckpointRequest(c.body);
    EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument) << c.body.substr(0, 80);
    EXPECT_THAT(request.status().message(), HasSubstr(c.message)) << c.body.substr(0, 80);
  }
  EXPECT_THAT(ParseAddCheckpointRequest("old 1\n" + proof63 + "\n" + cp), IsOk());
}

TEST(AddCheckpointRequestTest, TlogSizeBody) {
  EXPECT_EQ(*ParseTlogSize("20852014\n"), 20852014u);
  EXPECT_EQ(*ParseTlogSize("0\n"), 0u);
  for (const char* bad : {"", "1", "01\n", "1\n\n", "x\n", " 1\n"}) {
    EXPECT_EQ(ParseTlogSize(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace ledger::witness
