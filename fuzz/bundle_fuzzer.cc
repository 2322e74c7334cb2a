// Audit bundles, as `ledgerctl verify --bundle` reads them: the line reader,
// the record parser, the checkpoint and chain checks and the fold of the
// domain events, against the fuzz key. Checks only that the verifier
// returns (a report or an error) without a sanitizer finding.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz/fuzz_key.h"
#include "fuzz/quiet_protobuf.h"
#include "ledger/audit/bundle_format.h"
#include "ledger/audit/bundle_verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger;
  std::string input(reinterpret_cast<const char*>(data), size);

  audit::BundleOptions options;
  options.keys = fuzz::FuzzKeys();
  std::istringstream in(input);
  (void)audit::VerifyBundle(in, options);

  // The body-line parser on its own, on every line.
  audit::BundleRecord record;
  std::istringstream lines(input);
  for (std::string line; std::getline(lines, line);) {
    (void)audit::ParseBodyLine(line, record);
  }
  return 0;
}
