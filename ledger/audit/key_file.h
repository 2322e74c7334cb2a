// Private key files of checkpoint signers.
//
// A key file holds one C2SP signed-note private key string
// ("PRIVATE+KEY+<name>+<hex key ID>+<base64>", see ledger/log/signed_note.h)
// and one "\n". It grants the power to sign checkpoints, so it is created
// with mode 0600 and is never overwritten, and a file that others may read is
// refused (as ssh refuses such keys).
//
// Thread-safety: stateless functions; safe to call concurrently (on
// different paths).
#ifndef LEDGER_AUDIT_KEY_FILE_H_
#define LEDGER_AUDIT_KEY_FILE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ledger/log/signed_note.h"

namespace ledger::audit {

// Creates `path` with mode 0600 (open with O_CREAT | O_EXCL, so an existing
// file or symlink is never replaced), writes the private key string of
// `signer` and "\n", and syncs it. AlreadyExists when `path` exists;
// Unavailable (with errno's text) when it cannot be created or written; a
// partly written file is removed.
absl::Status WritePrivateKeyFile(const std::string& path, const log::NoteSigner& signer);

// Reads and parses a key file. NotFound when `path` does not exist;
// Unavailable when it cannot be read; PermissionDenied when group or others
// may read it; InvalidArgument when it is not a private key string (the
// message never echoes the file's contents).
absl::StatusOr<log::NoteSigner> ReadPrivateKeyFile(const std::string& path);

// The same two halves for any secret key string (a witness's cosigning key
// too): WriteSecretFile creates `path` with mode 0600 holding `contents`
// (errors as WritePrivateKeyFile); ReadSecretFile returns the contents of a
// file of at most 4 KiB that only its owner may read (errors as
// ReadPrivateKeyFile, InvalidArgument when larger). The caller parses and
// wipes the returned secret.
absl::Status WriteSecretFile(const std::string& path, std::string_view contents);
absl::StatusOr<std::string> ReadSecretFile(const std::string& path);

}  // namespace ledger::audit

#endif  // LEDGER_AUDIT_KEY_FILE_H_
