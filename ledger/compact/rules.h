// Internal to ledger_compact: the validation steps of World::Prepare and
// helpers shared by the rules, the fold and StateAt.
//
// Pure functions; thread-safe.
#ifndef LEDGER_COMPACT_RULES_H_
#define LEDGER_COMPACT_RULES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "compact/v1/compact.pb.h"
#include "ledger/compact/fact_directory.h"
#include "ledger/compact/proto_alias.h"
#include "ledger/compact/steps.h"

namespace ledger::compact::internal {

// The fact with ledger sequence `sequence`, or nullptr.
const compact::v1::Fact* FindFact(const compact::v1::WorldState& state,
                                  uint64_t sequence);

// True when `ids` (a list of body, code or party ids) holds `id`.
bool HasId(const google::protobuf::RepeatedPtrField<std::string>& ids, const std::string& id);

// The action of a proposal, decision, plan or occurrence; nullptr otherwise.
const compact::v1::Action* ActionOf(const compact::v1::Event& event);

// True when the event's action takes effect: an occurrence, or a decision
// that carries its action (approve, endorse, adopt, agree, amend, resolve).
bool Carried(const compact::v1::Event& event);

// True when `kind` carries the action.
bool CarriesAction(compact::v1::DecisionKind kind);

// Completes every Date in `event` (see CompleteDate). InvalidArgument.
absl::Status CompleteDates(compact::v1::Event* event);

// Resolves EventRefs to sequences (events listed in `facts`), fills a
// mediation step's compact from its case and an annotation's target stream.
// NotFound / InvalidArgument.
absl::Status ResolveReferences(const compact::v1::WorldState& state,
                               const FactDirectory& facts, compact::v1::Event* event);

// Checks a completed event against the state (every rule).
absl::Status CheckEvent(const compact::v1::WorldState& state,
                        const compact::v1::Event& event);

// Rules for proposals, decisions, plans, occurrences and annotations
// (rules_step.cc).
absl::Status CheckStep(const compact::v1::WorldState& state,
                       const compact::v1::Event& event);

// Rules for registrations (rules_registry.cc).
absl::Status CheckRegistration(const compact::v1::WorldState& state,
                               const compact::v1::Event& event);

// Structural checks of an action and the ids it names (rules_step.cc).
absl::Status CheckAction(const compact::v1::WorldState& state,
                         const compact::v1::Action& action);

// Rules for a carried action: lifecycle contradictions (rules_effect.cc).
absl::Status CheckEffect(const compact::v1::WorldState& state,
                         const compact::v1::Event& event);

// NotFound unless `body_id` is registered; `what` names the field.
absl::Status RequireBody(const compact::v1::WorldState& state,
                         std::string_view body_id, std::string_view what);
// NotFound unless `compact_id` is registered.
absl::Status RequireCompact(const compact::v1::WorldState& state,
                            std::string_view compact_id, std::string_view what);
// InvalidArgument when `value` is empty.
absl::Status RequireText(std::string_view value, std::string_view what);

// IsMediationStep and IsConsultationStep: ledger/compact/steps.h.
// The stage a mediation step moves its case to (UNSPECIFIED otherwise).
compact::v1::MediationStage MediationStageOf(compact::v1::ActionKind kind);

// True when the action kind concerns codes of practice.
bool IsCodeStep(compact::v1::ActionKind kind);

// True for WITHDRAW_FROM_COMPACT and DISSOLVE_BODY (rules_parties.cc).
bool IsPartyChange(compact::v1::ActionKind kind);
// Structural checks of a withdrawal's or dissolution's fields, and of
// `successor_body_id` on any action (rules_parties.cc). InvalidArgument /
// NotFound.
absl::Status CheckPartyFields(const compact::v1::WorldState& state,
                              const compact::v1::Action& action);
// Rules for a carried withdrawal or dissolution: the withdrawing body is a
// party on that date, has not withdrawn before and has not ceased; a body
// is dissolved once (rules_parties.cc). FailedPrecondition.
absl::Status CheckPartyChange(const compact::v1::WorldState& state,
                              const compact::v1::Event& event);

}  // namespace ledger::compact::internal

#endif  // LEDGER_COMPACT_RULES_H_
