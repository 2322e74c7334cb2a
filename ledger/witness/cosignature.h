// C2SP tlog-cosignature v1.0.1 (https://c2sp.org/tlog-cosignature@v1.0.1):
// a witness's timestamped Ed25519 statement that it verified the consistency
// of a checkpoint, carried as a signed-note signature line (signature type
// 0x04).
//
//   key ID    = SHA-256(<name> || "\n" || 0x04 || 32-byte public key)[:4]
//   signature = u64 big-endian timestamp || 64-byte Ed25519 signature of
//               "cosignature/v1\n" "time <timestamp>\n" <checkpoint text>
//   vkey      = <name>+<hex key ID>+base64(0x04 || public key)
//   private   = PRIVATE+KEY+<name>+<hex key ID>+base64(0x04 || RFC 8032 seed)
//
// The private key string has the shape of Go's sumdb/note private keys with
// the algorithm byte 0x04; the specs define no private key encoding.
//
// The newer text of the spec (after v1.0.1) adds ML-DSA-44 cosignatures
// (type 0x06); OpenSSL 3.0 on Debian 12 has no ML-DSA, so only Ed25519 is
// supported, as in the tagged v1.0.1 that tlog-witness v1.0.0 cites.
//
// Thread-safety: every type is immutable after construction; all functions
// and const methods may be called concurrently.
#ifndef LEDGER_WITNESS_COSIGNATURE_H_
#define LEDGER_WITNESS_COSIGNATURE_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/log/signed_note.h"

namespace ledger::witness {

// signed-note signature type of timestamped Ed25519 cosignatures.
inline constexpr uint8_t kCosignatureEd25519 = 0x04;
// Timestamps above 2^63 - 1 are invalid (the spec's MUST NOT).
inline constexpr uint64_t kMaxCosignatureTimestamp = (uint64_t{1} << 63) - 1;

// SHA-256(name || 0x0A || 0x04 || public_key)[:4] as a big-endian integer.
uint32_t CosignatureKeyId(std::string_view name, const log::Ed25519PublicKey& public_key);

// The signed message: "cosignature/v1\ntime <timestamp>\n" + checkpoint_text
// (the note text, final newline included, no signature lines).
std::string CosignedMessage(std::string_view checkpoint_text, uint64_t timestamp);

// A witness's public key with its name.
class CosignatureVerifier {
 public:
  // Parses a vkey of signature type 0x04. InvalidArgument, saying which part
  // is wrong, for a bad name, a key ID that is not 8 lowercase hex digits or
  // does not match, bad base64, another signature type (0x01 is named: it is
  // a log key, not a witness key) or a key that is not 32 bytes.
  static absl::StatusOr<CosignatureVerifier> FromKeyString(std::string_view vkey);
  // InvalidArgument for an invalid name.
  static absl::StatusOr<CosignatureVerifier> FromPublicKey(std::string_view name,
                                                           const log::Ed25519PublicKey& key);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const log::Ed25519PublicKey& public_key() const { return public_key_; }
  // "<name>+<hex key ID>+base64(0x04 || public key)".
  std::string KeyString() const;
  // "<name>+<hex key ID>".
  std::string Label() const;
  // True iff `signature` is a line of this key (same name and key ID).
  bool Matches(const log::NoteSignature& signature) const;

  // The timestamp of `signature` (the bytes after the key ID) iff it is this
  // key's valid cosignature of `checkpoint_text`. DataLoss naming the key for
  // a signature that is not 72 bytes, a timestamp above 2^63 - 1, or an
  // Ed25519 signature that does not verify.
  absl::StatusOr<uint64_t> Verify(std::string_view checkpoint_text,
                                  std::string_view signature) const;

 private:
  CosignatureVerifier(std::string name, const log::Ed25519PublicKey& key);
  std::string name_;
  log::Ed25519PublicKey public_key_;
  uint32_t key_id_;
};

// A witness's signing key. Holds the seed (wiped on destruction).
class Cosigner {
 public:
  // A fresh key from OpenSSL's private random generator. InvalidArgument for
  // an invalid name; Internal if OpenSSL fails.
  static absl::StatusOr<Cosigner> Generate(std::string_view name);
  // InvalidArgument for an invalid name.
  static absl::StatusOr<Cosigner> FromSeed(std::string_view name, const log::Ed25519Seed& seed);
  // Parses "PRIVATE+KEY+<name>+<hex id>+base64(0x04 || seed)" (one trailing
  // "\n" allowed). InvalidArgument, never echoing the key, otherwise.
  static absl::StatusOr<Cosigner> FromPrivateKeyString(std::string_view skey);

  Cosigner(const Cosigner& other) = default;
  Cosigner& operator=(const Cosigner& other) = default;
  ~Cosigner();

  const CosignatureVerifier& verifier() const { return verifier_; }
  const std::string& name() const { return verifier_.name(); }
  // Secret: the private key string.
  std::string PrivateKeyString() const;

  // The cosignature of `checkpoint_text` at `timestamp` (seconds since the
  // Epoch) as a note signature (name, key ID, timestamp || signature).
  // InvalidArgument for a timestamp above 2^63 - 1; Internal if OpenSSL
  // fails.
  absl::StatusOr<log::NoteSignature> Cosign(std::string_view checkpoint_text,
                                            uint64_t timestamp) const;

 private:
  Cosigner(CosignatureVerifier verifier, log::NoteSigner signer, const log::Ed25519Seed& seed);
  CosignatureVerifier verifier_;
  log::NoteSigner ed25519_;  // Raw Ed25519 signing; its own key ID is unused.
  log::Ed25519Seed seed_;
};

// "— <name> base64(key ID || signature)\n".
std::string SignatureLine(const log::NoteSignature& signature);

// One witness's valid cosignature of a note.
struct VerifiedCosignature {
  std::string witness;  // The key's name.
  uint32_t key_id = 0;
  uint64_t timestamp = 0;
};

// Verifies every signature of `note` whose name and key ID match one of
// `witnesses` (other lines are ignored: log signatures, unknown witnesses).
// Returns the valid ones in note order; a witness with several valid lines
// appears once (its latest timestamp). DataLoss naming the witness when a
// matching line does not verify (C2SP signed-note: a note with a bad
// signature by a known key is malformed).
absl::StatusOr<std::vector<VerifiedCosignature>> VerifyCosignatures(
    const log::Note& note, std::span<const CosignatureVerifier> witnesses);

}  // namespace ledger::witness

#endif  // LEDGER_WITNESS_COSIGNATURE_H_
