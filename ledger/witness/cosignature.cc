#include "ledger/witness/cosignature.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/absl_view.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/hash.h"

namespace ledger::witness {

namespace {

constexpr char kPrivatePrefix[] = "PRIVATE+KEY+";
constexpr char kHeader[] = "cosignature/v1\n";
constexpr size_t kSignatureBytes = 8 + 64;

std::string Base64(std::string_view bytes) {
  return absl::Base64Escape(AbslView(bytes));
}

// Canonical padded standard base64 only (as signed_note.cc).
absl::StatusOr<std::string> DecodeBase64(std::string_view b64, const char* what) {
  std::string out;
  if (b64.empty() || !absl::Base64Unescape(AbslView(b64), &out) ||
      Base64(out) != b64) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is not canonical padded base64"));
  }
  return out;
}

std::string BigEndian(uint64_t v, int bytes) {
  std::string out(static_cast<size_t>(bytes), '\0');
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) out[static_cast<size_t>(i)] = static_cast<char>(v & 0xFF);
  return out;
}

uint64_t ReadBigEndian(std::string_view b, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = v << 8 | static_cast<uint8_t>(b[static_cast<size_t>(i)]);
  return v;
}

std::string TypeAndKey(const log::Ed25519PublicKey& key) {
  return std::string(1, static_cast<char>(kCosignatureEd25519)) +
         std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

struct KeyParts {
  ~KeyParts() { OPENSSL_cleanse(key.data(), key.size()); }  // May be a seed.
  std::string name;
  uint32_t key_id = 0;
  log::Ed25519PublicKey key{};
};

// "<name>+<8 lowercase hex>+base64(0x04 || 32 bytes)". Never echoes the key.
absl::StatusOr<KeyParts> ParseKeyParts(std::string_view s, const char* what) {
  const size_t p1 = s.find('+');
  const size_t p2 = p1 == s.npos ? s.npos : s.find('+', p1 + 1);
  if (p2 == s.npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("a ", what, " has the form <name>+<key ID>+<base64 key>"));
  }
  KeyParts parts;
  parts.name = std::string(s.substr(0, p1));
  const auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad ", what, " for \"", absl::CEscape(parts.name), "\": ", why));
  };
  if (absl::Status name = log::ValidateKeyName(parts.name); !name.ok()) return bad(name.message());
  const std::string_view hex = s.substr(p1 + 1, p2 - p1 - 1);
  uint32_t id = 0;
  if (hex.size() != 8 || !std::all_of(hex.begin(), hex.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      }) || !absl::SimpleHexAtoi(AbslView(hex), &id)) {
    return bad("the key ID is not 8 lowercase hex digits");
  }
  parts.key_id = id;
  absl::StatusOr<std::string> raw = DecodeBase64(s.substr(p2 + 1), "the key");
  if (!raw.ok()) return bad(raw.status().message());
  absl::Status shape = absl::OkStatus();
  if (raw->empty()) {
    shape = bad("the key is empty");
  } else if (static_cast<uint8_t>((*raw)[0]) != kCosignatureEd25519) {
    shape = bad(absl::StrCat(
        "signature type 0x", absl::Hex(static_cast<uint8_t>((*raw)[0]), absl::kZeroPad2),
        static_cast<uint8_t>((*raw)[0]) == log::kNoteEd25519
            ? " is a log (checkpoint) key; a witness key has type 0x04"
            : " is not a timestamped Ed25519 cosignature key (0x04)"));
  } else if (raw->size() != 1 + parts.key.size()) {
    shape = bad("an Ed25519 key is 32 bytes");
  } else {
    std::copy(raw->begin() + 1, raw->end(), parts.key.begin());
  }
  OPENSSL_cleanse(raw->data(), raw->size());
  if (!shape.ok()) return shape;
  return parts;
}

absl::Status CheckKeyId(const KeyParts& parts, uint32_t actual, const char* what) {
  if (parts.key_id == actual) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "bad ", what, " for \"", absl::CEscape(parts.name), "\": key ID ",
      log::KeyIdHex(parts.key_id), " does not belong to this name and key (expected ",
      log::KeyIdHex(actual), ")"));
}

}  // namespace

uint32_t CosignatureKeyId(std::string_view name, const log::Ed25519PublicKey& key) {
  const log::Hash h = log::Sha256(absl::StrCat(std::string(name), "\n", TypeAndKey(key)));
  return static_cast<uint32_t>(h[0]) << 24 | static_cast<uint32_t>(h[1]) << 16 |
         static_cast<uint32_t>(h[2]) << 8 | h[3];
}

std::string CosignedMessage(std::string_view checkpoint_text, uint64_t timestamp) {
  return absl::StrCat(kHeader, "time ", timestamp, "\n", std::string(checkpoint_text));
}

CosignatureVerifier::CosignatureVerifier(std::string name, const log::Ed25519PublicKey& key)
    : name_(std::move(name)), public_key_(key), key_id_(CosignatureKeyId(name_, key)) {}

absl::StatusOr<CosignatureVerifier> CosignatureVerifier::FromKeyString(std::string_view vkey) {
  LEDGER_ASSIGN_OR_RETURN(KeyParts parts, ParseKeyParts(vkey, "witness verifier key"));
  CosignatureVerifier verifier(parts.name, parts.key);
  LEDGER_RETURN_IF_ERROR(CheckKeyId(parts, verifier.key_id(), "witness verifier key"));
  return verifier;
}

absl::StatusOr<CosignatureVerifier> CosignatureVerifier::FromPublicKey(
    std::string_view name, const log::Ed25519PublicKey& key) {
  LEDGER_RETURN_IF_ERROR(log::ValidateKeyName(name));
  return CosignatureVerifier(std::string(name), key);
}

std::string CosignatureVerifier::KeyString() const {
  return absl::StrCat(Label(), "+", Base64(TypeAndKey(public_key_)));
}

std::string CosignatureVerifier::Label() const {
  return absl::StrCat(name_, "+", log::KeyIdHex(key_id_));
}

bool CosignatureVerifier::Matches(const log::NoteSignature& signature) const {
  return signature.name == name_ && signature.key_id == key_id_;
}

absl::StatusOr<uint64_t> CosignatureVerifier::Verify(std::string_view checkpoint_text,
                                                     std::string_view signature) const {
  if (signature.size() != kSignatureBytes) {
    return absl::DataLossError(absl::StrCat("invalid cosignature for witness key ", Label(),
                                            ": a timestamped Ed25519 signature is 72 bytes; got ",
                                            signature.size()));
  }
  const uint64_t timestamp = ReadBigEndian(signature, 8);
  if (timestamp > kMaxCosignatureTimestamp) {
    return absl::DataLossError(absl::StrCat("invalid cosignature for witness key ", Label(),
                                            ": timestamp ", timestamp, " exceeds 2^63 - 1"));
  }
  // A plain Ed25519 verification; the note key type only names the key.
  absl::StatusOr<log::NoteVerifier> ed25519 = log::NoteVerifier::FromPublicKey(name_, public_key_);
  if (!ed25519.ok()) return ed25519.status();
  if (!ed25519->Verify(CosignedMessage(checkpoint_text, timestamp), signature.substr(8)).ok()) {
    return absl::DataLossError(absl::StrCat("invalid cosignature for witness key ", Label()));
  }
  return timestamp;
}

Cosigner::Cosigner(CosignatureVerifier verifier, log::NoteSigner signer,
                   const log::Ed25519Seed& seed)
    : verifier_(std::move(verifier)), ed25519_(std::move(signer)), seed_(seed) {}

Cosigner::~Cosigner() { OPENSSL_cleanse(seed_.data(), seed_.size()); }

absl::StatusOr<Cosigner> Cosigner::Generate(std::string_view name) {
  log::Ed25519Seed seed;
  if (RAND_priv_bytes(seed.data(), static_cast<int>(seed.size())) != 1) {
    return absl::InternalError("OpenSSL RAND_priv_bytes failed");
  }
  absl::StatusOr<Cosigner> cosigner = FromSeed(name, seed);
  OPENSSL_cleanse(seed.data(), seed.size());
  return cosigner;
}

absl::StatusOr<Cosigner> Cosigner::FromSeed(std::string_view name, const log::Ed25519Seed& seed) {
  LEDGER_ASSIGN_OR_RETURN(log::NoteSigner signer, log::NoteSigner::FromSeed(name, seed));
  LEDGER_ASSIGN_OR_RETURN(CosignatureVerifier verifier,
                          CosignatureVerifier::FromPublicKey(name, signer.verifier().public_key()));
  return Cosigner(std::move(verifier), std::move(signer), seed);
}

absl::StatusOr<Cosigner> Cosigner::FromPrivateKeyString(std::string_view skey) {
  if (!skey.empty() && skey.back() == '\n') skey.remove_suffix(1);
  const std::string_view prefix = kPrivatePrefix;
  if (skey.substr(0, prefix.size()) != prefix) {
    return absl::InvalidArgumentError("a private key starts with \"PRIVATE+KEY+\"");
  }
  skey.remove_prefix(prefix.size());
  LEDGER_ASSIGN_OR_RETURN(KeyParts parts, ParseKeyParts(skey, "witness private key"));
  LEDGER_ASSIGN_OR_RETURN(Cosigner cosigner, FromSeed(parts.name, parts.key));
  LEDGER_RETURN_IF_ERROR(CheckKeyId(parts, cosigner.verifier().key_id(), "witness private key"));
  return cosigner;
}

std::string Cosigner::PrivateKeyString() const {
  std::string type_and_seed(1, static_cast<char>(kCosignatureEd25519));
  type_and_seed.append(reinterpret_cast<const char*>(seed_.data()), seed_.size());
  std::string out = absl::StrCat(kPrivatePrefix, verifier_.Label(), "+", Base64(type_and_seed));
  OPENSSL_cleanse(type_and_seed.data(), type_and_seed.size());
  return out;
}

absl::StatusOr<log::NoteSignature> Cosigner::Cosign(std::string_view checkpoint_text,
                                                    uint64_t timestamp) const {
  if (timestamp > kMaxCosignatureTimestamp) {
    return absl::InvalidArgumentError(
        absl::StrCat("cosignature timestamp ", timestamp, " exceeds 2^63 - 1"));
  }
  LEDGER_ASSIGN_OR_RETURN(std::string signature,
                          ed25519_.Sign(CosignedMessage(checkpoint_text, timestamp)));
  return log::NoteSignature{name(), verifier_.key_id(), BigEndian(timestamp, 8) + signature};
}

std::string SignatureLine(const log::NoteSignature& signature) {
  return absl::StrCat("\xE2\x80\x94 ", signature.name, " ",
                      Base64(BigEndian(signature.key_id, 4) + signature.signature), "\n");
}

absl::StatusOr<std::vector<VerifiedCosignature>> VerifyCosignatures(
    const log::Note& note, std::span<const CosignatureVerifier> witnesses) {
  std::vector<VerifiedCosignature> out;
  for (const log::NoteSignature& line : note.signatures) {
    for (const CosignatureVerifier& witness : witnesses) {
      if (!witness.Matches(line)) continue;
      LEDGER_ASSIGN_OR_RETURN(uint64_t timestamp, witness.Verify(note.text, line.signature));
      auto seen = std::find_if(out.begin(), out.end(), [&](const VerifiedCosignature& v) {
        return v.witness == witness.name() && v.key_id == witness.key_id();
      });
      if (seen == out.end()) {
        out.push_back({witness.name(), witness.key_id(), timestamp});
      } else {
        seen->timestamp = std::max(seen->timestamp, timestamp);
      }
    }
  }
  return out;
}

}  // namespace ledger::witness
