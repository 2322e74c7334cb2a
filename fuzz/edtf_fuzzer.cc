// EDTF dates of events and query dates ("state at D"). Checks that a parsed
// date's earliest day is never after its latest.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ledger/compact/edtf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger::compact;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  auto date = ParseEdtf(input);
  if (date.ok() && date->earliest && date->latest && *date->latest < *date->earliest) {
    std::abort();
  }
  (void)ParseCivilDay(input);
  (void)ParseQueryDate(input);
  return 0;
}
