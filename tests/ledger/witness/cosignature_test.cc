#include "ledger/witness/cosignature.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "ledger/log/signed_note.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::witness {
namespace {

using ::testing::HasSubstr;

// The checkpoint body of the C2SP tlog-cosignature v1.0.1 example.
constexpr char kSpecCheckpoint[] =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

log::Ed25519Seed Seed(uint8_t fill) {
  log::Ed25519Seed seed;
  seed.fill(fill);
  return seed;
}

Cosigner TestCosigner(std::string_view name = "witness.example/w1", uint8_t fill = 7) {
  return *Cosigner::FromSeed(name, Seed(fill));
}

TEST(CosignatureTest, SignedMessageIsTheSpecExample) {
  EXPECT_EQ(CosignedMessage(kSpecCheckpoint, 1679315147),
            "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
}

TEST(CosignatureTest, SpecExampleLineCarriesKeyIdAndTimestamp) {
  // The cosignature line of the spec's example note: 4-byte key ID, then the
  // 72-byte timestamped_signature with the example's timestamp.
  auto note = log::ParseNote(std::string(kSpecCheckpoint) +
                             "\n\xE2\x80\x94 witness.example.com/w1 "
                             "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2"
                             "oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n");
  ASSERT_THAT(note, IsOk());
  ASSERT_EQ(note->signatures.size(), 1u);
  EXPECT_EQ(note->signatures[0].key_id, 0x8d66cf3fu);
  ASSERT_EQ(note->signatures[0].signature.size(), 72u);
  EXPECT_EQ(absl::BytesToHexString(note->signatures[0].signature.substr(0, 8)),
            "00000000641850cb");  // 1679315147
}

TEST(CosignatureTest, CosignatureVerifiesAndYieldsItsTimestamp) {
  const Cosigner cosigner = TestCosigner();
  auto signature = cosigner.Cosign(kSpecCheckpoint, 1679315147);
  ASSERT_THAT(signature, IsOk());
  EXPECT_EQ(signature->name, "witness.example/w1");
  EXPECT_EQ(signature->key_id, cosigner.verifier().key_id());
  EXPECT_EQ(signature->signature.size(), 72u);
  auto timestamp = cosigner.verifier().Verify(kSpecCheckpoint, signature->signature);
  ASSERT_THAT(timestamp, IsOk());
  EXPECT_EQ(*timestamp, 1679315147u);
}

TEST(CosignatureTest, ChangedTextOrTimestampDoesNotVerify) {
  const Cosigner cosigner = TestCosigner();
  std::string signature = cosigner.Cosign(kSpecCheckpoint, 1000)->signature;
  EXPECT_EQ(cosigner.verifier()
                .Verify("example.com/behind-the-sofa\n20852164\n"
                        "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
                        signature)
                .status()
                .code(),
            absl::StatusCode::kDataLoss);
  signature[7] = static_cast<char>(signature[7] ^ 1);  // timestamp 1001
  EXPECT_EQ(cosigner.verifier().Verify(kSpecCheckpoint, signature).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(CosignatureTest, TimestampAboveTwoToTheSixtyThreeIsRefused) {
  const Cosigner cosigner = TestCosigner();
  EXPECT_EQ(cosigner.Cosign(kSpecCheckpoint, kMaxCosignatureTimestamp + 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string signature = cosigner.Cosign(kSpecCheckpoint, 5)->signature;
  signature[0] = static_cast<char>(0x80);
  auto verified = cosigner.verifier().Verify(kSpecCheckpoint, signature);
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(verified.status().message(), HasSubstr("2^63"));
}

TEST(CosignatureTest, KeyIdUsesTypeByteFour) {
  const Cosigner cosigner = TestCosigner();
  const auto& key = cosigner.verifier().public_key();
  EXPECT_EQ(cosigner.verifier().key_id(), CosignatureKeyId("witness.example/w1", key));
  EXPECT_NE(cosigner.verifier().key_id(), log::Ed25519KeyId("witness.example/w1", key));
}

TEST(CosignatureTest, VerifierKeyStringRoundTrips) {
  const Cosigner cosigner = TestCosigner();
  const std::string vkey = cosigner.verifier().KeyString();
  EXPECT_EQ(vkey.rfind("witness.example/w1+", 0), 0u);
  auto parsed = CosignatureVerifier::FromKeyString(vkey);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->public_key(), cosigner.verifier().public_key());
  EXPECT_EQ(parsed->key_id(), cosigner.verifier().key_id());
}

TEST(CosignatureTest, LogKeyIsRefusedAsWitnessKey) {
  auto log_key = log::NoteSigner::FromSeed("example.com/log", Seed(3));
  auto parsed = CosignatureVerifier::FromKeyString(log_key->verifier().KeyString());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr("log (checkpoint) key"));
}

TEST(CosignatureTest, WrongKeyIdIsRefused) {
  std::string vkey = TestCosigner().verifier().KeyString();
  const size_t plus = vkey.find('+');
  vkey[plus + 1] = vkey[plus + 1] == '0' ? '1' : '0';
  auto parsed = CosignatureVerifier::FromKeyString(vkey);
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr("does not belong"));
}

TEST(CosignatureTest, MalformedVerifierKeysAreRefused) {
  for (const char* bad : {"", "name", "name+0000000", "name+zzzzzzzz+BA==", "a b+00000000+BA==",
                          "name+00000000+not base64", "name+00000000+BAAA"}) {
    EXPECT_EQ(CosignatureVerifier::FromKeyString(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(CosignatureTest, PrivateKeyStringRoundTripsWithoutEchoingTheSeed) {
  const Cosigner cosigner = TestCosigner();
  const std::string skey = cosigner.PrivateKeyString();
  auto parsed = Cosigner::FromPrivateKeyString(skey + "\n");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->verifier().KeyString(), cosigner.verifier().KeyString());
  std::string damaged = skey;
  damaged[damaged.size() - 3] = damaged[damaged.size() - 3] == 'A' ? 'B' : 'A';
  auto refused = Cosigner::FromPrivateKeyString(damaged);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), ::testing::Not(HasSubstr(skey.substr(skey.rfind('+')))));
  EXPECT_EQ(Cosigner::FromPrivateKeyString(skey.substr(12)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CosignatureTest, VerifyCosignaturesIgnoresOtherKeysAndRejectsBadKnownOnes) {
  const Cosigner w1 = TestCosigner("w1.example", 1);
  const Cosigner w2 = TestCosigner("w2.example", 2);
  const Cosigner stranger = TestCosigner("w3.example", 3);
  auto log_key = log::NoteSigner::FromSeed("example.com/behind-the-sofa", Seed(9));
  std::string signed_note = *log::SignNote(kSpecCheckpoint, *log_key);
  auto note = log::ParseNote(signed_note);
  note->signatures.push_back(*w1.Cosign(kSpecCheckpoint, 10));
  note->signatures.push_back(*stranger.Cosign(kSpecCheckpoint, 11));
  note->signatures.push_back(*w1.Cosign(kSpecCheckpoint, 12));
  const std::vector<CosignatureVerifier> known = {w1.verifier(), w2.verifier()};
  auto verified = VerifyCosignatures(*note, known);
  ASSERT_THAT(verified, IsOk());
  ASSERT_EQ(verified->size(), 1u);
  EXPECT_EQ((*verified)[0].witness, "w1.example");
  EXPECT_EQ((*verified)[0].timestamp, 12u);

  note->signatures.push_back(*w2.Cosign("other\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", 13));
  auto bad = VerifyCosignatures(*note, known);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(bad.status().message(), HasSubstr("w2.example"));
}

TEST(CosignatureTest, SignatureLineParsesBackAsTheSameSignature) {
  const log::NoteSignature signature = *TestCosigner().Cosign(kSpecCheckpoint, 42);
  auto note = log::ParseNote(std::string(kSpecCheckpoint) + "\n" + SignatureLine(signature));
  ASSERT_THAT(note, IsOk());
  EXPECT_EQ(note->signatures[0], signature);
}

}  // namespace
}  // namespace ledger::witness
