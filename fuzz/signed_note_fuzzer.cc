// Signed notes (C2SP signed-note) and verifier/private key strings, as
// `verify-proof --key`, `verify --bundle --key` and key files give them.
// Checks that a note that parses formats back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_key.h"
#include "ledger/log/signed_note.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  auto note = log::ParseNote(input);
  if (note.ok()) {
    auto formatted = log::FormatNote(*note);
    if (!formatted.ok() || *formatted != input) std::abort();
  }
  (void)log::OpenNote(input, fuzz::FuzzKeys());
  (void)log::ValidateNoteText(input);
  (void)log::ValidateKeyName(input);

  auto verifier = log::NoteVerifier::FromKeyString(input);
  if (verifier.ok() && verifier->KeyString() != input) std::abort();
  (void)log::NoteSigner::FromPrivateKeyString(input);
  return 0;
}
