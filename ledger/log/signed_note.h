// C2SP signed notes (https://c2sp.org/signed-note, v1.0.0) with Ed25519
// signatures (signature type 0x01), the envelope of our checkpoints.
//
// A signed note is a text ending in "\n", a blank line, and one or more
// signature lines "— <key name> base64(key ID || signature)\n" (U+2014 em
// dash). The text is signed as is, final newline included. A key is named
// by its name and 32-bit key ID = SHA-256(name || 0x0A || 0x01 ||
// public key)[:4], big-endian.
//
// Key strings (the same as Go's golang.org/x/mod/sumdb/note):
//   verifier key: <name>+<hex key ID>+base64(0x01 || 32-byte public key)
//   private key:  PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 || 32-byte
//                 RFC 8032 seed)
// A private key FILE holds the private key string, optionally followed by
// one "\n"; it grants signing power and belongs in a mode 0600 file.
//
// Strictness beyond the spec text: base64 must be canonical (padded, zero
// trailing bits), hex key IDs lowercase, and key names may hold no control
// characters. Errors never echo private key material.
//
// Thread-safety: every type is immutable after construction; all functions
// and const methods may be called concurrently.
#ifndef LEDGER_LOG_SIGNED_NOTE_H_
#define LEDGER_LOG_SIGNED_NOTE_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ledger::log {

// RFC 8032 encodings: the 32-byte public key and the 32-byte private seed.
using Ed25519PublicKey = std::array<uint8_t, 32>;
using Ed25519Seed = std::array<uint8_t, 32>;

// signed-note signature type byte of Ed25519.
inline constexpr uint8_t kNoteEd25519 = 0x01;
// The most signature lines a note may carry (the spec demands at least 16).
inline constexpr size_t kMaxNoteSignatures = 100;

// OK iff `name` can name a key: non-empty UTF-8 with no '+', no Unicode white
// space and no control character. InvalidArgument saying why otherwise.
absl::Status ValidateKeyName(std::string_view name);

// OK iff `text` can be the text of a note: it ends in "\n", is valid UTF-8,
// and has no control character but "\n". InvalidArgument otherwise.
absl::Status ValidateNoteText(std::string_view text);

// SHA-256(name || 0x0A || 0x01 || public_key)[:4] as a big-endian integer.
uint32_t Ed25519KeyId(std::string_view name,
                      const Ed25519PublicKey& public_key);

// The key ID as 8 lowercase hex digits.
std::string KeyIdHex(uint32_t key_id);

// An Ed25519 verifier (public) key with its name.
class NoteVerifier {
 public:
  // Parses a verifier key string. InvalidArgument, saying which part is
  // wrong, for a bad name, a key ID that is not 8 lowercase hex digits or
  // does not match the name and key, bad base64, a signature type other than
  // Ed25519, or a key that is not 32 bytes.
  static absl::StatusOr<NoteVerifier> FromKeyString(std::string_view vkey);
  // InvalidArgument for an invalid name.
  static absl::StatusOr<NoteVerifier> FromPublicKey(
      std::string_view name, const Ed25519PublicKey& public_key);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const Ed25519PublicKey& public_key() const { return public_key_; }
  // "<name>+<hex key ID>+<base64(0x01 || public key)>".
  std::string KeyString() const;
  // "<name>+<hex key ID>": how messages identify the key.
  std::string Label() const;

  // OK iff `signature` (64 bytes, without key ID) is this key's Ed25519
  // signature of `message`. DataLoss naming the key otherwise.
  absl::Status Verify(std::string_view message,
                      std::string_view signature) const;

 private:
  friend class NoteSigner;
  NoteVerifier(std::string name, const Ed25519PublicKey& public_key);
  std::string name_;
  Ed25519PublicKey public_key_;
  uint32_t key_id_;
};

// An Ed25519 signing (private) key with its name. Copies hold the seed; it is
// wiped from memory when an instance is destroyed.
class NoteSigner {
 public:
  // A fresh key from OpenSSL's private random generator. InvalidArgument for
  // an invalid name; Internal if OpenSSL fails.
  static absl::StatusOr<NoteSigner> Generate(std::string_view name);
  // The key with RFC 8032 seed `seed`. InvalidArgument for an invalid name.
  static absl::StatusOr<NoteSigner> FromSeed(std::string_view name,
                                             const Ed25519Seed& seed);
  // Parses a private key string (or private key file contents: one trailing
  // "\n" allowed). InvalidArgument as for NoteVerifier::FromKeyString, and
  // when the "PRIVATE+KEY+" prefix is missing.
  static absl::StatusOr<NoteSigner> FromPrivateKeyString(std::string_view skey);

  NoteSigner(const NoteSigner& other) = default;
  NoteSigner& operator=(const NoteSigner& other) = default;
  ~NoteSigner();

  const std::string& name() const { return verifier_.name(); }
  uint32_t key_id() const { return verifier_.key_id(); }
  // The matching public key.
  const NoteVerifier& verifier() const { return verifier_; }
  // "PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>". Secret.
  std::string PrivateKeyString() const;

  // The 64-byte Ed25519 signature of `message`. Internal if OpenSSL fails.
  absl::StatusOr<std::string> Sign(std::string_view message) const;

 private:
  NoteSigner(NoteVerifier verifier, const Ed25519Seed& seed);
  NoteVerifier verifier_;
  Ed25519Seed seed_;
};

// One signature line of a note.
struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  // The signature bytes after the key ID (64 for Ed25519; other types vary).
  std::string signature;
  friend bool operator==(const NoteSignature&, const NoteSignature&) = default;
};

// A note split into text and signature lines, nothing verified.
struct Note {
  // Ends in "\n"; excludes the separating blank line.
  std::string text;
  std::vector<NoteSignature> signatures;
};

// Splits a signed note at its last blank line and parses the signature
// lines, WITHOUT verifying them: the text must not be trusted. InvalidArgument
// for a malformed note (not UTF-8, a control character, no blank line, a
// missing final newline, a line that is not a signature line, a bad name or
// base64, a signature shorter than 5 bytes, more than kMaxNoteSignatures).
absl::StatusOr<Note> ParseNote(std::string_view note);

// The bytes of `note`: the inverse of ParseNote. InvalidArgument if the text
// or a name is invalid, a signature is empty, or the count is not in
// [1, kMaxNoteSignatures].
absl::StatusOr<std::string> FormatNote(const Note& note);

// Signs `text` with every signer, one signature line each, in order.
// InvalidArgument if ValidateNoteText fails, `signers` is empty or larger
// than kMaxNoteSignatures, or two signers share name and key ID.
absl::StatusOr<std::string> SignNote(std::string_view text,
                                     std::span<const NoteSigner> signers);
absl::StatusOr<std::string> SignNote(std::string_view text,
                                     const NoteSigner& signer);

// Adds `signer`'s signature to the signed note `note` (cosigning, or a new
// key after a rotation) after the existing lines; an existing line of the
// same name and key ID is replaced. Existing signatures are NOT verified:
// open the note first. InvalidArgument as for ParseNote and FormatNote.
absl::StatusOr<std::string> CosignNote(std::string_view note,
                                       const NoteSigner& signer);

// A note whose text is vouched for by at least one known key.
struct OpenedNote {
  std::string text;
  // One per known key whose signature verified, in note order.
  std::vector<NoteSignature> verified;
  // Signatures by keys not in the known set, identical lines once.
  std::vector<NoteSignature> unknown;
};

// Parses `note` and verifies every signature whose name and key ID match a
// key in `known`; signatures by other keys are ignored (returned in
// `unknown`). InvalidArgument for a malformed note (see ParseNote) or for two
// different keys in `known` with the same name and key ID; DataLoss
// "invalid signature for key <name>+<id>" when a known key's signature does
// not verify, and DataLoss "no signature by a known key" (listing the
// signers and the known keys) when none verified.
absl::StatusOr<OpenedNote> OpenNote(std::string_view note,
                                    std::span<const NoteVerifier> known);

}  // namespace ledger::log

#endif  // LEDGER_LOG_SIGNED_NOTE_H_
