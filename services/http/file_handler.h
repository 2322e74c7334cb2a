// How `ledgerctl serve --http` answers a request for a published file,
// independent of the HTTP library: which status, headers and body. The
// files come from FileSources (ledger/publication/file_source.h) asked in
// order, the first that holds the path answering: the log's tlog-tiles
// first, then the web view.
//
//   GET, HEAD   200 with the file; Content-Type from the source;
//               Cache-Control from its caching (below); HEAD without the
//               body (the HTTP layer drops it, keeping Content-Length).
//   OPTIONS     204: the CORS preflight (Authorization may be sent).
//   other       405 with "Allow: GET, HEAD, OPTIONS".
//   bad path    400 (NUL, backslash, ".", ".." or empty segments, no
//               leading '/', a non-canonical tile path), naming what is
//               wrong; the sources are never asked with such a path.
//   no file     404 with a body saying what is served here.
//   no token    401 with "WWW-Authenticate: Bearer" when an access file is
//               in force and the request has no known bearer token.
//   store error 503 (Unavailable) or 500, with the store's message.
//
// Every answer carries "Access-Control-Allow-Origin: *" (the pages and any
// tlog client may read from another origin) and "X-Content-Type-Options:
// nosniff".
//
// A page (text/html) also carries a Content-Security-Policy (framed only by
// this origin, no plugins; its <meta> tag keeps scripts, styles and data to
// this origin, wherever it is published) and "Referrer-Policy: no-referrer".
//
// Entry bundles are sent gzip-compressed ("Content-Encoding: gzip") to a
// client that accepts gzip, as tlog-tiles asks ("SHOULD be compressed at the
// HTTP layer"), and carry "Vary: Accept-Encoding" either way; tiles of
// hashes do not shrink and are sent as they are. (The pages and their data
// are text, which the HTTP layer compresses itself.)
//
// Caching (C2SP tlog-tiles, current text): tiles and entry bundles, full or
// partial, are immutable: "public, max-age=31536000, immutable" (a partial
// tile of width W never changes, it only disappears once its full tile
// exists). The checkpoint, and the pages and their data, change as the log
// grows: "public, max-age=5, must-revalidate" (tlog-tiles asks that the
// checkpoint not be cached "beyond a few seconds"). With an access file,
// "public" becomes "private" so that no shared cache keeps a private
// ledger's files.
//
// Thread-safety: immutable after construction; Answer may be called from
// any number of threads (the sources' Get must allow it).
#ifndef LEDGER_SERVICES_HTTP_FILE_HANDLER_H_
#define LEDGER_SERVICES_HTTP_FILE_HANDLER_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "ledger/publication/file_source.h"
#include "services/auth.h"

namespace ledger::services::http {

inline constexpr char kImmutableCaching[] = "max-age=31536000, immutable";
inline constexpr char kShortCaching[] = "max-age=5, must-revalidate";

struct HttpRequest {
  std::string method;  // "GET", "HEAD", ...
  std::string path;    // percent-decoded, without the query: "/tile/0/000"
  std::string authorization;  // the Authorization header's value; empty if none
  std::string accept_encoding;  // the Accept-Encoding header's value; empty if none
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;

  // The value of header `name` (exact case), empty when absent.
  std::string Header(std::string_view name) const;
};

class FileHandler {
 public:
  // `sources` are asked in order. `access` decides who may read: an open
  // policy lets everyone; any other requires a bearer token it lists (any
  // role may read).
  FileHandler(std::vector<std::unique_ptr<publication::FileSource>> sources,
              AccessPolicy access)
      : sources_(std::move(sources)), access_(std::move(access)) {}

  HttpResponse Answer(const HttpRequest& request) const;

  // The Cache-Control value for a file of `caching` (see above).
  std::string CacheControl(publication::Caching caching) const;

 private:
  // The file at `relative` (no leading '/') from the first source that has
  // it; NotFound when none has it.
  absl::StatusOr<publication::PublishedFile> Find(std::string_view relative) const;

  std::vector<std::unique_ptr<publication::FileSource>> sources_;
  AccessPolicy access_;
};

// Whether `path` (as requested, with its leading '/') is one the handler
// will look up: OK, or InvalidArgument saying what is wrong with it.
absl::Status ValidateRequestPath(std::string_view path);

}  // namespace ledger::services::http

#endif  // LEDGER_SERVICES_HTTP_FILE_HANDLER_H_
