// SiteFiles: the web view as a FileSource (ledger/publication/file_source.h)
// — the static pages of web/ (embedded in the binary) and their JSON data
// under data/, written from the ledger's own state (site_data.h). Served
// beside the tiles by `ledgerctl serve --http` and written by `ledgerctl
// publish`, so one directory (or one HTTP root) holds checkpoint, tile/,
// index.html and data/.
//
// A SiteFiles is a snapshot of the log as it was read by Build; build a new
// one when the log grows (the pages verify each fact against the newest
// checkpoint, so data built from a log larger than the checkpoint shows the
// newer facts as not yet verified, never as verified).
//
// Thread-safety: immutable after Build; Get and Paths may be called from
// any number of threads.
#ifndef LEDGER_SITE_SITE_FILES_H_
#define LEDGER_SITE_SITE_FILES_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/compact_ledger.h"
#include "ledger/publication/file_source.h"
#include "ledger/site/site_data.h"

namespace ledger::site {

class SiteFiles : public publication::FileSource {
 public:
  // Reads the ledger (every entry recorded so far) and builds every file.
  // InvalidArgument when `options` is invalid (see ValidateSiteOptions);
  // errors of the ledger's reads otherwise.
  static absl::StatusOr<std::unique_ptr<SiteFiles>> Build(const CompactLedger& ledger,
                                                          const SiteOptions& options);

  // The file at `path`. "" and a path ending in "/" mean its index.html.
  // InvalidArgument for a path that is absolute or has "." or ".."
  // segments or an empty one; NotFound when there is no such file. Pages,
  // scripts and data are Caching::kShort: they change with the ledger and
  // with ledgerctl's version.
  absl::StatusOr<publication::PublishedFile> Get(std::string_view path) const override;

  // Every path Get answers (not the "" and ".../" aliases), sorted: what
  // `publish` writes.
  std::vector<std::string> Paths() const;

  // The number of log entries the data describes.
  uint64_t tree_size() const { return tree_size_; }

 private:
  SiteFiles() = default;
  std::map<std::string, std::string, std::less<>> files_;
  uint64_t tree_size_ = 0;
};

// The Content-Type for a file name, by extension ("text/html;
// charset=utf-8", "text/javascript; charset=utf-8", ...);
// "application/octet-stream" for an unknown one.
std::string ContentTypeOf(std::string_view path);

}  // namespace ledger::site

#endif  // LEDGER_SITE_SITE_FILES_H_
