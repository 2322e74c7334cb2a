#include "ledger/publication/directory_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ledger/base/absl_view.h"
#include "ledger/base/posix_io.h"
#include "ledger/base/status_macros.h"

namespace ledger::publication {

namespace {

std::string Str(std::string_view s) { return std::string(s); }

// fsyncs the directory `path`, so that an entry created or renamed in it
// survives a crash.
absl::Status SyncDirectory(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return base::ErrnoStatus("open directory", path);
  const int synced = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  if (synced != 0) return base::ErrnoStatus("fsync directory", path);
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidatePublishedPath(std::string_view path) {
  if (path.empty()) return absl::InvalidArgumentError("a published path may not be empty");
  if (path.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError("a published path may not hold NUL");
  }
  const std::vector<std::string> segments =
      absl::StrSplit(AbslView(path), '/');
  for (const std::string& segment : segments) {
    if (segment.empty() || segment == "." || segment == "..") {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", Str(path), "\" is not a relative path of named segments (no leading, trailing or "
          "double '/', no '.' or '..')"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<DirectoryWriter> DirectoryWriter::Open(std::string directory) {
  std::error_code ec;
  const auto status = std::filesystem::status(directory, ec);
  if (std::filesystem::exists(status)) {
    if (!std::filesystem::is_directory(status)) {
      return absl::InvalidArgumentError(
          absl::StrCat(directory, " exists and is not a directory: give a directory to publish to"));
    }
  } else if (!std::filesystem::create_directories(directory, ec) && ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create directory ", directory, ": ", ec.message()));
  }
  if (::access(directory.c_str(), W_OK | X_OK) != 0) {
    return base::ErrnoStatus("write to directory", directory);
  }
  return DirectoryWriter(std::move(directory));
}

absl::StatusOr<std::optional<std::string>> DirectoryWriter::Read(std::string_view path) const {
  LEDGER_RETURN_IF_ERROR(ValidatePublishedPath(path));
  const std::string file = absl::StrCat(directory_, "/", Str(path));
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<std::string>();
    return base::ErrnoStatus("open", file);
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return absl::UnavailableError(absl::StrCat("cannot read ", file));
  return std::optional<std::string>(std::move(bytes).str());
}

absl::Status DirectoryWriter::MakeParents(std::string_view path) {
  std::string dir = directory_;
  std::vector<std::string> segments =
      absl::StrSplit(AbslView(path), '/');
  segments.pop_back();  // the file itself
  for (const std::string& segment : segments) {
    const std::string parent = dir;
    absl::StrAppend(&dir, "/", segment);
    if (::mkdir(dir.c_str(), 0755) == 0) {
      LEDGER_RETURN_IF_ERROR(SyncDirectory(parent));
    } else if (errno != EEXIST) {
      return base::ErrnoStatus("create directory", dir);
    }
  }
  return absl::OkStatus();
}

absl::Status DirectoryWriter::Write(std::string_view path, std::string_view bytes) {
  LEDGER_RETURN_IF_ERROR(ValidatePublishedPath(path));
  LEDGER_RETURN_IF_ERROR(MakeParents(path));
  const std::string file = absl::StrCat(directory_, "/", Str(path));
  const std::string parent = file.substr(0, file.rfind('/'));
  const std::string name = file.substr(file.rfind('/') + 1);
  // The temporary file sits beside its target (rename is atomic only within
  // one file system) and is hidden, so a listing of tiles never shows it.
  std::string temp = absl::StrCat(parent, "/.", name, ".XXXXXX");
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return base::ErrnoStatus("create a temporary file in", parent);
  absl::Status status = base::WriteAll(fd, bytes);
  if (!status.ok()) status = absl::UnavailableError(absl::StrCat("cannot write ", temp, ": ",
                                                                 status.message()));
  if (status.ok() && ::fchmod(fd, 0644) != 0) status = base::ErrnoStatus("chmod", temp);
  if (status.ok() && ::fsync(fd) != 0) status = base::ErrnoStatus("fsync", temp);
  if (::close(fd) != 0 && status.ok()) status = base::ErrnoStatus("close", temp);
  if (status.ok() && ::rename(temp.c_str(), file.c_str()) != 0) {
    status = base::ErrnoStatus(absl::StrCat("rename ", temp, " to"), file);
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  return SyncDirectory(parent);
}

absl::StatusOr<bool> DirectoryWriter::RemoveAll(std::string_view path) {
  LEDGER_RETURN_IF_ERROR(ValidatePublishedPath(path));
  const std::string target = absl::StrCat(directory_, "/", Str(path));
  std::error_code ec;
  const std::uintmax_t removed = std::filesystem::remove_all(target, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot remove ", target, ": ", ec.message()));
  return removed > 0;
}

absl::StatusOr<PublishStats> PublishFiles(const FileSource& source,
                                          const std::vector<std::string>& paths,
                                          DirectoryWriter& out) {
  PublishStats stats;
  for (const std::string& path : paths) {
    absl::StatusOr<PublishedFile> file = source.Get(path);
    if (!file.ok()) {
      return absl::Status(file.status().code(),
                          absl::StrCat("cannot publish ", path, ": ", file.status().message()));
    }
    LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> existing, out.Read(path));
    if (existing.has_value() && *existing != file->bytes &&
        file->caching == Caching::kImmutable) {
      return absl::DataLossError(absl::StrCat(
          out.directory(), "/", path, " differs from the file published now, and it may never "
          "change: the directory holds another log's files, or was altered; publish to an "
          "empty directory"));
    }
    if (existing.has_value() && *existing == file->bytes) {
      ++stats.unchanged;
      continue;
    }
    LEDGER_RETURN_IF_ERROR(out.Write(path, file->bytes));
    ++stats.written;
  }
  return stats;
}

}  // namespace ledger::publication
