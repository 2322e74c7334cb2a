#ifndef LEDGER_SITE_MESSAGE_WALK_H_
#define LEDGER_SITE_MESSAGE_WALK_H_

// Visiting every message inside a protobuf message by reflection. The
// site's passes over state reports and events (which facts a report names,
// which dates an event holds, what a report repeats) walk the messages
// this way so that a field the protos gain later is not missed.
//
// Both walks go depth first, in field order, through set singular and
// repeated message fields; map entries are skipped. Not thread-safe for
// the mutable walk (it changes `message`).

#include <vector>

#include <google/protobuf/message.h>

#include "absl/status/status.h"

namespace ledger::site {

// Calls `visit(Message*)` on `message` and, when it returns true, on the
// messages under it.
template <typename Visit>
void VisitMessages(google::protobuf::Message* message, Visit&& visit) {
  using google::protobuf::FieldDescriptor;
  if (!visit(message)) return;
  const auto* reflection = message->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_map()) continue;
    if (!field->is_repeated()) {
      VisitMessages(reflection->MutableMessage(message, field), visit);
      continue;
    }
    for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
      VisitMessages(reflection->MutableRepeatedMessage(message, field, i), visit);
    }
  }
}

// Calls `visit(const Message&)` on `message` and every message under it;
// stops at, and returns, the first status that is not OK.
template <typename Visit>
absl::Status VisitMessages(const google::protobuf::Message& message, Visit&& visit) {
  using google::protobuf::FieldDescriptor;
  if (absl::Status s = visit(message); !s.ok()) return s;
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_map()) continue;
    const int count = field->is_repeated() ? reflection->FieldSize(message, field) : 1;
    for (int i = 0; i < count; ++i) {
      const auto& child = field->is_repeated() ? reflection->GetRepeatedMessage(message, field, i)
                                               : reflection->GetMessage(message, field);
      if (absl::Status s = VisitMessages(child, visit); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace ledger::site

#endif  // LEDGER_SITE_MESSAGE_WALK_H_
