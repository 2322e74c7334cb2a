#include "ledger/site/proto_schema.h"

#include <gtest/gtest.h>

#include "compact/v1/compact.pb.h"

namespace ledger::site {
namespace {

using nlohmann::json;

TEST(ProtoSchemaTest, EventFieldsHaveTheirNumbersJsonNamesAndKinds) {
  const json schema = ProtoSchemaJson(*compact::v1::Event::descriptor());
  EXPECT_EQ(schema["root"], "compact.v1.Event");
  const json& event = schema["messages"]["compact.v1.Event"];
  EXPECT_EQ(event["1"], json::array({"date", {{"message", "compact.v1.Date"}}, ""}));
  EXPECT_EQ(event["2"], json::array({"citations", {{"message", "compact.v1.Citation"}}, "repeated"}));
  EXPECT_EQ(event["21"], json::array({"decision", {{"message", "compact.v1.Decision"}}, "", "kind"}));
  EXPECT_EQ(event["10"][3], "kind");
  EXPECT_EQ(schema["messages"]["compact.v1.Date"]["2"], json::array({"edtf", "string", ""}));
}

TEST(ProtoSchemaTest, EnumsAreNamedByNumber) {
  const json schema = ProtoSchemaJson(*compact::v1::Event::descriptor());
  const json& kinds = schema["enums"]["compact.v1.DecisionKind"];
  EXPECT_EQ(kinds["1"], "DECISION_KIND_RECOMMEND");
  EXPECT_EQ(kinds["4"], "DECISION_KIND_ADOPT");
  EXPECT_EQ(schema["messages"]["compact.v1.Decision"]["1"],
            json::array({"kind", {{"enum", "compact.v1.DecisionKind"}}, ""}));
}

TEST(ProtoSchemaTest, FieldsWithPresenceAreOptionalSoDefaultsArePrinted) {
  const json schema = ProtoSchemaJson(*compact::v1::Event::descriptor());
  // proto3 `optional uint64 sequence` and the oneof member `bool immediate`.
  EXPECT_EQ(schema["messages"]["compact.v1.EventRef"]["1"], json::array({"sequence", "uint64", "optional"}));
  EXPECT_EQ(schema["messages"]["compact.v1.Effect"]["1"],
            json::array({"immediate", "bool", "optional", "when"}));
  // Every message reached from Event is described, each once.
  for (const char* m : {"compact.v1.Action", "compact.v1.Annotation", "compact.v1.Meeting"}) {
    EXPECT_TRUE(schema["messages"].contains(m)) << m;
  }
}

}  // namespace
}  // namespace ledger::site
