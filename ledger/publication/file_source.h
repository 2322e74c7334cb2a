// FileSource: what the ledger publishes over HTTP (`ledgerctl serve --http`)
// and writes to a directory for any static host (`ledgerctl publish`), seen
// as files. The tlog-tiles (checkpoint, hash tiles, entry bundles) are one
// source, the web view's pages and data another; the HTTP server and the
// publisher serve or write whatever their sources hold, and know nothing of
// tiles or pages.
//
// Thread-safety: implementations say; the HTTP server calls Get from many
// threads at once.
#ifndef LEDGER_PUBLICATION_FILE_SOURCE_H_
#define LEDGER_PUBLICATION_FILE_SOURCE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace ledger::publication {

// How long a reader (a browser, a CDN) may keep a file.
enum class Caching {
  kImmutable,  // never changes once published: tiles, full or partial
  kShort,      // replaced as the log grows: the checkpoint, pages, their data
};

struct PublishedFile {
  std::string bytes;
  std::string content_type;  // e.g. "text/plain; charset=utf-8"
  Caching caching = Caching::kShort;
};

class FileSource {
 public:
  virtual ~FileSource() = default;

  // The file at `path` (relative, '/'-separated, no leading '/', e.g.
  // "tile/0/000" or "compact/index.html"). NotFound when this source has no
  // such file; InvalidArgument for a path it can never hold; other errors
  // from the store.
  virtual absl::StatusOr<PublishedFile> Get(std::string_view path) const = 0;
};

}  // namespace ledger::publication

#endif  // LEDGER_PUBLICATION_FILE_SOURCE_H_
