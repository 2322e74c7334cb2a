// Signed checkpoints published by a real server on loopback: the publisher
// signs the log as it grows, GetCheckpoint and ListCheckpoints serve the
// stored notes, key and origin problems refuse Start, shutdown signs the
// final size, and `ledgerctl export-bundle --server` writes a bundle that
// verifies offline (and is byte for byte the one `--db` writes).
//
// Timing: the publisher runs on its own thread, so tests wait for a
// checkpoint by polling with a generous deadline; no assertion depends on
// how long anything took.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/audit/bundle_verifier.h"
#include "ledger/audit/key_file.h"
#include "ledger/base/next_step.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/log.h"
#include "ledger/log/signed_note.h"
#include "ledger/witness/cosignature.h"
#include "services/health_client.h"
#include "tests/services/service_test_util.h"
#include "tests/testing/run_command.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::LedgerctlPath;

namespace ledger::services {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using ledger::v1::LedgerService;
using namespace ledger::services::testing;  // NOLINT: test helpers

constexpr char kOrigin[] = "test.example/compact-ledger";
// How long a test waits for the publisher before it gives up: far beyond
// anything a loaded machine needs, so it never decides a result.
constexpr absl::Duration kPatience = absl::Seconds(60);

// A new signing key, written to `path` as `ledgerctl keygen` would.
log::NoteSigner WriteKey(const std::string& path, const std::string& name = kOrigin) {
  auto signer = log::NoteSigner::Generate(name);
  EXPECT_THAT(signer, IsOk());
  EXPECT_THAT(audit::WritePrivateKeyFile(path, *signer), IsOk());
  return *signer;
}

absl::StatusOr<ledger::v1::Checkpoint> GetCheckpoint(LedgerClient& client, uint64_t size) {
  ledger::v1::GetCheckpointRequest request;
  request.set_tree_size(size);
  return client.Call(&LedgerService::Stub::GetCheckpoint, client.ledger(), request);
}

// Polls the newest signed checkpoint until it covers `size` entries.
ledger::v1::Checkpoint WaitForCheckpoint(LedgerClient& client, uint64_t size) {
  const absl::Time give_up = absl::Now() + kPatience;
  absl::StatusOr<ledger::v1::Checkpoint> latest;
  while (absl::Now() < give_up) {
    latest = GetCheckpoint(client, 0);
    if (latest.ok() && latest->tree_size() >= size) return *latest;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "no checkpoint of size " << size << " was published; last: "
                << (latest.ok() ? absl::StrCat("size ", latest->tree_size())
                                : latest.status().ToString());
  return ledger::v1::Checkpoint();
}

std::vector<ledger::v1::Checkpoint> ListCheckpoints(LedgerClient& client,
                                                    uint64_t from = 0, uint64_t limit = 0) {
  ledger::v1::ListCheckpointsRequest request;
  request.set_from_tree_size(from);
  request.set_limit(limit);
  auto context = client.NewContext();
  auto reader = client.ledger().ListCheckpoints(context.get(), request);
  std::vector<ledger::v1::Checkpoint> out;
  ledger::v1::Checkpoint checkpoint;
  while (reader->Read(&checkpoint)) out.push_back(checkpoint);
  grpc::Status status = reader->Finish();
  EXPECT_THAT(status, IsOk()) << status.error_message();
  return out;
}

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override { key_ = WriteKey(keys_.Sub("key")); }

  // Options of a server signing with key_ and the given interval.
  ServerOptions Signing(absl::Duration interval = absl::ZeroDuration()) const {
    ServerOptions options;
    options.sign_key_files = {keys_.Sub("key")};
    options.origin = kOrigin;
    options.checkpoint_interval = interval;
    return options;
  }

  // Records one more endorsement; returns the log's size after it.
  uint64_t Endorse(TestServer& server, LedgerClient& client, int body) {
    compact::v1::RecordEventsRequest request;
    *request.add_events()->mutable_event() = events::Endorse(kCompact, BodyId(body), "2006-04-04");
    auto result = client.Call(&compact::v1::CompactService::Stub::RecordEvents,
                              client.compact(), request);
    EXPECT_THAT(result, IsOk());
    return server.server().ledger().log().Size();
  }

  ledger::testing::TempDir keys_;
  log::NoteSigner key_ = *log::NoteSigner::FromSeed(kOrigin, log::Ed25519Seed{});
};

TEST_F(CheckpointTest, PublishedCheckpointVerifiesAndCoversTheLog) {
  TestServer server(Signing());
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  ASSERT_THAT(server.SeedWorld(*client), IsOk());
  Endorse(server, *client, 0);
  const uint64_t size = Endorse(server, *client, 1);

  const ledger::v1::Checkpoint checkpoint = WaitForCheckpoint(*client, size);
  EXPECT_EQ(checkpoint.tree_size(), size);
  EXPECT_EQ(checkpoint.origin(), kOrigin);
  const log::NoteVerifier verifier = key_.verifier();
  auto verified = log::VerifyCheckpoint(checkpoint.note(), {&verifier, 1}, kOrigin);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->checkpoint.tree_size, size);
  const log::Log& log = server.server().ledger().log();
  EXPECT_EQ(verified->checkpoint.root, *log.RootAt(size));
  EXPECT_EQ(checkpoint.root_hash(), log::HashBytes(*log.RootAt(size)));
  // The exact stored bytes, and the server's verifier key beside them.
  EXPECT_EQ(checkpoint.note(), **log.GetCheckpoint(size));
  EXPECT_THAT(checkpoint.signer_keys(), ElementsAre(verifier.KeyString()));
}

TEST_F(CheckpointTest, OlderSizesAreServedOnRequestAndListed) {
  TestServer server(Signing());
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  ASSERT_THAT(server.SeedWorld(*client), IsOk());
  const uint64_t first = server.server().ledger().log().Size();
  WaitForCheckpoint(*client, first);
  const uint64_t second = Endorse(server, *client, 0);
  EXPECT_EQ(WaitForCheckpoint(*client, second).tree_size(), second);

  auto older = GetCheckpoint(*client, first);
  ASSERT_THAT(older, IsOk());
  EXPECT_EQ(older->tree_size(), first);
  const log::NoteVerifier verifier = key_.verifier();
  auto verified = log::VerifyCheckpoint(older->note(), {&verifier, 1}, kOrigin);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->checkpoint.root, *server.server().ledger().log().RootAt(first));

  std::vector<uint64_t> sizes;
  for (const auto& c : ListCheckpoints(*client)) sizes.push_back(c.tree_size());
  EXPECT_THAT(sizes, ElementsAre(first, second));
  auto from_second = ListCheckpoints(*client, first + 1);
  ASSERT_EQ(from_second.size(), 1u);
  EXPECT_EQ(from_second[0].note(), WaitForCheckpoint(*client, second).note());
  EXPECT_EQ(ListCheckpoints(*client, 0, 1).size(), 1u);
}

TEST_F(CheckpointTest, UnknownSizeIsNotFoundNamingTheStoredOnes) {
  TestServer server(Signing());
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  ASSERT_THAT(server.SeedWorld(*client), IsOk());
  const uint64_t size = server.server().ledger().log().Size();
  WaitForCheckpoint(*client, size);

  auto missing = GetCheckpoint(*client, size - 1);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr(absl::StrCat("the nearest stored tree sizes are ", size,
                                     " above it, the newest ", size)));
  auto beyond = GetCheckpoint(*client, size + 100);
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(beyond.status().message()),
              HasSubstr(absl::StrCat("the log has ", size, " entries")));
}

TEST_F(CheckpointTest, EmptyLogHasNoCheckpointYet) {
  TestServer server(Signing());
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  auto none = GetCheckpoint(*client, 0);
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(none.status().message()), HasSubstr("once the log has an entry"));
}

TEST_F(CheckpointTest, TwoKeysBothSign) {
  const log::NoteSigner next = WriteKey(keys_.Sub("next"), "test.example/next-key");
  ServerOptions options = Signing();
  options.sign_key_files.push_back(keys_.Sub("next"));
  TestServer server(options);
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  ASSERT_THAT(server.SeedWorld(*client), IsOk());
  const uint64_t size = server.server().ledger().log().Size();
  const ledger::v1::Checkpoint checkpoint = WaitForCheckpoint(*client, size);

  const log::NoteVerifier old_key = key_.verifier(), new_key = next.verifier();
  // A verifier holding either key alone accepts the checkpoint.
  EXPECT_THAT(log::VerifyCheckpoint(checkpoint.note(), {&old_key, 1}, kOrigin), IsOk());
  EXPECT_THAT(log::VerifyCheckpoint(checkpoint.note(), {&new_key, 1}, kOrigin), IsOk());
  const std::vector<log::NoteVerifier> both = {old_key, new_key};
  auto verified = log::VerifyCheckpoint(checkpoint.note(), both, kOrigin);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->verified.size(), 2u);
  EXPECT_THAT(checkpoint.signer_keys(),
              UnorderedElementsAre(old_key.KeyString(), new_key.KeyString()));
}

TEST_F(CheckpointTest, BadKeysAndOriginsAreRefusedAtStart) {
  ledger::testing::TempDir dir;
  ServerOptions missing = Signing();
  missing.db = dir.Sub("db");
  missing.sign_key_files = {dir.Sub("no-such-key")};
  TestServer missing_server(missing);
  absl::Status status = missing_server.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(dir.Sub("no-such-key")));
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("db")));  // refused before the database

  std::ofstream(dir.Sub("not-a-key")) << "hello\n";
  std::filesystem::permissions(dir.Sub("not-a-key"), std::filesystem::perms::owner_read |
                                                         std::filesystem::perms::owner_write);
  ServerOptions garbage = missing;
  garbage.sign_key_files = {dir.Sub("not-a-key")};
  TestServer garbage_server(garbage);
  status = garbage_server.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("not-a-key"));

  ServerOptions twice = Signing();
  twice.sign_key_files.push_back(keys_.Sub("key"));
  TestServer twice_server(twice);
  EXPECT_EQ(twice_server.Start().code(), absl::StatusCode::kInvalidArgument);

  ServerOptions no_origin = Signing();
  no_origin.origin.clear();
  TestServer no_origin_server(no_origin);
  status = no_origin_server.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("needs an origin"));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("--")));
  EXPECT_EQ(NextStepOf(status), NextStep::kGiveOrigin);

  ServerOptions origin_only;
  origin_only.origin = kOrigin;
  TestServer origin_only_server(origin_only);
  EXPECT_EQ(origin_only_server.Start().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CheckpointTest, ShutdownSignsTheFinalSizeAndARestartKeepsTheOrigin) {
  // An interval far longer than the test: only the first growth and the
  // shutdown are signed.
  TestServer server(Signing(absl::Hours(1)));
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  ASSERT_THAT(server.SeedWorld(*client), IsOk());
  WaitForCheckpoint(*client, server.server().ledger().log().Size());
  Endorse(server, *client, 0);
  const uint64_t final_size = Endorse(server, *client, 1);
  client.reset();
  server.Stop();
  EXPECT_THAT(server.log_text(),
              HasSubstr(absl::StrCat("signed the final checkpoint, tree size ", final_size)));
  {
    log::LogOptions options;
    options.path = server.options().db;
    options.read_only = true;
    auto log = log::Log::Open(options);
    ASSERT_THAT(log, IsOk());
    auto note = (*log)->LatestCheckpoint();
    ASSERT_TRUE(note.ok() && note->has_value());
    const log::NoteVerifier verifier = key_.verifier();
    auto verified = log::VerifyCheckpoint(**note, {&verifier, 1}, kOrigin);
    ASSERT_THAT(verified, IsOk());
    EXPECT_EQ(verified->checkpoint.tree_size, final_size);
  }

  // Restarted without --origin: the stored one is reused; a different one
  // is refused.
  server.options().origin = "other.example/ledger";
  EXPECT_EQ(server.Start().code(), absl::StatusCode::kInvalidArgument);
  server.options().origin.clear();
  ASSERT_THAT(server.Start(), IsOk());
  client = server.Client();
  auto latest = GetCheckpoint(*client, 0);
  ASSERT_THAT(latest, IsOk());
  EXPECT_EQ(latest->tree_size(), final_size);
  EXPECT_EQ(latest->origin(), kOrigin);
}

// Whether the published checkpoint keeps up with the log.
absl::StatusOr<bool> Publishing(HealthClient& health) { return health.Check(kPublishingHealth); }

TEST_F(CheckpointTest, HealthSaysWhenCheckpointsCannotBePublishedWhileRecordingGoesOn) {
  // One witness, unreachable (nothing listens on its port), whose
  // cosignature the quorum needs: the log grows, no checkpoint is published.
  auto witness = witness::Cosigner::Generate("witness.example/w1");
  ASSERT_THAT(witness, IsOk());
  const std::string policy = keys_.Sub("policy");
  std::ofstream(policy) << "log " << key_.verifier().KeyString() << "\n"
                        << "witness w1 " << witness->verifier().KeyString()
                        << " http://127.0.0.1:1/\n"
                        << "quorum w1\n";
  ServerOptions options = Signing();
  options.witness_policy_file = policy;
  options.witness_deadline = absl::Seconds(2);
  TestServer server(options);
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  HealthClient health(client->channel());
  ASSERT_THAT(server.SeedWorld(*client), IsOk());
  const absl::Time give_up = absl::Now() + kPatience;
  absl::StatusOr<bool> publishing = Publishing(health);
  while (absl::Now() < give_up && (!publishing.ok() || *publishing)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    publishing = Publishing(health);
  }
  ASSERT_THAT(publishing, IsOk());
  EXPECT_FALSE(*publishing) << server.log_text();
  // The server and its services still serve: recording goes on.
  EXPECT_TRUE(*health.Check(""));
  EXPECT_TRUE(*health.Check("compact.v1.CompactService"));
  Endorse(server, *client, 0);
  client.reset();
  server.Stop();
  EXPECT_THAT(server.log_text(), HasSubstr("NOT published: its witness quorum is not met"));
}

TEST_F(CheckpointTest, HealthSaysCheckpointsArePublishedWhenTheyAre) {
  TestServer server(Signing());
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  HealthClient health(client->channel());
  ASSERT_THAT(server.SeedWorld(*client), IsOk());
  WaitForCheckpoint(*client, server.server().ledger().log().Size());
  auto publishing = Publishing(health);
  ASSERT_THAT(publishing, IsOk());
  EXPECT_TRUE(*publishing);
}

TEST_F(CheckpointTest, WithoutKeysTheHeadIsUnsigned) {
  TestServer server;
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  ASSERT_THAT(server.SeedWorld(*client), IsOk());
  const uint64_t size = server.server().ledger().log().Size();
  auto head = GetCheckpoint(*client, 0);
  ASSERT_THAT(head, IsOk());
  EXPECT_EQ(head->tree_size(), size);
  EXPECT_EQ(head->root_hash(), log::HashBytes(server.server().ledger().log().Head().root));
  EXPECT_TRUE(head->note().empty());
  EXPECT_TRUE(head->origin().empty());
  auto signed_one = GetCheckpoint(*client, size);
  EXPECT_EQ(signed_one.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(signed_one.status().message()), HasSubstr("does not sign"));
  EXPECT_TRUE(ListCheckpoints(*client).empty());
}

TEST_F(CheckpointTest, ExportBundleOverTheServerVerifies) {
  TestServer server(Signing());
  ASSERT_THAT(server.Start(), IsOk());
  auto client = server.Client();
  ASSERT_THAT(server.SeedWorld(*client), IsOk());
  WaitForCheckpoint(*client, server.server().ledger().log().Size());
  Endorse(server, *client, 0);
  Endorse(server, *client, 1);
  const uint64_t size = Endorse(server, *client, 2);
  WaitForCheckpoint(*client, size);
  const uint64_t checkpoints = ListCheckpoints(*client).size();

  ledger::testing::TempDir out;
  const std::string remote = out.Sub("remote.bundle");
  auto exported = ledger::testing::RunCommand(absl::StrCat(
      LedgerctlPath(), " export-bundle --server ", server.server().address(), " --out ", remote));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_THAT(exported.out, HasSubstr(absl::StrCat(size, " entries")));

  audit::BundleOptions options;
  options.keys = {key_.verifier()};
  options.origin = kOrigin;
  auto report = audit::VerifyBundleFile(remote, options);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->message;
  EXPECT_EQ(report->entries, size);
  EXPECT_EQ(report->checkpoints, checkpoints);
  EXPECT_EQ(report->head.tree_size, size);

  // --db and --server together are refused.
  auto both = ledger::testing::RunCommand(
      absl::StrCat(LedgerctlPath(), " export-bundle --server ", server.server().address(), " --db ",
                   server.options().db, " --out ", out.Sub("both.bundle")));
  EXPECT_EQ(both.exit_code, 2) << both.err;

  // The same log exported from its database gives the same bytes.
  client.reset();
  server.Stop();
  const std::string local = out.Sub("local.bundle");
  auto from_db = ledger::testing::RunCommand(
      absl::StrCat(LedgerctlPath(), " export-bundle --db ", server.options().db, " --out ", local));
  ASSERT_EQ(from_db.exit_code, 0) << from_db.err;
  EXPECT_EQ(ledger::testing::ReadFile(remote), ledger::testing::ReadFile(local));
}

}  // namespace
}  // namespace ledger::services
