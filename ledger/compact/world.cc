#include "ledger/compact/world.h"

#include <atomic>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/compact/fold.h"
#include "ledger/compact/rules.h"
#include "ledger/compact/state_index.h"
#include "ledger/compact/streams.h"

namespace ledger::compact {
namespace {

using compact::v1::Event;

absl::StatusOr<std::string> Named(std::string_view prefix,
                                  const std::string& id) {
  if (id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the event names no ", std::string(prefix),
        " id, so it belongs to no stream"));
  }
  return StreamName(prefix, id);
}

// Proposals, decisions, plans and occurrences go to their compact's stream;
// a dissolution to the dissolved body's; otherwise to the acting body's (or the meeting's, or the body a
// proposal is addressed to, or the first body the action names).
absl::StatusOr<std::string> StepStream(const Event& event) {
  const compact::v1::Action* action = internal::ActionOf(event);
  if (!action->compact_id().empty()) return Named(kCompactStreams, action->compact_id());
  // A dissolution belongs with the body that ceased, whoever dissolved it.
  if (action->kind() == compact::v1::ACTION_KIND_DISSOLVE_BODY && !action->body_ids().empty()) {
    return Named(kBodyStreams, action->body_ids(0));
  }
  if (!event.actor().body_id().empty()) return Named(kBodyStreams, event.actor().body_id());
  if (!event.meeting().body_id().empty()) {
    return Named(kBodyStreams, event.meeting().body_id());
  }
  if (event.has_proposal()) return Named(kBodyStreams, event.proposal().addressed_to());
  return Named(kBodyStreams, action->body_ids().empty() ? std::string() : action->body_ids(0));
}

}  // namespace

namespace {

void ForgetUnsettled(const compact::v1::EventRef& given, uint64_t first_unsettled,
                     compact::v1::EventRef* resolved) {
  if (!given.has_sequence() && !given.ref().empty() && resolved->has_sequence() &&
      resolved->sequence() >= first_unsettled) {
    resolved->clear_sequence();
  }
}

}  // namespace

void ForgetUnsettledSequences(const Event& command, uint64_t first_unsettled, Event* prepared) {
  if (command.has_annotation() && prepared->has_annotation()) {
    const compact::v1::Annotation& given = command.annotation();
    compact::v1::Annotation* resolved = prepared->mutable_annotation();
    ForgetUnsettled(given.target(), first_unsettled, resolved->mutable_target());
    for (int i = 0; i < given.related_size() && i < resolved->related_size(); ++i) {
      ForgetUnsettled(given.related(i), first_unsettled, resolved->mutable_related(i));
    }
    if (given.has_replaced_by()) {
      ForgetUnsettled(given.replaced_by(), first_unsettled, resolved->mutable_replaced_by());
    }
  }
  if (command.has_decision() && command.decision().has_responds_to() &&
      prepared->has_decision()) {
    ForgetUnsettled(command.decision().responds_to(), first_unsettled,
                    prepared->mutable_decision()->mutable_responds_to());
  }
  if (command.effect().has_on_event() && prepared->effect().has_on_event()) {
    ForgetUnsettled(command.effect().on_event(), first_unsettled,
                    prepared->mutable_effect()->mutable_on_event());
  }
  if (command.has_plan() && prepared->has_plan()) {
    const compact::v1::Plan& given = command.plan();
    compact::v1::Plan* resolved = prepared->mutable_plan();
    if (given.has_proposed_in()) {
      ForgetUnsettled(given.proposed_in(), first_unsettled, resolved->mutable_proposed_in());
    }
    if (given.has_after()) {
      ForgetUnsettled(given.after(), first_unsettled, resolved->mutable_after());
    }
  }
}

World::World() = default;

World::World(const WorldOptions& options) : keep_facts_(options.keep_facts) {}

namespace {

std::atomic<uint64_t> rule_runs{0};

}  // namespace

uint64_t World::RuleRuns() { return rule_runs.load(std::memory_order_relaxed); }

absl::StatusOr<Event> World::PrepareInternal(const Event& command) const {
  rule_runs.fetch_add(1, std::memory_order_relaxed);
  Event event = command;
  LEDGER_RETURN_IF_ERROR(internal::CompleteDates(&event));
  LEDGER_RETURN_IF_ERROR(internal::ResolveReferences(state_, facts_, &event));
  LEDGER_RETURN_IF_ERROR(internal::CheckEvent(state_, event));
  return event;
}

absl::StatusOr<Event> World::Prepare(const Event& command) const {
  return PrepareInternal(command);
}

absl::Status World::CheckFollows(const EventMeta& meta) const {
  if (state_.has_last_sequence() && meta.sequence <= state_.last_sequence()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "event sequence ", meta.sequence, " does not follow the last folded ",
        "sequence ", state_.last_sequence(), ": fold the log in order"));
  }
  return absl::OkStatus();
}

void World::Fold(const Event& prepared, const EventMeta& meta) {
  internal::Fold(&state_, prepared, meta, facts_, keep_facts_);
  facts_.Add(meta.sequence, prepared);
  if (keep_facts_) index_.Add(state_, state_.facts_size() - 1);
}

absl::Status World::Apply(const Event& event, const EventMeta& meta) {
  LEDGER_RETURN_IF_ERROR(CheckFollows(meta));
  absl::StatusOr<Event> prepared = PrepareInternal(event);
  if (!prepared.ok()) {
    return absl::DataLossError(absl::StrCat(
        "event at sequence ", meta.sequence,
        " contradicts the state folded before it: ",
        std::string(prepared.status().message())));
  }
  Fold(*prepared, meta);
  return absl::OkStatus();
}

absl::Status World::Accept(const Event& event, const EventMeta& meta) {
  Event folded;
  return Accept(event, meta, &folded);
}

absl::Status World::Accept(const Event& event, const EventMeta& meta, Event* folded) {
  LEDGER_RETURN_IF_ERROR(CheckFollows(meta));
  LEDGER_ASSIGN_OR_RETURN(*folded, PrepareInternal(event));
  Fold(*folded, meta);
  return absl::OkStatus();
}

absl::Status World::ApplyAccepted(const Event& folded, const EventMeta& meta) {
  LEDGER_RETURN_IF_ERROR(CheckFollows(meta));
  Fold(folded, meta);
  return absl::OkStatus();
}

World World::LeanWithState() const {
  World lean(WorldOptions{.keep_facts = false});
  // Every field of WorldState but the facts (world_test checks that this
  // list is complete).
  compact::v1::WorldState& state = lean.state_;
  *state.mutable_sources() = state_.sources();
  *state.mutable_bodies() = state_.bodies();
  *state.mutable_compacts() = state_.compacts();
  *state.mutable_codes() = state_.codes();
  *state.mutable_consultations() = state_.consultations();
  *state.mutable_mediation_cases() = state_.mediation_cases();
  *state.mutable_refs() = state_.refs();
  *state.mutable_persons() = state_.persons();
  *state.mutable_posts() = state_.posts();
  if (state_.has_last_sequence()) state.set_last_sequence(state_.last_sequence());
  return lean;
}

World World::WithoutFacts() const {
  World lean = LeanWithState();
  lean.facts_ = facts_;
  return lean;
}

World World::ForkForChecking() const {
  World fork = LeanWithState();
  fork.facts_ = internal::FactDirectory::Over(&facts_);
  return fork;
}

absl::StatusOr<std::string> World::StreamOf(const Event& event) {
  switch (event.kind_case()) {
    case Event::kSourceRegistered:
      return Named(kSourceStreams, event.source_registered().source_id());
    case Event::kBodyRegistered:
      return Named(kBodyStreams, event.body_registered().body_id());
    case Event::kMembershipRecorded:
      return Named(kBodyStreams, event.membership_recorded().organization_id());
    case Event::kBodySucceeded:
      return Named(kBodyStreams, event.body_succeeded().predecessor_id());
    case Event::kPersonRegistered:
      return Named(kPersonStreams, event.person_registered().person_id());
    case Event::kPostRegistered:
      return Named(kBodyStreams, event.post_registered().organization_id());
    case Event::kCompactRegistered:
      return Named(kCompactStreams, event.compact_registered().compact_id());
    case Event::kCodeRegistered:
      return Named(kCompactStreams, event.code_registered().compact_id());
    case Event::kAnnotation:
      if (event.annotation().target_stream().empty()) {
        return absl::InvalidArgumentError(
            "an annotation's stream is its target's, known after Prepare");
      }
      return event.annotation().target_stream();
    case Event::kProposal:
    case Event::kDecision:
    case Event::kPlan:
    case Event::kOccurrence:
      return StepStream(event);
    default:
      return absl::InvalidArgumentError("the event has no kind");
  }
}

absl::StatusOr<World> World::FromState(compact::v1::WorldState state) {
  for (int i = 1; i < state.facts_size(); ++i) {
    if (state.facts(i).sequence() <= state.facts(i - 1).sequence()) {
      return absl::DataLossError(absl::StrCat(
          "snapshot facts out of order at index ", i, ": rebuild it from the log"));
    }
  }
  if (!state.facts().empty() &&
      (!state.has_last_sequence() ||
       state.last_sequence() != state.facts().rbegin()->sequence())) {
    return absl::DataLossError(
        "snapshot last_sequence does not match its last fact: rebuild it "
        "from the log");
  }
  for (const auto& [ref, seq] : state.refs()) {
    if (internal::FindFact(state, seq) == nullptr) {
      return absl::DataLossError(absl::StrCat(
          "snapshot ref '", ref, "' names missing sequence ", seq));
    }
  }
  World world;
  world.state_ = std::move(state);
  // Snapshots are never trusted over the log: records a newer fold keeps
  // are rebuilt from the snapshot's own facts.
  internal::RefoldPartySteps(&world.state_);
  world.index_ = internal::FactIndex::Build(world.state_);
  for (const compact::v1::Fact& fact : world.state_.facts()) {
    world.facts_.Add(fact.sequence(), fact.event());
  }
  return world;
}

std::vector<uint64_t> World::SequencesConcerning(
    std::string_view compact_id) const {
  std::vector<uint64_t> out;
  for (const compact::v1::Fact& fact : state_.facts()) {
    if (internal::Concerns(fact.event(), compact_id)) {
      out.push_back(fact.sequence());
    }
  }
  return out;
}

absl::Status World::StateAt(const CivilDay& at, std::string_view compact_id,
                            compact::v1::StateReport* out) const {
  return StateAt(at, compact_id, internal::kAllFolded, out);
}

absl::Status World::StateAt(const CivilDay& at, std::string_view compact_id,
                            uint64_t known_through, compact::v1::StateReport* out) const {
  if (!keep_facts_) {
    return absl::FailedPreconditionError(
        "this World keeps no facts (WorldOptions::keep_facts): it checks rules only");
  }
  return internal::StateAtIndexed(state_, index_, at, compact_id, out, known_through);
}

absl::StatusOr<compact::v1::StateReport> World::StateAt(
    const CivilDay& at, std::string_view compact_id) const {
  compact::v1::StateReport report;
  LEDGER_RETURN_IF_ERROR(StateAt(at, compact_id, &report));
  return report;
}

}  // namespace ledger::compact
