#include "ledger/log/signed_note.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "ledger/log/hash.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::StatusIs;

namespace ledger::log {
namespace {

using ::testing::HasSubstr;

// clang-format off
// Vectors from golang/mod, sumdb/note/note_test.go (TestNewVerifier,
// TestNewSigner, TestSign, TestOpen) and sumdb/note/example_test.go.
constexpr char kPeterVkey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kPeterSkey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr char kPeterText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr char kPeterSig[] =
    "\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
// EnochRoot's key is Go's GenerateKey over an all-zero reader
// (example_test.go, ExampleSign_add_signatures): seed = 32 zero bytes.
constexpr char kEnochVkey[] =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr char kEnochSig[] =
    "\xE2\x80\x94 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

// Vectors from C2SP/C2SP, signed-note.md at tag signed-note/v1.0.0: the
// "Example" section (a verifier key and the note it verifies) and the
// introductory note, whose key is not published.
constexpr char kFooVkey[] =
    "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
constexpr char kFooNote[] =
    "This is an example message.\n\n"
    "\xE2\x80\x94 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
constexpr char kQuasimodoText[] =
    "Ognuno sta solo sul cuor della terra\n"
    "trafitto da un raggio di sole:\n"
    "\n"
    "ed \xC3\xA8 subito sera.\n";
constexpr char kQuasimodoSig[] =
    "\xE2\x80\x94 quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";

// clang-format on

std::string PeterNote() { return std::string(kPeterText) + "\n" + kPeterSig; }

NoteVerifier Verifier(const char* vkey) {
  absl::StatusOr<NoteVerifier> v = NoteVerifier::FromKeyString(vkey);
  EXPECT_THAT(v, IsOk());
  return *v;
}

NoteSigner Signer(std::string_view name, uint8_t seed_byte) {
  Ed25519Seed seed;
  seed.fill(seed_byte);
  absl::StatusOr<NoteSigner> s = NoteSigner::FromSeed(name, seed);
  EXPECT_THAT(s, IsOk());
  return *s;
}

absl::StatusCode OpenCode(std::string_view note,
                          const std::vector<NoteVerifier>& known) {
  return OpenNote(note, known).status().code();
}

TEST(SignedNoteTest, GoVerifierKeyParses) {
  const NoteVerifier peter = Verifier(kPeterVkey);
  EXPECT_EQ(peter.name(), "PeterNeumann");
  EXPECT_EQ(peter.key_id(), 0xc74f20a3u);
  EXPECT_EQ(peter.KeyString(), kPeterVkey);
  EXPECT_EQ(peter.Label(), "PeterNeumann+c74f20a3");
  EXPECT_EQ(Ed25519KeyId("PeterNeumann", peter.public_key()), 0xc74f20a3u);
}

TEST(SignedNoteTest, KeyIdIsSha256OfNameNewlineTypeAndKey) {
  const NoteVerifier peter = Verifier(kPeterVkey);
  const Hash h = Sha256("PeterNeumann\n\x01" + HashBytes(peter.public_key()));
  EXPECT_EQ(peter.key_id(), uint32_t{h[0]} << 24 | uint32_t{h[1]} << 16 |
                                uint32_t{h[2]} << 8 | h[3]);
  EXPECT_EQ(KeyIdHex(0x0000abcd), "0000abcd");
}

TEST(SignedNoteTest, GoPrivateKeyMatchesVerifierKey) {
  absl::StatusOr<NoteSigner> peter =
      NoteSigner::FromPrivateKeyString(kPeterSkey);
  ASSERT_THAT(peter, IsOk());
  EXPECT_EQ(peter->verifier().KeyString(), kPeterVkey);
  EXPECT_EQ(peter->PrivateKeyString(), kPeterSkey);
  // A key file may end in one newline.
  EXPECT_THAT(
      NoteSigner::FromPrivateKeyString(std::string(kPeterSkey) + "\n"), IsOk());
  EXPECT_THAT(NoteSigner::FromPrivateKeyString(std::string(kPeterSkey) + "\n\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad private key")));
}

TEST(SignedNoteTest, GoSignIsByteExact) {
  absl::StatusOr<NoteSigner> peter =
      NoteSigner::FromPrivateKeyString(kPeterSkey);
  ASSERT_THAT(peter, IsOk());
  absl::StatusOr<std::string> note = SignNote(kPeterText, *peter);
  ASSERT_THAT(note, IsOk());
  EXPECT_EQ(*note, PeterNote());
}

TEST(SignedNoteTest, GoOpenVerifiesPeterNeumann) {
  absl::StatusOr<OpenedNote> n =
      OpenNote(PeterNote(), {{Verifier(kPeterVkey)}});
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(n->text, kPeterText);
  ASSERT_EQ(n->verified.size(), 1u);
  EXPECT_EQ(n->verified[0].name, "PeterNeumann");
  EXPECT_EQ(n->verified[0].key_id, 0xc74f20a3u);
  EXPECT_TRUE(n->unknown.empty());
}

TEST(SignedNoteTest, GoCosignByEnochRootIsByteExact) {
  const NoteSigner enoch = Signer("EnochRoot", 0);
  EXPECT_EQ(enoch.verifier().KeyString(), kEnochVkey);
  absl::StatusOr<std::string> both = CosignNote(PeterNote(), enoch);
  ASSERT_THAT(both, IsOk());
  EXPECT_EQ(*both, PeterNote() + kEnochSig);
}

TEST(SignedNoteTest, CosignReplacesTheSignersOwnOldSignature) {
  // Go's TestSign: an existing signature by the signing key is replaced.
  absl::StatusOr<NoteSigner> peter =
      NoteSigner::FromPrivateKeyString(kPeterSkey);
  ASSERT_THAT(peter, IsOk());
  const Note stale{kPeterText,
                   {{"PeterNeumann", 0xc74f20a3, std::string(64, 'x')}}};
  absl::StatusOr<std::string> stale_note = FormatNote(stale);
  ASSERT_THAT(stale_note, IsOk());
  absl::StatusOr<std::string> fresh = CosignNote(*stale_note, *peter);
  ASSERT_THAT(fresh, IsOk());
  EXPECT_EQ(*fresh, PeterNote());
}

TEST(SignedNoteTest, GoOpenUnknownSignersAreIgnored) {
  const std::string note =
      std::string(kPeterText) + "\n" + kPeterSig + kEnochSig;
  absl::StatusOr<OpenedNote> one = OpenNote(note, {{Verifier(kPeterVkey)}});
  ASSERT_THAT(one, IsOk());
  ASSERT_EQ(one->verified.size(), 1u);
  ASSERT_EQ(one->unknown.size(), 1u);
  EXPECT_EQ(one->unknown[0].name, "EnochRoot");
  EXPECT_EQ(one->unknown[0].key_id, 0xaf0cfe78u);
  absl::StatusOr<OpenedNote> two =
      OpenNote(note, {{Verifier(kPeterVkey), Verifier(kEnochVkey)}});
  ASSERT_THAT(two, IsOk());
  EXPECT_EQ(two->verified.size(), 2u);
  EXPECT_TRUE(two->unknown.empty());
}

TEST(SignedNoteTest, GoOpenWithNoKnownKeyIsDataLoss) {
  const std::string note =
      std::string(kPeterText) + "\n" + kPeterSig + kEnochSig;
  absl::Status s = OpenNote(note, {}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("no signature by a known key"));
  EXPECT_THAT(s.message(),
              HasSubstr("PeterNeumann+c74f20a3, EnochRoot+af0cfe78"));
}

TEST(SignedNoteTest, GoOpenBadSignatureOfKnownKeyIsDataLoss) {
  std::string sig = kPeterSig;
  sig.insert(60, "ABCD");
  absl::Status s =
      OpenNote(std::string(kPeterText) + "\n" + sig, {{Verifier(kPeterVkey)}})
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(),
              HasSubstr("invalid signature for key PeterNeumann+c74f20a3"));
}

TEST(SignedNoteTest, GoOpenDuplicatesAreReportedOnce) {
  std::string enoch_abcd = kEnochSig;
  enoch_abcd.insert(60, "ABCD");
  const std::string note = std::string(kPeterText) + "\n" + kPeterSig +
                           kPeterSig + kEnochSig + kEnochSig + enoch_abcd;
  absl::StatusOr<OpenedNote> n = OpenNote(note, {{Verifier(kPeterVkey)}});
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(n->verified.size(), 1u);
  ASSERT_EQ(n->unknown.size(), 2u);
  EXPECT_NE(n->unknown[0], n->unknown[1]);
  // One key listed twice is not ambiguous (Go's VerifierList would refuse it).
  EXPECT_THAT(
      OpenNote(note, {{Verifier(kPeterVkey), Verifier(kPeterVkey)}}), IsOk());
}

TEST(SignedNoteTest, GoMalformedNotesAreInvalidArgument) {
  const std::string text = kPeterText;
  const std::string sig = kPeterSig;
  const std::vector<std::string> bad = {
      text,
      text + "\n",
      text + "\n" + sig.substr(0, sig.size() - 1),
      "\x01" + text + "\n" + sig,
      "\xff" + text + "\n" + sig,
      text + "\n" +
          "\xE2\x80\x94 Bad Name "
          "x08go/ZJkuBS9UG/"
          "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6Ry"
          "yBwJnAM=",
      text + "\n" + sig + "Unexpected line.\n",
      // Ours: a hyphen for the em dash, a short signature, unpadded base64.
      text +
          "\n- PeterNeumann "
          "x08go/ZJkuBS9UG/"
          "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6Ry"
          "yBwJnAM=\n",
      text + "\n\xE2\x80\x94 PeterNeumann x08g\n",
      text +
          "\n\xE2\x80\x94 PeterNeumann "
          "x08go/ZJkuBS9UG/"
          "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6Ry"
          "yBwJnAM\n",
  };
  for (const std::string& msg : bad) {
    EXPECT_EQ(OpenCode(msg, {Verifier(kPeterVkey)}),
              absl::StatusCode::kInvalidArgument)
        << msg;
  }
}

TEST(SignedNoteTest, AmbiguousVerifierKeysAreRefused) {
  // Two different public keys with the same name and key ID (a 32-bit
  // collision, found by brute force in well under a second).
  std::unordered_map<uint32_t, Ed25519PublicKey> seen;
  Ed25519PublicKey a{}, b{};
  for (uint64_t i = 0;; ++i) {
    const Hash key = Sha256(std::to_string(i));
    auto [it, inserted] = seen.emplace(Ed25519KeyId("twin", key), key);
    if (!inserted) {
      a = it->second;
      b = key;
      break;
    }
  }
  absl::StatusOr<NoteVerifier> va = NoteVerifier::FromPublicKey("twin", a);
  absl::StatusOr<NoteVerifier> vb = NoteVerifier::FromPublicKey("twin", b);
  ASSERT_THAT(va, IsOk());
  ASSERT_THAT(vb, IsOk());
  absl::StatusOr<std::string> note =
      FormatNote({"text\n", {{"twin", va->key_id(), std::string(64, 's')}}});
  ASSERT_THAT(note, IsOk());
  absl::Status s = OpenNote(*note, {{*va, *vb}}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("ambiguous"));
}

TEST(SignedNoteTest, C2spExampleVerifies) {
  const NoteVerifier foo = Verifier(kFooVkey);
  EXPECT_EQ(foo.key_id(), 0x530d903au);
  EXPECT_EQ(Ed25519KeyId("example.com/foo", foo.public_key()), 0x530d903au);
  absl::StatusOr<OpenedNote> n = OpenNote(kFooNote, {{foo}});
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(n->text, "This is an example message.\n");
  EXPECT_EQ(OpenCode(kFooNote, {Verifier(kPeterVkey)}),
            absl::StatusCode::kDataLoss);
}

TEST(SignedNoteTest, C2spIntroductionNoteParsesAtItsLastBlankLine) {
  const std::string bytes = std::string(kQuasimodoText) + "\n" + kQuasimodoSig;
  absl::StatusOr<Note> n = ParseNote(bytes);
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(n->text, kQuasimodoText);
  ASSERT_EQ(n->signatures.size(), 1u);
  EXPECT_EQ(n->signatures[0].name, "quasimodo.example/salvatore");
  EXPECT_EQ(n->signatures[0].key_id, 0x367ba04bu);
  EXPECT_EQ(n->signatures[0].signature.size(), 64u);
  absl::StatusOr<std::string> again = FormatNote(*n);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*again, bytes);
}

TEST(SignedNoteTest, TextMayHoldBlankAndDashLines) {
  const NoteSigner key = Signer("example.com/log", 7);
  const std::string text = "a\n\n\xE2\x80\x94 PeterNeumann fake\n\n";
  absl::StatusOr<std::string> note = SignNote(text, key);
  ASSERT_THAT(note, IsOk());
  absl::StatusOr<OpenedNote> n = OpenNote(*note, {{key.verifier()}});
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(n->text, text);
}

TEST(SignedNoteTest, GenerateSignVerifyRoundTrip) {
  absl::StatusOr<NoteSigner> key = NoteSigner::Generate("example.com/ledger");
  absl::StatusOr<NoteSigner> other = NoteSigner::Generate("example.com/ledger");
  ASSERT_THAT(key, IsOk());
  ASSERT_THAT(other, IsOk());
  EXPECT_NE(key->verifier().public_key(), other->verifier().public_key());
  absl::StatusOr<NoteSigner> reread =
      NoteSigner::FromPrivateKeyString(key->PrivateKeyString());
  ASSERT_THAT(reread, IsOk());
  EXPECT_EQ(reread->verifier().KeyString(), key->verifier().KeyString());
  const NoteVerifier v = Verifier(key->verifier().KeyString().c_str());
  absl::StatusOr<std::string> note = SignNote("tree head\n", *reread);
  ASSERT_THAT(note, IsOk());
  EXPECT_THAT(OpenNote(*note, {{v}}), IsOk());
  EXPECT_EQ(OpenCode(*note, {other->verifier()}), absl::StatusCode::kDataLoss);
}

TEST(SignedNoteTest, TamperedTextIsDataLossNamingTheKey) {
  std::string note = PeterNote();
  note[note.find("cryptography")] = 'K';
  absl::Status s = OpenNote(note, {{Verifier(kPeterVkey)}}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("PeterNeumann+c74f20a3"));
}

TEST(SignedNoteTest, TamperedSignatureOrKeyIdIsDataLoss) {
  absl::StatusOr<Note> n = ParseNote(PeterNote());
  ASSERT_THAT(n, IsOk());
  Note bad_sig = *n;
  bad_sig.signatures[0].signature[10] ^= 0x01;
  Note bad_id = *n;
  bad_id.signatures[0].key_id ^= 0x01;
  for (const Note& bad : {bad_sig, bad_id}) {
    absl::StatusOr<std::string> bytes = FormatNote(bad);
    ASSERT_THAT(bytes, IsOk());
    EXPECT_EQ(OpenCode(*bytes, {Verifier(kPeterVkey)}),
              absl::StatusCode::kDataLoss);
  }
}

TEST(SignedNoteTest, EveryByteChangeIsRefused) {
  const std::string note = PeterNote();
  for (size_t i = 0; i < note.size(); ++i) {
    std::string bad = note;
    ++bad[i];
    // Malformed, or well formed with a signature that does not verify.
    EXPECT_THAT(
        OpenNote(bad, {{Verifier(kPeterVkey)}}),
        ::testing::AnyOf(StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("malformed note")),
                         StatusIs(absl::StatusCode::kDataLoss, HasSubstr("signature"))))
        << "byte " << i;
  }
}

TEST(SignedNoteTest, TruncationAtEveryOffsetIsRefused) {
  const std::string one = PeterNote();
  const std::string two = one + kEnochSig;
  const std::vector<NoteVerifier> known = {Verifier(kPeterVkey),
                                           Verifier(kEnochVkey)};
  for (size_t n = 0; n < two.size(); ++n) {
    absl::StatusOr<OpenedNote> opened = OpenNote(two.substr(0, n), known);
    // Cutting off the whole second line leaves Peter's valid note.
    EXPECT_EQ(opened.ok(), n == one.size()) << "offset " << n;
    if (!opened.ok()) {
      EXPECT_THAT(opened.status().code(),
                  ::testing::AnyOf(absl::StatusCode::kInvalidArgument,
                                 absl::StatusCode::kDataLoss));
    }
  }
}

TEST(SignedNoteTest, TwentySignaturesVerify) {
  std::vector<NoteSigner> signers;
  std::vector<NoteVerifier> verifiers;
  for (int i = 0; i < 20; ++i) {
    signers.push_back(Signer("witness.example/" + std::to_string(i), i));
    verifiers.push_back(signers.back().verifier());
  }
  absl::StatusOr<std::string> note = SignNote("checkpoint\n", signers);
  ASSERT_THAT(note, IsOk());
  absl::StatusOr<OpenedNote> all = OpenNote(*note, verifiers);
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->verified.size(), 20u);
  absl::StatusOr<OpenedNote> some =
      OpenNote(*note, {{verifiers[3], verifiers[17]}});
  ASSERT_THAT(some, IsOk());
  EXPECT_EQ(some->verified.size(), 2u);
  EXPECT_EQ(some->unknown.size(), 18u);
}

TEST(SignedNoteTest, HundredSignaturesAcceptedHundredAndOneRefused) {
  Note note{kPeterText, {}};
  for (int i = 1; i < 100; ++i) {
    note.signatures.push_back(
        {"u" + std::to_string(i), 1, std::string(64, 'u')});
  }
  absl::StatusOr<std::string> hundred = FormatNote(note);
  ASSERT_THAT(hundred, IsOk());
  absl::StatusOr<std::string> with_peter =
      CosignNote(*hundred, *NoteSigner::FromPrivateKeyString(kPeterSkey));
  ASSERT_THAT(with_peter, IsOk());
  EXPECT_THAT(OpenNote(*with_peter, {{Verifier(kPeterVkey)}}), IsOk());
  EXPECT_EQ(CosignNote(*with_peter, Signer("late", 1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status s =
      OpenNote(*with_peter + kEnochSig, {{Verifier(kPeterVkey)}}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("more than 100 signatures"));
}

TEST(SignedNoteTest, RotatedKeysKeepOldNotesVerifiable) {
  const NoteSigner old_key = Signer("example.com/log", 1);
  const NoteSigner new_key = Signer("example.com/log", 2);
  ASSERT_NE(old_key.key_id(), new_key.key_id());
  absl::StatusOr<std::string> before = SignNote("size 3\n", old_key);
  absl::StatusOr<std::string> after = SignNote("size 7\n", new_key);
  ASSERT_THAT(before, IsOk());
  ASSERT_THAT(after, IsOk());
  absl::StatusOr<std::string> handover = CosignNote(*before, new_key);
  ASSERT_THAT(handover, IsOk());
  const std::vector<NoteVerifier> both = {old_key.verifier(),
                                          new_key.verifier()};
  EXPECT_THAT(OpenNote(*before, both), IsOk());
  EXPECT_THAT(OpenNote(*after, both), IsOk());
  EXPECT_THAT(OpenNote(*before, {{old_key.verifier()}}), IsOk());
  EXPECT_EQ(OpenCode(*after, {old_key.verifier()}),
            absl::StatusCode::kDataLoss);
  EXPECT_THAT(OpenNote(*handover, {{old_key.verifier()}}), IsOk());
  EXPECT_THAT(OpenNote(*handover, {{new_key.verifier()}}), IsOk());
  EXPECT_EQ(OpenNote(*handover, both)->verified.size(), 2u);
}

TEST(SignedNoteTest, MalformedVerifierKeysAreRefusedWithReasons) {
  const std::string key = "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "has the form"},
      {"PeterNeumann+c74f20a3", "has the form"},
      {"+c74f20a3+" + key, "key name is empty"},
      {"Peter Neumann+c74f20a3+" + key, "a space"},
      {"Peter\xC2\xA0Neumann+c74f20a3+" + key, "U+00A0"},
      {"Peter\xE3\x80\x80Neumann+c74f20a3+" + key, "U+3000"},
      {"Peter\xC3+c74f20a3+" + key, "not valid UTF-8"},
      {"PeterNeumann+C74F20A3+" + key, "8 lowercase hex digits"},
      {"PeterNeumann+c74f20a+" + key, "8 lowercase hex digits"},
      {"PeterNeumann+c74f20a3+" + key + "=", "base64"},
      {"PeterNeumann+c74f20a3+" + key.substr(0, 40), "32 bytes; got 29"},
      // Go's two extra cases: a key of the wrong length, an unknown type.
      {"PeterNeumann+cc469956+" + key + "BADKEY==", "base64"},
      {"PeterNeumann+173116ae+Z" + key.substr(1),
       "unsupported signature type 0x65"},
      {"PeterNeumann+c74f20a3+AQ==", "32 bytes; got 0"},
      // A verifier key relabelled for another name.
      {"PaulNeumann+c74f20a3+" + key, "does not belong to this name and key"},
  };
  for (const auto& [vkey, why] : cases) {
    absl::Status s = NoteVerifier::FromKeyString(vkey).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << vkey;
    EXPECT_THAT(s.message(), HasSubstr(why)) << vkey;
  }
}

TEST(SignedNoteTest, EveryManglingOfGoKeysIsRefused) {
  // Go's TestNewVerifier and TestNewSigner: every proper substring and every
  // one-byte change of a valid key string is refused.
  for (const std::string key : {kPeterVkey, kPeterSkey}) {
    const bool is_private = key == kPeterSkey;
    const auto parse = [is_private](const std::string& k) {
      return is_private ? NoteSigner::FromPrivateKeyString(k).status()
                        : NoteVerifier::FromKeyString(k).status();
    };
    for (size_t i = 0; i < key.size(); ++i) {
      for (size_t j = i + 1; j <= key.size(); ++j) {
        if (i == 0 && j == key.size()) continue;
        EXPECT_EQ(parse(key.substr(i, j - i)).code(),
                  absl::StatusCode::kInvalidArgument);
      }
      std::string changed = key;
      ++changed[i];
      absl::Status s = parse(changed);
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << changed;
      if (is_private) {
        EXPECT_THAT(s.message(), ::testing::Not(HasSubstr("AYEKFALV")));
      }
    }
  }
}

TEST(SignedNoteTest, VerifierForAnotherNameIsRefused) {
  const NoteVerifier peter = Verifier(kPeterVkey);
  absl::StatusOr<NoteVerifier> paul =
      NoteVerifier::FromPublicKey("PaulNeumann", peter.public_key());
  ASSERT_THAT(paul, IsOk());
  absl::Status s = OpenNote(PeterNote(), {{*paul}}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("signed by [PeterNeumann+c74f20a3]"));
  EXPECT_THAT(s.message(), HasSubstr("known keys are [PaulNeumann+"));
}

TEST(SignedNoteTest, KeyNamesAreValidated) {
  for (const std::string good :
       {"a", "example.com/log", "PeterNeumann", "caf\xC3\xA9"}) {
    EXPECT_THAT(ValidateKeyName(good), IsOk()) << good;
  }
  for (const std::string bad :
       {"", "a+b", "a b", "a\tb", "a\nb", "a\x01", "\xff", "a\xE2\x80\xA8",
        "\xE1\x9A\x80", "\xC0\xAF"}) {
    EXPECT_EQ(ValidateKeyName(bad).code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_EQ(NoteSigner::FromSeed(bad, Ed25519Seed{}).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

TEST(SignedNoteTest, SignRefusesBadTextAndSigners) {
  const NoteSigner key = Signer("k", 1);
  for (const std::string text : {"", "abc", "a\x01\n", "\xff\n", "a\r\n"}) {
    EXPECT_EQ(SignNote(text, key).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(SignNote("a\n", std::span<const NoteSigner>()).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::vector<NoteSigner> twice = {key, key};
  EXPECT_EQ(SignNote("a\n", twice).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledger::log
