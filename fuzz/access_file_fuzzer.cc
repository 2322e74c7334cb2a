// Access files (`serve --tokens FILE`): the server's rules of who may do
// what.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "services/auth.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)ledger::services::AccessPolicy::Parse(input);
  return 0;
}
