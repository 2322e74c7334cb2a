// C2SP tlog-witness add-checkpoint request bodies (`ledgerctl witness`, POST
// /add-checkpoint) and 409 answers (text/x.tlog.size). Checks that a body
// that parses formats back to the same bytes (the format is canonical), and
// that a size that parses formats back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "ledger/witness/add_checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  auto tlog_size = witness::ParseTlogSize(input);
  if (tlog_size.ok() && absl::StrCat(*tlog_size, "\n") != input) std::abort();

  auto request = witness::ParseAddCheckpointRequest(input);
  if (!request.ok()) return 0;
  if (request->proof.size() > witness::kMaxProofLines || request->checkpoint.empty()) std::abort();
  if (witness::FormatAddCheckpointRequest(*request) != input) std::abort();
  return 0;
}
