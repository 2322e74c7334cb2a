#include "ledger/log/signed_note.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/base/absl_view.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/hash.h"

namespace ledger::log {

namespace {

constexpr char kSigPrefix[] = "\xE2\x80\x94 ";  // U+2014 em dash, space.
constexpr std::string_view kPrivatePrefix = "PRIVATE+KEY+";
constexpr size_t kEd25519SignatureSize = 64;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// Arguments are anything absl::StrCat takes (not std::string_view).
template <typename... Args>
absl::Status Invalid(const Args&... args) {
  return absl::InvalidArgumentError(absl::StrCat(args...));
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

absl::Status OpenSslError(const char* what) {
  char buf[256] = {0};
  ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
  ERR_clear_error();
  return absl::InternalError(absl::StrCat("OpenSSL ", what, " failed: ", buf));
}

// Untrusted text, quoted and escaped for an error message.
std::string Quote(std::string_view s) {
  return absl::StrCat(
      "\"", absl::CEscape(AbslView(s)), "\"");
}

std::string Base64(std::string_view bytes) {
  return absl::Base64Escape(AbslView(bytes));
}

// Decodes canonical, padded standard base64 (RFC 4648 section 4) only.
absl::StatusOr<std::string> DecodeBase64(std::string_view b64,
                                         const char* what) {
  std::string out;
  if (b64.empty() ||
      !absl::Base64Unescape(AbslView(b64), &out) ||
      Base64(out) != b64) {
    return Invalid(what, " is not canonical padded base64");
  }
  return out;
}

// A code point and its encoded length; length 0 when the bytes are not a
// shortest-form UTF-8 encoding of a Unicode scalar value.
struct Rune {
  uint32_t code = 0;
  size_t size = 0;
};

Rune DecodeRune(std::string_view s, size_t i) {
  const auto b0 = static_cast<uint8_t>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  const size_t n = (b0 & 0xE0) == 0xC0   ? 2
                   : (b0 & 0xF0) == 0xE0 ? 3
                   : (b0 & 0xF8) == 0xF0 ? 4
                                         : 0;
  if (n == 0 || s.size() - i < n) return {};
  uint32_t code = b0 & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<uint8_t>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {};
    code = code << 6 | (b & 0x3F);
  }
  constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kMin[n] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return {};
  }
  return {code, n};
}

// Unicode White_Space, as Go's unicode.IsSpace.
bool IsUnicodeSpace(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

std::string CodePoint(uint32_t c) {
  return "U+" +
         absl::AsciiStrToUpper(absl::StrCat(absl::Hex(c, absl::kZeroPad4)));
}

// OK iff `s` is UTF-8 with no control character, "\n" excepted if
// `newline_ok`.
absl::Status CheckUtf8(std::string_view s, const char* what, bool newline_ok) {
  for (size_t i = 0; i < s.size();) {
    const Rune r = DecodeRune(s, i);
    if (r.size == 0) return Invalid(what, " is not valid UTF-8 at byte ", i);
    if (r.code < 0x20 && !(newline_ok && r.code == '\n')) {
      return Invalid(what, " has control character ", CodePoint(r.code),
                     " at byte ", i);
    }
    i += r.size;
  }
  return absl::OkStatus();
}

uint32_t ReadBigEndian32(std::string_view b) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v << 8 | static_cast<uint8_t>(b[i]);
  return v;
}

std::string BigEndian32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
          static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string TypeAndKey(const std::array<uint8_t, 32>& key) {
  return std::string(1, static_cast<char>(kNoteEd25519)) + HashBytes(key);
}

absl::StatusOr<uint32_t> ParseKeyIdHex(std::string_view hex) {
  bool ok = hex.size() == 8;
  uint32_t id = 0;
  for (char c : hex) {
    const bool digit = c >= '0' && c <= '9';
    ok = ok && (digit || (c >= 'a' && c <= 'f'));
    id =
        id << 4 | static_cast<uint32_t>((digit ? c - '0' : c - 'a' + 10) & 0xF);
  }
  if (!ok) return Invalid("the key ID must be 8 lowercase hex digits");
  return id;
}

// base64(0x01 || 32 bytes) to the 32 bytes (a public key or a seed).
absl::StatusOr<std::array<uint8_t, 32>> DecodeEd25519Key(std::string_view b64) {
  absl::StatusOr<std::string> raw = DecodeBase64(b64, "the key");
  if (!raw.ok()) return raw.status();
  std::array<uint8_t, 32> key{};
  const auto type = static_cast<uint8_t>(raw->front());
  absl::Status status;
  if (type != kNoteEd25519) {
    status = Invalid("unsupported signature type 0x",
                     absl::Hex(type, absl::kZeroPad2),
                     " (only Ed25519, 0x01, is supported)");
  } else if (raw->size() != 1 + key.size()) {
    status = Invalid("an Ed25519 key is 32 bytes; got ", raw->size() - 1);
  } else {
    std::copy(raw->begin() + 1, raw->end(), key.begin());
  }
  OPENSSL_cleanse(raw->data(), raw->size());
  if (!status.ok()) return status;
  return key;
}

// "<name>+<hex key ID>+<base64(0x01 || key)>", the key ID not yet checked.
struct KeyParts {
  ~KeyParts() { OPENSSL_cleanse(key.data(), key.size()); }  // May be a seed.
  std::string name;
  uint32_t key_id = 0;
  std::array<uint8_t, 32> key{};
};

absl::StatusOr<KeyParts> ParseKeyParts(std::string_view s, const char* what) {
  const size_t p1 = s.find('+');
  const size_t p2 = p1 == s.npos ? s.npos : s.find('+', p1 + 1);
  if (p2 == s.npos) {
    return Invalid("a ", what, " has the form <name>+<key ID>+<key>");
  }
  KeyParts parts{std::string(s.substr(0, p1)), 0, {}};
  const absl::StatusOr<uint32_t> id =
      ParseKeyIdHex(s.substr(p1 + 1, p2 - p1 - 1));
  absl::StatusOr<std::array<uint8_t, 32>> key =
      DecodeEd25519Key(s.substr(p2 + 1));
  if (key.ok()) {
    parts.key = *key;
    OPENSSL_cleanse(key->data(), key->size());
  }
  absl::Status status = ValidateKeyName(parts.name);
  if (status.ok()) status = id.status();
  if (status.ok()) status = key.status();
  if (!status.ok()) {
    return Invalid("bad ", what, " for ", Quote(parts.name), ": ",
                   status.message());
  }
  parts.key_id = *id;
  return parts;
}

absl::Status CheckKeyId(const KeyParts& parts, uint32_t actual,
                        const char* what) {
  if (parts.key_id == actual) return absl::OkStatus();
  return Invalid("bad ", what, " for ", Quote(parts.name), ": key ID ",
                 KeyIdHex(parts.key_id),
                 " does not belong to this name and key (expected ",
                 KeyIdHex(actual), ")");
}

std::string Label(const NoteSignature& sig) {
  return absl::StrCat(sig.name, "+", KeyIdHex(sig.key_id));
}

// One signature line, without its newline. The error says what is wrong.
absl::StatusOr<NoteSignature> ParseSignatureLine(std::string_view line) {
  const std::string_view prefix = kSigPrefix;
  if (line.substr(0, prefix.size()) != prefix) {
    return Invalid("does not start with an em dash (U+2014) and a space");
  }
  line.remove_prefix(prefix.size());
  const size_t space = line.find(' ');
  if (space == line.npos) return Invalid("has no space after the key name");
  NoteSignature sig{std::string(line.substr(0, space)), 0, ""};
  LEDGER_RETURN_IF_ERROR(ValidateKeyName(sig.name));
  LEDGER_ASSIGN_OR_RETURN(
      std::string raw, DecodeBase64(line.substr(space + 1), "the signature"));
  if (raw.size() < 5) {
    return Invalid("is shorter than a key ID and a signature");
  }
  sig.key_id = ReadBigEndian32(raw);
  sig.signature = raw.substr(4);
  return sig;
}

// The key in `known` for `sig`: nullptr when there is none; InvalidArgument
// when two different keys claim its name and key ID.
absl::StatusOr<const NoteVerifier*> FindKey(std::span<const NoteVerifier> known,
                                            const NoteSignature& sig) {
  const NoteVerifier* found = nullptr;
  for (const NoteVerifier& key : known) {
    if (key.name() != sig.name || key.key_id() != sig.key_id) continue;
    if (found != nullptr && found->public_key() != key.public_key()) {
      return Invalid("ambiguous verifier keys: two different keys are named ",
                     Label(sig));
    }
    found = &key;
  }
  return found;
}

absl::Status NoKnownSignature(const Note& note,
                              std::span<const NoteVerifier> known) {
  std::vector<std::string> signers, keys;
  for (const NoteSignature& s : note.signatures) signers.push_back(Label(s));
  for (const NoteVerifier& k : known) keys.push_back(k.Label());
  return absl::DataLossError(
      absl::StrCat("no signature by a known key: the note is signed by [",
                   absl::StrJoin(signers, ", "), "]; the known keys are [",
                   absl::StrJoin(keys, ", "), "]"));
}

}  // namespace

absl::Status ValidateKeyName(std::string_view name) {
  if (name.empty()) return Invalid("key name is empty");
  LEDGER_RETURN_IF_ERROR(CheckUtf8(name, "key name", /*newline_ok=*/false));
  for (size_t i = 0; i < name.size();) {
    const Rune r = DecodeRune(name, i);
    if (r.code == '+' || IsUnicodeSpace(r.code)) {
      return Invalid("key name ", Quote(name), " has ",
                     r.code == '+' ? "a '+'" : "a space", " (",
                     CodePoint(r.code), ") at byte ", i);
    }
    i += r.size;
  }
  return absl::OkStatus();
}

absl::Status ValidateNoteText(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return Invalid("note text must end in a newline");
  }
  return CheckUtf8(text, "note text", /*newline_ok=*/true);
}

uint32_t Ed25519KeyId(std::string_view name, const Ed25519PublicKey& key) {
  return ReadBigEndian32(HashBytes(
      Sha256(absl::StrCat(std::string(name), "\n", TypeAndKey(key)))));
}

std::string KeyIdHex(uint32_t key_id) {
  return absl::StrCat(absl::Hex(key_id, absl::kZeroPad8));
}

NoteVerifier::NoteVerifier(std::string name, const Ed25519PublicKey& key)
    : name_(std::move(name)),
      public_key_(key),
      key_id_(Ed25519KeyId(name_, key)) {}

absl::StatusOr<NoteVerifier> NoteVerifier::FromKeyString(
    std::string_view vkey) {
  LEDGER_ASSIGN_OR_RETURN(KeyParts parts, ParseKeyParts(vkey, "verifier key"));
  NoteVerifier verifier(parts.name, parts.key);
  LEDGER_RETURN_IF_ERROR(CheckKeyId(parts, verifier.key_id(), "verifier key"));
  return verifier;
}

absl::StatusOr<NoteVerifier> NoteVerifier::FromPublicKey(
    std::string_view name, const Ed25519PublicKey& key) {
  LEDGER_RETURN_IF_ERROR(ValidateKeyName(name));
  return NoteVerifier(std::string(name), key);
}

std::string NoteVerifier::KeyString() const {
  return absl::StrCat(Label(), "+", Base64(TypeAndKey(public_key_)));
}

std::string NoteVerifier::Label() const {
  return absl::StrCat(name_, "+", KeyIdHex(key_id_));
}

absl::Status NoteVerifier::Verify(std::string_view message,
                                  std::string_view signature) const {
  if (signature.size() != kEd25519SignatureSize) {
    return absl::DataLossError(absl::StrCat(
        "invalid signature for key ", Label(),
        ": an Ed25519 signature is 64 bytes; got ", signature.size()));
  }
  PkeyPtr key(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, public_key_.data(), public_key_.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (key == nullptr || ctx == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) !=
          1) {
    return OpenSslError("Ed25519 verifier setup");
  }
  const int ok = EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(),
                                  Bytes(message), message.size());
  ERR_clear_error();
  if (ok == 1) return absl::OkStatus();
  return absl::DataLossError(
      absl::StrCat("invalid signature for key ", Label()));
}

NoteSigner::NoteSigner(NoteVerifier verifier, const Ed25519Seed& seed)
    : verifier_(std::move(verifier)), seed_(seed) {}

NoteSigner::~NoteSigner() { OPENSSL_cleanse(seed_.data(), seed_.size()); }

absl::StatusOr<NoteSigner> NoteSigner::Generate(std::string_view name) {
  Ed25519Seed seed;
  if (RAND_priv_bytes(seed.data(), static_cast<int>(seed.size())) != 1) {
    return OpenSslError("RAND_priv_bytes");
  }
  absl::StatusOr<NoteSigner> signer = FromSeed(name, seed);
  OPENSSL_cleanse(seed.data(), seed.size());
  return signer;
}

absl::StatusOr<NoteSigner> NoteSigner::FromSeed(std::string_view name,
                                                const Ed25519Seed& seed) {
  LEDGER_RETURN_IF_ERROR(ValidateKeyName(name));
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                           seed.data(), seed.size()));
  Ed25519PublicKey public_key;
  size_t size = public_key.size();
  if (key == nullptr ||
      EVP_PKEY_get_raw_public_key(key.get(), public_key.data(), &size) != 1 ||
      size != public_key.size()) {
    return OpenSslError("Ed25519 public key derivation");
  }
  return NoteSigner(NoteVerifier(std::string(name), public_key), seed);
}

absl::StatusOr<NoteSigner> NoteSigner::FromPrivateKeyString(
    std::string_view skey) {
  if (!skey.empty() && skey.back() == '\n') skey.remove_suffix(1);
  if (skey.substr(0, kPrivatePrefix.size()) != kPrivatePrefix) {
    return Invalid("a private key starts with \"PRIVATE+KEY+\"");
  }
  skey.remove_prefix(kPrivatePrefix.size());
  LEDGER_ASSIGN_OR_RETURN(KeyParts parts, ParseKeyParts(skey, "private key"));
  absl::StatusOr<NoteSigner> signer = FromSeed(parts.name, parts.key);
  if (!signer.ok()) return signer.status();
  LEDGER_RETURN_IF_ERROR(CheckKeyId(parts, signer->key_id(), "private key"));
  return signer;
}

std::string NoteSigner::PrivateKeyString() const {
  return absl::StrCat(std::string(kPrivatePrefix), verifier_.Label(), "+",
                      Base64(TypeAndKey(seed_)));
}

absl::StatusOr<std::string> NoteSigner::Sign(std::string_view message) const {
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                           seed_.data(), seed_.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (key == nullptr || ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) !=
          1) {
    return OpenSslError("Ed25519 signer setup");
  }
  std::string sig(kEd25519SignatureSize, '\0');
  size_t size = sig.size();
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()),
                     &size, Bytes(message), message.size()) != 1 ||
      size != sig.size()) {
    return OpenSslError("Ed25519 signing");
  }
  return sig;
}

absl::StatusOr<Note> ParseNote(std::string_view note) {
  LEDGER_RETURN_IF_ERROR(CheckUtf8(note, "malformed note: note", true));
  const size_t split = note.rfind("\n\n");
  if (split == note.npos) {
    return Invalid("malformed note: no blank line before the signatures");
  }
  Note out{std::string(note.substr(0, split + 1)), {}};
  std::string_view sigs = note.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n') {
    return Invalid("malformed note: no signature lines, or no final newline");
  }
  while (!sigs.empty()) {
    if (out.signatures.size() == kMaxNoteSignatures) {
      return Invalid("malformed note: more than ", kMaxNoteSignatures,
                     " signatures");
    }
    const size_t end = sigs.find('\n');
    absl::StatusOr<NoteSignature> sig = ParseSignatureLine(sigs.substr(0, end));
    if (!sig.ok()) {
      return Invalid("malformed note: signature line ",
                     out.signatures.size() + 1, " ", sig.status().message());
    }
    out.signatures.push_back(*std::move(sig));
    sigs.remove_prefix(end + 1);
  }
  return out;
}

absl::StatusOr<std::string> FormatNote(const Note& note) {
  LEDGER_RETURN_IF_ERROR(ValidateNoteText(note.text));
  if (note.signatures.empty() || note.signatures.size() > kMaxNoteSignatures) {
    return Invalid("a note carries 1 to ", kMaxNoteSignatures,
                   " signatures; got ", note.signatures.size());
  }
  std::string out = absl::StrCat(note.text, "\n");
  for (const NoteSignature& sig : note.signatures) {
    LEDGER_RETURN_IF_ERROR(ValidateKeyName(sig.name));
    if (sig.signature.empty()) {
      return Invalid("empty signature for key ", Label(sig));
    }
    absl::StrAppend(&out, kSigPrefix, sig.name, " ",
                    Base64(BigEndian32(sig.key_id) + sig.signature), "\n");
  }
  return out;
}

absl::StatusOr<std::string> SignNote(std::string_view text,
                                     std::span<const NoteSigner> signers) {
  LEDGER_RETURN_IF_ERROR(ValidateNoteText(text));
  Note note{std::string(text), {}};
  std::set<std::string> labels;
  for (const NoteSigner& signer : signers) {
    if (!labels.insert(signer.verifier().Label()).second) {
      return Invalid("two signers share the key ", signer.verifier().Label());
    }
    LEDGER_ASSIGN_OR_RETURN(std::string sig, signer.Sign(text));
    note.signatures.push_back({signer.name(), signer.key_id(), std::move(sig)});
  }
  return FormatNote(note);
}

absl::StatusOr<std::string> SignNote(std::string_view text,
                                     const NoteSigner& signer) {
  return SignNote(text, std::span<const NoteSigner>(&signer, 1));
}

absl::StatusOr<std::string> CosignNote(std::string_view note,
                                       const NoteSigner& signer) {
  LEDGER_ASSIGN_OR_RETURN(Note parsed, ParseNote(note));
  std::erase_if(parsed.signatures, [&](const NoteSignature& s) {
    return s.name == signer.name() && s.key_id == signer.key_id();
  });
  LEDGER_ASSIGN_OR_RETURN(std::string sig, signer.Sign(parsed.text));
  parsed.signatures.push_back({signer.name(), signer.key_id(), std::move(sig)});
  return FormatNote(parsed);
}

absl::StatusOr<OpenedNote> OpenNote(std::string_view note,
                                    std::span<const NoteVerifier> known) {
  LEDGER_ASSIGN_OR_RETURN(Note parsed, ParseNote(note));
  OpenedNote out{parsed.text, {}, {}};
  for (const NoteSignature& sig : parsed.signatures) {
    LEDGER_ASSIGN_OR_RETURN(const NoteVerifier* key, FindKey(known, sig));
    std::vector<NoteSignature>& list =
        key == nullptr ? out.unknown : out.verified;
    // Every signature by a known key must verify, repeated ones included.
    if (key != nullptr) {
      LEDGER_RETURN_IF_ERROR(key->Verify(parsed.text, sig.signature));
    }
    const bool seen = std::any_of(list.begin(), list.end(), [&](const auto& s) {
      return s.name == sig.name && s.key_id == sig.key_id &&
             (key != nullptr || s.signature == sig.signature);
    });
    if (!seen) list.push_back(sig);
  }
  if (out.verified.empty()) return NoKnownSignature(parsed, known);
  return out;
}

}  // namespace ledger::log
