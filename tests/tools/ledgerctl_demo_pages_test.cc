// End-to-end tests of `ledgerctl demo --http ADDR`: the demo, then its web
// view served over HTTP from the real binary, with a checkpoint the pages
// can check every fact against.
#include <httplib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/run_command.h"
#include "tests/testing/seed_scenario.h"
#include "tests/testing/serve_process.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::LedgerctlPath;

namespace ledger {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kKeyFile[] = "demo-checkpoint-signing.key";

class LedgerctlDemoPagesTest : public ::testing::Test {
 protected:
  std::string db() const { return dir_.Sub("db"); }

  // Runs the demo with --http; the served root URL ("" if it never served).
  std::string StartDemo() {
    demo_ = std::make_unique<testing::ServeProcess>(
        std::vector<std::string>{LedgerctlPath(), "demo", "--db", db(), "--http", "127.0.0.1:0"});
    return demo_->Address();
  }

  std::string ReadKeyFile() {
    std::ifstream in(db() + "/" + kKeyFile);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServeProcess> demo_;
};

TEST_F(LedgerctlDemoPagesTest, ServesTheSignedPagesAndSaysWhereUntilStopped) {
  const std::string url = StartDemo();
  ASSERT_THAT(url, StartsWith("http://127.0.0.1:")) << demo_->output();
  EXPECT_THAT(demo_->output(), HasSubstr("== State at 2011-10"));
  httplib::Client client(url.substr(0, url.size() - 1));  // without the final "/"
  auto checkpoint = client.Get("/checkpoint");
  ASSERT_TRUE(checkpoint) << "no answer from " << url;
  EXPECT_EQ(checkpoint->status, 200);
  EXPECT_THAT(checkpoint->body,
              StartsWith("demo.compact-ledger.example/worcestershire\n" +
                         std::to_string(testing::kSeedEntries) + "\n"));
  auto page = client.Get("/compact.html");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->body, HasSubstr("<html"));
  auto data = client.Get("/data/compact/worcestershire-2006.json");
  ASSERT_TRUE(data);
  EXPECT_EQ(data->status, 200);
  EXPECT_THAT(data->body, HasSubstr("Worcestershire Partnership Compact"));

  const int status = demo_->Stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  struct stat key {};
  ASSERT_EQ(stat((db() + "/" + kKeyFile).c_str(), &key), 0);
  EXPECT_EQ(key.st_mode & 0777, 0600u) << "the demo's private key is readable by others";
}

TEST_F(LedgerctlDemoPagesTest, ASecondRunKeepsItsKeyAndAppendsNothing) {
  ASSERT_THAT(StartDemo(), StartsWith("http://")) << demo_->output();
  demo_->Stop();
  const std::string key = ReadKeyFile();
  ASSERT_FALSE(key.empty());
  const std::string again = StartDemo();
  ASSERT_THAT(again, StartsWith("http://")) << demo_->output();
  EXPECT_THAT(demo_->output(),
              HasSubstr("checkpoint of size " + std::to_string(testing::kSeedEntries)));
  demo_->Stop();
  EXPECT_EQ(ReadKeyFile(), key) << "a second run replaced the demo's key";
}

TEST_F(LedgerctlDemoPagesTest, ANonLoopbackAddressIsRefusedBeforeTheDemoRuns) {
  auto r = testing::RunCommand(LedgerctlPath() + " demo --db " + db() + " --http 0.0.0.0:0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("not a loopback host:port"));
  EXPECT_THAT(r.out, Not(HasSubstr("== Timeline")));
  struct stat unused {};
  EXPECT_NE(stat(db().c_str(), &unused), 0) << "a refused demo created its database";
  auto no_port = testing::RunCommand(LedgerctlPath() + " demo --db " + db() + " --http 127.0.0.1");
  EXPECT_EQ(no_port.exit_code, 2);
}

}  // namespace
}  // namespace ledger
