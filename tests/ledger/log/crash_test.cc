// Durability under kill -9: a child process appends as fast as it can and
// reports every acknowledged append through a pipe; the parent kills it with
// SIGKILL mid-load, reopens the log and checks that every acknowledged entry
// is there, byte for byte, and that the whole log verifies.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "google/protobuf/wrappers.pb.h"
#include "ledger/log/log.h"
#include "ledger/log/verify.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

using ::ledger::testing::IsOk;

namespace ledger::log {
namespace {

// Runs in the child: appends batches of 1..4 entries forever, writing
// "<sequence> <leaf hex>\n" for each acknowledged entry.
[[noreturn]] void AppendUntilKilled(const std::string& path, int fd, int round) {
  LogOptions options;
  options.path = path;
  auto log = Log::Open(options);
  if (!log.ok()) _exit(3);
  for (uint64_t i = 0;; ++i) {
    std::vector<AppendRequest> batch(1 + i % 4);
    for (size_t j = 0; j < batch.size(); ++j) {
      google::protobuf::StringValue value;
      value.set_value("round " + std::to_string(round) + " append " + std::to_string(i));
      batch[j].stream = "compact/c" + std::to_string((i + j) % 3);
      batch[j].payload.PackFrom(value);
      batch[j].request_id = "r" + std::to_string(round) + "-" + std::to_string(i) + "-" +
                            std::to_string(j);
    }
    auto results = (*log)->AppendBatch(batch);
    if (!results.ok()) _exit(4);
    std::string acks;
    for (const auto& r : *results) {
      acks += std::to_string(r.sequence) + " " + ToHex(r.leaf_hash) + "\n";
    }
    if (write(fd, acks.data(), acks.size()) != static_cast<ssize_t>(acks.size())) _exit(5);
  }
}

// Reads acknowledgements until `want` have arrived, then kills the child and
// drains what it wrote before dying.
std::map<uint64_t, std::string> KillAfter(pid_t child, int fd, size_t want) {
  std::map<uint64_t, std::string> acked;
  FILE* in = fdopen(fd, "r");
  char line[128];
  while (acked.size() < want && fgets(line, sizeof(line), in) != nullptr) {
    uint64_t seq = 0;
    char hex[65] = {0};
    if (sscanf(line, "%lu %64s", &seq, hex) == 2) acked[seq] = hex;
  }
  kill(child, SIGKILL);
  while (fgets(line, sizeof(line), in) != nullptr) {
    uint64_t seq = 0;
    char hex[65] = {0};
    if (sscanf(line, "%lu %64s", &seq, hex) == 2) acked[seq] = hex;
  }
  fclose(in);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child stopped on its own (status " << status << ")";
  return acked;
}

TEST(CrashTest, KillNineLosesNoAcknowledgedAppend) {
  testing::TempDir dir;
  const std::string path = dir.Sub("db");
  std::map<uint64_t, std::string> all_acked;
  for (int round = 0; round < 3; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      AppendUntilKilled(path, fds[1], round);
    }
    close(fds[1]);
    auto acked = KillAfter(child, fds[0], 150 + 50 * round);
    all_acked.insert(acked.begin(), acked.end());

    LogOptions options;
    options.path = path;
    auto log = Log::Open(options);
    ASSERT_THAT(log, IsOk()) << "round " << round;
    for (const auto& [seq, hex] : all_acked) {
      auto entry = (*log)->GetEntry(seq);
      ASSERT_THAT(entry, IsOk()) << "acknowledged entry " << seq << " lost";
      EXPECT_EQ(ToHex(entry->leaf_hash), hex) << "entry " << seq;
    }
    log->reset();
    auto report = VerifyLogAt(path);
    ASSERT_THAT(report, IsOk());
    EXPECT_TRUE(report->ok()) << report->message;
    EXPECT_GE(report->tree_size, all_acked.size());
  }
}

}  // namespace
}  // namespace ledger::log
