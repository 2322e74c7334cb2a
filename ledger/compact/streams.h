// The names of the compact domain's streams in the log: "compact/<id>",
// "body/<id>", "source/<id>" and "person/<id>". World::StreamOf says which
// stream an event belongs to; these build and read the names themselves.
//
// Pure functions; thread-safe.
#ifndef LEDGER_COMPACT_STREAMS_H_
#define LEDGER_COMPACT_STREAMS_H_

#include <optional>
#include <string>
#include <string_view>

namespace ledger::compact {

// Kinds of stream, the part of a stream's name before the "/".
inline constexpr std::string_view kCompactStreams = "compact";
inline constexpr std::string_view kBodyStreams = "body";
inline constexpr std::string_view kSourceStreams = "source";
inline constexpr std::string_view kPersonStreams = "person";

// "<kind>/<id>".
std::string StreamName(std::string_view kind, std::string_view id);
// The stream of compact `compact_id`: "compact/<compact_id>".
std::string CompactStream(std::string_view compact_id);
// The stream of body `body_id`: "body/<body_id>".
std::string BodyStream(std::string_view body_id);

// The id in `stream` when it is named "<kind>/<id>" (the id may be empty);
// nullopt for a stream of another kind. The view points into `stream`.
std::optional<std::string_view> IdOfStream(std::string_view kind, std::string_view stream);
// IdOfStream(kCompactStreams, stream): the compact of a compact's stream.
std::optional<std::string_view> CompactIdOfStream(std::string_view stream);
// IdOfStream(kBodyStreams, stream): the body of a body's stream.
std::optional<std::string_view> BodyIdOfStream(std::string_view stream);

}  // namespace ledger::compact

#endif  // LEDGER_COMPACT_STREAMS_H_
