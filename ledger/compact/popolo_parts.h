// Internal to the Popolo export (popolo.cc, popolo_events.cc): the helpers
// both halves share, and the events and motions half. Not a public API:
// callers use PopoloJson (popolo.h).
//
// Pure; thread-safe.
#ifndef LEDGER_COMPACT_POPOLO_PARTS_H_
#define LEDGER_COMPACT_POPOLO_PARTS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "compact/v1/compact.pb.h"
#include "ledger/compact/proto_alias.h"

namespace ledger::compact::popolo {

// True when `edtf` is a plain calendar date YYYY, YYYY-MM or YYYY-MM-DD: no
// "?", "~", range or set. Popolo's membership dates allow exactly these.
bool IsPopoloDate(const std::string& edtf);

// True when `edtf` is exactly one calendar day, YYYY-MM-DD, and nothing
// vaguer.
bool IsExactDay(const std::string& edtf);

// {edtf, as_written}: a date as the extension object "compact_ledger"
// keeps it (as_written left out when the source gave no words).
nlohmann::json DateJson(const compact::v1::Date& d);

// The lower-case word of an enum value name after its prefix:
// ("MEETING_KIND_CABINET", 13) -> "cabinet". Empty for an UNSPECIFIED value
// (nothing is known to write) and for a name shorter than the prefix (an
// enum value this build does not know has an empty name).
std::string EnumWord(const std::string& name, size_t prefix_length);

// The sequence an EventRef names: its sequence, else its ref looked up in
// the folded refs (an event may be stored with the ref alone). nullopt when
// neither resolves.
std::optional<uint64_t> SequenceOf(const compact::v1::WorldState& world,
                                   const compact::v1::EventRef& ref);

// Sequences of the facts a CORRECTION retracted: never exported.
std::set<uint64_t> Retracted(const compact::v1::WorldState& world);

// The folded record with what its corrections say, read once for the
// events and motions. `world` must outlive it.
struct Corrected {
  explicit Corrected(const compact::v1::WorldState& world);

  // A fact's date as state reads it: the latest CORRECTION giving it a new
  // date, else its own. Sets `*by` to that correction's sequence (nullopt
  // for its own date). nullptr when the fact has no date.
  const compact::v1::Date* DateOf(const compact::v1::Fact& fact,
                                  std::optional<uint64_t>* by) const;

  const compact::v1::WorldState& world;
  std::set<uint64_t> retracted;
  // Target sequence -> the latest correction fact that gives it a date.
  std::map<uint64_t, const compact::v1::Fact*> redated;
};

// Popolo "sources" ([{url, note}]) for the sources `event` cites that have an
// absolute URI (Popolo's link.json requires a URL); the note is the source's
// title. An empty array when none has one.
nlohmann::json SourceLinks(const compact::v1::WorldState& world, const compact::v1::Event& event);

// The meetings of the record as Popolo events, in the ledger order of the
// first fact naming each, and, in `event_of_fact`, the event id of every
// fact that names a meeting (so motions can link to it). See popolo.h for
// which facts name a meeting and how they are merged.
nlohmann::json Events(const Corrected& record, std::map<uint64_t, std::string>* event_of_fact);

// The proposals and decisions of the record as Popolo motions, in ledger
// order; `event_of_fact` as Events filled it.
nlohmann::json Motions(const Corrected& record,
                       const std::map<uint64_t, std::string>& event_of_fact);

}  // namespace ledger::compact::popolo

#endif  // LEDGER_COMPACT_POPOLO_PARTS_H_
