// Scenario files (JSON Lines of compact.v1.Event), as `ledgerctl import`
// reads them. Checks that every parsed command has a label and a request id.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz/quiet_protobuf.h"
#include "ledger/scenario_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  auto scenario = ledger::ParseScenario(input, "fuzz.jsonl");
  if (scenario.ok() && (scenario->commands.size() != scenario->labels.size() ||
                        scenario->commands.size() != scenario->request_ids.size())) {
    std::abort();
  }
  return 0;
}
