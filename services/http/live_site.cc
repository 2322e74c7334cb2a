#include "services/http/live_site.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/audit/checkpointer.h"
#include "ledger/base/status_macros.h"
#include "ledger/tiles/tile_files.h"

namespace ledger::services::http {

bool WitnessesOfPolicy(const witness::Policy& policy, site::SiteOptions* options) {
  options->witness_keys.clear();
  options->witness_quorum = 0;
  const std::string& quorum = policy.quorum();
  if (quorum.empty() || quorum == "none") return true;
  std::map<std::string, std::string> keys;  // witness name -> its vkey
  for (const witness::PolicyWitness& w : policy.witnesses()) keys[w.name] = w.key.KeyString();
  if (auto it = keys.find(quorum); it != keys.end()) {
    options->witness_keys.push_back(it->second);
    options->witness_quorum = 1;
    return true;
  }
  for (const witness::PolicyGroup& g : policy.groups()) {
    if (g.name != quorum) continue;
    const bool flat = std::all_of(g.members.begin(), g.members.end(),
                                  [&](const std::string& m) { return keys.contains(m); });
    if (!flat) break;
    for (const std::string& m : g.members) options->witness_keys.push_back(keys[m]);
    options->witness_quorum = static_cast<int>(g.threshold);
    return true;
  }
  for (const witness::PolicyWitness& w : policy.witnesses()) {
    options->witness_keys.push_back(w.key.KeyString());
  }
  return false;
}

absl::StatusOr<site::SiteOptions> SiteOptionsOf(const log::Log& log, const witness::Policy* policy) {
  LEDGER_ASSIGN_OR_RETURN(tiles::PublishedCheckpoint latest, tiles::LatestPublishedCheckpoint(log));
  LEDGER_ASSIGN_OR_RETURN(std::vector<log::NoteVerifier> keys, audit::KnownVerifierKeys(log));
  if (keys.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "the ledger at ", log.path(), " knows no key its checkpoints were signed with, so the "
        "web view could trust none: sign a checkpoint with `ledgerctl checkpoint --db ",
        log.path(), " --sign-key FILE`, or serve it with `ledgerctl serve --sign-key FILE`"));
  }
  site::SiteOptions options;
  for (const log::NoteVerifier& key : keys) options.log_keys.push_back(key.KeyString());
  options.origin = latest.checkpoint.origin;
  if (policy != nullptr) WitnessesOfPolicy(*policy, &options);
  return options;
}

absl::StatusOr<std::shared_ptr<const site::SiteFiles>> LiveSite::Current() const {
  const uint64_t size = ledger_.log().Size();
  {
    absl::MutexLock lock(&snapshot_mu_);
    if (snapshot_ != nullptr && snapshot_->tree_size() >= size) return snapshot_;
  }
  std::unique_lock<std::mutex> building(build_mu_, std::try_to_lock);
  if (!building.owns_lock()) {
    // Another request is rebuilding: answer from the previous snapshot if
    // there is one, else wait for the build.
    {
      absl::MutexLock lock(&snapshot_mu_);
      if (snapshot_ != nullptr) return snapshot_;
    }
    building.lock();
  }
  {
    absl::MutexLock lock(&snapshot_mu_);
    if (snapshot_ != nullptr && snapshot_->tree_size() >= size) return snapshot_;
  }
  LEDGER_ASSIGN_OR_RETURN(site::SiteOptions options,
                          SiteOptionsOf(ledger_.log(), policy_ ? &*policy_ : nullptr));
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<site::SiteFiles> built,
                          site::SiteFiles::Build(ledger_, options));
  std::shared_ptr<const site::SiteFiles> fresh = std::move(built);
  absl::MutexLock lock(&snapshot_mu_);
  snapshot_ = fresh;
  return fresh;
}

absl::StatusOr<publication::PublishedFile> LiveSite::Get(std::string_view path) const {
  LEDGER_ASSIGN_OR_RETURN(std::shared_ptr<const site::SiteFiles> site, Current());
  return site->Get(path);
}

}  // namespace ledger::services::http
