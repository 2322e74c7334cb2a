// Internal to ledger_compact: the per-query index StateAt builds over the
// folded facts (each fact's effective date, certainty on D, annotations).
//
// Thread-compatible; lives for one StateAt call and borrows `world`, which
// must outlive it.
#ifndef LEDGER_COMPACT_STATE_INDEX_H_
#define LEDGER_COMPACT_STATE_INDEX_H_

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "absl/status/statusor.h"
#include "compact/v1/compact.pb.h"
#include "ledger/compact/dates.h"
#include "ledger/compact/proto_alias.h"

namespace ledger::compact::internal {

// What a fact looks like on the query day.
struct FactInfo {
  const compact::v1::Fact* fact = nullptr;
  compact::v1::Date effective_date;
  DayRange range;
  bool dated = false;
  Seen seen = Seen::kUncertain;
  bool retracted = false;
};

class StateIndex {
 public:
  // Builds the index. DataLoss when a stored date is corrupt.
  static absl::StatusOr<StateIndex> Build(const compact::v1::WorldState& world,
                                          const CivilDay& at);

  const CivilDay& at() const { return at_; }
  const compact::v1::WorldState& world() const { return *world_; }
  // Non-annotation facts in ledger order.
  const std::vector<FactInfo>& facts() const { return facts_; }
  // Info of the fact at `sequence`, or nullptr (annotations have none).
  const FactInfo* Find(uint64_t sequence) const;
  // True when the fact is shown on D (not retracted, not "not yet").
  static bool Visible(const FactInfo& info) {
    return !info.retracted && info.seen != Seen::kNotYet && info.dated;
  }
  // The fact as the report shows it.
  compact::v1::FactView View(const FactInfo& info) const;
  // CONFLICT annotations, in ledger order.
  const std::vector<const compact::v1::Fact*>& conflicts() const {
    return conflicts_;
  }
  // The annotation as the report shows it.
  static compact::v1::AnnotationView AnnotationOf(const compact::v1::Fact& f);

 private:
  const compact::v1::WorldState* world_ = nullptr;
  CivilDay at_;
  std::vector<FactInfo> facts_;
  std::map<uint64_t, size_t> position_;
  std::map<uint64_t, std::vector<const compact::v1::Fact*>> annotations_;
  std::vector<const compact::v1::Fact*> conflicts_;
};

// Builds the state of one compact on D (state_at_compact.cc).
compact::v1::CompactState CompactStateAt(const StateIndex& index,
                                         const compact::v1::CompactRecord& c);

// True when the compact exists on D: its registration date or one of its
// facts has a known earliest day on or before D.
bool CompactExists(const StateIndex& index, const compact::v1::CompactRecord& c);

}  // namespace ledger::compact::internal

#endif  // LEDGER_COMPACT_STATE_INDEX_H_
