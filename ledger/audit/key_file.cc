#include "ledger/audit/key_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "ledger/base/next_step.h"
#include "ledger/base/posix_io.h"

namespace ledger::audit {

namespace {

// Private key strings are short; anything larger is not a key file.
constexpr size_t kMaxKeyFileBytes = 4096;

}  // namespace

absl::Status WriteSecretFile(const std::string& path, std::string_view contents) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(
          absl::StrCat(path, " already exists; refusing to overwrite a key file"));
    }
    return base::ErrnoStatus("create", path);
  }
  absl::Status written = base::WriteAll(fd, contents);
  if (written.ok() && ::fsync(fd) != 0) written = base::ErrnoStatus("sync", path);
  if (::close(fd) != 0 && written.ok()) written = base::ErrnoStatus("close", path);
  if (!written.ok()) {
    ::unlink(path.c_str());
    return absl::UnavailableError(
        absl::StrCat("cannot write ", path, ": ", written.message()));
  }
  return absl::OkStatus();
}

absl::Status WritePrivateKeyFile(const std::string& path, const log::NoteSigner& signer) {
  std::string contents = signer.PrivateKeyString() + "\n";
  absl::Status written = WriteSecretFile(path, contents);
  std::fill(contents.begin(), contents.end(), '\0');
  return written;
}

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("no key file ", path));
    return base::ErrnoStatus("open", path);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    absl::Status status = base::ErrnoStatus("stat", path);
    ::close(fd);
    return status;
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return absl::PermissionDeniedError(absl::StrCat("key file ", path,
                                                    " may be read by others (mode ", mode,
                                                    "); run `chmod 600 ", path, "`"));
  }
  std::string contents(kMaxKeyFileBytes + 1, '\0');
  ssize_t n;
  do {
    n = ::read(fd, contents.data(), contents.size());
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  if (n < 0) return base::ErrnoStatus("read", path);
  if (static_cast<size_t>(n) > kMaxKeyFileBytes) {
    std::fill(contents.begin(), contents.end(), '\0');
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a key file: it is too large"));
  }
  contents.resize(static_cast<size_t>(n));
  return contents;
}

absl::StatusOr<log::NoteSigner> ReadPrivateKeyFile(const std::string& path) {
  absl::StatusOr<std::string> contents = ReadSecretFile(path);
  if (!contents.ok()) return contents.status();
  absl::StatusOr<log::NoteSigner> signer = log::NoteSigner::FromPrivateKeyString(*contents);
  std::fill(contents->begin(), contents->end(), '\0');
  if (!signer.ok()) {
    return WithNextStep(absl::InvalidArgumentError(absl::StrCat(
                            path, " is not a private key file: ", signer.status().message())),
                        NextStep::kMakeKey);
  }
  return signer;
}

}  // namespace ledger::audit
