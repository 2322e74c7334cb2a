// Runs a command line through /bin/sh and captures its exit code, stdout and
// stderr, for end-to-end tests of ledgerctl.
#ifndef LEDGER_TESTS_TESTING_RUN_COMMAND_H_
#define LEDGER_TESTS_TESTING_RUN_COMMAND_H_

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/testing/temp_dir.h"

namespace ledger::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `command` (a shell command line) with stdin from /dev/null.
inline CommandResult RunCommand(const std::string& command) {
  TempDir dir;
  const std::string out = dir.Sub("out"), err = dir.Sub("err");
  const int status =
      std::system((command + " </dev/null >" + out + " 2>" + err).c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadFile(out);
  result.err = ReadFile(err);
  return result;
}

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_TESTING_RUN_COMMAND_H_
