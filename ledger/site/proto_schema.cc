#include "ledger/site/proto_schema.h"

#include <string>

namespace ledger::site {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using nlohmann::json;

bool IsWellKnown(const Descriptor& d) {
  return d.full_name() == "google.protobuf.Any" || d.full_name() == "google.protobuf.Timestamp";
}

void AddEnum(const EnumDescriptor& e, json& enums) {
  if (enums.contains(e.full_name())) return;
  json values = json::object();
  for (int i = 0; i < e.value_count(); ++i) {
    values[std::to_string(e.value(i)->number())] = e.value(i)->name();
  }
  enums[e.full_name()] = values;
}

void AddMessage(const Descriptor& d, json& messages, json& enums) {
  if (messages.contains(d.full_name()) || IsWellKnown(d)) return;
  json fields = json::object();
  messages[d.full_name()] = json::object();  // marks it visited before recursing
  for (int i = 0; i < d.field_count(); ++i) {
    const FieldDescriptor& f = *d.field(i);
    json type;
    switch (f.type()) {
      case FieldDescriptor::TYPE_MESSAGE:
      case FieldDescriptor::TYPE_GROUP:
        type = {{"message", f.message_type()->full_name()}};
        AddMessage(*f.message_type(), messages, enums);
        break;
      case FieldDescriptor::TYPE_ENUM:
        type = {{"enum", f.enum_type()->full_name()}};
        AddEnum(*f.enum_type(), enums);
        break;
      case FieldDescriptor::TYPE_STRING: type = "string"; break;
      case FieldDescriptor::TYPE_BYTES: type = "bytes"; break;
      case FieldDescriptor::TYPE_UINT64:
      case FieldDescriptor::TYPE_FIXED64: type = "uint64"; break;
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_SINT64:
      case FieldDescriptor::TYPE_SFIXED64: type = "int64"; break;
      case FieldDescriptor::TYPE_UINT32:
      case FieldDescriptor::TYPE_FIXED32: type = "uint32"; break;
      case FieldDescriptor::TYPE_BOOL: type = "bool"; break;
      case FieldDescriptor::TYPE_DOUBLE: type = "double"; break;
      case FieldDescriptor::TYPE_FLOAT: type = "float"; break;
      default: type = "int32"; break;  // int32, sint32, sfixed32
    }
    std::string option;
    if (f.is_repeated()) {
      option = "repeated";
    } else if (f.has_presence() && f.type() != FieldDescriptor::TYPE_MESSAGE) {
      option = "optional";
    }
    json field = json::array({f.json_name(), type, option});
    if (const auto* oneof = f.real_containing_oneof(); oneof != nullptr) {
      field.push_back(oneof->name());
    }
    fields[std::to_string(f.number())] = std::move(field);
  }
  messages[d.full_name()] = fields;
}

}  // namespace

json ProtoSchemaJson(const Descriptor& root) {
  json messages = json::object();
  json enums = json::object();
  AddMessage(root, messages, enums);
  return {{"root", root.full_name()}, {"messages", messages}, {"enums", enums}};
}

}  // namespace ledger::site
