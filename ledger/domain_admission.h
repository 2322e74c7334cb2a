// DomainAdmission: the compact domain's rules, checked again where the log
// decides the order of commits (see log::BatchAdmission).
//
// CompactLedger checks each command against the state folded so far, which
// leaves out the batches of other recorders still on their way to disk.
// Expected versions catch a concurrent write to the same stream; this
// catches the rest: an event that contradicts one on another stream
// committed just before it (the same ref used twice, an endorsement dated
// after a supersession recorded meanwhile). Without it both would be
// acknowledged and the log would no longer fold: every later recording,
// and opening the ledger, would fail.
//
// It keeps the rules' view of exactly the entries committed (or admitted
// into the group being committed): a World without facts, whose memory
// grows by about 13 bytes per event (see compact/fact_directory.h).
//
// The rules run once per event here: a batch of several events is checked
// on a fork first (all or nothing), then folded into the committed state
// as the fork folded it, without checking again. Once the group is durable
// (Committed), the events are handed over, as they were folded, to the
// ledger's WorldFollower, which folds them without running the rules again.
//
// Thread-safety: used by the log's commit thread only, after construction.
#ifndef LEDGER_DOMAIN_ADMISSION_H_
#define LEDGER_DOMAIN_ADMISSION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "ledger/compact/world.h"
#include "ledger/log/log.h"
#include "ledger/world_follower.h"

namespace ledger {

// For a refusal of Admit: the index, within the batch's requests, of the
// one refused (so that a caller can name it as its user numbered or
// labelled it); nullopt for other statuses.
std::optional<size_t> RefusedRequest(const absl::Status& status);

class DomainAdmission : public log::BatchAdmission {
 public:
  // `committed`: the domain state of the log's entries so far (a World
  // without facts will do; see World::WithoutFacts). `follower`, when not
  // null, is handed the events of every durable group. `log` and
  // `follower` must outlive this object.
  DomainAdmission(const log::Log& log, compact::World committed,
                  WorldFollower* follower = nullptr);

  // Admits the batch when every event, a compact.v1.Event, folds after the
  // ones before it; else refuses it whole (InvalidArgument for a payload of
  // another type; the rule's code and message for a contradiction; see
  // RefusedRequest for which one) and changes nothing.
  absl::Status Admit(const std::vector<log::AppendRequest>& requests,
                     const std::vector<log::AppendResult>& results) override;

  // Forgets the state and the events admitted since the last durable
  // write; the next Admit rebuilds the state from the log (through a
  // WorldFollower: the newest snapshot, then the entries after it).
  void Abandon() override;

  // Hands the events admitted since the last durable write to the follower.
  void Committed() override;

 private:
  const log::Log& log_;
  WorldFollower* follower_;
  // Admitted since the last durable write, as folded, by sequence.
  std::map<uint64_t, AcceptedEvent> admitted_;
  // Empty after Abandon, until rebuilt.
  std::optional<compact::World> committed_;
  // Set when a batch that its fork accepted failed to fold halfway (a bug,
  // never expected): every later batch is refused until the ledger is
  // reopened, rather than admitted against a state that is half a batch
  // ahead of the log.
  bool inconsistent_ = false;
};

}  // namespace ledger

#endif  // LEDGER_DOMAIN_ADMISSION_H_
