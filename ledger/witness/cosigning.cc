#include "ledger/witness/cosigning.h"

#include <set>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/base/status_macros.h"

namespace ledger::witness {

std::string CosigningResult::Cosigned() const {
  std::vector<std::string> names;
  for (const WitnessOutcome& o : outcomes) {
    if (o.status.ok()) names.push_back(o.witness);
  }
  return names.empty() ? "no witness" : absl::StrJoin(names, ", ");
}

std::string CosigningResult::Failures() const {
  std::vector<std::string> failures;
  for (const WitnessOutcome& o : outcomes) {
    if (!o.status.ok()) failures.push_back(std::string(o.status.message()));
  }
  return absl::StrJoin(failures, "; ");
}

absl::StatusOr<std::unique_ptr<Cosigning>> Cosigning::Create(Policy policy,
                                                             uint64_t initial_size) {
  if (policy.witnesses().empty()) {
    return absl::InvalidArgumentError(
        "the witness policy names no witness: add `witness NAME VKEY URL` lines");
  }
  if (policy.quorum() == "none" || policy.quorum().empty()) {
    return absl::InvalidArgumentError(
        "the witness policy's quorum is none: name the witness or group whose cosignatures "
        "the ledger must gather (`quorum NAME`)");
  }
  std::vector<std::unique_ptr<WitnessClient>> clients;
  for (const PolicyWitness& w : policy.witnesses()) {
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<WitnessClient> client, WitnessClient::Create(w));
    client->set_known_size(initial_size);
    clients.push_back(std::move(client));
  }
  return std::unique_ptr<Cosigning>(new Cosigning(std::move(policy), std::move(clients)));
}

Cosigning::Cosigning(Policy policy, std::vector<std::unique_ptr<WitnessClient>> clients)
    : policy_(std::move(policy)), clients_(std::move(clients)) {}

absl::StatusOr<CosigningResult> Cosigning::Cosign(std::string_view note,
                                                  const ConsistencyProofSource& proofs,
                                                  absl::Time deadline) {
  LEDGER_ASSIGN_OR_RETURN(CheckpointToCosign checkpoint, PrepareCheckpoint(note));
  absl::MutexLock lock(&mu_);
  std::vector<absl::StatusOr<CosignatureAnswer>> answers(
      clients_.size(), absl::UnknownError("not asked"));
  {
    // One thread per witness, each writing only its own slot; every request
    // is bounded by the deadline, so joining waits at most about that long.
    std::vector<std::thread> threads;
    threads.reserve(clients_.size());
    for (size_t i = 0; i < clients_.size(); ++i) {
      WitnessClient* client = clients_[i].get();
      threads.emplace_back([&, i, client] {
        answers[i] = client->RequestCosignature(checkpoint, proofs, deadline);
      });
    }
    for (std::thread& t : threads) t.join();
  }
  CosigningResult result;
  LEDGER_ASSIGN_OR_RETURN(log::Note merged, log::ParseNote(note));
  std::set<std::string> cosigned;
  for (size_t i = 0; i < clients_.size(); ++i) {
    const PolicyWitness& w = clients_[i]->witness();
    WitnessOutcome outcome{w.name, w.url, answers[i].status(), 0};
    if (answers[i].ok()) {
      outcome.timestamp = answers[i]->timestamp;
      // Replace any line of the same key (the log may resend a note).
      std::erase_if(merged.signatures, [&](const log::NoteSignature& s) {
        return w.key.Matches(s);
      });
      merged.signatures.push_back(answers[i]->cosignature);
      cosigned.insert(w.name);
    }
    result.outcomes.push_back(std::move(outcome));
  }
  result.quorum = policy_.Evaluate(cosigned);
  LEDGER_ASSIGN_OR_RETURN(result.note, log::FormatNote(merged));
  return result;
}

}  // namespace ledger::witness
