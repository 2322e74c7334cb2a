// The wire schema of a protobuf message and every message and enum it
// reaches, written from the compiled descriptors as JSON for the browser's
// decoder (web/js/protowire.js), so the pages decode entries with the same
// field numbers, JSON names and enum names as the C++ that wrote them, and
// never with a hand-kept copy that drifts when the protos change.
//
// Pure function; thread-safe.
#ifndef LEDGER_SITE_PROTO_SCHEMA_H_
#define LEDGER_SITE_PROTO_SCHEMA_H_

#include <nlohmann/json.hpp>

#include "google/protobuf/descriptor.h"

namespace ledger::site {

// {"root": "<full name>",
//  "messages": {"<full name>": {"<field number>": [jsonName, type, option, oneof?]}},
//  "enums": {"<full name>": {"<number>": "<value name>"}}}
// where type is a scalar ("string", "bytes", "uint64", "int64", "int32",
// "uint32", "bool", "double", "float"), {"enum": name} or {"message": name},
// and option is "repeated", "optional" (the field has presence, so the
// JSON mapping prints it even when default) or "", and oneof, only for a
// member of a (real) oneof, that oneof's name: the browser checks that a
// fact's kind is the member of Event's oneof `kind` that its bytes hold.
// google.protobuf.Any and
// Timestamp are named as messages; the browser decodes them itself.
nlohmann::json ProtoSchemaJson(const google::protobuf::Descriptor& root);

}  // namespace ledger::site

#endif  // LEDGER_SITE_PROTO_SCHEMA_H_
