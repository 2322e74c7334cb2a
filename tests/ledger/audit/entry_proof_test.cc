// The proof of one decision for an auditor (entry_proof.h, proof_json.h):
// built from a ledger with a signed checkpoint, checked offline, in both its
// C2SP tlog-proof text and its JSON form; every altered part is refused.
#include "ledger/audit/entry_proof.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/protobuf/util/json_util.h"
#include "ledger/audit/proof_json.h"
#include "tests/ledger/audit/audit_test_util.h"
#include "tests/ledger/audit/seeded_ledger.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::StatusIs;

namespace ledger::audit {
namespace {

using ::testing::HasSubstr;
using namespace ::ledger::audit::testing;  // NOLINT: test helpers

constexpr char kCompact[] = "worcestershire-2006";

class EntryProofTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = SeededLedger(dir_.Sub("db"));
    ASSERT_NE(ledger_, nullptr);
  }

  log::Log& log() { return ledger_->log(); }

  // Verifies with the test key and the test origin.
  absl::StatusOr<VerifiedEntry> Check(const EntryProof& proof) {
    const log::NoteVerifier key = key_.verifier();
    return VerifyEntryProof(proof, {&key, 1}, kOrigin);
  }

  // The proof of the compact's first event, against a fresh checkpoint.
  EntryProof FirstEventProof() {
    SignHead(log(), {key_});
    auto events = ledger_->SequencesConcerning(kCompact);
    EXPECT_THAT(events, IsOk());
    EXPECT_FALSE(events->empty());
    auto proof = ProveEntry(log(), events->front());
    EXPECT_THAT(proof, IsOk());
    return *proof;
  }

  ::ledger::testing::TempDir dir_;
  std::unique_ptr<CompactLedger> ledger_;
  log::NoteSigner key_ = TestKey(7);
};

TEST_F(EntryProofTest, ProofOfADecisionVerifiesOfflineAndCarriesItsEvent) {
  const EntryProof proof = FirstEventProof();
  EXPECT_EQ(proof.tree_size, log().Size());
  auto verified = Check(proof);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->checkpoint.checkpoint.tree_size, log().Size());
  EXPECT_EQ(verified->entry.sequence(), proof.sequence);
  ASSERT_TRUE(verified->event.has_value());
  EXPECT_TRUE(verified->event->has_compact_registered());
  EXPECT_EQ(verified->event->compact_registered().compact_id(), kCompact);
}

TEST_F(EntryProofTest, EveryEntryOfTheLogProvesAgainstTheNewestCheckpoint) {
  SignHead(log(), {key_});
  for (uint64_t seq = 0; seq < log().Size(); ++seq) {
    auto proof = ProveEntry(log(), seq);
    ASSERT_THAT(proof, IsOk()) << seq;
    ASSERT_THAT(Check(*proof), IsOk()) << seq;
  }
}

TEST_F(EntryProofTest, NoCheckpointOrNoSuchEntryIsRefusedWithWhatToDo) {
  auto unsigned_log = ProveEntry(log(), 0);
  ASSERT_EQ(unsigned_log.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(unsigned_log.status().message(), HasSubstr("checkpoint"));
  SignHead(log(), {key_});
  EXPECT_EQ(ProveEntry(log(), log().Size()).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(EntryProofTest, EntriesAfterTheNewestCheckpointNeedANewOne) {
  SignHead(log(), {key_});
  compact::v1::Event later;
  ASSERT_THAT(google::protobuf::util::JsonStringToMessage(
                  R"({"sourceRegistered": {"sourceId": "later", "title": "Later minutes", )"
                  R"("date": {"edtf": "2012"}}})",
                  &later),
              IsOk());
  ASSERT_THAT(ledger_->Record({later}, "clerk"), IsOk());
  auto proof = ProveEntry(log(), log().Size() - 1);
  EXPECT_EQ(proof.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(EntryProofTest, AlteredEntryBytesAreRefused) {
  EntryProof proof = FirstEventProof();
  proof.entry_bytes[proof.entry_bytes.size() / 2] ^= 0x01;
  auto verified = Check(proof);
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kDataLoss) << verified.status();
}

TEST_F(EntryProofTest, AlteredInclusionHashIsRefused) {
  EntryProof proof = FirstEventProof();
  ASSERT_FALSE(proof.inclusion.empty());
  for (size_t i = 0; i < proof.inclusion.size(); ++i) {
    EntryProof bad = proof;
    bad.inclusion[i][0] ^= 0x80;
    EXPECT_EQ(Check(bad).status().code(), absl::StatusCode::kDataLoss) << i;
  }
  EntryProof shorter = proof;
  shorter.inclusion.pop_back();
  EXPECT_EQ(Check(shorter).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(EntryProofTest, ProofClaimingAnotherSequenceIsRefused) {
  EntryProof proof = FirstEventProof();
  proof.sequence += 1;
  EXPECT_EQ(Check(proof).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(EntryProofTest, CheckpointOfAnotherKeyOrOriginIsRefused) {
  const EntryProof proof = FirstEventProof();
  const log::NoteVerifier stranger = TestKey(9).verifier();
  EXPECT_EQ(VerifyEntryProof(proof, {&stranger, 1}, kOrigin).status().code(),
            absl::StatusCode::kDataLoss);
  const log::NoteVerifier key = key_.verifier();
  auto other_origin = VerifyEntryProof(proof, {&key, 1}, "other.example/ledger");
  EXPECT_THAT(other_origin,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("other.example/ledger")));
}

TEST_F(EntryProofTest, TlogProofTextRoundTripsAndVerifies) {
  const EntryProof proof = FirstEventProof();
  const std::string text = FormatTlogProof(proof);
  EXPECT_EQ(text.rfind(std::string(kTlogProofHeader) + "\n", 0), 0u) << text;
  auto parsed = ParseTlogProof(text);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->sequence, proof.sequence);
  EXPECT_EQ(parsed->entry_bytes, proof.entry_bytes);
  EXPECT_EQ(parsed->leaf_hash, proof.leaf_hash);
  EXPECT_EQ(parsed->tree_size, proof.tree_size);
  EXPECT_EQ(parsed->inclusion, proof.inclusion);
  EXPECT_EQ(parsed->checkpoint, proof.checkpoint);
  EXPECT_THAT(Check(*parsed), IsOk());
}

TEST_F(EntryProofTest, MalformedTlogProofTextIsRefusedNamingTheLine) {
  const std::string text = FormatTlogProof(FirstEventProof());
  EXPECT_EQ(ParseTlogProof("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseTlogProof("c2sp.org/tlog-proof@v2\n").status().code(),
            absl::StatusCode::kInvalidArgument);
  // Every strict prefix that cuts the text before its checkpoint is refused.
  const size_t checkpoint_at = text.find("\n\n");
  ASSERT_NE(checkpoint_at, std::string::npos);
  for (size_t cut = 0; cut <= checkpoint_at; ++cut) {
    EXPECT_EQ(ParseTlogProof(text.substr(0, cut)).status().code(),
              absl::StatusCode::kInvalidArgument) << cut;
  }
  std::string bad_hash = text;
  const size_t index_line = bad_hash.find("\nindex ");
  ASSERT_NE(index_line, std::string::npos);
  const size_t hash_line = bad_hash.find('\n', index_line + 1) + 1;
  bad_hash.insert(hash_line, "!!");
  auto refused = ParseTlogProof(bad_hash);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("line"));
}

TEST_F(EntryProofTest, JsonFormRoundTripsAndItsTextMustAgree) {
  const EntryProof proof = FirstEventProof();
  const std::string json = EntryProofToJson(proof, kCompact);
  auto parsed = EntryProofFromJson(json);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->compact_id, kCompact);
  EXPECT_EQ(parsed->proof.entry_bytes, proof.entry_bytes);
  EXPECT_THAT(Check(parsed->proof), IsOk());

  EXPECT_EQ(EntryProofFromJson("not json").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(EntryProofFromJson(R"({"format": "something-else"})").status().code(),
            absl::StatusCode::kFailedPrecondition);

  // A JSON proof whose fields were edited so they no longer match its
  // embedded tlog-proof text is refused as tampered.
  EntryProof edited = proof;
  edited.inclusion[0][0] ^= 0x01;
  std::string mixed = EntryProofToJson(edited, kCompact);
  const std::string original_text = EntryProofToJson(proof, kCompact);
  const size_t tlog_at = original_text.find("\"tlogProof\"");
  const size_t mixed_tlog_at = mixed.find("\"tlogProof\"");
  ASSERT_NE(tlog_at, std::string::npos);
  ASSERT_NE(mixed_tlog_at, std::string::npos);
  mixed = mixed.substr(0, mixed_tlog_at) + original_text.substr(tlog_at);
  EXPECT_EQ(EntryProofFromJson(mixed).status().code(), absl::StatusCode::kDataLoss);
}

// Found by proof_json_fuzzer (fuzz/corpus/proof_json_fuzzer/crash-note-with-bang):
// a checkpoint note the tlog-proof form refuses must be refused in the JSON
// form too, whether or not the JSON carries its tlogProof text.
TEST_F(EntryProofTest, JsonProofWithACheckpointTheTlogFormRefusesIsRefused) {
  EntryProof proof = FirstEventProof();
  const size_t signature = proof.checkpoint.rfind(' ');
  ASSERT_NE(signature, std::string::npos);
  proof.checkpoint[signature + 5] = '!';  // not base64
  ASSERT_THAT(
      ParseTlogProof(FormatTlogProof(proof)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not canonical padded base64")));
  std::string json = EntryProofToJson(proof, kCompact);
  auto parsed = EntryProofFromJson(json);
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << parsed.status();
  EXPECT_NE(parsed.status().message().find("\"checkpoint\" is not a signed checkpoint"),
            std::string::npos)
      << parsed.status();
  json.replace(json.find("\"tlogProof\""), 11, "\"tlXgProof\"");  // an unknown key
  EXPECT_EQ(EntryProofFromJson(json).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledger::audit
