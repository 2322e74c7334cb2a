// CheckpointPublisher with real witnesses: `ledgerctl witness` child
// processes on port 0, a policy with a 2-of-3 quorum. Covers the quorum met
// with one witness down (named), a witness that saw a different tree
// (refused and reported), a witness learning the log's size from a 409, and
// refused configurations.
#include "ledger/checkpointing/checkpoint_publisher.h"

#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/base/next_step.h"
#include "ledger/log/checkpoint.h"
#include "ledger/witness/cosignature.h"
#include "ledger/witness/policy.h"
#include "tests/ledger/audit/audit_test_util.h"
#include "tests/testing/serve_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::LedgerctlPath;
using ::ledger::testing::StatusIs;

namespace ledger::checkpointing {
namespace {

using ::ledger::audit::testing::AppendEntries;
using ::ledger::audit::testing::kOrigin;
using ::ledger::audit::testing::OpenLog;
using ::ledger::audit::testing::TestKey;
using ::testing::HasSubstr;

// One `ledgerctl witness` child process with its own key and state.
struct WitnessProcess {
  std::string name;
  witness::CosignatureVerifier key;
  std::unique_ptr<ledger::testing::ServeProcess> process;
  std::string url;
};

class CheckpointPublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = OpenLog(dir_.Sub("db"));
    ASSERT_NE(log_, nullptr);
    std::ofstream(dir_.Sub("logs")) << "log " << signer_.verifier().KeyString() << "\n";
    for (const char* name : {"w1", "w2", "w3"}) {
      auto cosigner = witness::Cosigner::Generate(absl::StrCat("witness.example/", name));
      ASSERT_THAT(cosigner, IsOk());
      const std::string key_file = dir_.Sub(absl::StrCat(name, ".key"));
      std::ofstream(key_file) << cosigner->PrivateKeyString() << "\n";
      chmod(key_file.c_str(), 0600);
      witnesses_.push_back({name, cosigner->verifier(), nullptr, ""});
      StartWitness(witnesses_.size() - 1);
    }
  }

  void StartWitness(size_t i, const std::string& listen = "127.0.0.1:0") {
    WitnessProcess& w = witnesses_[i];
    w.process = std::make_unique<ledger::testing::ServeProcess>(
        std::vector<std::string>{LedgerctlPath(), "witness", "--listen", listen, "--key",
                                 dir_.Sub(absl::StrCat(w.name, ".key")), "--logs", dir_.Sub("logs"),
                                 "--state", dir_.Sub(absl::StrCat(w.name, ".state"))});
    const std::string address = w.process->Address();
    ASSERT_FALSE(address.empty()) << w.process->output();
    w.url = absl::StrCat("http://", address);
  }

  // Stops witness `i`; its URL then refuses connections.
  void StopWitness(size_t i) { witnesses_[i].process->Stop(); }
  // Starts stopped witness `i` again on its state and its URL (the policy's).
  void RestartWitness(size_t i) {
    const std::string old_url = witnesses_[i].url;
    StartWitness(i, old_url.substr(std::string("http://").size()));
    ASSERT_EQ(witnesses_[i].url, old_url);
  }

  std::string PolicyText(const std::string& quorum_line = "quorum partners\n") const {
    std::string text = absl::StrCat("log ", signer_.verifier().KeyString(), "\n");
    for (const WitnessProcess& w : witnesses_) {
      absl::StrAppend(&text, "witness ", w.name, " ", w.key.KeyString(), " ", w.url, "\n");
    }
    absl::StrAppend(&text, "group partners 2 w1 w2 w3\n", quorum_line);
    return text;
  }

  absl::StatusOr<std::unique_ptr<CheckpointPublisher>> Publisher(log::Log& log) {
    CheckpointPublisherOptions options;
    options.signers = {signer_};
    options.origin = kOrigin;
    auto policy = witness::Policy::Parse(PolicyText());
    if (!policy.ok()) return policy.status();
    options.witnesses = *policy;
    options.witness_deadline = absl::Seconds(30);
    options.messages = &messages_;
    options.on_publishing = [this](bool publishing) { publishing_told_.push_back(publishing); };
    return CheckpointPublisher::Create(log, std::move(options));
  }

  // The outcome of witness `name` in `p`.
  static const witness::WitnessOutcome& Outcome(const Publication& p, const std::string& name) {
    for (const auto& o : p.cosigning->outcomes) {
      if (o.witness == name) return o;
    }
    static const witness::WitnessOutcome kNone{};
    return kNone;
  }

  // Checks the stored newest checkpoint against the policy; the names of the
  // witnesses that cosigned it.
  std::vector<std::string> StoredCosigners() {
    auto note = log_->LatestCheckpoint();
    EXPECT_THAT(note, IsOk());
    EXPECT_TRUE(note->has_value());
    auto policy = witness::Policy::Parse(PolicyText());
    EXPECT_THAT(policy, IsOk());
    auto checked = policy->Check(**note, kOrigin);
    EXPECT_THAT(checked, IsOk());
    return checked.ok() ? checked->quorum.cosigned : std::vector<std::string>{};
  }

  ledger::testing::TempDir dir_;
  std::unique_ptr<log::Log> log_;
  log::NoteSigner signer_ = TestKey(7);
  std::vector<WitnessProcess> witnesses_;
  std::ostringstream messages_;
  // What on_publishing was told, in order.
  std::vector<bool> publishing_told_;
};

TEST_F(CheckpointPublisherTest, AllThreeWitnessesCosignAndTheStoredCheckpointMeetsThePolicy) {
  AppendEntries(*log_, 5);
  auto publisher = Publisher(*log_);
  ASSERT_THAT(publisher, IsOk());
  auto published = (*publisher)->PublishNow();
  ASSERT_THAT(published, IsOk());
  ASSERT_TRUE(published->cosigning.has_value());
  EXPECT_TRUE(published->cosigning->quorum.met) << published->cosigning->quorum.explanation;
  EXPECT_EQ(published->cosigning->Failures(), "");
  EXPECT_EQ(**log_->LatestCheckpoint(), published->checkpoint.note);
  EXPECT_EQ(StoredCosigners(), (std::vector<std::string>{"w1", "w2", "w3"}));
  EXPECT_EQ((*publisher)->published_size(), 5u);
}

TEST_F(CheckpointPublisherTest, LaterCheckpointsAreCosignedWithAConsistencyProof) {
  AppendEntries(*log_, 5);
  auto publisher = Publisher(*log_);
  ASSERT_THAT(publisher, IsOk());
  ASSERT_THAT((*publisher)->PublishNow(), IsOk());
  AppendEntries(*log_, 6);
  auto second = (*publisher)->PublishNow();
  ASSERT_THAT(second, IsOk());
  EXPECT_TRUE(second->cosigning->quorum.met) << second->cosigning->Failures();
  EXPECT_EQ(second->checkpoint.head.tree_size, 11u);
  EXPECT_EQ(StoredCosigners(), (std::vector<std::string>{"w1", "w2", "w3"}));
}

TEST_F(CheckpointPublisherTest, TwoOfThreeMeetTheQuorumAndTheWitnessThatIsDownIsNamed) {
  StopWitness(2);
  AppendEntries(*log_, 4);
  auto publisher = Publisher(*log_);
  ASSERT_THAT(publisher, IsOk());
  ASSERT_TRUE((*publisher)->PublishIfGrown());
  EXPECT_EQ((*publisher)->published_size(), 4u);
  EXPECT_EQ(StoredCosigners(), (std::vector<std::string>{"w1", "w2"}));
  EXPECT_THAT(messages_.str(), HasSubstr("quorum met"));
  EXPECT_THAT(messages_.str(), HasSubstr("witness w3 (" + witnesses_[2].url + ") cannot be reached"));
}

TEST_F(CheckpointPublisherTest, AnUnmetQuorumPublishesNothingSaysWhyAndIsMetOnceWitnessesReturn) {
  AppendEntries(*log_, 2);
  auto publisher = Publisher(*log_);
  ASSERT_THAT(publisher, IsOk());
  ASSERT_TRUE((*publisher)->PublishIfGrown());
  const std::string before = **log_->LatestCheckpoint();
  StopWitness(1);
  StopWitness(2);
  AppendEntries(*log_, 3);
  auto published = (*publisher)->PublishNow();
  ASSERT_THAT(published, IsOk());
  EXPECT_FALSE(published->stored);
  EXPECT_FALSE(published->cosigning->quorum.met);
  EXPECT_EQ(published->cosigning->Cosigned(), "w1");
  EXPECT_THAT(Outcome(*published, "w2").status,
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("cannot be reached")));
  EXPECT_THAT(Outcome(*published, "w3").status,
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("cannot be reached")));
  // Nothing without the quorum is published: the stored checkpoint is
  // still the one before, which meets the policy.
  EXPECT_EQ(**log_->LatestCheckpoint(), before);
  EXPECT_EQ((*publisher)->published_size(), 2u);
  auto policy = witness::Policy::Parse(PolicyText());
  ASSERT_THAT(policy, IsOk());
  EXPECT_THAT(policy->Check(before, kOrigin), IsOk());
  // Through PublishIfGrown the log says so once, naming the silent
  // witnesses, and the caller is told to retry.
  EXPECT_FALSE((*publisher)->PublishIfGrown());
  EXPECT_FALSE((*publisher)->PublishIfGrown());
  const std::string said = messages_.str();
  EXPECT_THAT(said, HasSubstr("NOT published: its witness quorum is not met"));
  EXPECT_THAT(said, HasSubstr("stays at tree size 2"));
  EXPECT_THAT(said, HasSubstr("witness w2"));
  EXPECT_THAT(said, HasSubstr("witness w3"));
  EXPECT_EQ(said.find("NOT published"), said.rfind("NOT published")) << said;
  // Once a second witness answers again, the same tree meets the quorum.
  RestartWitness(1);
  ASSERT_TRUE((*publisher)->PublishIfGrown()) << messages_.str();
  EXPECT_EQ((*publisher)->published_size(), 5u);
  EXPECT_THAT(policy->Check(**log_->LatestCheckpoint(), kOrigin), IsOk());
  // The owner (a server's health) heard of each change once: published,
  // lagging behind the log, published again.
  EXPECT_THAT(publishing_told_, ::testing::ElementsAre(true, false, true));
}

TEST_F(CheckpointPublisherTest, AWitnessThatSawADifferentTreeRefusesAndIsReported) {
  // A forked log under the same origin and key shows the witnesses a
  // different tree of 3 entries first.
  auto fork = OpenLog(dir_.Sub("fork"));
  AppendEntries(*fork, 3, "forked");
  {
    auto fork_publisher = Publisher(*fork);
    ASSERT_THAT(fork_publisher, IsOk());
    auto forked = (*fork_publisher)->PublishNow();
    ASSERT_THAT(forked, IsOk());
    ASSERT_THAT(Outcome(*forked, "w1").status, IsOk());
  }
  AppendEntries(*log_, 6);
  auto publisher = Publisher(*log_);
  ASSERT_THAT(publisher, IsOk());
  auto published = (*publisher)->PublishNow();
  ASSERT_THAT(published, IsOk());
  const witness::WitnessOutcome& w1 = Outcome(*published, "w1");
  EXPECT_EQ(w1.status.code(), absl::StatusCode::kDataLoss) << w1.status;
  EXPECT_THAT(std::string(w1.status.message()), HasSubstr("witness w1"));
  EXPECT_THAT(std::string(w1.status.message()), HasSubstr("inconsistent"));
  EXPECT_FALSE(published->cosigning->quorum.met);
  EXPECT_EQ(published->cosigning->Cosigned(), "no witness");
}

TEST_F(CheckpointPublisherTest, AWitnessAheadOfTheLogIsRefusedWithoutAProof) {
  auto fork = OpenLog(dir_.Sub("fork"));
  AppendEntries(*fork, 9, "forked");
  {
    auto fork_publisher = Publisher(*fork);
    ASSERT_THAT(fork_publisher, IsOk());
    ASSERT_THAT((*fork_publisher)->PublishNow(), IsOk());
  }
  AppendEntries(*log_, 2);
  auto publisher = Publisher(*log_);
  ASSERT_THAT(publisher, IsOk());
  auto published = (*publisher)->PublishNow();
  ASSERT_THAT(published, IsOk());
  const witness::WitnessOutcome& w2 = Outcome(*published, "w2");
  EXPECT_EQ(w2.status.code(), absl::StatusCode::kFailedPrecondition) << w2.status;
  EXPECT_THAT(std::string(w2.status.message()), HasSubstr("has cosigned tree size 9"));
}

TEST_F(CheckpointPublisherTest, AWitnessThatMissedCheckpointsCatchesUpThroughA409) {
  StopWitness(0);
  AppendEntries(*log_, 3);
  {
    auto publisher = Publisher(*log_);
    ASSERT_THAT(publisher, IsOk());
    ASSERT_THAT((*publisher)->PublishNow(), IsOk());
  }
  StartWitness(0);  // w1 never cosigned; the new publisher believes size 3
  AppendEntries(*log_, 4);
  auto publisher = Publisher(*log_);
  ASSERT_THAT(publisher, IsOk());
  auto published = (*publisher)->PublishNow();
  ASSERT_THAT(published, IsOk());
  EXPECT_THAT(Outcome(*published, "w1").status, IsOk());
  EXPECT_EQ(StoredCosigners(), (std::vector<std::string>{"w1", "w2", "w3"}));
}

TEST_F(CheckpointPublisherTest, TheBackgroundThreadPublishesCosignedCheckpointsAsTheLogGrows) {
  auto publisher = Publisher(*log_);
  ASSERT_THAT(publisher, IsOk());
  (*publisher)->Start();
  AppendEntries(*log_, 2);
  // Wait on the condition, with a deadline, not a sleep.
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while ((*publisher)->published_size() < 2 && absl::Now() < deadline) {
    log_->WaitForSize(log_->Size(), absl::Now() + absl::Milliseconds(20));
  }
  (*publisher)->Stop();
  ASSERT_EQ((*publisher)->published_size(), 2u);
  EXPECT_EQ(StoredCosigners(), (std::vector<std::string>{"w1", "w2", "w3"}));
}

TEST_F(CheckpointPublisherTest, RefusesAPolicyWitnessWithoutAUsableUrl) {
  for (const std::string& url : {std::string(""), std::string("ftp://127.0.0.1:1"),
                                 std::string("http://user@127.0.0.1:1"),
                                 std::string("http://127.0.0.1:1/x?y")}) {
    CheckpointPublisherOptions options;
    options.signers = {signer_};
    options.origin = kOrigin;
    auto policy = witness::Policy::Parse(absl::StrCat(
        "witness w1 ", witnesses_[0].key.KeyString(), url.empty() ? "" : " ", url,
        "\nquorum w1\n"));
    ASSERT_THAT(policy, IsOk());
    options.witnesses = *policy;
    auto publisher = CheckpointPublisher::Create(*log_, std::move(options));
    EXPECT_EQ(publisher.status().code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_THAT(std::string(publisher.status().message()), HasSubstr("witness w1")) << url;
  }
}

TEST_F(CheckpointPublisherTest, RefusesAPolicyWhoseQuorumIsNone) {
  CheckpointPublisherOptions options;
  options.signers = {signer_};
  options.origin = kOrigin;
  auto policy = witness::Policy::Parse(PolicyText("quorum none\n"));
  ASSERT_THAT(policy, IsOk());
  options.witnesses = *policy;
  auto publisher = CheckpointPublisher::Create(*log_, std::move(options));
  EXPECT_EQ(publisher.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(publisher.status().message()), HasSubstr("quorum is none"));
}

TEST_F(CheckpointPublisherTest, RefusesANonPositiveWitnessDeadlineAndAMissingOrigin) {
  CheckpointPublisherOptions options;
  options.signers = {signer_};
  options.origin = kOrigin;
  options.witness_deadline = absl::ZeroDuration();
  EXPECT_EQ(CheckpointPublisher::Create(*log_, options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.witness_deadline = absl::Seconds(1);
  options.origin = "";
  auto no_origin = CheckpointPublisher::Create(*log_, options);
  EXPECT_EQ(no_origin.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_origin.status().message()), HasSubstr("needs an origin"));
  EXPECT_EQ(NextStepOf(no_origin.status()), NextStep::kGiveOrigin);
}

TEST_F(CheckpointPublisherTest, WithoutWitnessesItSignsAndStoresAsBefore) {
  AppendEntries(*log_, 2);
  CheckpointPublisherOptions options;
  options.signers = {signer_};
  options.origin = kOrigin;
  auto publisher = CheckpointPublisher::Create(*log_, std::move(options));
  ASSERT_THAT(publisher, IsOk());
  EXPECT_FALSE((*publisher)->has_witnesses());
  auto published = (*publisher)->PublishNow();
  ASSERT_THAT(published, IsOk());
  EXPECT_FALSE(published->cosigning.has_value());
  EXPECT_TRUE(published->checkpoint.created);
  auto again = (*publisher)->PublishNow();
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(again->checkpoint.created);
}

}  // namespace
}  // namespace ledger::checkpointing
