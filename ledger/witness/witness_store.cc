#include "ledger/witness/witness_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/base/posix_io.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/hash.h"
#include "ledger/log/signed_note.h"

namespace ledger::witness {

namespace {

constexpr char kSuffix[] = ".checkpoint";
constexpr char kTmpSuffix[] = ".tmp";
constexpr size_t kMaxNoteBytes = 1 << 20;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string OriginHash(std::string_view origin) { return log::ToHex(log::Sha256(origin)); }

WitnessStore::WitnessStore(std::string dir, int dir_fd, int lock_fd)
    : dir_(std::move(dir)), dir_fd_(dir_fd), lock_fd_(lock_fd) {}

WitnessStore::~WitnessStore() {
  ::close(lock_fd_);  // Releases the flock.
  ::close(dir_fd_);
}

absl::StatusOr<std::unique_ptr<WitnessStore>> WitnessStore::Open(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return base::ErrnoStatus("create", dir);
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return base::ErrnoStatus("open", dir);
  const std::string lock = dir + "/LOCK";
  const int lock_fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) {
    absl::Status s = base::ErrnoStatus("open", lock);
    ::close(dir_fd);
    return s;
  }
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    const bool held = errno == EWOULDBLOCK;
    absl::Status s = held ? absl::FailedPreconditionError(absl::StrCat(
                                "another witness process uses ", dir, "; stop it first"))
                          : base::ErrnoStatus("lock", lock);
    ::close(lock_fd);
    ::close(dir_fd);
    return s;
  }
  // Leftovers of a write interrupted by a crash: never renamed, so never
  // acknowledged.
  if (DIR* d = ::opendir(dir.c_str())) {
    std::vector<std::string> stale;
    while (const dirent* e = ::readdir(d)) {
      if (EndsWith(e->d_name, kTmpSuffix)) stale.emplace_back(e->d_name);
    }
    ::closedir(d);
    for (const auto& name : stale) ::unlinkat(dir_fd, name.c_str(), 0);
  }
  return std::unique_ptr<WitnessStore>(new WitnessStore(dir, dir_fd, lock_fd));
}

absl::StatusOr<std::map<std::string, std::string>> WitnessStore::Load() const {
  DIR* d = ::opendir(dir_.c_str());
  if (d == nullptr) return base::ErrnoStatus("list", dir_);
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    if (EndsWith(e->d_name, kSuffix)) names.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::map<std::string, std::string> out;
  for (const std::string& name : names) {
    const std::string path = dir_ + "/" + name;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) return base::ErrnoStatus("read", path);
    const std::string note = text.str();
    const auto damaged = [&](absl::string_view why) {
      return absl::DataLossError(absl::StrCat("witness state file ", path, " is damaged: ",
                                              why, "; restore it from a backup"));
    };
    if (note.size() > kMaxNoteBytes) return damaged("too large");
    absl::StatusOr<log::Note> parsed = log::ParseNote(note);
    if (!parsed.ok()) return damaged(parsed.status().message());
    absl::StatusOr<log::Checkpoint> checkpoint = log::ParseCheckpoint(parsed->text);
    if (!checkpoint.ok()) return damaged(checkpoint.status().message());
    if (name != OriginHash(checkpoint->origin) + kSuffix) {
      return damaged(absl::StrCat("it holds origin \"", checkpoint->origin, "\""));
    }
    out[checkpoint->origin] = note;
  }
  return out;
}

absl::Status WitnessStore::Store(std::string_view origin, std::string_view note) {
  const std::string stem = OriginHash(origin);
  const std::string tmp = stem + kTmpSuffix, final_name = stem + kSuffix;
  const std::string tmp_path = dir_ + "/" + tmp;
  const int fd = ::openat(dir_fd_, tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return base::ErrnoStatus("create", tmp_path);
  absl::Status status = base::WriteAll(fd, note);
  if (!status.ok()) status = absl::UnavailableError(absl::StrCat("cannot write ", tmp_path, ": ", status.message()));
  if (status.ok() && ::fsync(fd) != 0) status = base::ErrnoStatus("sync", tmp_path);
  if (::close(fd) != 0 && status.ok()) status = base::ErrnoStatus("close", tmp_path);
  if (status.ok() && ::renameat(dir_fd_, tmp.c_str(), dir_fd_, final_name.c_str()) != 0) {
    status = base::ErrnoStatus("rename", tmp_path);
  }
  if (!status.ok()) {
    ::unlinkat(dir_fd_, tmp.c_str(), 0);
    return status;
  }
  // The rename is durable only once the directory is synced.
  if (::fsync(dir_fd_) != 0) return base::ErrnoStatus("sync", dir_);
  return absl::OkStatus();
}

}  // namespace ledger::witness
