// `ledgerctl demo --witnesses`: after the demo, the demo log's head as a
// checkpoint cosigned by a 2-of-3 quorum of witnesses, and a proof of the
// Council's adoption of the seed compact checked against that quorum.
#ifndef LEDGER_TOOLS_LEDGERCTL_DEMO_WITNESSES_H_
#define LEDGER_TOOLS_LEDGERCTL_DEMO_WITNESSES_H_

#include <string>

namespace ledger::cli {

// Starts three example partner witnesses in this process on loopback port 0
// (ledger/witness, served by WitnessHttpServer), with their keys and state
// in <db>/demo-witnesses (made on first use, keys mode 0600, reused later);
// writes a C2SP tlog-policy with a 2-of-3 quorum group to
// <db>/demo-witness-policy.txt; signs the log's head with the demo key and
// has the witnesses cosign it through CheckpointPublisher, which stores it
// only with the quorum; prints the witnesses, their verifier keys, what each
// did and the cosigned note; then writes a tlog-proof of the Council's
// adoption to <db>/demo-council-adoption.tlog-proof and verifies it against
// the policy as `verify-proof --policy` does, printing the verdict.
//
// When a checkpoint of the current size is stored already, nothing new is
// cosigned: it is shown and checked if it meets the policy (an earlier run),
// and refused (exit 2, naming what to do) if it does not (it was stored
// without these witnesses, and a stored checkpoint cannot gain
// cosignatures). Returns an exit code of cli_common.h.
int RunWitnessedDemo(const std::string& db);

}  // namespace ledger::cli

#endif  // LEDGER_TOOLS_LEDGERCTL_DEMO_WITNESSES_H_
