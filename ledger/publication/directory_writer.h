// DirectoryWriter: writes published files (file_source.h) into a directory
// for a static host (nginx, an object store synced with rclone), so that a
// reader of the directory never sees a half-written file: each file is
// written to a temporary file beside it, fsynced, renamed over its name,
// and its directory fsynced. Directories are created as needed (0755),
// files are 0644 (a web server's user must read them).
//
// Thread-safety: one writer per directory at a time; the methods are not
// safe to call concurrently.
#ifndef LEDGER_PUBLICATION_DIRECTORY_WRITER_H_
#define LEDGER_PUBLICATION_DIRECTORY_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ledger/publication/file_source.h"

namespace ledger::publication {

// InvalidArgument unless `path` is a relative '/'-separated path of
// non-empty segments, none of them "." or "..", without NUL: a path that
// cannot leave the directory it is joined to.
absl::Status ValidatePublishedPath(std::string_view path);

class DirectoryWriter {
 public:
  // The writer of `directory`, created (with its missing parents) when
  // missing. InvalidArgument when it exists and is not a directory;
  // Unavailable, with the system's reason, when it cannot be created or is
  // not writable.
  static absl::StatusOr<DirectoryWriter> Open(std::string directory);

  const std::string& directory() const { return directory_; }

  // The bytes of `path` in the directory, nullopt when there is no such
  // file. InvalidArgument as ValidatePublishedPath; Unavailable when it
  // cannot be read.
  absl::StatusOr<std::optional<std::string>> Read(std::string_view path) const;

  // Replaces (or creates) `path` with `bytes`, atomically and durably (see
  // above). InvalidArgument as ValidatePublishedPath; Unavailable naming the
  // file and the system's reason otherwise (the old file, if any, is then
  // unchanged).
  absl::Status Write(std::string_view path, std::string_view bytes);

  // Removes `path` and everything under it: true when something was
  // removed, false when it did not exist. InvalidArgument as
  // ValidatePublishedPath; Unavailable when it cannot be removed.
  absl::StatusOr<bool> RemoveAll(std::string_view path);

 private:
  explicit DirectoryWriter(std::string directory) : directory_(std::move(directory)) {}
  // Creates the directories of `path`'s parent that are missing, fsyncing
  // the parent of each one created.
  absl::Status MakeParents(std::string_view path);

  std::string directory_;
};

// What PublishFiles did.
struct PublishStats {
  uint64_t written = 0;    // files created or replaced
  uint64_t unchanged = 0;  // files already there with these bytes
};

// Writes the files `paths` of `source` into `out`, in order, each only when
// missing or different. Stops at the first error: the source's (with its
// path), the writer's, or DataLoss when a file whose caching is kImmutable
// is there with other bytes (it may never change: the directory holds
// another log's files). Files written before stay (each is whole): a later
// run completes them.
absl::StatusOr<PublishStats> PublishFiles(const FileSource& source,
                                          const std::vector<std::string>& paths,
                                          DirectoryWriter& out);

}  // namespace ledger::publication

#endif  // LEDGER_PUBLICATION_DIRECTORY_WRITER_H_
