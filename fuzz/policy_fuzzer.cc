// C2SP tlog-policy files (`verify-proof --policy`, `verify --bundle
// --policy`, and the witness's `--logs`), then the quorum check of a
// checkpoint signed by the fuzz key. Checks that a policy that parses keeps
// its limits and that its quorum is met when every witness cosigned (unless
// it is "none") and never when none did.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "fuzz/fuzz_key.h"
#include "ledger/log/checkpoint.h"
#include "ledger/witness/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  (void)witness::Policy::Parse(input, {.require_quorum = false});
  auto policy = witness::Policy::Parse(input);
  if (!policy.ok()) return 0;
  if (policy->logs().size() > 256 || policy->witnesses().size() > 256 || policy->quorum().empty()) {
    std::abort();
  }
  std::set<std::string> all;
  for (const auto& w : policy->witnesses()) all.insert(w.name);
  const bool none = policy->quorum() == "none";
  if (policy->Evaluate(all).met != true) std::abort();
  if (!none && policy->Evaluate({}).met) std::abort();

  static const std::string note =
      *log::SignCheckpoint(fuzz::kFuzzOrigin, {1, log::Hash{}}, fuzz::FuzzSigner());
  (void)policy->Check(note, "");
  return 0;
}
