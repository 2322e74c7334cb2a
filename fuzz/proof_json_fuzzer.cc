// The JSON form of an entry proof, as `ledgerctl verify-proof` reads it,
// then the offline verification of the proof against the fuzz key. Checks
// that a proof that parses prints JSON that parses back to it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_key.h"
#include "fuzz/quiet_protobuf.h"
#include "ledger/audit/entry_proof.h"
#include "ledger/audit/proof_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  auto parsed = audit::EntryProofFromJson(input);
  if (!parsed.ok()) return 0;
  const audit::EntryProof& proof = parsed->proof;
  auto again = audit::EntryProofFromJson(audit::EntryProofToJson(proof, parsed->compact_id));
  if (!again.ok() || again->compact_id != parsed->compact_id ||
      again->proof.sequence != proof.sequence || again->proof.entry_bytes != proof.entry_bytes ||
      again->proof.leaf_hash != proof.leaf_hash || again->proof.tree_size != proof.tree_size ||
      again->proof.inclusion != proof.inclusion || again->proof.checkpoint != proof.checkpoint) {
    std::abort();
  }
  (void)audit::VerifyEntryProof(proof, fuzz::FuzzKeys(), fuzz::kFuzzOrigin);
  return 0;
}
