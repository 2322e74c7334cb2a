// The audit bundle verifier on good bundles, damaged headers, truncation,
// signatures and key rotation. Entry tampering and forks: bundle_tamper_test.
#include "ledger/audit/bundle_verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "ledger/audit/bundle_format.h"
#include "ledger/log/checkpoint.h"
#include "tests/ledger/audit/audit_test_util.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::audit {
namespace {

using ::testing::HasSubstr;
using namespace ::ledger::audit::testing;  // NOLINT: test helpers

class BundleVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = OpenLog(dir_.Sub("db"));
    AppendTwentyWithFourCheckpoints(*log_, key_);
    bundle_ = Export(*log_, keys_);
  }

  ledger::testing::TempDir dir_;
  std::unique_ptr<log::Log> log_;
  log::NoteSigner key_ = TestKey(1);
  std::vector<log::NoteVerifier> keys_ = {key_.verifier()};
  std::string bundle_;
};

TEST_F(BundleVerifierTest, GoodBundleVerifies) {
  BundleReport r = Verify(bundle_, keys_);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.entries, 20u);
  EXPECT_EQ(r.checkpoints, 4u);
  EXPECT_EQ(r.origin, kOrigin);
  EXPECT_EQ(r.head.tree_size, 20u);
  EXPECT_EQ(r.head.root, log_->Head().root);
  ASSERT_EQ(r.keys.size(), 1u);
  EXPECT_EQ(r.keys[0].checkpoints, 4u);
  EXPECT_EQ(r.keys[0].first_tree_size, 5u);
  EXPECT_EQ(r.keys[0].last_tree_size, 20u);
  EXPECT_TRUE(r.warnings.empty());
}

TEST_F(BundleVerifierTest, LayoutPutsCheckpointsAfterTheirEntries) {
  const auto lines = Lines(bundle_);
  EXPECT_EQ(lines[0], kBundleFormatLine);
  EXPECT_EQ(lines[1], std::string("origin ") + kOrigin);
  EXPECT_EQ(lines[2], "key " + key_.verifier().KeyString());
  EXPECT_EQ(Find(lines, "checkpoint 5 "), Find(lines, "entry 4 ") + 1);
  EXPECT_EQ(Find(lines, "entry 5 "), Find(lines, "checkpoint 5 ") + 1);
  EXPECT_EQ(lines.back(), "end 20 4");
}

TEST_F(BundleVerifierTest, EmptyLogWithCheckpointVerifies) {
  auto empty = OpenLog(dir_.Sub("empty"));
  SignHead(*empty, {key_});
  BundleReport r = Verify(Export(*empty, keys_), keys_);
  EXPECT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.entries, 0u);
  EXPECT_EQ(r.head.root, log::EmptyTreeRoot());
}

TEST_F(BundleVerifierTest, NotABundleIsUnreadable) {
  BundleOptions options;
  options.keys = keys_;
  for (const std::string text : {"", "hello\n", "compact-ledger-audit-bundle v2\norigin x\n"}) {
    std::istringstream in(text);
    auto report = VerifyBundle(in, options);
    EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition) << text;
  }
  std::istringstream in("compact-ledger-audit-bundle v2\n");
  EXPECT_THAT(std::string(VerifyBundle(in, options).status().message()),
              HasSubstr("unsupported audit bundle format"));
}

TEST_F(BundleVerifierTest, NoTrustedKeyIsRefused) {
  std::istringstream in(bundle_);
  EXPECT_EQ(VerifyBundle(in, BundleOptions{}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(BundleVerifierTest, MissingFileIsNotFound) {
  BundleOptions options;
  options.keys = keys_;
  EXPECT_EQ(VerifyBundleFile(dir_.Sub("absent"), options).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(BundleVerifierTest, TruncationAtEveryByteOfTheHeaderIsRejected) {
  const size_t header = bundle_.find("\nentry 0 ") + 1;
  for (size_t cut = 1; cut <= header + 10; ++cut) {
    BundleReport r = Verify(bundle_.substr(0, cut), keys_);
    EXPECT_EQ(r.problem, BundleProblem::kTruncated) << "cut at " << cut << ": " << r.message;
  }
}

TEST_F(BundleVerifierTest, TruncationAtEveryByteIsRejected) {
  for (size_t cut = 1; cut < bundle_.size(); ++cut) {
    std::istringstream in(bundle_.substr(0, cut));
    BundleOptions options;
    options.keys = keys_;
    auto report = VerifyBundle(in, options);
    ASSERT_THAT(report, IsOk());
    EXPECT_FALSE(report->ok()) << "cut at " << cut;
  }
}

TEST_F(BundleVerifierTest, MissingEndLineIsTruncation) {
  auto lines = Lines(bundle_);
  lines.pop_back();
  BundleReport r = Verify(Join(lines), keys_);
  EXPECT_EQ(r.problem, BundleProblem::kTruncated);
  EXPECT_THAT(r.message, HasSubstr("without its end line"));
}

TEST_F(BundleVerifierTest, WrongEndCountsAndTrailingDataAreRefused) {
  auto lines = Lines(bundle_);
  lines.back() = "end 21 4";
  EXPECT_EQ(Verify(Join(lines), keys_).problem, BundleProblem::kBadTrailer);
  BundleReport r = Verify(bundle_ + "entry 20 AAAA\n", keys_);
  EXPECT_EQ(r.problem, BundleProblem::kBadTrailer);
  EXPECT_THAT(r.message, HasSubstr("data follows the end line"));
}

TEST_F(BundleVerifierTest, MalformedLinesAreNamed) {
  auto lines = Lines(bundle_);
  const int at = Find(lines, "entry 7 ");
  for (const std::string bad : {"entry 7 not*base64", "entry 07 AAAA", "bogus 1 2", "entry"}) {
    auto copy = lines;
    copy[at] = bad;
    BundleReport r = Verify(Join(copy), keys_);
    EXPECT_EQ(r.problem, BundleProblem::kMalformedLine) << bad;
    EXPECT_THAT(r.message, HasSubstr("line " + std::to_string(at + 1))) << bad;
  }
}

TEST_F(BundleVerifierTest, DamagedHeaderIsBadHeader) {
  auto lines = Lines(bundle_);
  auto no_origin = lines;
  no_origin[1] = "origin";
  EXPECT_EQ(Verify(Join(no_origin), keys_).problem, BundleProblem::kBadHeader);
  auto bad_key = lines;
  bad_key[2] = "key test.example/ledger+00000000+AAAA";
  EXPECT_EQ(Verify(Join(bad_key), keys_).problem, BundleProblem::kBadHeader);
  auto no_key = lines;
  no_key.erase(no_key.begin() + 2);
  EXPECT_THAT(Verify(Join(no_key), keys_).message, HasSubstr("no verifier key"));
}

TEST_F(BundleVerifierTest, ExpectedOriginIsEnforced) {
  std::istringstream in(bundle_);
  BundleOptions options;
  options.keys = keys_;
  options.origin = "other.example/ledger";
  auto report = VerifyBundle(in, options);
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->problem, BundleProblem::kBadHeader);
  EXPECT_THAT(report->message, HasSubstr("other.example/ledger"));
}

TEST_F(BundleVerifierTest, BadSignatureNamesCheckpointAndKey) {
  auto lines = Lines(bundle_);
  const int at = Find(lines, "checkpoint 15 ");
  std::string note;
  ASSERT_TRUE(absl::Base64Unescape(lines[at].substr(lines[at].rfind(' ') + 1), &note));
  // Another base64 digit inside the signature (a flipped bit could make a
  // character that is not base64 at all: a malformed note, not a bad
  // signature).
  char& digit = note[note.size() - 10];
  digit = digit == 'A' ? 'B' : 'A';
  lines[at] = "checkpoint 15 " + absl::Base64Escape(note);
  BundleReport r = Verify(Join(lines), keys_);
  EXPECT_EQ(r.problem, BundleProblem::kBadSignature);
  EXPECT_EQ(r.checkpoint, 2u);
  EXPECT_THAT(r.message, HasSubstr("checkpoint 2 (tree size 15)"));
  EXPECT_THAT(r.message, HasSubstr(key_.verifier().Label()));
}

TEST_F(BundleVerifierTest, KeyOfAnotherNameFindsNoSignature) {
  const log::NoteSigner other = TestKey(1, "other.example/ledger");
  BundleReport r = Verify(bundle_, {other.verifier()});
  EXPECT_EQ(r.problem, BundleProblem::kBadSignature);
  EXPECT_EQ(r.checkpoint, 0u);
  EXPECT_THAT(r.message, HasSubstr("no signature by a known key"));
  EXPECT_THAT(r.message, HasSubstr(key_.verifier().Label()));
  EXPECT_FALSE(r.warnings.empty());  // the bundle's own key was not trusted
}

TEST_F(BundleVerifierTest, BundleKeyDifferingFromTrustedKeyIsWarned) {
  auto lines = Lines(bundle_);
  lines[2] = "key " + TestKey(2).verifier().KeyString();
  BundleReport r = Verify(Join(lines), keys_);
  EXPECT_TRUE(r.ok()) << r.message;
  EXPECT_FALSE(r.warnings.empty());
}

TEST_F(BundleVerifierTest, CheckpointOfAnotherOriginIsRefused) {
  auto lines = Lines(bundle_);
  lines[1] = "origin elsewhere.example/ledger";
  BundleReport r = Verify(Join(lines), keys_);
  EXPECT_EQ(r.problem, BundleProblem::kBadCheckpoint);
  EXPECT_THAT(r.message, HasSubstr("elsewhere.example/ledger"));
}

TEST_F(BundleVerifierTest, BundleWithoutCheckpointsIsUnsigned) {
  auto lines = Lines(bundle_);
  std::vector<std::string> kept;
  for (const auto& line : lines) {
    if (line.rfind("checkpoint ", 0) != 0) kept.push_back(line);
  }
  kept.back() = "end 20 0";
  EXPECT_EQ(Verify(Join(kept), keys_).problem, BundleProblem::kNoCheckpoint);
}

class KeyRotationTest : public ::testing::Test {
 protected:
  // Sizes 5 and 10 signed by the old key, 15 by both, 20 by the new key.
  void SetUp() override {
    log_ = OpenLog(dir_.Sub("db"));
    AppendEntries(*log_, 5);
    SignHead(*log_, {old_});
    AppendEntries(*log_, 5);
    SignHead(*log_, {old_});
    AppendEntries(*log_, 5);
    SignHead(*log_, {old_, new_});
    AppendEntries(*log_, 5);
    SignHead(*log_, {new_});
  }
  ledger::testing::TempDir dir_;
  std::unique_ptr<log::Log> log_;
  log::NoteSigner old_ = TestKey(1);
  log::NoteSigner new_ = TestKey(2);
};

TEST_F(KeyRotationTest, BothKeysVerifyTheWholeHistory) {
  const auto both = {old_.verifier(), new_.verifier()};
  BundleReport r = Verify(Export(*log_, both), both);
  ASSERT_TRUE(r.ok()) << r.message;
  ASSERT_EQ(r.keys.size(), 2u);
  EXPECT_EQ(r.keys[0].checkpoints, 3u);
  EXPECT_EQ(r.keys[0].last_tree_size, 15u);
  EXPECT_EQ(r.keys[1].checkpoints, 2u);
  EXPECT_EQ(r.keys[1].first_tree_size, 15u);
}

TEST_F(KeyRotationTest, ExportListsKeysRememberedWhenSigning) {
  auto known = KnownVerifierKeys(*log_);
  ASSERT_THAT(known, IsOk());
  ASSERT_EQ(known->size(), 2u);
  const std::string bundle = Export(*log_, *known);
  EXPECT_NE(bundle.find("key " + old_.verifier().KeyString()), std::string::npos);
  EXPECT_NE(bundle.find("key " + new_.verifier().KeyString()), std::string::npos);
}

TEST_F(KeyRotationTest, OldKeyAloneCannotVerifyNewCheckpoints) {
  const auto both = {old_.verifier(), new_.verifier()};
  const std::string bundle = Export(*log_, both);
  BundleReport r = Verify(bundle, {old_.verifier()});
  EXPECT_EQ(r.problem, BundleProblem::kBadSignature);
  EXPECT_EQ(r.checkpoint, 3u);
  r = Verify(bundle, {new_.verifier()});
  EXPECT_EQ(r.problem, BundleProblem::kBadSignature);
  EXPECT_EQ(r.checkpoint, 0u);
}

TEST_F(KeyRotationTest, OldCheckpointsStillVerifyWithOldKey) {
  auto note = log_->GetCheckpoint(10);
  ASSERT_THAT(note, IsOk());
  ASSERT_TRUE(note->has_value());
  const log::NoteVerifier old_key = old_.verifier();
  EXPECT_THAT(log::VerifyCheckpoint(**note, {&old_key, 1}, kOrigin), IsOk());
}

}  // namespace
}  // namespace ledger::audit
