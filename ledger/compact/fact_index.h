// Internal to ledger_compact: what StateAt needs of the folded facts that
// does not depend on the query day, kept beside a WorldState so a query
// need not rescan the whole history. World maintains one on every Apply
// (Add) and rebuilds it once in FromState; the free StateAt builds one per
// call.
//
// Refers to facts by their index in WorldState.facts (never by pointer), so
// a copy stays valid for a copy of the state. Thread-compatible: const
// methods may run concurrently; Add needs exclusive access.
#ifndef LEDGER_COMPACT_FACT_INDEX_H_
#define LEDGER_COMPACT_FACT_INDEX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "compact/v1/compact.pb.h"
#include "ledger/compact/dates.h"
#include "ledger/compact/proto_alias.h"

namespace ledger::compact::internal {

// A fact that is not an annotation, with its corrections applied.
struct IndexedFact {
  // Index in WorldState.facts.
  int fact = -1;
  // Index in WorldState.facts of the correction whose date replaces the
  // event's (later corrections win); -1 when the event's own date holds.
  int date_from = -1;
  // The effective date's days (when dated and not corrupt).
  DayRange range;
  // The effective date has an EDTF string.
  bool dated = false;
  // Withdrawn by a correction.
  bool retracted = false;
  // The effective date's days do not parse (a corrupt snapshot).
  bool corrupt = false;
};

class FactIndex {
 public:
  // Indexes every fact of `state`.
  static FactIndex Build(const compact::v1::WorldState& state);

  // Indexes state.facts(i), the fact after those already indexed.
  void Add(const compact::v1::WorldState& state, int i);

  // Number of state.facts indexed so far.
  int size() const { return indexed_; }
  // Number of non-annotation facts whose sequence is below `known_through`:
  // the positions 0 .. that count - 1 are the facts folded before it (facts
  // ascend in sequence in every state a World holds).
  int PositionsBefore(uint64_t known_through) const;
  // facts()[position] as it stood when only the facts with a sequence below
  // `known_through` were folded: the corrections recorded since are undone.
  // Requires the fact's own sequence to be below `known_through`.
  IndexedFact AsKnownThrough(const compact::v1::WorldState& state, int position,
                             uint64_t known_through) const;
  // Non-annotation facts in ledger order ("positions" index this).
  const std::vector<IndexedFact>& facts() const { return facts_; }
  // Position of the non-annotation fact at `sequence`, or -1.
  int Find(uint64_t sequence) const;
  // Positions of the non-annotation facts that Concerns() compact `id`,
  // ascending; empty when none.
  const std::vector<int>& PositionsOf(std::string_view id) const;
  // Indices in WorldState.facts of the annotations naming `sequence` (as
  // target, or as a related claim of a conflict), in ledger order.
  const std::vector<int>& AnnotationsOf(uint64_t sequence) const;
  // Indices in WorldState.facts of the CONFLICT annotations, ledger order.
  const std::vector<int>& conflicts() const { return conflicts_; }
  // The effective date of facts()[position].
  const compact::v1::Date& DateOf(const compact::v1::WorldState& state,
                                  int position) const;
  // The effective date of `fact` (facts()[p] or an AsKnownThrough of it).
  static const compact::v1::Date& DateOf(const compact::v1::WorldState& state,
                                         const IndexedFact& fact);
  // DataLoss naming the first fact (in ledger order) whose effective date
  // is corrupt; OK when none is.
  absl::Status CheckDates(const compact::v1::WorldState& state) const;

 private:
  void AddAnnotation(const compact::v1::WorldState& state, int i);
  void AddFact(const compact::v1::WorldState& state, int i);
  // Applies correction state.facts(note) to facts_[position].
  void Correct(const compact::v1::WorldState& state, int note, int position);
  void SetRange(const compact::v1::WorldState& state, int position);
  // Sets fact->range, dated and corrupt from its effective date.
  static void SetRange(const compact::v1::WorldState& state, IndexedFact* fact);

  int indexed_ = 0;
  int corrupt_ = 0;
  bool sorted_ = true;
  std::vector<IndexedFact> facts_;
  // Sequence of facts_[p], ascending, for Find.
  std::vector<uint64_t> sequences_;
  absl::flat_hash_map<std::string, std::vector<int>> by_compact_;
  absl::flat_hash_map<uint64_t, std::vector<int>> annotations_;
  std::vector<int> conflicts_;
};

}  // namespace ledger::compact::internal

#endif  // LEDGER_COMPACT_FACT_INDEX_H_
