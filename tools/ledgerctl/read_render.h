// How `replay` and `history` print what they read, whether it came from a
// database opened read-only (--db) or from a running server (--server): one
// renderer for both, so the two print the same lines for the same ledger.
#ifndef LEDGER_TOOLS_LEDGERCTL_READ_RENDER_H_
#define LEDGER_TOOLS_LEDGERCTL_READ_RENDER_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "compact/v1/compact.pb.h"
#include "ledger/compact_ledger.h"

namespace ledger::cli {

// InvalidArgument unless `order` is "date" or "ledger" (history --order).
absl::Status CheckHistoryOrder(const std::string& order);

// A state report as `replay` prints it: the text report, or with `format`
// "json" the protobuf JSON mapping on one line.
void PrintState(const compact::v1::StateReport& report, const std::string& format);

// A compact's events as `history` prints them: a line saying the order,
// then one line per event (text), or one JSON object per line (json), in
// date order or, with `order` "ledger", as recorded.
absl::Status PrintHistory(const std::vector<HistoryItem>& items, const std::string& compact_id,
                          const std::string& format, const std::string& order);

// Every item in date order, one text line each, after a line saying how
// date order places them (the demo's timeline).
absl::Status PrintTimeline(const std::vector<HistoryItem>& items, std::ostream& out);

}  // namespace ledger::cli

#endif  // LEDGER_TOOLS_LEDGERCTL_READ_RENDER_H_
