#include "bench/bench_server.h"

#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/service_workload.h"
#include "services/server.h"

extern char** environ;

namespace ledger::bench {
namespace {

constexpr char kServeFlag[] = "--serve-internal";

std::string SelfPath() {
  char path[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  return n > 0 ? std::string(path, static_cast<size_t>(n)) : std::string("/proc/self/exe");
}

// One line from the child, without its newline; empty at end of file.
std::string ReadLine(FILE* from) {
  char* line = nullptr;
  size_t capacity = 0;
  const ssize_t n = getline(&line, &capacity, from);
  std::string out = n > 0 ? std::string(line, static_cast<size_t>(n)) : std::string();
  free(line);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

int Serve(const std::string& db, bool group_commit, int clients) {
  std::filesystem::remove_all(db);
  services::ServerOptions options;
  options.db = db;
  options.group_commit = group_commit;
  std::ostringstream server_log;  // the plaintext-loopback notice, not news here
  options.log = &server_log;
  auto server = services::LedgerServer::Start(options);
  if (!server.ok()) {
    std::cerr << "service_bench server: cannot start on " << db << ": " << server.status() << "\n";
    return 3;
  }
  if (absl::Status seeded = SeedBodies((*server)->ledger(), clients); !seeded.ok()) {
    std::cerr << "service_bench server: cannot seed " << db << ": " << seeded << "\n";
    return 3;
  }
  std::cout << "ready " << (*server)->address() << " " << (*server)->ledger().log().Size()
            << std::endl;
  char buffer[256];
  while (read(STDIN_FILENO, buffer, sizeof(buffer)) > 0) {
  }
  std::cout << "stopped " << (*server)->ledger().log().Size() << std::endl;
  (*server)->Shutdown(absl::Seconds(5));
  return 0;
}

}  // namespace

bool RunIfServerMode(int argc, char** argv, int* exit_status) {
  if (argc < 2 || std::strcmp(argv[1], kServeFlag) != 0) return false;
  int clients = 0;
  if (argc != 5 || !absl::SimpleAtoi(argv[4], &clients)) {
    std::cerr << "service_bench: " << kServeFlag << " DB on|off CLIENTS\n";
    *exit_status = 2;
    return true;
  }
  *exit_status = Serve(argv[2], std::strcmp(argv[3], "on") == 0, clients);
  return true;
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Spawn(const std::string& db,
                                                                    bool group_commit,
                                                                    int clients) {
  int to_child[2], from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
  if (pipe2(from_child, O_CLOEXEC) != 0) {
    close(to_child[0]);
    close(to_child[1]);
    return absl::InternalError("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
  const std::string self = SelfPath();
  const std::string clients_arg = std::to_string(clients);
  std::vector<char*> args = {const_cast<char*>(self.c_str()), const_cast<char*>(kServeFlag),
                             const_cast<char*>(db.c_str()),
                             const_cast<char*>(group_commit ? "on" : "off"),
                             const_cast<char*>(clients_arg.c_str()), nullptr};
  std::unique_ptr<ServerProcess> p(new ServerProcess());
  const int spawned = posix_spawn(&p->pid_, self.c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(to_child[0]);
  close(from_child[1]);
  p->to_child_ = to_child[1];
  p->from_child_ = fdopen(from_child[0], "r");
  if (spawned != 0) {
    p->pid_ = -1;
    return absl::InternalError(absl::StrCat("cannot run ", self, ": ", std::strerror(spawned)));
  }
  const std::string ready = ReadLine(p->from_child_);
  std::vector<std::string> words = absl::StrSplit(ready, ' ');
  if (words.size() != 3 || words[0] != "ready" || !absl::SimpleAtoi(words[2], &p->seeded_)) {
    return absl::UnavailableError(
        absl::StrCat("the server for ", db, " did not start (it said \"", ready, "\")"));
  }
  p->address_ = words[1];
  return p;
}

double ServerProcess::CpuSeconds() const {
  std::ifstream stat(absl::StrCat("/proc/", pid_, "/stat"));
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the parenthesised command name: state is the 3rd field of
  // the line, utime the 14th and stime the 15th.
  const size_t close_paren = text.rfind(')');
  if (close_paren == std::string::npos) return 0;
  std::vector<std::string> fields =
      absl::StrSplit(text.substr(close_paren + 2), ' ', absl::SkipEmpty());
  uint64_t user = 0, system = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &user) ||
      !absl::SimpleAtoi(fields[12], &system)) {
    return 0;
  }
  return static_cast<double>(user + system) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

absl::StatusOr<uint64_t> ServerProcess::Stop() {
  if (pid_ < 0) return absl::FailedPreconditionError("the server is not running");
  close(to_child_);
  to_child_ = -1;
  const std::string stopped = ReadLine(from_child_);
  fclose(from_child_);
  from_child_ = nullptr;
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  std::vector<std::string> words = absl::StrSplit(stopped, ' ');
  uint64_t size = 0;
  if (words.size() != 2 || words[0] != "stopped" || !absl::SimpleAtoi(words[1], &size)) {
    return absl::InternalError(absl::StrCat("the server did not report its log size (it said \"",
                                            stopped, "\")"));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat("the server exited with status ", status));
  }
  return size;
}

ServerProcess::~ServerProcess() {
  if (pid_ >= 0) Stop().IgnoreError();
  if (to_child_ >= 0) close(to_child_);
  if (from_child_ != nullptr) fclose(from_child_);
}

}  // namespace ledger::bench
