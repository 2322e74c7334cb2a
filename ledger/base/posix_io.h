// Small POSIX file helpers shared by the files that write with open(2) and
// fsync(2) themselves (key files, the witness's state): errno as an
// absl::Status, and a write that finishes what it starts.
//
// Thread-safety: free functions over the caller's file descriptors; read
// errno right after the failing call, on the same thread.
#ifndef LEDGER_BASE_POSIX_IO_H_
#define LEDGER_BASE_POSIX_IO_H_

#include <errno.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ledger::base {

// Unavailable "cannot <what> <path>: <strerror(errno)>", for the call that
// just failed and set errno.
inline absl::Status ErrnoStatus(std::string_view what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat("cannot ", std::string(what), " ", path, ": ", std::strerror(errno)));
}

// Writes all of `bytes` to `fd`, retrying short writes and EINTR. OK once
// everything is written; Unavailable with strerror otherwise (some bytes
// may have been written).
inline absl::Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError(std::strerror(errno));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

}  // namespace ledger::base

#endif  // LEDGER_BASE_POSIX_IO_H_
