// End-to-end tests of `ledgerctl witness-keygen` and `ledgerctl witness`:
// the real binary as a child process, spoken to over HTTP with cpp-httplib's
// client. Every status of C2SP tlog-witness, the monitoring GET, the size
// limit, bad configurations, and SIGKILL right after a cosignature.
#include <sys/stat.h>

#include <httplib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <thread>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "ledger/log/checkpoint.h"
#include "ledger/witness/add_checkpoint.h"
#include "ledger/witness/cosignature.h"
#include "ledger/witness/witness_store.h"
#include "tests/ledger/witness/witness_test_util.h"
#include "tests/testing/run_command.h"
#include "tests/testing/serve_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::LedgerctlPath;

namespace ledger {
namespace {

using ::ledger::witness::testing::TestLog;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::RunCommand;

constexpr char kOrigin[] = "example.com/log";

std::string Ctl(const std::string& args) { return LedgerctlPath() + " " + args; }

class LedgerctlWitnessTest : public ::testing::Test {
 protected:
  LedgerctlWitnessTest()
      : log_(kOrigin, 1, "leaf", 100), fork_(kOrigin, 1, "fork", 100),
        impostor_(kOrigin, 2, "leaf", 100), stranger_("example.com/other", 3, "leaf", 100) {
    const testing::CommandResult keygen =
        RunCommand(Ctl("witness-keygen --name witness.example/w1 --out " + dir_.Sub("w1.key")));
    EXPECT_EQ(keygen.exit_code, 0) << keygen.err;
    auto verifier = witness::CosignatureVerifier::FromKeyString(
        keygen.out.substr(0, keygen.out.find('\n')));
    EXPECT_THAT(verifier, IsOk());
    if (verifier.ok()) witness_keys_.push_back(*verifier);
    // The stranger's origin is not configured; the impostor's key is not.
    Write("logs", absl::StrCat("# the logs this witness vouches for\nlog ",
                               log_.key().verifier().KeyString(), " https://example.com/log/\n"));
  }

  std::string Write(const std::string& name, const std::string& text, mode_t mode = 0600) {
    std::ofstream(dir_.Sub(name)) << text;
    chmod(dir_.Sub(name).c_str(), mode);
    return dir_.Sub(name);
  }

  std::vector<std::string> WitnessArgs() const {
    return {LedgerctlPath(),    "witness", "--listen",       "127.0.0.1:0", "--key",
            dir_.Sub("w1.key"), "--logs",  dir_.Sub("logs"), "--state",     dir_.Sub("state")};
  }

  // (Re)starts the witness on the same state and connects a client to it.
  void Start() {
    client_.reset();
    process_ = std::make_unique<testing::ServeProcess>(WitnessArgs());
    const std::string address = process_->Address();
    ASSERT_FALSE(address.empty()) << process_->output();
    const size_t colon = address.rfind(':');
    port_ = std::stoi(address.substr(colon + 1));
    client_ = std::make_unique<httplib::Client>(address.substr(0, colon), port_);
  }

  httplib::Result Post(const std::string& body) {
    return client_->Post("/add-checkpoint", body, "text/plain");
  }

  // The monitoring GET of `origin`'s latest cosigned checkpoint.
  httplib::Result Latest(const std::string& origin = kOrigin) {
    return client_->Get(absl::StrCat("/", witness::OriginHash(origin), "/checkpoint"));
  }

  // Expects `body` to be answered with `status`, and the stored state (as
  // the monitoring GET shows it) to be what it was.
  void ExpectRefused(const std::string& body, int status, const std::string& message) {
    const auto before = Latest();
    ASSERT_TRUE(before);
    const auto r = Post(body);
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_THAT(r->body, HasSubstr(message));
    const auto after = Latest();
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, before->status);
    EXPECT_EQ(after->body, before->body) << "a refused request changed the witness's state";
  }

  // Posts the checkpoint of `to` with a proof from `from`; expects 200 and a
  // valid cosignature by the witness's key.
  void Cosign(uint64_t from, uint64_t to) {
    const auto r = Post(log_.Request(from, to));
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    ASSERT_EQ(r->status, 200) << r->body;
    auto note = log::ParseNote(log_.Checkpoint(to) + r->body);
    ASSERT_THAT(note, IsOk());
    auto cosigned = witness::VerifyCosignatures(*note, witness_keys_);
    ASSERT_THAT(cosigned, IsOk());
    ASSERT_EQ(cosigned->size(), 1u);
  }

  testing::TempDir dir_;
  TestLog log_, fork_, impostor_, stranger_;
  std::vector<witness::CosignatureVerifier> witness_keys_;
  std::unique_ptr<testing::ServeProcess> process_;
  std::unique_ptr<httplib::Client> client_;
  int port_ = 0;  // the witness's, once started
};

TEST_F(LedgerctlWitnessTest, KeygenWritesAKeyOnlyItsOwnerMayReadAndPrintsItsVerifierKey) {
  ASSERT_EQ(witness_keys_.size(), 1u);
  EXPECT_EQ(witness_keys_[0].name(), "witness.example/w1");
  struct stat st;
  ASSERT_EQ(stat(dir_.Sub("w1.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_THAT(testing::ReadFile(dir_.Sub("w1.key")), StartsWith("PRIVATE+KEY+witness.example/w1+"));
}

TEST_F(LedgerctlWitnessTest, KeygenNeverOverwritesAKeyFile) {
  const std::string before = testing::ReadFile(dir_.Sub("w1.key"));
  const auto r = RunCommand(Ctl("witness-keygen --name witness.example/w2 --out " + dir_.Sub("w1.key")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("already exists"));
  EXPECT_EQ(testing::ReadFile(dir_.Sub("w1.key")), before);
}

TEST_F(LedgerctlWitnessTest, KeygenRefusesANameWithASpace) {
  const auto r = RunCommand(Ctl("witness-keygen --name 'bad name' --out " + dir_.Sub("bad.key")));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(std::ifstream(dir_.Sub("bad.key")).is_open());
}

TEST_F(LedgerctlWitnessTest, WitnessRefusesAKeyFileOthersMayRead) {
  chmod(dir_.Sub("w1.key").c_str(), 0644);
  const auto r = RunCommand(Ctl("witness --listen 127.0.0.1:0 --key " + dir_.Sub("w1.key") +
                                " --logs " + dir_.Sub("logs") + " --state " + dir_.Sub("state")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("chmod 600"));
}

TEST_F(LedgerctlWitnessTest, WitnessRefusesALogsFileItCannotUse) {
  const std::string base = "witness --listen 127.0.0.1:0 --key " + dir_.Sub("w1.key") + " --state " +
                           dir_.Sub("state") + " --logs ";
  auto r = RunCommand(Ctl(base + Write("bad", "log not-a-key\n")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("line 1"));
  r = RunCommand(Ctl(base + Write("empty", "# nothing yet\n")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("knows no log"));
  r = RunCommand(Ctl(base + dir_.Sub("missing")));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("cannot open"));
}

TEST_F(LedgerctlWitnessTest, WitnessRefusesAListenAddressWithoutAPort) {
  const auto r = RunCommand(Ctl("witness --listen localhost --key " + dir_.Sub("w1.key") + " --logs " +
                                dir_.Sub("logs") + " --state " + dir_.Sub("state")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("not HOST:PORT"));
}

TEST_F(LedgerctlWitnessTest, CosignsAFirstCheckpointAndServesItToMonitors) {
  Start();
  EXPECT_EQ(Latest()->status, 404);
  Cosign(0, 10);
  const auto latest = Latest();
  ASSERT_TRUE(latest);
  ASSERT_EQ(latest->status, 200);
  const std::vector<log::NoteVerifier> keys = {log_.key().verifier()};
  auto checkpoint = log::VerifyCheckpoint(latest->body, keys, kOrigin);
  ASSERT_THAT(checkpoint, IsOk());
  EXPECT_EQ(checkpoint->checkpoint.tree_size, 10u);
  auto cosigned = witness::VerifyCosignatures(*log::ParseNote(latest->body), witness_keys_);
  ASSERT_THAT(cosigned, IsOk());
  EXPECT_EQ(cosigned->size(), 1u);
}

TEST_F(LedgerctlWitnessTest, CosignsEachConsistentCheckpointInTurn) {
  Start();
  Cosign(0, 1);
  Cosign(1, 7);
  Cosign(7, 7);
  Cosign(7, 64);
  Cosign(64, 100);
}

TEST_F(LedgerctlWitnessTest, UnknownOriginIs404) {
  Start();
  ExpectRefused(stranger_.Request(0, 5), 404, "unknown log origin");
}

TEST_F(LedgerctlWitnessTest, SignatureByAKeyItDoesNotTrustIs403) {
  Start();
  ExpectRefused(impostor_.Request(0, 5), 403, "");
}

TEST_F(LedgerctlWitnessTest, MalformedRequestsAre400) {
  Start();
  Cosign(0, 10);
  const std::string checkpoint = log_.Checkpoint(20);
  std::string proof_lines;
  for (int i = 0; i < 64; ++i) proof_lines += "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
  ExpectRefused("\n" + checkpoint, 400, "old <size>");
  ExpectRefused("old 010\n\n" + checkpoint, 400, "leading zeros");
  ExpectRefused("old 10\n" + proof_lines + "\n" + checkpoint, 400, "more than 63");
  ExpectRefused("old 10\nnot base64!\n\n" + checkpoint, 400, "base64");
  ExpectRefused("old 10\n" + checkpoint, 400, "");
  ExpectRefused(log_.Request(10, 20) + "trailing garbage", 400, "");
  ExpectRefused("old 10\n\n", 400, "missing");
}

TEST_F(LedgerctlWitnessTest, OldSizeAboveTheCheckpointsSizeIs400) {
  Start();
  ExpectRefused(witness::FormatAddCheckpointRequest({30, {}, log_.Checkpoint(20)}), 400,
                "above the checkpoint's size");
}

TEST_F(LedgerctlWitnessTest, StaleOldSizeIs409WithTheCosignedSizeAsTextXTlogSize) {
  Start();
  Cosign(0, 10);
  const auto r = Post(log_.Request(0, 20));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/x.tlog.size");
  EXPECT_EQ(r->body, "10\n");
  ExpectRefused(log_.Request(5, 20), 409, "10\n");
}

TEST_F(LedgerctlWitnessTest, ProofsThatFailAre422) {
  Start();
  Cosign(0, 10);
  // A fork: signed by the log's key, but not an extension of size 10.
  ExpectRefused(fork_.Request(10, 20), 422, "fails");
  // The same size with another root.
  ExpectRefused(witness::FormatAddCheckpointRequest({10, {}, fork_.Checkpoint(10)}), 422,
                "another root");
  // A rollback: an older checkpoint of the same log.
  ExpectRefused(witness::FormatAddCheckpointRequest({10, {}, log_.Checkpoint(5)}), 400,
                "above the checkpoint's size");
}

TEST_F(LedgerctlWitnessTest, NonEmptyProofFromSizeZeroIs422) {
  Start();
  ExpectRefused(witness::FormatAddCheckpointRequest({0, log_.Proof(5, 10), log_.Checkpoint(10)}), 422,
                "from size 0 must be empty");
}

TEST_F(LedgerctlWitnessTest, BodiesAboveTheLimitAre413) {
  Start();
  ExpectRefused(std::string(witness::kMaxAddCheckpointBytes + 1, 'a'), 413, "at most");
}

TEST_F(LedgerctlWitnessTest, OtherMethodsAndPathsAreRefused) {
  Start();
  auto r = client_->Get("/add-checkpoint");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "POST");
  r = client_->Get("/NOT-A-HASH/checkpoint");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_THAT(r->body, HasSubstr("POST /add-checkpoint"));
}

TEST_F(LedgerctlWitnessTest, SigtermStopsTheWitnessCleanly) {
  Start();
  Cosign(0, 3);
  const int status = process_->Stop();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// The durability contract: a cosignature is answered only after the state
// is on disk, so a witness killed right after answering still refuses,
// after a restart, everything inconsistent with what it cosigned.
TEST_F(LedgerctlWitnessTest, KilledRightAfterCosigningItRefusesAnInconsistentCheckpointAfterRestart) {
  uint64_t cosigned = 0;
  for (const uint64_t size : {3, 17, 18, 64, 99}) {
    Start();
    Cosign(cosigned, size);
    process_->Signal(SIGKILL);
    process_->Wait();
    cosigned = size;
    Start();
    // It remembers the size, and refuses a fork that extends another root.
    const auto r = Post(log_.Request(0, size + 1));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 409);
    EXPECT_EQ(r->body, absl::StrCat(size, "\n"));
    ExpectRefused(fork_.Request(size, size + 1), 422, "fails");
    ExpectRefused(witness::FormatAddCheckpointRequest({size, {}, fork_.Checkpoint(size)}), 422,
                  "another root");
    process_->Signal(SIGKILL);
    process_->Wait();
  }
}


// Two clients race under load, each growing its own history of the same
// log (same origin and key, different leaves from leaf 0: a split view),
// while the witness is killed with SIGKILL five times and restarted on its
// state. Every cosignature it ever returns is of one history, sizes never
// go backwards, and after each restart it still holds at least the largest
// size it answered before the kill.
TEST_F(LedgerctlWitnessTest, KilledRepeatedlyUnderLoadItNeverCosignsTwoInconsistentCheckpoints) {
  constexpr uint64_t kLeaves = 2000;
  const TestLog truth(kOrigin, 1, "leaf", kLeaves);
  const TestLog split(kOrigin, 1, "split", kLeaves);
  const TestLog* histories[] = {&truth, &split};
  Start();
  const int port = port_;

  struct Answer {
    int history;  // which client's history
    uint64_t size;
  };
  absl::Mutex mu;
  std::vector<Answer> answers;         // guarded by mu
  std::vector<std::string> problems;   // guarded by mu
  std::atomic<bool> stop = false;
  std::vector<std::thread> clients;
  // Joins the clients however the test ends.
  struct Joiner {
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~Joiner() {
      stop = true;
      for (std::thread& t : threads) t.join();
    }
  } joiner{stop, clients};
  for (int h = 0; h < 2; ++h) {
    clients.emplace_back([&, h] {
      const TestLog& history = *histories[h];
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(30, 0);
      uint64_t known = 0;
      uint64_t step = h;
      while (!stop) {
        const uint64_t next = std::min<uint64_t>(known + 1 + step++ % 4, kLeaves);
        if (next <= known) return;  // the end of this history
        const auto r = client.Post("/add-checkpoint", history.Request(known, next), "text/plain");
        if (!r) continue;  // down, or killed mid-request: ask again
        if (r->status == 200) {
          auto note = log::ParseNote(history.Checkpoint(next) + r->body);
          absl::StatusOr<std::vector<witness::VerifiedCosignature>> cosigned =
              note.ok() ? witness::VerifyCosignatures(*note, witness_keys_) : note.status();
          absl::MutexLock lock(&mu);
          if (!cosigned.ok() || cosigned->size() != 1) {
            problems.push_back(absl::StrCat("a 200 without a valid cosignature: ", r->body));
          }
          answers.push_back({h, next});
          known = next;
        } else if (r->status == 409) {
          auto size = witness::ParseTlogSize(r->body);
          if (size.ok()) known = *size;
        } else if (r->status != 422) {  // 422: the other history holds the witness
          absl::MutexLock lock(&mu);
          problems.push_back(absl::StrCat("unexpected ", r->status, ": ", r->body));
        }
      }
    });
  }

  uint64_t largest_before_kill = 0;
  for (int kill = 1; kill <= 5; ++kill) {
    {
      // Let the clients get a few cosignatures from this incarnation.
      struct Enough {
        const std::vector<Answer>* answers;
        size_t target;
        static bool Reached(Enough* e) { return e->answers->size() >= e->target; }
      } enough{&answers, static_cast<size_t>(kill) * 4};
      absl::MutexLock lock(&mu);
      ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&Enough::Reached, &enough), absl::Seconds(60)))
          << "the clients got no cosignature from incarnation " << kill << ": "
          << absl::StrJoin(problems, "; ");
    }
    process_->Signal(SIGKILL);
    process_->Wait();
    {
      absl::MutexLock lock(&mu);
      for (const Answer& a : answers) largest_before_kill = std::max(largest_before_kill, a.size);
    }
    process_ = std::make_unique<testing::ServeProcess>(std::vector<std::string>{
        LedgerctlPath(), "witness", "--listen", absl::StrCat("127.0.0.1:", port), "--key",
        dir_.Sub("w1.key"), "--logs", dir_.Sub("logs"), "--state", dir_.Sub("state")});
    ASSERT_EQ(process_->Address(), absl::StrCat("127.0.0.1:", port)) << process_->output();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port);
    // Nothing answered before the kill is forgotten.
    const auto latest = Latest();
    ASSERT_TRUE(latest);
    ASSERT_EQ(latest->status, 200) << latest->body;
    auto note = log::ParseNote(latest->body);
    ASSERT_THAT(note, IsOk());
    auto checkpoint = log::ParseCheckpoint(note->text);
    ASSERT_THAT(checkpoint, IsOk());
    EXPECT_GE(checkpoint->tree_size, largest_before_kill) << "restart " << kill;
  }
  stop = true;
  for (std::thread& t : clients) t.join();
  clients.clear();

  absl::MutexLock lock(&mu);
  EXPECT_THAT(problems, ::testing::IsEmpty());
  ASSERT_FALSE(answers.empty());
  const int winner = answers.front().history;
  uint64_t last = 0;
  for (const Answer& a : answers) {
    EXPECT_EQ(a.history, winner) << "cosigned both histories: size " << a.size;
    EXPECT_GT(a.size, last) << "a cosigned size went backwards";
    last = a.size;
  }
}

// `ledgerctl checkpoint --witness-policy`: a ledger asks a real witness to
// cosign the checkpoint it signs.
class LedgerctlCheckpointWitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(RunCommand(Ctl("demo --db " + dir_.Sub("db"))).exit_code, 0);
    const auto keygen = RunCommand(Ctl("keygen --name example.org/compacts --out " + dir_.Sub("key")));
    ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
    const auto witness_keygen =
        RunCommand(Ctl("witness-keygen --name partner.example/w --out " + dir_.Sub("w.key")));
    ASSERT_EQ(witness_keygen.exit_code, 0) << witness_keygen.err;
    witness_vkey_ = witness_keygen.out.substr(0, witness_keygen.out.find('\n'));
    std::ofstream(dir_.Sub("logs")) << "log " << keygen.out.substr(0, keygen.out.find('\n')) << "\n";
    process_ = std::make_unique<testing::ServeProcess>(std::vector<std::string>{
        LedgerctlPath(), "witness", "--listen", "127.0.0.1:0", "--key", dir_.Sub("w.key"), "--logs",
        dir_.Sub("logs"), "--state", dir_.Sub("state")});
    const std::string address = process_->Address();
    ASSERT_FALSE(address.empty()) << process_->output();
    url_ = "http://" + address;
  }

  std::string Policy(const std::string& quorum = "partner") {
    std::ofstream(dir_.Sub("policy")) << "witness partner " << witness_vkey_ << " " << url_
                                      << "\nquorum " << quorum << "\n";
    return dir_.Sub("policy");
  }

  testing::CommandResult Checkpoint(const std::string& more) {
    return RunCommand(Ctl("checkpoint --db " + dir_.Sub("db") + " --sign-key " + dir_.Sub("key") +
                          " --origin example.org/compacts " + more));
  }

  testing::TempDir dir_;
  std::string witness_vkey_, url_;
  std::unique_ptr<testing::ServeProcess> process_;
};

TEST_F(LedgerctlCheckpointWitnessTest, StoresTheCheckpointWithTheWitnessCosignature) {
  const auto r = Checkpoint("--witness-policy " + Policy());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("cosigned by partner; quorum met"));
  EXPECT_THAT(r.out, HasSubstr("— partner.example/w "));
  const auto stored = RunCommand(Ctl("checkpoint --db " + dir_.Sub("db")));
  EXPECT_EQ(stored.out, r.out);
}

TEST_F(LedgerctlCheckpointWitnessTest, ExitsOneAndNamesTheWitnessWhenItIsDown) {
  const std::string policy = Policy();
  process_->Stop();
  const auto r = Checkpoint("--witness-policy " + policy + " --witness-deadline 10s");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("quorum NOT met"));
  EXPECT_THAT(r.err, HasSubstr("not cosigned: witness partner (" + url_ + ") cannot be reached"));
  EXPECT_THAT(r.err, HasSubstr("NOT stored"));
  EXPECT_EQ(r.out, "") << "a checkpoint without its quorum was printed as if published";
  // Nothing without the quorum is published.
  EXPECT_EQ(RunCommand(Ctl("checkpoint --db " + dir_.Sub("db"))).exit_code, 2);
}

// With nothing new to sign, the policy still decides: the stored checkpoint's
// own cosignatures meet the quorum (exit 0) or not (exit 1).
TEST_F(LedgerctlCheckpointWitnessTest, AnAlreadyStoredCheckpointIsJudgedByItsCosignatures) {
  ASSERT_EQ(Checkpoint("--witness-policy " + Policy()).exit_code, 0);
  const auto again = Checkpoint("--witness-policy " + Policy());
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("already stored"));
  EXPECT_THAT(again.err, HasSubstr("quorum met: cosigned by partner"));

  // Another ledger's checkpoint stored without the witness.
  testing::TempDir other;
  ASSERT_EQ(RunCommand(Ctl("demo --db " + other.Sub("db"))).exit_code, 0);
  const std::string sign = "checkpoint --db " + other.Sub("db") + " --sign-key " + dir_.Sub("key") +
                           " --origin example.org/compacts";
  ASSERT_EQ(RunCommand(Ctl(sign)).exit_code, 0);
  const auto unwitnessed = RunCommand(Ctl(sign + " --witness-policy " + Policy()));
  EXPECT_EQ(unwitnessed.exit_code, 1) << unwitnessed.err;
  EXPECT_THAT(unwitnessed.err, HasSubstr("quorum NOT met by the stored checkpoint"));
  EXPECT_THAT(unwitnessed.err, HasSubstr("cannot gain cosignatures"));
}

TEST_F(LedgerctlCheckpointWitnessTest, RefusesBadPolicyFilesAndFlags) {
  EXPECT_EQ(Checkpoint("--witness-policy " + dir_.Sub("missing")).exit_code, 3);
  std::ofstream(dir_.Sub("bad")) << "witness partner not-a-key " << url_ << "\nquorum partner\n";
  const auto bad = Checkpoint("--witness-policy " + dir_.Sub("bad"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("line 1"));
  const auto none = Checkpoint("--witness-policy " + Policy("none"));
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("quorum is none"));
  EXPECT_EQ(Checkpoint("--witness-policy " + Policy() + " --witness-deadline soon").exit_code, 2);
  const auto no_key = RunCommand(
      Ctl("checkpoint --db " + dir_.Sub("db") + " --witness-policy " + Policy()));
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_THAT(no_key.err, HasSubstr("--witness-policy needs --sign-key"));
  // Nothing was stored by any of them.
  EXPECT_EQ(RunCommand(Ctl("checkpoint --db " + dir_.Sub("db"))).exit_code, 2);
}

}  // namespace
}  // namespace ledger
