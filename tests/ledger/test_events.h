// Compact events for the tests of ledger/: a source "src" that every
// event cites, bodies, compacts, endorsements and supersessions, written as
// a recorder would submit them (JSON, as in scenario files).
#ifndef LEDGER_TESTS_LEDGER_TEST_EVENTS_H_
#define LEDGER_TESTS_LEDGER_TEST_EVENTS_H_

#include <gtest/gtest.h>

#include <string>

#include "compact/v1/compact.pb.h"
#include "google/protobuf/util/json_util.h"

namespace ledger::testing::events {

using Event = ::compact::v1::Event;

inline Event Parse(const std::string& json) {
  Event event;
  auto status = google::protobuf::util::JsonStringToMessage(json, &event);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  return event;
}

inline constexpr char kCite[] = R"("citations": [{"sourceId": "src", "quote": "words"}])";

inline Event Source() {
  return Parse(R"({"sourceRegistered": {"sourceId": "src", "title": "Minutes", )"
               R"("date": {"edtf": "2006-06-02"}}})");
}
inline Event Body(const std::string& id) {
  return Parse(R"({"bodyRegistered": {"bodyId": ")" + id + R"(", "name": ")" + id +
               R"(", "classification": "CLASSIFICATION_COUNCIL"}, )" + kCite + "}");
}
inline Event Compact(const std::string& id, const std::string& ref = "") {
  return Parse(R"({"compactRegistered": {"compactId": ")" + id +
               R"(", "title": "A compact", "scope": "SCOPE_COUNTY"}, "date": {"edtf": "2006-04"}, )"
               R"("ref": ")" + ref + R"(", )" + kCite + "}");
}
inline Event Endorse(const std::string& compact, const std::string& body, const std::string& edtf,
              const std::string& ref = "") {
  return Parse(R"({"decision": {"kind": "DECISION_KIND_ENDORSE", "action": {"kind": )"
               R"("ACTION_KIND_ENDORSE_COMPACT", "compactId": ")" + compact +
               R"("}}, "actor": {"bodyId": ")" + body + R"("}, "date": {"edtf": ")" + edtf +
               R"("}, "ref": ")" + ref + R"(", )" + kCite + "}");
}

inline Event Supersede(const std::string& by, const std::string& old, const std::string& edtf) {
  return Parse(R"({"decision": {"kind": "DECISION_KIND_ADOPT", "action": {"kind": )"
               R"("ACTION_KIND_SUPERSEDE_COMPACT", "compactId": ")" + by +
               R"(", "otherCompactId": ")" + old + R"("}}, "actor": {"bodyId": "council"}, )"
               R"("date": {"edtf": ")" + edtf + R"("}, )" + kCite + "}");
}

// A correction of the event recorded with `ref`, naming it by ref alone.
inline Event Correction(const std::string& ref, const std::string& text) {
  return Parse(R"({"annotation": {"kind": "ANNOTATION_KIND_CORRECTION", "target": {"ref": ")" +
               ref + R"("}, "text": ")" + text + R"("}, )" + kCite + "}");
}

}  // namespace ledger::testing::events

#endif  // LEDGER_TESTS_LEDGER_TEST_EVENTS_H_
