// How `ledgerctl serve --http` answers a request (services/http/
// file_handler.h): FileHandler::Answer with a fuzzed method, path,
// Authorization and Accept-Encoding header, over two in-memory FileSources shaped like the
// server's (the tlog-tiles, whose tile paths go through ParseTilePath, then
// the web view, with one path that fails as an unavailable store and one as
// a corrupt one), once with an open policy and once with an access file.
//
// Input: "<method>\n<path>\n<authorization>\n<accept-encoding>" (missing
// parts are empty; the accept-encoding is the rest, newlines included).
//
// Each answer is checked against a model of the documented behaviour: the
// status is the one the method, the path's shape, the token and the sources
// call for (204, 405, 400, 401, 200, 404, 503 or 500, nothing else); a 200
// carries exactly the first source's file, its content type and the
// Cache-Control of its caching ("public" when open, "private" with an access
// file); 405 has Allow, 401 WWW-Authenticate; every answer has the CORS and
// nosniff headers and Vary naming exactly Accept-Encoding for a served entry
// bundle and Authorization with an access file. An entry bundle is gzipped
// only for an Accept-Encoding that names gzip or "*", and then inflates to
// the file; nothing else is ever compressed. A path with a ".", ".." or
// empty segment, NUL or '\' is never served.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ledger/publication/file_source.h"
#include "ledger/tiles/tile_path.h"
#include "services/auth.h"
#include "services/http/file_handler.h"
#include "services/http/gzip.h"

namespace {

using ledger::publication::Caching;
using ledger::publication::FileSource;
using ledger::publication::PublishedFile;
using ledger::services::AccessPolicy;
using ledger::services::http::FileHandler;
using ledger::services::http::HttpRequest;
using ledger::services::http::HttpResponse;

constexpr char kAccessFile[] =
    "token auditor carol s3cret-carol\n"
    "token admin alice s3cret-alice\n";
const char* const kGoodAuthorizations[] = {"Bearer s3cret-carol", "Bearer s3cret-alice"};

// The log's resources: the checkpoint and a tree of 3 entries.
class TilesSource : public FileSource {
 public:
  absl::StatusOr<PublishedFile> Get(std::string_view path) const override {
    if (path == "checkpoint") {
      return PublishedFile{"fuzz.example/log\n3\nAAAA\n", "text/plain; charset=utf-8",
                           Caching::kShort};
    }
    if (!path.starts_with("tile/")) return absl::NotFoundError("not a tile");
    auto tile = ledger::tiles::ParseTilePath(path);
    if (!tile.ok()) return tile.status();
    auto it = Files().find(std::string(path));
    if (it == Files().end()) return absl::NotFoundError("beyond the tree");
    return PublishedFile{it->second, "application/octet-stream", Caching::kImmutable};
  }
  static const std::map<std::string, std::string>& Files() {
    static const auto* files = new std::map<std::string, std::string>{
        {"tile/0/000.p/3", std::string(96, 'h')},
        {"tile/entries/000.p/3", std::string("\0\1a\0\1b\0\1c", 9)}};
    return *files;
  }
};

// The web view, and two paths whose store fails.
class PagesSource : public FileSource {
 public:
  absl::StatusOr<PublishedFile> Get(std::string_view path) const override {
    if (path == "broken") return absl::UnavailableError("the store is closed");
    if (path == "corrupt") return absl::DataLossError("a record does not parse");
    auto it = Files().find(std::string(path));
    if (it == Files().end()) return absl::NotFoundError("no such page");
    return PublishedFile{it->second, "text/html; charset=utf-8", Caching::kShort};
  }
  static const std::map<std::string, std::string>& Files() {
    static const auto* files = new std::map<std::string, std::string>{
        {"", "<!doctype html>index"},
        {"index.html", "<!doctype html>index"},
        {"data/compacts.json", "[]"},
        // A page at a path the tiles source claims: the tiles answer first.
        {"checkpoint", "shadowed"}};
    return *files;
  }
};

std::unique_ptr<FileHandler> MakeHandler(bool open) {
  std::vector<std::unique_ptr<FileSource>> sources;
  sources.push_back(std::make_unique<TilesSource>());
  sources.push_back(std::make_unique<PagesSource>());
  AccessPolicy access;
  if (!open) {
    auto parsed = AccessPolicy::Parse(kAccessFile);
    if (!parsed.ok()) std::abort();
    access = *std::move(parsed);
  }
  return std::make_unique<FileHandler>(std::move(sources), std::move(access));
}

// The model of ValidateRequestPath's rule, written from the header.
bool PathShapeOk(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) {
    return false;
  }
  std::string_view rest = path.substr(1);
  if (rest.empty()) return true;
  while (true) {
    const size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    const bool last = slash == std::string_view::npos;
    if ((segment.empty() && !last) || segment == "." || segment == "..") return false;
    if (last) return true;
    rest.remove_prefix(slash + 1);
  }
}

// The status the sources call for, and the file when 200.
int ExpectedFromSources(std::string_view relative, const PublishedFile** file,
                        PublishedFile& storage) {
  static const TilesSource tiles;
  static const PagesSource pages;
  for (const FileSource* source : {static_cast<const FileSource*>(&tiles),
                                   static_cast<const FileSource*>(&pages)}) {
    auto got = source->Get(relative);
    if (got.ok()) {
      storage = *std::move(got);
      *file = &storage;
      return 200;
    }
    switch (got.status().code()) {
      case absl::StatusCode::kNotFound: continue;
      case absl::StatusCode::kInvalidArgument: return 400;
      case absl::StatusCode::kUnavailable: return 503;
      default: return 500;
    }
  }
  return 404;
}

// Whether `accept_encoding` names gzip or "*" at all (any case): without
// that, nothing may be compressed.
bool MentionsGzip(std::string_view accept_encoding) {
  std::string lower(accept_encoding);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("gzip") != std::string::npos || lower.find('*') != std::string::npos;
}

void Check(const HttpResponse& answer, const HttpRequest& request, bool open) {
  // Headers every answer carries.
  if (answer.Header("Access-Control-Allow-Origin") != "*") std::abort();
  if (answer.Header("X-Content-Type-Options") != "nosniff") std::abort();
  const bool bundle =
      answer.status == 200 && std::string_view(request.path).starts_with("/tile/entries/");
  const std::string vary = std::string(bundle ? "Accept-Encoding" : "") +
                           (bundle && !open ? ", " : "") + (open ? "" : "Authorization");
  if (answer.Header("Vary") != vary) std::abort();
  const bool gzipped = answer.Header("Content-Encoding") == "gzip";
  if (gzipped && (!bundle || !MentionsGzip(request.accept_encoding))) std::abort();
  if (!gzipped && !answer.Header("Content-Encoding").empty()) std::abort();
  if (bundle && gzipped != ledger::services::http::AcceptsGzip(request.accept_encoding)) {
    std::abort();
  }

  int expected;
  const PublishedFile* file = nullptr;
  PublishedFile storage;
  bool token_ok = open;
  for (const char* good : kGoodAuthorizations) token_ok |= request.authorization == good;
  if (request.method == "OPTIONS") {
    expected = 204;
  } else if (request.method != "GET" && request.method != "HEAD") {
    expected = 405;
  } else if (!PathShapeOk(request.path)) {
    expected = 400;
  } else if (!token_ok) {
    expected = 401;
  } else {
    expected = ExpectedFromSources(std::string_view(request.path).substr(1), &file, storage);
  }
  if (answer.status != expected) std::abort();

  switch (answer.status) {
    case 200: {
      const absl::StatusOr<std::string> body =
          gzipped ? ledger::services::http::Gunzip(answer.body, 1 << 20)
                  : absl::StatusOr<std::string>(answer.body);
      if (!body.ok() || *body != file->bytes ||
          answer.content_type != file->content_type) {
        std::abort();
      }
      if (answer.Header("Cache-Control") !=
          std::string(open ? "public, " : "private, ") +
              (file->caching == Caching::kImmutable ? "max-age=31536000, immutable"
                                                    : "max-age=5, must-revalidate")) {
        std::abort();
      }
      break;
    }
    case 204:
      if (!answer.body.empty()) std::abort();
      break;
    case 405:
      if (answer.Header("Allow") != "GET, HEAD, OPTIONS") std::abort();
      break;
    case 401:
      if (answer.Header("WWW-Authenticate") != "Bearer") std::abort();
      break;
    default:
      // An error says what was wrong, and is never cached.
      if (answer.body.size() <= 1 || answer.Header("Cache-Control") != "no-store") std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::unique_ptr<FileHandler> open_handler = MakeHandler(true);
  static const std::unique_ptr<FileHandler> private_handler = MakeHandler(false);

  const std::string_view input(reinterpret_cast<const char*>(data), size);
  HttpRequest request;
  const size_t first = input.find('\n');
  request.method = std::string(input.substr(0, first));
  if (first != std::string_view::npos) {
    const std::string_view rest = input.substr(first + 1);
    const size_t second = rest.find('\n');
    request.path = std::string(rest.substr(0, second));
    if (second != std::string_view::npos) {
      const std::string_view headers = rest.substr(second + 1);
      const size_t third = headers.find('\n');
      request.authorization = std::string(headers.substr(0, third));
      if (third != std::string_view::npos) {
        request.accept_encoding = std::string(headers.substr(third + 1));
      }
    }
  }

  Check(open_handler->Answer(request), request, true);
  Check(private_handler->Answer(request), request, false);
  return 0;
}
