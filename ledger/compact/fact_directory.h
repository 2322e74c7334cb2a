// Internal to ledger_compact: what the rules need to know of every folded
// event, however long the history: that it exists, its stream, and whether
// it is a proposal, a plan or a happening (a correction or annotation may name any earlier event;
// a decision may respond only to a proposal).
//
// About 21 bytes per event plus each distinct stream name once, so a World
// that keeps no facts (WorldOptions::keep_facts = false, as an auditor's
// verifier folds) still checks every rule in bounded memory per event.
//
// Thread-compatible: const methods may run concurrently; Add needs
// exclusive access.
#ifndef LEDGER_COMPACT_FACT_DIRECTORY_H_
#define LEDGER_COMPACT_FACT_DIRECTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "compact/v1/compact.pb.h"
#include "ledger/compact/dates.h"
#include "ledger/compact/proto_alias.h"

namespace ledger::compact::internal {

class FactDirectory {
 public:
  FactDirectory() = default;

  // An empty directory that also answers for every event of `base`; Add
  // then records events after base's. For trying commands out without
  // copying the history: `base` must outlive it and must not change while
  // it is used.
  static FactDirectory Over(const FactDirectory* base);

  struct Summary {
    // "compact/<id>", "body/<id>" or "source/<id>"; empty when the event
    // names none (never for an event Prepare returned).
    std::string_view stream;
    bool proposal = false;
    // A decision or an occurrence: something that happened on its date.
    bool happening = false;
    bool plan = false;
    // The days of the event's own date (Event.date as stored; corrections
    // are not applied), for an effect that waits for this event. Both
    // unbounded when undated.
    DayRange range;
  };

  // Records folded event `event` at `sequence`, which must be greater than
  // every sequence recorded so far.
  void Add(uint64_t sequence, const compact::v1::Event& event);

  // The event at `sequence`, or nullopt when none was folded there.
  std::optional<Summary> Find(uint64_t sequence) const;

  // Number of events recorded (base's included).
  size_t size() const { return sequences_.size() + (base_ ? base_->size() : 0); }

 private:
  const FactDirectory* base_ = nullptr;
  std::vector<uint64_t> sequences_;
  // Per event: index into streams_ (the two high bits: proposal,
  // happening, plan or other).
  std::vector<uint32_t> stream_and_kind_;
  // Per event: its date's earliest and latest day, as days since
  // 1970-01-01; kUnbounded when unbounded or undated.
  std::vector<int32_t> earliest_;
  std::vector<int32_t> latest_;
  std::vector<std::string> streams_;
  absl::flat_hash_map<std::string, uint32_t> stream_ids_;
};

}  // namespace ledger::compact::internal

#endif  // LEDGER_COMPACT_FACT_DIRECTORY_H_
