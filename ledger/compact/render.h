// Plain-text renderings for the CLI: stable wording that keeps proposals,
// decisions, plans and occurrences apart and says when a fact is uncertain.
//
// Pure functions; thread-safe.
#ifndef LEDGER_COMPACT_RENDER_H_
#define LEDGER_COMPACT_RENDER_H_

#include <map>
#include <string>

#include "compact/v1/compact.pb.h"
#include "ledger/compact/proto_alias.h"

namespace ledger::compact {

// The state report as text: per compact its status from certain facts, each
// fact CERTAIN or "UNCERTAIN: ... some day in [a .. b] — the sources do not
// give the day", "PROPOSED (not decided): ...", "PLANNED, due by D,
// OVERDUE (not known to be met)", disagreements with every claim.
std::string RenderStateText(const compact::v1::StateReport& report);

// One line for timelines and history: date, category and what, e.g.
// "2006-06-29  PROPOSED (not decided) by wyre-forest-dc to
// wyre-forest-dc-cabinet, asking it to RECOMMEND to wyre-forest-dc: adoption
// of compact worcestershire-2006". Bodies appear by id.
std::string RenderEventText(const compact::v1::Event& event);

namespace internal {

// The event's line, naming bodies through `names` (id -> name) where known.
std::string EventLine(const compact::v1::Event& event,
                      const std::map<std::string, std::string>& names);

// The action as a noun phrase: "adoption of compact X (label), condition".
std::string ActionText(const compact::v1::Action& action,
                       const std::map<std::string, std::string>& names);

// "#12", or "ref 'x'" for a reference stored by its ref alone.
std::string RefText(const compact::v1::EventRef& ref);

// "on 2006-04-04", "in [2005-06-01 .. 2005-08-31]", "on or before X".
std::string WhenText(const compact::v1::Date& date);

}  // namespace internal
}  // namespace ledger::compact

#endif  // LEDGER_COMPACT_RENDER_H_
