// Internal to ledger_compact: the view StateAt takes of the folded facts on
// the query day D (each fact's effective date, certainty on D, annotations),
// over a FactIndex kept beside the state (fact_index.h).
//
// Thread-compatible; lives for one StateAt call and borrows `world` and
// `facts`, which must outlive it.
#ifndef LEDGER_COMPACT_STATE_INDEX_H_
#define LEDGER_COMPACT_STATE_INDEX_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "compact/v1/compact.pb.h"
#include "ledger/compact/dates.h"
#include "ledger/compact/fact_index.h"
#include "ledger/compact/proto_alias.h"

namespace ledger::compact::internal {

// What a fact looks like on the query day. Cheap to copy: it points into
// the state.
struct FactInfo {
  const compact::v1::Fact* fact = nullptr;
  // The event's date, or the one a correction gives.
  const compact::v1::Date* effective_date = nullptr;
  DayRange range;
  bool dated = false;
  Seen seen = Seen::kUncertain;
  bool retracted = false;
  // Event.effect is given: the fields below say when it takes effect.
  bool has_effect = false;
  // When the effect starts: Effect.from, the (corrected) date of the event
  // it waits for, or the fact's own date (immediate). Null when that event
  // is not in the state.
  const compact::v1::Date* effect_starts = nullptr;
  // The event it waits for (Effect.on_event), and whether a correction
  // retracted it (then the effect never starts).
  std::optional<uint64_t> effect_event;
  bool effect_event_retracted = false;
  // In effect on D: both the decision and the start of its effect are past
  // (kCertain), either is not yet (kNotYet), otherwise kUncertain. Equals
  // `seen` when there is no effect.
  Seen in_effect = Seen::kUncertain;
  // The days on which it is in effect at the earliest and at the latest.
  DayRange effect_range;
};

// Every fact folded so far (no "as known through" limit).
inline constexpr uint64_t kAllFolded = std::numeric_limits<uint64_t>::max();

class StateIndex {
 public:
  // `facts` must index every fact of `world` (FactIndex::size()). With
  // `known_through` below kAllFolded the index shows the state as it was
  // when only the facts with a lower sequence were folded (bitemporal "as
  // known at"): later facts, annotations and corrections are not seen, nor
  // records registered by them.
  StateIndex(const compact::v1::WorldState& world, const FactIndex& facts,
             const CivilDay& at, uint64_t known_through = kAllFolded)
      : world_(&world),
        facts_(&facts),
        at_(at),
        known_through_(known_through),
        size_(known_through == kAllFolded ? static_cast<int>(facts.facts().size())
                                          : facts.PositionsBefore(known_through)) {}

  const CivilDay& at() const { return at_; }
  const compact::v1::WorldState& world() const { return *world_; }
  // True when the fact or record at `sequence` was folded before the limit.
  bool Known(uint64_t sequence) const { return sequence < known_through_; }
  // The body or compact registered as `id`, or null (also when its
  // registration is not seen).
  const compact::v1::BodyRecord* Body(const std::string& id) const;
  const compact::v1::CompactRecord* Compact(const std::string& id) const;
  // Number of non-annotation facts seen (positions are 0 .. size()-1, in
  // ledger order).
  int size() const { return size_; }
  // Positions of the facts seen that concern compact `id`, ascending.
  absl::Span<const int> PositionsOf(std::string_view id) const;
  // The fact at `position` with the corrections seen (no day applied).
  IndexedFact Indexed(int position) const;
  // The fact at `position` as seen on D.
  FactInfo Info(int position) const;
  // Info of the fact at `sequence`, or nullopt (annotations have none, nor
  // facts not seen).
  std::optional<FactInfo> Find(uint64_t sequence) const;
  // True when the fact is shown on D (not retracted, not "not yet").
  static bool Visible(const FactInfo& info) {
    return !info.retracted && info.seen != Seen::kNotYet && info.dated;
  }
  // Writes the fact as the report shows it to `view` (which may live on an
  // arena).
  void View(const FactInfo& info, compact::v1::FactView* view) const;
  // CONFLICT annotations, in ledger order.
  std::vector<const compact::v1::Fact*> conflicts() const;
  // Writes the annotation as the report shows it to `view`.
  static void AnnotationOf(const compact::v1::Fact& f,
                           compact::v1::AnnotationView* view);

 private:
  // Fills the effect fields of `info` (whose other fields are set).
  void SetEffect(FactInfo* info) const;

  const compact::v1::WorldState* world_;
  const FactIndex* facts_;
  CivilDay at_;
  uint64_t known_through_;
  int size_;
};

// True when fact view `f` counts toward a compact's status on D: CERTAIN,
// and in effect if it says when it takes effect (state_at_sections.cc).
bool InEffect(const compact::v1::FactView& f);
// True when `f` is CERTAINly decided but its effect has not started on D.
bool DecidedNotInEffect(const compact::v1::FactView& f);

// Writes the statuses per party of a compact whose other sections are
// filled (state_at_parties.cc).
void AddPartyStatuses(const StateIndex& index, compact::v1::CompactState* out);

// Writes the memberships known on D to `report` (state_at_memberships.cc).
void AddMemberships(const StateIndex& index, compact::v1::StateReport* report);

// Writes the state of one compact on D to `out` (state_at_compact.cc).
void CompactStateAt(const StateIndex& index,
                    const compact::v1::CompactRecord& c,
                    compact::v1::CompactState* out);

// True when the compact exists on D: its registration date or one of its
// facts has a known earliest day on or before D.
bool CompactExists(const StateIndex& index, const compact::v1::CompactRecord& c);

// State at `at` of `compact_id` (or all) from `world` and an index of all
// its facts, as known through `known_through` (see StateIndex), written to
// `out` (state_at.cc).
absl::Status StateAtIndexed(const compact::v1::WorldState& world,
                            const FactIndex& facts, const CivilDay& at,
                            std::string_view compact_id,
                            compact::v1::StateReport* out,
                            uint64_t known_through = kAllFolded);

}  // namespace ledger::compact::internal

#endif  // LEDGER_COMPACT_STATE_INDEX_H_
