#include "ledger/log/checkpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "ledger/log/hash.h"
#include "ledger/log/merkle.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::StatusIs;

namespace ledger::log {
namespace {

using ::testing::HasSubstr;

constexpr char kDash[] = "\xE2\x80\x94 ";

// clang-format off
// transparency-dev/tessera, testdata/build_log.sh: the keys of the test log
// and its 15 entries, in order (one file each, written with `echo -n`; also
// in testdata/log/tile/entries/000.p/15).
constexpr char kOrigin[] = "example.com/log/testdata";
constexpr char kTesseraSkey[] =
    "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg";
constexpr char kTesseraVkey[] =
    "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";
const std::vector<std::string> kTesseraLeaves = {
    "one",  "two", "three",  "four",  "five",     "six",     "seven", "eit",
    "nain", "ten", "ileven", "twelf", "threeten", "fourten", "fivten"};

// transparency-dev/tessera, testdata/log/checkpoint.N for N = 0..15: the
// root hash line and the signature of each checkpoint (origin kOrigin, size
// N, one signature line by kOrigin).
constexpr std::pair<const char*, const char*> kTesseraCheckpoints[16] = {
    {"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
     "M9e0lhxJACzE1KoUdqKuPa+9p6R7dSW8BlEvrg/noo8FkGg6PbJoRNOcdjqjOq89wVvTA60eubCc4oufo5BvIVEgtQc="},
    {"0Nc2CrefWKseHj/mStd+LqC8B+NrX0btIiPt2SmN+ek=",
     "M9e0lhr9kuLxGdAtaUrhm84TQffVsLdcy808sN0a3WyniNlfcr9+bywoiIke1YYciCNjJGkCgIlQ8b16jhsmg/SChAM="},
    {"T1X2GdkhUjV3iyufF9b0kVsWFxIU0VI4EpNml2Teci4=",
     "M9e0llH4NKmlf0u7C8tkJioQOmi7l5ELqljXgKRg6R3G5JJ7vx7emDWo5fpqKuA/Dk/jRrI6il+7QCVirNhyUAWGoAk="},
    {"Wqx3HImawpLnS/Gv4ubjAvi1WIOy0b8Ze0amvqbavKk=",
     "M9e0lvAQRtH832pk2RTbeSeZMkp4FZSdJYFBUjO5SKxuRbywPUF3cx+HUrb50kjd3rUWW/fj53Wj1dwcwh9bGQnqVAg="},
    {"zY1lN35vrXYAPixXSd59LsU29xUJtuW4o2dNNg5Y2Co=",
     "M9e0lnFuWt0cp60moO4jAkeXvMNLIIOGn4WdyeHQurBt9mBi0tWdfkldiAt9k0FpwuZymvttsVn9uwyouXU3vPpeNAc="},
    {"gy5gl3aksFyiCO95a/1vLXz88A3dRq+0l9Sxte8ZqZQ=",
     "M9e0lmn5eDHyHP10zJObZdFAX2y1V8fdDKBi4IiHbDYf1TCUBwxZOhqwv2QZCqrdda2zTRTrmnwjwscN5RBTEmZUYAs="},
    {"a6sWvsc2eEzmj72vah7mZ5dwFltivehh2b11qwlp5Jg=",
     "M9e0ln+nHSdGSHEZBcjvqyYDXDbG8WxDwCDjbbGAMv/NTynAtJWhckSXIpuwpN3yJ4PTtzUbD34YGqIZr6RgJRn16gU="},
    {"IrSXADBqJ7EQoUODSDKROySgNveeL6CFhik2w/+fS7U=",
     "M9e0luA5JhTRUki/BBQD0QNiH6AEJ2pdtsA5CQjqJErViuuKrN6513RCTL2640wXJv0dCed3neRGI6dMzBq9uANf2Qc="},
    {"bC+VwvrJbalNVjfkdI8kUgs7mJoXrqiXCE7bgnD28pY=",
     "M9e0lq1EK37dHtgv9O3UzPxisw5vwIPcJsX9ab0xt4mvVfbdUR1fbMjN6sBFYpBoBEmD4+cWhj/AVgI5MitCO5+mews="},
    {"CvhHViE3S9E3htHLR+25mapWoGCJ3WckMq1UtC3VmEY=",
     "M9e0ls3mdnWX0qk4P3uGG0eYiFRWSwPR+RdeD1ARmrHPHjXP0x9UJWASPFTOTqJo0mp7Epck2O9RFB0J9IjDdAewagw="},
    {"y8/gZsZCtitsMan09tY+k8I7Qpr7Y5fbO2tLi9GQnfU=",
     "M9e0lrmwaVEOWFZ+HS5ITnRd2YMOSWE5QeoYu+6DHwJLnJ+SVeJ2ZiYeD7lVC5oGJx76gbfLSyCUEq6D8JkarrsuiQQ="},
    {"Yok1cS5VdokGLBy73BC2I16b3atss6KBN9jnIi6Fz/A=",
     "M9e0lqbRtWirJwbUy4w3VrK2RyzfW8P+OIkc8t6b6AVG/tQd1Q2SN+uCLYzNNFnf/PhzeCdURSGQe1MRnohCxPu21wg="},
    {"uZo6M+IhVna+CLgWCrJs0xBPUHbozHkYTQASduHSLME=",
     "M9e0lrFzoTgi+ovhrqX0DpsEAp3wLu1coMLIkeCwSkGfS4Ox4pLXo2LHudqm4merh0ZkCNzHr8kQwq5gS5mmimIvdA4="},
    {"av0kLH0VkkVDrTuZzBGIx7d9z5G1l/GlKz/nAV/8woQ=",
     "M9e0liO8x8xfEOGmZVYODUjQajkEpjccPQ9EkG3yEEDet4K3BWE/DFRPH6H+b6gFFFaG5KS1bBmYS/xeZJs8lj+z+wM="},
    {"SvCd38yNade7xEPY1a/aAc1M3A2AHYVF8lIiUnsH1ao=",
     "M9e0lu8roIpjC+NXEG7JDkajIahoYDYWgxDtxfx/6rzLoztU9t/PvivZ48xt8ygJpjzaboSpkbVv3Jb+D3NdXWQf5wo="},
    {"rKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=",
     "M9e0luh4jTG+UMBqOUo9/q+yAEvx1ilBEniMvjf1zfcBOhg+CKubMt53MvIt/uEWP6zdkdIQzd/fmwlM/dlPWF74ewI="}};

// transparency-dev/tessera, testdata/log/checkpoint (the latest, size 15),
// byte for byte.
constexpr char kTesseraLatest[] =
    "example.com/log/testdata\n"
    "15\n"
    "rKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=\n"
    "\n"
    "\xE2\x80\x94 example.com/log/testdata M9e0luh4jTG+UMBqOUo9/q+yAEvx1ilBEniMvjf1zfcBOhg+CKubMt53MvIt/uEWP6zdkdIQzd/fmwlM/dlPWF74ewI=\n";

// C2SP/C2SP, tlog-checkpoint.md at tag tlog-checkpoint/v1.0.0: the example
// checkpoint (its key is not published).
constexpr char kSofaCheckpoint[] =
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "\xE2\x80\x94 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";

// golang/mod, sumdb/note/note_test.go: a key for another name.
constexpr char kPeterVkey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

// clang-format on

std::string TesseraCheckpoint(size_t n) {
  return std::string(kOrigin) + "\n" + std::to_string(n) + "\n" +
         kTesseraCheckpoints[n].first + "\n\n" + kDash + kOrigin + " " +
         kTesseraCheckpoints[n].second + "\n";
}

Hash TesseraRoot(size_t n) {
  std::vector<Hash> leaves;
  for (size_t i = 0; i < n; ++i) leaves.push_back(LeafHash(kTesseraLeaves[i]));
  return ReferenceRoot(leaves);
}

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

TEST(CheckpointTest, TesseraLatestIsTheSizeFifteenCheckpoint) {
  EXPECT_EQ(TesseraCheckpoint(15), kTesseraLatest);
}

TEST(CheckpointTest, TesseraCheckpointsVerifyAndMatchRfc6962Roots) {
  const std::vector<NoteVerifier> keys = {Verifier(kTesseraVkey)};
  for (size_t n = 0; n <= 15; ++n) {
    absl::StatusOr<VerifiedCheckpoint> v =
        VerifyCheckpoint(TesseraCheckpoint(n), keys, kOrigin);
    ASSERT_THAT(v, IsOk()) << n;
    EXPECT_EQ(v->checkpoint.origin, kOrigin);
    EXPECT_EQ(v->checkpoint.tree_size, n);
    EXPECT_EQ(v->checkpoint.root, TesseraRoot(n)) << "size " << n;
    EXPECT_TRUE(v->checkpoint.extensions.empty());
    ASSERT_EQ(v->verified.size(), 1u);
    EXPECT_EQ(v->verified[0].name, kOrigin);
    EXPECT_EQ(v->verified[0].key_id, 0x33d7b496u);
  }
  EXPECT_EQ(TesseraRoot(0), EmptyTreeRoot());
  EXPECT_EQ(ToHex(TesseraRoot(15)),
            "aca6c38a90af86e5f5199ee0e4105ef2c03a05b27b8daff59e4e36eefdfcddcb");
}

TEST(CheckpointTest, SignCheckpointReproducesTesseraBytes) {
  absl::StatusOr<NoteSigner> key =
      NoteSigner::FromPrivateKeyString(kTesseraSkey);
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->verifier().KeyString(), kTesseraVkey);
  for (size_t n = 0; n <= 15; ++n) {
    absl::StatusOr<std::string> note =
        SignCheckpoint(kOrigin, {n, TesseraRoot(n)}, *key);
    ASSERT_THAT(note, IsOk());
    EXPECT_EQ(*note, TesseraCheckpoint(n));
  }
}

TEST(CheckpointTest, C2spExampleParses) {
  absl::StatusOr<Note> note = ParseNote(kSofaCheckpoint);
  ASSERT_THAT(note, IsOk());
  EXPECT_EQ(note->signatures[0].key_id, 0x033de0aeu);
  absl::StatusOr<Checkpoint> c = ParseCheckpoint(note->text);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(c->tree_size, 20852163u);
  EXPECT_EQ(ToHex(c->root),
            "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62");
  absl::StatusOr<std::string> text = FormatCheckpoint(*c);
  ASSERT_THAT(text, IsOk());
  EXPECT_EQ(*text, note->text);
  absl::Status s = VerifyCheckpoint(kSofaCheckpoint, {{Verifier(kTesseraVkey)}},
                                    "example.com/behind-the-sofa")
                       .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("example.com/behind-the-sofa+033de0ae"));
}

TEST(CheckpointTest, FormatIsByteExact) {
  Checkpoint c{kOrigin, 15, TesseraRoot(15), {}};
  EXPECT_EQ(*FormatCheckpoint(c),
            "example.com/log/testdata\n15\nrKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/"
            "1nk427v383cs=\n");
  c.extensions = {"ext one", "2"};
  absl::StatusOr<std::string> text = FormatCheckpoint(c);
  ASSERT_THAT(text, IsOk());
  EXPECT_EQ(*text,
            "example.com/log/testdata\n15\nrKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/"
            "1nk427v383cs=\next one\n2\n");
  EXPECT_EQ(*ParseCheckpoint(*text), c);
}

TEST(CheckpointTest, ParseAcceptsEdgeValues) {
  const std::string root = "\nrKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=\n";
  absl::StatusOr<Checkpoint> zero = ParseCheckpoint("o\n0" + root);
  ASSERT_THAT(zero, IsOk());
  EXPECT_EQ(zero->tree_size, 0u);
  absl::StatusOr<Checkpoint> max =
      ParseCheckpoint("o\n18446744073709551615" + root);
  ASSERT_THAT(max, IsOk());
  EXPECT_EQ(max->tree_size, UINT64_MAX);
  // The origin is opaque: spaces and '+' are only discouraged.
  absl::StatusOr<Checkpoint> odd = ParseCheckpoint("my log+1\n1" + root);
  ASSERT_THAT(odd, IsOk());
  EXPECT_EQ(odd->origin, "my log+1");
}

TEST(CheckpointTest, ParseRejectsMalformedText) {
  const std::string b64 = "rKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=";
  const std::string view37 =
      "dGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==";
  const std::vector<std::string> bad = {
      // transparency-dev/formats, log/checkpoint_test.go
      // (TestUnmarshalLogState): its invalid cases ...
      "Head\n9944\n",
      "\n9944\n" + view37 + "\n",
      "Log\n123\nYmFuYW5hcw==",
      "Log\nbananas\n" + view37 + "\n",
      "Log\n-34\n" + view37 + "\n",
      "Log\n3438945738945739845734895735\n" + view37 + "\n",
      "Log\n123\nThisIsn'tBase64\n",
      // ... and two it accepts but v1.0.0 forbids or RFC 6962 rules out: a
      // 7-byte root, and empty lines after the root.
      "Log\n123\nYmFuYW5hcw==\n",
      "Log\n9944\n" + b64 + "\n\n\n\n",
      // Ours: sizes with a leading zero, a sign, blanks, 2^64, no digits.
      "o\n007\n" + b64 + "\n",
      "o\n+7\n" + b64 + "\n",
      "o\n 7\n" + b64 + "\n",
      "o\n7 \n" + b64 + "\n",
      "o\n18446744073709551616\n" + b64 + "\n",
      "o\n\n" + b64 + "\n",
      "o\n0x10\n" + b64 + "\n",
      // Roots: unpadded, nonzero trailing bits, 33 bytes, a blank.
      "o\n1\nrKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs\n",
      "o\n1\nrKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383ct=\n",
      "o\n1\nrKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383csA\n",
      "o\n1\nrKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs= \n",
      // An empty extension line, a control character, bad UTF-8.
      "o\n1\n" + b64 + "\n\next\n",
      "o\x01\n1\n" + b64 + "\n",
      "o\xff\n1\n" + b64 + "\n",
      "",
  };
  for (const std::string& text : bad) {
    EXPECT_EQ(ParseCheckpoint(text).status().code(),
              absl::StatusCode::kInvalidArgument)
        << absl::CEscape(text);
  }
}

TEST(CheckpointTest, FormatRejectsBadLines) {
  const Hash root = TesseraRoot(1);
  const std::vector<Checkpoint> bad = {
      {"", 1, root, {}},    {"a\nb", 1, root, {}},    {"a\x01", 1, root, {}},
      {"a", 1, root, {""}}, {"a", 1, root, {"x\ny"}}, {"\xff", 1, root, {}},
  };
  for (const Checkpoint& c : bad) {
    EXPECT_EQ(FormatCheckpoint(c).status().code(),
              absl::StatusCode::kInvalidArgument)
        << absl::CEscape(c.origin);
    if (c.extensions.empty()) {
      EXPECT_EQ(SignCheckpoint(c.origin, {1, root}, Signer("k", 1)).status().code(),
                absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(CheckpointTest, GeneratedKeyRoundTrip) {
  absl::StatusOr<NoteSigner> key =
      NoteSigner::Generate("example.com/compact-ledger");
  ASSERT_THAT(key, IsOk());
  const TreeHead head{42, Sha256("root")};
  absl::StatusOr<std::string> note =
      SignCheckpoint("example.com/compact-ledger", head, *key);
  ASSERT_THAT(note, IsOk());
  absl::StatusOr<VerifiedCheckpoint> v =
      VerifyCheckpoint(*note, {{Verifier(key->verifier().KeyString().c_str())}},
                       "example.com/compact-ledger");
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(v->checkpoint.tree_size, 42u);
  EXPECT_EQ(v->checkpoint.root, head.root);
}

TEST(CheckpointTest, WrongOriginIsRefusedNamingBoth) {
  absl::Status s = VerifyCheckpoint(kTesseraLatest, {{Verifier(kTesseraVkey)}},
                                    "example.com/other")
                       .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("\"example.com/log/testdata\""));
  EXPECT_THAT(s.message(), HasSubstr("\"example.com/other\""));
  EXPECT_EQ(VerifyCheckpoint(kTesseraLatest, {{Verifier(kTesseraVkey)}}, "")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CheckpointTest, TamperedSizeOrRootIsDataLoss) {
  std::string size = kTesseraLatest;
  size.replace(size.find("\n15\n"), 4, "\n16\n");
  std::string root = kTesseraLatest;
  root[root.find("rKbD")] = 'q';
  for (const std::string& note : {size, root}) {
    absl::Status s =
        VerifyCheckpoint(note, {{Verifier(kTesseraVkey)}}, kOrigin).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(
        s.message(),
        HasSubstr(
            "invalid signature for key example.com/log/testdata+33d7b496"));
  }
}

TEST(CheckpointTest, VerifierKeyForAnotherNameIsRefused) {
  const NoteVerifier tessera = Verifier(kTesseraVkey);
  absl::StatusOr<NoteVerifier> renamed =
      NoteVerifier::FromPublicKey("example.com/other", tessera.public_key());
  ASSERT_THAT(renamed, IsOk());
  for (const NoteVerifier& key : {Verifier(kPeterVkey), *renamed}) {
    absl::Status s =
        VerifyCheckpoint(kTesseraLatest, {{key}}, kOrigin).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(s.message(),
                HasSubstr("signed by [example.com/log/testdata+33d7b496]"));
    EXPECT_THAT(s.message(), HasSubstr(key.Label()));
  }
}

TEST(CheckpointTest, NoteThatIsNotACheckpointIsInvalidArgument) {
  const NoteSigner key = Signer("example.com/log", 3);
  absl::StatusOr<std::string> note = SignNote("example.com/log\nhello\n", key);
  ASSERT_THAT(note, IsOk());
  absl::Status s =
      VerifyCheckpoint(*note, {{key.verifier()}}, "example.com/log").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("malformed checkpoint"));
}

TEST(CheckpointTest, RotationKeepsOldCheckpointsVerifiable) {
  const NoteSigner old_key = Signer("example.com/log", 1);
  const NoteSigner new_key = Signer("example.com/log", 2);
  absl::StatusOr<std::string> old_cp =
      SignCheckpoint("example.com/log", {3, TesseraRoot(3)}, old_key);
  absl::StatusOr<std::string> new_cp =
      SignCheckpoint("example.com/log", {7, TesseraRoot(7)}, new_key);
  ASSERT_THAT(old_cp, IsOk());
  ASSERT_THAT(new_cp, IsOk());
  const std::vector<NoteVerifier> both = {old_key.verifier(), new_key.verifier()};
  EXPECT_THAT(VerifyCheckpoint(*old_cp, {{old_key.verifier()}}, "example.com/log"), IsOk());
  EXPECT_THAT(VerifyCheckpoint(*old_cp, both, "example.com/log"), IsOk());
  EXPECT_THAT(VerifyCheckpoint(*new_cp, both, "example.com/log"), IsOk());
  EXPECT_EQ(VerifyCheckpoint(*new_cp, {{old_key.verifier()}}, "example.com/log")
                .status()
                .code(),
            absl::StatusCode::kDataLoss);
}

TEST(CheckpointTest, SixteenWitnessCosignaturesVerify) {
  std::string note = kTesseraLatest;
  std::vector<NoteVerifier> witnesses;
  for (int i = 0; i < 16; ++i) {
    const NoteSigner w = Signer("witness.example/" + std::to_string(i), i + 10);
    absl::StatusOr<std::string> cosigned = CosignNote(note, w);
    ASSERT_THAT(cosigned, IsOk());
    note = *cosigned;
    witnesses.push_back(w.verifier());
  }
  EXPECT_EQ(note.substr(0, sizeof(kTesseraLatest) - 1), kTesseraLatest);
  std::vector<NoteVerifier> all = witnesses;
  all.push_back(Verifier(kTesseraVkey));
  EXPECT_EQ(VerifyCheckpoint(note, all, kOrigin)->verified.size(), 17u);
  EXPECT_EQ(VerifyCheckpoint(note, witnesses, kOrigin)->verified.size(), 16u);
  absl::StatusOr<VerifiedCheckpoint> log_only =
      VerifyCheckpoint(note, {{Verifier(kTesseraVkey)}}, kOrigin);
  ASSERT_THAT(log_only, IsOk());
  EXPECT_EQ(log_only->verified.size(), 1u);
  EXPECT_EQ(log_only->checkpoint.tree_size, 15u);
}

TEST(CheckpointTest, TruncationAtEveryOffsetIsRefused) {
  const std::string note = kTesseraLatest;
  for (size_t n = 0; n < note.size(); ++n) {
    absl::StatusOr<VerifiedCheckpoint> v = VerifyCheckpoint(
        note.substr(0, n), {{Verifier(kTesseraVkey)}}, kOrigin);
    EXPECT_THAT(v, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("malformed note")))
        << "offset " << n;
  }
}

}  // namespace
}  // namespace ledger::log
