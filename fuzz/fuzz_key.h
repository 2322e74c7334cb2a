// The log key that signs the fuzz targets' seed corpora: a test key,
// published on purpose. Seeds signed by it let mutations reach the code
// behind the signature checks (a mutated entry under a valid checkpoint, a
// proof whose checkpoint verifies). Never use it for a real log.
//
// fuzz/README.md says how the seeds were made with it.
#ifndef LEDGER_FUZZ_FUZZ_KEY_H_
#define LEDGER_FUZZ_FUZZ_KEY_H_

#include <cstdlib>
#include <string_view>
#include <vector>

#include "ledger/log/signed_note.h"

namespace ledger::fuzz {

inline constexpr std::string_view kFuzzOrigin = "fuzz.example/log";
inline constexpr std::string_view kFuzzPrivateKey =
    "PRIVATE+KEY+fuzz.example/log+11d62040+AdFvxAd1CrVnB7WL7YFk6oVc2+EDf94BPrtaD/eajVxf";

// The signer of kFuzzPrivateKey; aborts if it does not parse (a broken
// build, not an input).
inline const log::NoteSigner& FuzzSigner() {
  static const log::NoteSigner* signer = [] {
    auto parsed = log::NoteSigner::FromPrivateKeyString(kFuzzPrivateKey);
    if (!parsed.ok()) std::abort();
    return new log::NoteSigner(*parsed);
  }();
  return *signer;
}

// The verifier keys a target trusts: the fuzz key alone.
inline const std::vector<log::NoteVerifier>& FuzzKeys() {
  static const auto* keys = new std::vector<log::NoteVerifier>{FuzzSigner().verifier()};
  return *keys;
}

}  // namespace ledger::fuzz

#endif  // LEDGER_FUZZ_FUZZ_KEY_H_
