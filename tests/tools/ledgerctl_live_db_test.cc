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
#include "tests/testing/temp_dir.h"

namespace ledger {
namespace {

using ::testing::HasSubstr;
using testing::RunCommand;

// `ledgerctl serve --db DB --listen 127.0.0.1:0` as a child process.
class ServeProcess {
 public:
  explicit ServeProcess(const std::string& db) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      dup2(fds[1], STDERR_FILENO);
      close(fds[0]);
      close(fds[1]);
      execl(LEDGERCTL_PATH, LEDGERCTL_PATH, "serve", "--db", db.c_str(), "--listen",
            "127.0.0.1:0", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
  }
  ~ServeProcess() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      Wait();
    }
    if (out_ != nullptr) fclose(out_);
  }

  // Reads the server's output up to its "listening on ADDR" line; the
  // address, or "" when the process ended first.
  std::string Address() {
    char line[4096];
    while (out_ != nullptr && fgets(line, sizeof line, out_) != nullptr) {
      std::string text(line);
      output_ += text;
      constexpr char kListening[] = "listening on ";
      if (text.rfind(kListening, 0) == 0) {
        text = text.substr(sizeof kListening - 1);
        return text.substr(0, text.find_first_of(" \n"));
      }
    }
    return "";
  }

  // Stops the server with SIGTERM; its wait status.
  int Stop() {
    kill(pid_, SIGTERM);
    return Wait();
  }

  const std::string& output() const { return output_; }

 private:
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    return status;
  }

  pid_t pid_ = -1;
  bool reaped_ = false;
  FILE* out_ = nullptr;
  std::string output_;
};

class LedgerctlLiveDbTest : public ::testing::Test {
 protected:
  std::string db() const { return dir_.Sub("db"); }
  testing::CommandResult Ctl(const std::string& args) {
    return RunCommand(std::string(LEDGERCTL_PATH) + " " + args);
  }

  testing::TempDir dir_;
};

TEST_F(LedgerctlLiveDbTest, ReadCommandsAnswerWhileServeHoldsTheDatabase) {
  ServeProcess serve(db());
  const std::string address = serve.Address();
  ASSERT_FALSE(address.empty()) << serve.output();
  auto recorded =
      Ctl("record import --server " + address + " " + std::string(LEDGER_SEED_SCENARIO));
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
  ServeProcess serve(db());
  ASSERT_FALSE(serve.Address().empty()) << serve.output();
  // import writes: it needs the lock the server holds, and says so.
  auto import = Ctl("import --db " + db() + " " + std::string(LEDGER_SEED_SCENARIO));
  EXPECT_EQ(import.exit_code, 3) << import.out;
  EXPECT_THAT(import.err, HasSubstr("lock"));
}

}  // namespace
}  // namespace ledger
