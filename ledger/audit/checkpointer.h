// Publishing signed checkpoints of a ledger: signs the log's current tree
// head as a C2SP tlog-checkpoint and stores it with Log::PutCheckpoint, and
// remembers the signers' verifier keys so that an audit bundle can list
// them.
//
// Thread-safety: as Log; concurrent calls may race to store a checkpoint of
// the same size (the loser gets AlreadyExists).
#ifndef LEDGER_AUDIT_CHECKPOINTER_H_
#define LEDGER_AUDIT_CHECKPOINTER_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/log.h"
#include "ledger/log/signed_note.h"

namespace ledger::audit {

struct PublishedCheckpoint {
  // The signed note, byte for byte as stored.
  std::string note;
  log::TreeHead head;
  std::string origin;
  // False when the checkpoint of this size was already stored with these
  // signatures, and nothing was written (or, from SignCheckpoint, nothing is
  // left to store).
  bool created = false;
};

// The newest checkpoint stored in `log`, parsed; nullopt when none is.
// Errors of Log::LatestCheckpoint, and those of ParseNote and
// ParseCheckpoint when the stored note does not parse (a damaged store).
absl::StatusOr<std::optional<log::Checkpoint>> NewestCheckpoint(const log::Log& log);

// The origin of a log's next checkpoint, the one rule for every signer: with
// no checkpoint stored (`newest` empty), `requested`, which must be given and
// must be able to be a checkpoint's first line; else the stored origin, which
// `requested` may repeat or leave empty (a log keeps one origin). Errors:
// InvalidArgument with NextStep::kGiveOrigin (none given, or unusable) or
// kKeepOrigin (another origin than the stored one).
absl::StatusOr<std::string> ChooseOrigin(const std::optional<log::Checkpoint>& newest,
                                         std::string_view requested);

// Signs the log's current head with every one of `signers` (one signature
// line each: during a key rotation both old and new key may sign) and stores
// the note. `origin` may be empty to reuse the newest stored checkpoint's
// origin. Errors: InvalidArgument when `signers` is empty, when there is no
// origin (the first checkpoint needs one) or it differs from the stored
// checkpoints' origin (a log keeps one origin); FailedPrecondition when a
// checkpoint of the current size is stored already without some of
// `signers`' signatures (a stored checkpoint cannot gain signatures: append
// entries, then sign); errors of Log::PutCheckpoint otherwise.
absl::StatusOr<PublishedCheckpoint> PublishCheckpoint(log::Log& log,
                                                      std::span<const log::NoteSigner> signers,
                                                      std::string_view origin);

// The first half of PublishCheckpoint: signs the log's current head without
// storing it, so that witnesses' cosignatures can be added to the note before
// it is stored. When a checkpoint of the current size is stored already (with
// every signer's signature), returns it with created = false: nothing to
// store. Errors as PublishCheckpoint's, less those of storing.
absl::StatusOr<PublishedCheckpoint> SignCheckpoint(const log::Log& log,
                                                   std::span<const log::NoteSigner> signers,
                                                   std::string_view origin);

// The second half: stores `note` (SignCheckpoint's note, possibly with
// cosignature lines added) and remembers `signers`' verifier keys. Errors of
// Log::PutSnapshot and Log::PutCheckpoint.
absl::Status StoreCheckpoint(log::Log& log, std::span<const log::NoteSigner> signers,
                             std::string_view note);

// The verifier keys that PublishCheckpoint has signed with (kept in the
// log's side table, never trusted: a bundle lists them for information).
absl::StatusOr<std::vector<log::NoteVerifier>> KnownVerifierKeys(const log::Log& log);

}  // namespace ledger::audit

#endif  // LEDGER_AUDIT_CHECKPOINTER_H_
