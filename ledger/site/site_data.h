// The JSON data of the web view, written from the ledger's own state: an
// index of compacts and bodies, one file per compact (its facts with their
// sources and annotations, its timeline in date order, and its state for
// each interval between the days on which it can change) and one per body
// (its registration, memberships, successions and what it decided,
// proposed, planned or did). The pages show this data only after checking
// each fact's entry bytes against the published log (web/js/site.js).
//
// Facts carry the event exactly as the log stores it, in the protobuf JSON
// mapping, so the browser can compare it with what it decodes from the
// verified entry bytes.
//
// Pure functions apart from the ledger's reads; thread-safe as the ledger.
#ifndef LEDGER_SITE_SITE_DATA_H_
#define LEDGER_SITE_SITE_DATA_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/compact_ledger.h"

namespace ledger::site {

// What the pages trust, published with them (data/index.json) and shown on
// the auditor's page.
struct SiteOptions {
  // The log's verifier keys ("name+hexid+base64(0x01||key)"); at least one.
  std::vector<std::string> log_keys;
  // Witnesses' cosignature keys (signature type 0x04); may be empty.
  std::vector<std::string> witness_keys;
  // Cosignatures a checkpoint needs before the pages accept it.
  int witness_quorum = 0;
  // The checkpoint origin the pages expect; empty accepts the signed one.
  std::string origin;
};

// InvalidArgument, naming the key, when a key does not parse or the quorum
// is negative or above the number of witnesses.
absl::Status ValidateSiteOptions(const SiteOptions& options);

// Path ("data/...") -> JSON text, for every entry of the log as read now.
// Errors of the ledger's reads and of ValidateSiteOptions.
absl::StatusOr<std::map<std::string, std::string>> BuildSiteData(const CompactLedger& ledger,
                                                                 const SiteOptions& options);

}  // namespace ledger::site

#endif  // LEDGER_SITE_SITE_DATA_H_
