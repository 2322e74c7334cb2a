// The web view (ledger/site SiteFiles) of a ledger as it grows: what
// `ledgerctl serve --http` serves beside the tiles, and how `ledgerctl
// publish` learns which keys the pages trust.
//
// Thread-safety: SiteOptionsOf is stateless. LiveSite::Get may be called
// from any number of threads at once.
#ifndef LEDGER_SERVICES_HTTP_LIVE_SITE_H_
#define LEDGER_SERVICES_HTTP_LIVE_SITE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ledger/compact_ledger.h"
#include "ledger/publication/file_source.h"
#include "ledger/site/site_data.h"
#include "ledger/site/site_files.h"
#include "ledger/witness/policy.h"

namespace ledger::services::http {

// What the pages of `log` trust: the verifier keys that signed its stored
// checkpoints (audit::KnownVerifierKeys), the origin of its newest
// checkpoint, and, given the ledger's witness policy, its witnesses
// (WitnessesOfPolicy). NotFound, saying how to sign one, when the log has no
// signed checkpoint or no known key (the pages verify every fact against a
// signed checkpoint, so without one there is nothing they could show as
// verified); DataLoss when the stored checkpoint does not parse.
absl::StatusOr<site::SiteOptions> SiteOptionsOf(const log::Log& log,
                                                const witness::Policy* policy = nullptr);

// Sets options->witness_keys and witness_quorum from `policy`, as the pages
// check a checkpoint: k of n witnesses. A quorum of one witness, or of a
// group of witnesses, is said exactly. A quorum of nested groups is not k of
// n: then every witness of the policy is listed with a quorum of 0, so the
// pages verify and show each cosignature without requiring any; returns
// false in that case (the caller says so), true otherwise. `quorum none`:
// no witnesses.
bool WitnessesOfPolicy(const witness::Policy& policy, site::SiteOptions* options);

// A FileSource holding the web view of `ledger` as of the last time a
// request found the log grown: a Get after the log grew builds a new
// SiteFiles (one build at a time; requests arriving meanwhile get the
// previous snapshot), so the pages never lag the log by more than one
// request. Before the log has a signed checkpoint every Get is NotFound,
// saying so.
class LiveSite : public publication::FileSource {
 public:
  // `ledger` must outlive this object.
  // `policy`, if given, names the witnesses the pages check (SiteOptionsOf).
  explicit LiveSite(const CompactLedger& ledger, std::optional<witness::Policy> policy = {})
      : ledger_(ledger), policy_(std::move(policy)) {}

  // The file at `path` of the current snapshot (SiteFiles::Get), after
  // rebuilding it if the log grew. NotFound as above or for a path the site
  // does not hold; InvalidArgument for a malformed path; errors of the
  // ledger's reads.
  absl::StatusOr<publication::PublishedFile> Get(std::string_view path) const override;

 private:
  // The snapshot to answer from, rebuilt first when the log grew.
  absl::StatusOr<std::shared_ptr<const site::SiteFiles>> Current() const;

  const CompactLedger& ledger_;
  const std::optional<witness::Policy> policy_;
  // Serializes rebuilds. A std::mutex, not an absl::Mutex: Current takes
  // it with try_to_lock and falls back to waiting for it, a conditional
  // acquisition that unique_lock expresses and the thread-safety analysis
  // does not follow; it guards no data, only the work of rebuilding.
  mutable std::mutex build_mu_;
  // Held only to copy or replace the pointer.
  mutable absl::Mutex snapshot_mu_;
  mutable std::shared_ptr<const site::SiteFiles> snapshot_ ABSL_GUARDED_BY(snapshot_mu_);
};

}  // namespace ledger::services::http

#endif  // LEDGER_SERVICES_HTTP_LIVE_SITE_H_
