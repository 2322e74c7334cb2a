// C2SP tlog-proof@v1 text, as `ledgerctl verify-proof` reads it, then the
// offline verification of the proof against the fuzz key. Checks that a
// proof that parses formats to text that parses back to the same proof.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_key.h"
#include "fuzz/quiet_protobuf.h"
#include "ledger/audit/entry_proof.h"

namespace {

bool SameProof(const ledger::audit::EntryProof& a, const ledger::audit::EntryProof& b) {
  return a.sequence == b.sequence && a.entry_bytes == b.entry_bytes &&
         a.leaf_hash == b.leaf_hash && a.tree_size == b.tree_size &&
         a.inclusion == b.inclusion && a.checkpoint == b.checkpoint;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  auto proof = audit::ParseTlogProof(input);
  if (!proof.ok()) return 0;
  auto again = audit::ParseTlogProof(audit::FormatTlogProof(*proof));
  if (!again.ok() || !SameProof(*again, *proof)) std::abort();
  (void)audit::VerifyEntryProof(*proof, fuzz::FuzzKeys(), fuzz::kFuzzOrigin);
  (void)audit::VerifyEntryProof(*proof, fuzz::FuzzKeys(), "");
  return 0;
}
