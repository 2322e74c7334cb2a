// `ledgerctl serve --db DB --listen 127.0.0.1:0` as a child process, for
// end-to-end tests: its stdout and stderr are read from one pipe. The
// destructor kills (SIGKILL) and reaps a server still running.
//
// Thread-safety: one thread at a time; Signal may be called from any.
#ifndef LEDGER_TESTS_TESTING_SERVE_PROCESS_H_
#define LEDGER_TESTS_TESTING_SERVE_PROCESS_H_

#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace ledger::testing {

class ServeProcess {
 public:
  // Starts `ledgerctl serve` (the binary at `ledgerctl`) on `db`, with
  // `more_args` after the --db and --listen flags.
  ServeProcess(const std::string& ledgerctl, const std::string& db,
               const std::vector<std::string>& more_args = {}) {
    std::vector<std::string> args = {ledgerctl, "serve", "--db", db, "--listen", "127.0.0.1:0"};
    args.insert(args.end(), more_args.begin(), more_args.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      dup2(fds[1], STDERR_FILENO);
      close(fds[0]);
      close(fds[1]);
      execv(ledgerctl.c_str(), argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
  }
  // Starts `argv` (argv[0] is the binary) as the child, for other
  // ledgerctl servers (`ledgerctl witness`) that print "listening on ADDR".
  explicit ServeProcess(const std::vector<std::string>& argv) {
    int fds[2];
    if (argv.empty() || pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      dup2(fds[1], STDERR_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
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
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // Reads the server's output up to its "listening on ADDR" line; the
  // address, or "" when the process ended first.
  std::string Address() { return After("listening on "); }

  // Reads the output up to the next line that starts with `prefix`; the
  // word that follows it, or "" when the process ended first.
  std::string After(const std::string& prefix) {
    char line[4096];
    while (out_ != nullptr && fgets(line, sizeof line, out_) != nullptr) {
      std::string text(line);
      output_ += text;
      if (text.rfind(prefix, 0) == 0) {
        text = text.substr(prefix.size());
        return text.substr(0, text.find_first_of(" \n"));
      }
    }
    return "";
  }

  void Signal(int signal_number) { kill(pid_, signal_number); }
  pid_t pid() const { return pid_; }

  // Stops the server with SIGTERM; its wait status.
  int Stop() {
    Signal(SIGTERM);
    return Wait();
  }

  // Waits for the process to end; its wait status.
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    return status;
  }

  // What the process printed up to the last line read.
  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  FILE* out_ = nullptr;
  std::string output_;
};

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_TESTING_SERVE_PROCESS_H_
