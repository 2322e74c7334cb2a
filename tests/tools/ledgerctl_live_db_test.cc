// End-to-end: ledgerctl's read commands on a database that `ledgerctl serve`
// holds open (and locked for writing). They open the log read-only (no
// RocksDB lock), so they answer while the server runs, and see what it had
// committed when they opened.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/testing/run_command.h"
#include "tests/testing/serve_process.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::LedgerctlPath;
using ::ledger::testing::SourcePath;

namespace ledger {
namespace {

using ::testing::HasSubstr;
using testing::RunCommand;

class LedgerctlLiveDbTest : public ::testing::Test {
 protected:
  std::string db() const { return dir_.Sub("db"); }
  testing::CommandResult Ctl(const std::string& args) {
    return RunCommand(LedgerctlPath() + " " + args);
  }

  testing::TempDir dir_;
};

TEST_F(LedgerctlLiveDbTest, ReadCommandsAnswerWhileServeHoldsTheDatabase) {
  testing::ServeProcess serve(LedgerctlPath(), db());
  const std::string address = serve.Address();
  ASSERT_FALSE(address.empty()) << serve.output();
  auto recorded =
      Ctl("record import --server " + address + " " + SourcePath("scenarios/worcestershire.jsonl"));
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;

  // The server still holds the database (and its lock) for everything below.
  auto replay = Ctl("replay --db " + db() + " --at 2006-07-01 --compact worcestershire-2006");
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_THAT(replay.out, HasSubstr("UNCERTAIN: adopted by Wyre Forest District Council"));
  auto known = Ctl("replay --db " + db() + " --at 2011 --as-known-at 2000-01-01T00:00:00Z");
  ASSERT_EQ(known.exit_code, 0) << known.err;
  EXPECT_THAT(known.out, HasSubstr("No compact is known to exist"));

  auto history = Ctl("history --db " + db() + " --compact wyre-forest-interim-2005");
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_THAT(history.out, HasSubstr("REGISTERED compact wyre-forest-interim-2005"));
  // The server's answers print as the database's do: one renderer, in both
  // orders and both formats.
  for (const std::string options : {"", " --order ledger", " --format json",
                                    " --order ledger --format json"}) {
    const std::string args = " --compact worcestershire-2006" + options;
    auto local = Ctl("history --db " + db() + args);
    auto remote = Ctl("history --server " + address + args);
    ASSERT_EQ(local.exit_code, 0) << local.err;
    ASSERT_EQ(remote.exit_code, 0) << remote.err;
    EXPECT_EQ(remote.out, local.out) << options;
    EXPECT_THAT(local.out, HasSubstr("worcestershire-2006"));
  }
  auto replay_remote =
      Ctl("replay --server " + address + " --at 2006-07-01 --compact worcestershire-2006");
  ASSERT_EQ(replay_remote.exit_code, 0) << replay_remote.err;
  EXPECT_EQ(replay_remote.out, replay.out);
  auto bad_order = Ctl("history --server " + address + " --compact c --order sideways");
  EXPECT_EQ(bad_order.exit_code, 2);
  EXPECT_THAT(bad_order.err, HasSubstr("use date or ledger"));

  auto root = Ctl("root --db " + db() + " --format json");
  ASSERT_EQ(root.exit_code, 0) << root.err;
  const uint64_t size = nlohmann::json::parse(root.out)["treeSize"].get<uint64_t>();
  ASSERT_GT(size, 2u);
  auto log = Ctl("log --db " + db());
  ASSERT_EQ(log.exit_code, 0) << log.err;
  EXPECT_THAT(log.out, HasSubstr("compact/worcestershire-2006"));
  auto prove = Ctl("prove --db " + db() + " --seq 1 --size " + std::to_string(size));
  EXPECT_EQ(prove.exit_code, 0) << prove.err;
  auto verify = Ctl("verify --db " + db());
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  // export-bundle opens the held database too; this server signs no
  // checkpoint, so it stops at that (not at the lock).
  auto key = Ctl("keygen --name example.org/log --out " + dir_.Sub("key"));
  ASSERT_EQ(key.exit_code, 0) << key.err;
  auto bundle = Ctl("export-bundle --db " + db() + " --key " +
                    key.out.substr(0, key.out.find('\n')) + " --out " + dir_.Sub("bundle"));
  EXPECT_EQ(bundle.exit_code, 2) << bundle.err;
  EXPECT_THAT(bundle.err, HasSubstr("no signed checkpoint yet"));

  // A second recording while the server runs: a read command opened after it
  // sees it.
  const std::string more = dir_.Sub("more.jsonl");
  std::ofstream(more) << "{\"sourceRegistered\": {\"sourceId\": \"minutes-2012\", "
                         "\"title\": \"Minutes\", \"date\": {\"edtf\": \"2012-01\"}}}\n";
  auto again = Ctl("record import --server " + address + " " + more);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  auto grown = Ctl("log --db " + db() + " --from " + std::to_string(size));
  ASSERT_EQ(grown.exit_code, 0) << grown.err;
  EXPECT_THAT(grown.out, HasSubstr("minutes-2012"));

  const int status = serve.Stop();
  ASSERT_TRUE(WIFEXITED(status)) << serve.output();
  EXPECT_EQ(WEXITSTATUS(status), 0) << serve.output();
}

TEST_F(LedgerctlLiveDbTest, WritingCommandsStillRefuseAHeldDatabase) {
  testing::ServeProcess serve(LedgerctlPath(), db());
  ASSERT_FALSE(serve.Address().empty()) << serve.output();
  // import writes: it needs the lock the server holds, and says so.
  auto import = Ctl("import --db " + db() + " " + SourcePath("scenarios/worcestershire.jsonl"));
  EXPECT_EQ(import.exit_code, 3) << import.out;
  EXPECT_THAT(import.err, HasSubstr("is open for writing in another process"));
  EXPECT_THAT(import.err, HasSubstr("stop it first"));
}

}  // namespace
}  // namespace ledger
