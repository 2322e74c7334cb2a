// The compact domain's folded state and its rules.
//
// A World validates commands (compact.v1.Event as submitted) against what
// has been folded so far (Prepare), and folds the events the log committed
// (Apply). Rules refuse contradictions, never gaps: a compact, body or code
// of practice may enter the record at any stage with what is known of it,
// and no rule demands an invented earlier step. Proposals, decisions, plans
// and occurrences stay apart (see compact/v1/event.proto).
//
// Pure: no I/O. Thread-compatible: const methods may run concurrently; a
// non-const call needs exclusive access.
#ifndef LEDGER_COMPACT_WORLD_H_
#define LEDGER_COMPACT_WORLD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "compact/v1/compact.pb.h"
#include "ledger/compact/fact_directory.h"
#include "ledger/compact/fact_index.h"
#include "ledger/compact/proto_alias.h"
// StateAt (state at a date) is part of the same API; callers of World get it
// with this header.
#include "ledger/compact/state_at.h"

namespace ledger::compact {

// Ledger metadata of a committed event.
struct EventMeta {
  // Global ledger sequence (0-based); strictly increasing across Apply calls.
  uint64_t sequence = 0;
  // Commit time, microseconds since the Unix epoch, UTC.
  int64_t recorded_at_micros = 0;
  // Authenticated principal that recorded it.
  std::string actor;
};

struct WorldOptions {
  // Keep every folded event (WorldState.facts), which StateAt,
  // SequencesConcerning and snapshots need. Off, the World still checks
  // every rule but keeps only a few bytes per event (fact_directory.h):
  // what a verifier that only asks "does this history obey the rules?"
  // needs, in memory that does not grow with the events' size.
  // Default: true.
  bool keep_facts = true;
};

// Clears, in `prepared` (what Prepare made of `command`), each reference
// to an event that `command` gave by ref alone and that Prepare resolved to
// a sequence >= `first_unsettled`. A batch's later commands are prepared
// against the sequences its earlier events are expected to get; events of
// concurrent recorders committed first move them, and a stored sequence
// would then name another event. The ref names the same event wherever it
// lands, and is resolved again whenever the event is folded. References to
// settled events (< first_unsettled), and sequences the command gave, are
// kept.
void ForgetUnsettledSequences(const compact::v1::Event& command, uint64_t first_unsettled,
                              compact::v1::Event* prepared);

class World {
 public:
  World();
  explicit World(const WorldOptions& options);

  // Validates `command` against the state folded so far and returns the
  // event to store: dates completed from their EDTF strings, refs resolved to
  // sequences, mediation steps given their case's compact, an annotation
  // given its target's stream. Nothing else is added. Errors:
  //  InvalidArgument: malformed (bad EDTF, earliest after latest, missing id,
  //    unknown or unset enum, missing citation);
  //  NotFound: names a compact, body, source, code, case or event that does
  //    not exist;
  //  FailedPrecondition: contradicts the record (endorsing after a known
  //    supersession, a party signing twice, a mediation step out of order);
  //  AlreadyExists: registers an id (or ref) twice.
  // The message says what is wrong and what to do.
  absl::StatusOr<compact::v1::Event> Prepare(
      const compact::v1::Event& command) const;

  // Folds `event`, committed by the log at `meta`. Accepts every event that
  // Prepare returned on this state. DataLoss when the event contradicts the
  // state (a log written by something else); FailedPrecondition when
  // meta.sequence does not follow the last folded sequence. On error the
  // state is unchanged.
  absl::Status Apply(const compact::v1::Event& event, const EventMeta& meta);

  // Apply for an event prepared against an earlier state (by a concurrent
  // writer), checked again against this one: the same checks, but a
  // refusal is Prepare's (the rule the event breaks here), not DataLoss.
  // On error the state is unchanged.
  absl::Status Accept(const compact::v1::Event& event, const EventMeta& meta);
  // Accept, and on success `*folded` is the event as it was folded (dates
  // completed, refs resolved against this state): what ApplyAccepted takes.
  absl::Status Accept(const compact::v1::Event& event, const EventMeta& meta,
                      compact::v1::Event* folded);

  // Folds `folded`, an event that Accept returned on a World holding the
  // same events as this one (the same committed prefix, facts kept or not),
  // without checking the rules again: they gave their answer there.
  // FailedPrecondition when meta.sequence does not follow the last folded
  // sequence (then the state is unchanged).
  absl::Status ApplyAccepted(const compact::v1::Event& folded, const EventMeta& meta);

  // How many times the rules have been run (Prepare, Apply, Accept: once
  // per event each) in this process, by every World. For benchmarks and
  // tests that count rule runs per recorded command.
  static uint64_t RuleRuns();

  // An independent copy that keeps no facts (WorldOptions::keep_facts =
  // false): it checks and folds as this one does, in memory that does not
  // grow with the events' size.
  World WithoutFacts() const;

  // A World for trying out a batch of commands: it checks commands as this
  // one does, and Apply folds into it (not into this one) without keeping
  // facts, so a later command of the batch is checked against the earlier
  // ones. It shares this World's record of past events instead of copying
  // the history, so it costs what the state apart from the facts costs
  // (entities, refs). It must not outlive this World, and this World must
  // not change while it is used. StateAt, SequencesConcerning and state()
  // facts are not available on it.
  World ForkForChecking() const;

  // The stream an event belongs to: "compact/<id>", "body/<id>" or
  // "source/<id>". InvalidArgument when the event names none (an annotation
  // has one only after Prepare).
  static absl::StatusOr<std::string> StreamOf(const compact::v1::Event& event);

  // Everything folded so far; suitable for a snapshot.
  const compact::v1::WorldState& state() const { return state_; }

  // Restores a World from a snapshot of state(). DataLoss when the snapshot
  // is inconsistent (facts out of sequence order, dangling references).
  static absl::StatusOr<World> FromState(compact::v1::WorldState state);

  // True when compact `compact_id` is registered.
  bool HasCompact(std::string_view compact_id) const {
    return state_.compacts().contains(std::string(compact_id));
  }

  // Ledger sequences of the events that concern `compact_id` (its own
  // stream, and events elsewhere that name it), ascending.
  std::vector<uint64_t> SequencesConcerning(std::string_view compact_id) const;

  // StateAt(state(), at, compact_id, out), answered from an index of the
  // facts kept up to date by Apply, so the cost grows with the facts of the
  // compact asked for (and the size of the report), not with the history.
  // `out` may live on an arena; on error it is left unspecified.
  // FailedPrecondition for a World that keeps no facts.
  absl::Status StateAt(const CivilDay& at, std::string_view compact_id,
                       compact::v1::StateReport* out) const;
  absl::StatusOr<compact::v1::StateReport> StateAt(
      const CivilDay& at, std::string_view compact_id) const;
  // The same, as known when only the events with a ledger sequence below
  // `known_through` were folded (bitemporal "as known at"): the report a
  // World holding just those events gives, answered from this one's index
  // at the same cost (later events, corrections and registrations are left
  // out, not folded away).
  absl::Status StateAt(const CivilDay& at, std::string_view compact_id,
                       uint64_t known_through, compact::v1::StateReport* out) const;

 private:
  // Prepare without the refusal wording of Apply.
  absl::StatusOr<compact::v1::Event> PrepareInternal(
      const compact::v1::Event& command) const;
  // FailedPrecondition unless meta.sequence follows the last folded one.
  absl::Status CheckFollows(const EventMeta& meta) const;
  // Folds an event Prepare accepted on this state.
  void Fold(const compact::v1::Event& prepared, const EventMeta& meta);
  // A World without facts whose state is this one's, facts left out.
  World LeanWithState() const;

  bool keep_facts_ = true;
  compact::v1::WorldState state_;
  // Indexes every fact of state_ (see fact_index.h); empty without facts.
  internal::FactIndex index_;
  // Every folded event, facts kept or not (for the rules).
  internal::FactDirectory facts_;
};

}  // namespace ledger::compact

#endif  // LEDGER_COMPACT_WORLD_H_
