// Checkpoints (C2SP tlog-checkpoint): the note text, and the signed note
// verified against the fuzz key. Checks that a checkpoint text that parses
// formats back to the same bytes, and that signing it gives a note that
// verifies to the same checkpoint.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_key.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/signed_note.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  (void)log::VerifyCheckpoint(input, fuzz::FuzzKeys(), fuzz::kFuzzOrigin);

  auto checkpoint = log::ParseCheckpoint(input);
  if (!checkpoint.ok()) return 0;
  auto text = log::FormatCheckpoint(*checkpoint);
  if (!text.ok() || *text != input) std::abort();
  auto note = log::SignNote(*text, fuzz::FuzzSigner());
  if (!note.ok()) std::abort();
  auto verified = log::VerifyCheckpoint(*note, fuzz::FuzzKeys(), checkpoint->origin);
  if (!verified.ok() || !(verified->checkpoint == *checkpoint)) std::abort();
  return 0;
}
