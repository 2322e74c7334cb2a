#include "ledger/witness/witness.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/ledger/witness/witness_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

using ::ledger::testing::IsOk;

namespace ledger::witness {
namespace {

using ::ledger::witness::testing::TestLog;
using ::ledger::witness::testing::TestSeed;
using ::testing::HasSubstr;

class WitnessTest : public ::testing::Test {
 protected:
  WitnessTest()
      : log_("example.com/log", 1, "leaf", 100),
        fork_("example.com/log", 1, "fork", 100, /*shared=*/0),
        cosigner_(*Cosigner::FromSeed("witness.example/w1", TestSeed(50))) {
    Reopen();
  }

  void Reopen() {
    witness_.reset();
    auto opened = Witness::Open(cosigner_, {log_.key().verifier()}, dir_.Sub("state"), [] { return 1700000000; });
    ASSERT_THAT(opened, IsOk());
    witness_ = *std::move(opened);
  }

  // Brings the witness to `size`, from nothing.
  void Cosigned(uint64_t size) {
    const WitnessResponse r = witness_->AddCheckpoint(log_.Request(0, size));
    ASSERT_EQ(r.status, 200) << r.body;
  }

  std::string Latest() const { return witness_->LatestCheckpoint(OriginHash(log_.origin())).body; }

  ledger::testing::TempDir dir_;
  TestLog log_;
  TestLog fork_;
  Cosigner cosigner_;
  std::unique_ptr<Witness> witness_;
};

TEST_F(WitnessTest, FirstCheckpointIsCosignedFromSizeZero) {
  const WitnessResponse r = witness_->AddCheckpoint(log_.Request(0, 10));
  ASSERT_EQ(r.status, 200) << r.body;
  auto note = log::ParseNote(log_.Checkpoint(10) + r.body);
  ASSERT_THAT(note, IsOk());
  const std::vector<CosignatureVerifier> known = {cosigner_.verifier()};
  auto verified = VerifyCosignatures(*note, known);
  ASSERT_THAT(verified, IsOk());
  ASSERT_EQ(verified->size(), 1u);
  EXPECT_EQ((*verified)[0].timestamp, 1700000000u);
  EXPECT_EQ(witness_->CosignedSize(log_.origin()), 10u);
}

TEST_F(WitnessTest, ConsistentCheckpointsAreCosignedInTurn) {
  Cosigned(10);
  for (auto [from, to] : std::vector<std::pair<uint64_t, uint64_t>>{{10, 17}, {17, 17}, {17, 64}, {64, 100}}) {
    const WitnessResponse r = witness_->AddCheckpoint(log_.Request(from, to));
    ASSERT_EQ(r.status, 200) << from << "->" << to << ": " << r.body;
    EXPECT_EQ(witness_->CosignedSize(log_.origin()), to);
  }
}

TEST_F(WitnessTest, MonitoringServesTheLatestCosignedCheckpoint) {
  EXPECT_EQ(witness_->LatestCheckpoint(OriginHash(log_.origin())).status, 404);
  Cosigned(10);
  const WitnessResponse r = witness_->LatestCheckpoint(OriginHash(log_.origin()));
  ASSERT_EQ(r.status, 200);
  const std::vector<log::NoteVerifier> keys = {log_.key().verifier()};
  ASSERT_THAT(log::VerifyCheckpoint(r.body, keys, log_.origin()), IsOk());
  const std::vector<CosignatureVerifier> witnesses = {cosigner_.verifier()};
  EXPECT_EQ(VerifyCosignatures(*log::ParseNote(r.body), witnesses)->size(), 1u);
  EXPECT_EQ(witness_->LatestCheckpoint(OriginHash("example.com/other")).status, 404);
}

TEST_F(WitnessTest, StateSurvivesReopening) {
  Cosigned(10);
  const std::string before = Latest();
  Reopen();
  EXPECT_EQ(witness_->CosignedSize(log_.origin()), 10u);
  EXPECT_EQ(Latest(), before);
  EXPECT_EQ(witness_->AddCheckpoint(log_.Request(10, 20)).status, 200);
}

TEST_F(WitnessTest, SecondWitnessOnTheSameStateIsRefused) {
  auto second = Witness::Open(cosigner_, {log_.key().verifier()}, dir_.Sub("state"));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(WitnessTest, NoLogKeysIsRefused) {
  EXPECT_EQ(Witness::Open(cosigner_, {}, dir_.Sub("other")).status().code(), absl::StatusCode::kInvalidArgument);
}

// Every malformed or refused request of the list: the spec's status,
// and the state (size and served note) unchanged.
TEST_F(WitnessTest, BadRequestsGetTheSpecStatusAndChangeNothing) {
  Cosigned(20);
  const std::string before = Latest();
  const TestLog stranger("example.com/other", 2, "leaf", 30);
  const log::NoteSigner unknown_key = *log::NoteSigner::FromSeed("example.com/log", TestSeed(3));
  const std::string proof_line = "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n";
  std::string proof64;
  for (int i = 0; i < 64; ++i) proof64 += proof_line;
  std::string bad_signature = log_.Checkpoint(30);
  bad_signature[bad_signature.size() - 10] = bad_signature[bad_signature.size() - 10] == 'A' ? 'B' : 'A';
  const auto with_proof = [&](uint64_t old_size, const std::vector<log::Hash>& proof, const std::string& cp) {
    return FormatAddCheckpointRequest({old_size, proof, cp});
  };
  std::vector<log::Hash> wrong_proof = log_.Proof(20, 30);
  wrong_proof[0][0] ^= 1;
  struct Case {
    std::string what;
    std::string body;
    int status;
  };
  const std::vector<Case> cases = {
      {"no old line", "\n" + log_.Checkpoint(30), 400},
      {"64 proof lines", "old 20\n" + proof64 + "\n" + log_.Checkpoint(30), 400},
      {"bad base64", "old 20\nnot-base64\n\n" + log_.Checkpoint(30), 400},
      {"trailing garbage", log_.Request(20, 30) + "garbage\n", 400},
      {"unknown origin", stranger.Request(0, 30), 404},
      {"signature by an unknown key", with_proof(20, log_.Proof(20, 30), log_.Checkpoint(30, unknown_key)), 403},
      {"bad signature", with_proof(20, log_.Proof(20, 30), bad_signature), 403},
      {"old above new", with_proof(20, {}, log_.Checkpoint(10)), 400},
      {"stale old size", log_.Request(10, 30), 409},
      {"old size zero when one was cosigned", log_.Request(0, 30), 409},
      {"wrong proof", with_proof(20, wrong_proof, log_.Checkpoint(30)), 422},
      {"proof of another tree", with_proof(20, fork_.Proof(20, 30), fork_.Checkpoint(30)), 422},
      {"rollback", with_proof(20, {}, log_.Checkpoint(15)), 400},
      {"same size, another root", with_proof(20, {}, fork_.Checkpoint(20)), 422},
      {"same size with a proof", with_proof(20, log_.Proof(10, 20), log_.Checkpoint(20)), 422},
  };
  for (const Case& c : cases) {
    const WitnessResponse r = witness_->AddCheckpoint(c.body);
    EXPECT_EQ(r.status, c.status) << c.what << ": " << r.body;
    EXPECT_EQ(witness_->CosignedSize(log_.origin()), 20u) << c.what;
    EXPECT_EQ(Latest(), before) << c.what;
  }
}

TEST_F(WitnessTest, ConflictAnswersTheCosignedSize) {
  Cosigned(20);
  const WitnessResponse r = witness_->AddCheckpoint(log_.Request(10, 30));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.content_type, "text/x.tlog.size");
  EXPECT_EQ(r.body, "20\n");
}

TEST_F(WitnessTest, NonEmptyProofFromZeroIsUnprocessable) {
  const WitnessResponse r = witness_->AddCheckpoint(FormatAddCheckpointRequest({0, log_.Proof(5, 10), log_.Checkpoint(10)}));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(witness_->CosignedSize(log_.origin()), std::nullopt);
}

TEST_F(WitnessTest, SizeZeroCheckpointNeedsTheEmptyRoot) {
  const std::string empty = *log::SignCheckpoint(log_.origin(), log::TreeHead{0, log::EmptyTreeRoot()}, log_.key());
  EXPECT_EQ(witness_->AddCheckpoint(FormatAddCheckpointRequest({0, {}, empty})).status, 200);
  log::Hash not_empty;
  not_empty.fill(1);
  const std::string bad = *log::SignCheckpoint(log_.origin(), log::TreeHead{0, not_empty}, log_.key());
  EXPECT_EQ(witness_->AddCheckpoint(FormatAddCheckpointRequest({0, {}, bad})).status, 422);
}

// tlog-witness: "the timestamp MUST NOT be zero".
TEST_F(WitnessTest, AClockAtTheEpochCosignsNothing) {
  witness_.reset();
  auto stopped = Witness::Open(cosigner_, {log_.key().verifier()}, dir_.Sub("state"), [] { return 0; });
  ASSERT_THAT(stopped, IsOk());
  const WitnessResponse r = (*stopped)->AddCheckpoint(log_.Request(0, 10));
  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(r.body, HasSubstr("set the system clock"));
  EXPECT_EQ((*stopped)->CosignedSize(log_.origin()), std::nullopt);
}

TEST_F(WitnessTest, ExtraSignaturesByUnknownKeysAreIgnored) {
  const log::NoteSigner other = *log::NoteSigner::FromSeed("someone.else", TestSeed(4));
  const std::string note = *log::CosignNote(log_.Checkpoint(10), other);
  EXPECT_EQ(witness_->AddCheckpoint(FormatAddCheckpointRequest({0, {}, note})).status, 200);
  EXPECT_THAT(Latest(), ::testing::Not(HasSubstr("someone.else")));
}

TEST_F(WitnessTest, ConcurrentRequestsNeverRollTheStateBack) {
  // Threads race to push the same log forward; each learns the current size
  // from 409s. The size seen after each success never decreases.
  std::atomic<uint64_t> highest{0};
  std::atomic<bool> rolled_back{false};
  std::mutex reads_mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      uint64_t old_size = 0;
      for (uint64_t to = 1 + static_cast<uint64_t>(t); to <= 100; to += 3) {
        if (to < old_size) continue;
        WitnessResponse r = witness_->AddCheckpoint(log_.Request(old_size, to));
        if (r.status == 409) {
          old_size = *ParseTlogSize(r.body);
          if (to < old_size) continue;
          r = witness_->AddCheckpoint(log_.Request(old_size, to));
        }
        if (r.status != 200) continue;
        old_size = to;
        // Read and compare under one lock, so that the reads are ordered
        // as the comparisons are: a read may never see less than any read
        // before it.
        std::lock_guard<std::mutex> lock(reads_mu);
        const uint64_t now = *witness_->CosignedSize(log_.origin());
        if (now < highest.load()) rolled_back = true;
        highest = std::max(highest.load(), now);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_FALSE(rolled_back.load());
  EXPECT_EQ(witness_->CosignedSize(log_.origin()), highest.load());
}

}  // namespace
}  // namespace ledger::witness
