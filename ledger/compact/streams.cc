#include "ledger/compact/streams.h"

namespace ledger::compact {

std::string StreamName(std::string_view kind, std::string_view id) {
  std::string name;
  name.reserve(kind.size() + 1 + id.size());
  name.append(kind).append("/").append(id);
  return name;
}

std::string CompactStream(std::string_view compact_id) {
  return StreamName(kCompactStreams, compact_id);
}

std::string BodyStream(std::string_view body_id) { return StreamName(kBodyStreams, body_id); }

std::optional<std::string_view> IdOfStream(std::string_view kind, std::string_view stream) {
  if (stream.size() <= kind.size() || !stream.starts_with(kind) || stream[kind.size()] != '/') {
    return std::nullopt;
  }
  return stream.substr(kind.size() + 1);
}

std::optional<std::string_view> CompactIdOfStream(std::string_view stream) {
  return IdOfStream(kCompactStreams, stream);
}

std::optional<std::string_view> BodyIdOfStream(std::string_view stream) {
  return IdOfStream(kBodyStreams, stream);
}

}  // namespace ledger::compact
