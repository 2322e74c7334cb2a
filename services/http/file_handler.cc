#include "services/http/file_handler.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/http/gzip.h"

namespace ledger::services::http {

namespace {

constexpr char kAllowedMethods[] = "GET, HEAD, OPTIONS";
constexpr char kTextType[] = "text/plain; charset=utf-8";
constexpr char kEntryBundlePrefix[] = "/tile/entries/";
// The rest (default-src 'self' and the rest) is in each page's <meta>: the
// check page may read logs of other origins, the others may not.
constexpr char kPageSecurityPolicy[] =
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

HttpResponse Text(int status, std::string message) {
  HttpResponse response;
  response.status = status;
  response.content_type = kTextType;
  response.body = std::move(message) + "\n";
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

int StatusFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: return 400;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

absl::Status ValidateRequestPath(std::string_view path) {
  if (path.empty() || path.front() != '/') {
    return absl::InvalidArgumentError("a request path must begin with '/'");
  }
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) {
    return absl::InvalidArgumentError("a request path may not hold NUL or '\\'");
  }
  const std::string_view relative = path.substr(1);
  if (relative.empty()) return absl::OkStatus();  // the index
  const std::vector<absl::string_view> segments =
      absl::StrSplit(absl::string_view(relative.data(), relative.size()), '/');
  for (size_t i = 0; i < segments.size(); ++i) {
    const bool last = i + 1 == segments.size();
    // A trailing '/' (an empty last segment) means the directory's index.
    if ((segments[i].empty() && !last) || segments[i] == "." || segments[i] == "..") {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", std::string(path), "\" has an empty, \".\" or \"..\" segment: ask for a file "
          "by its path from the root, e.g. /checkpoint, /tile/0/000 or /index.html"));
    }
  }
  return absl::OkStatus();
}

std::string FileHandler::CacheControl(publication::Caching caching) const {
  return absl::StrCat(access_.open() ? "public, " : "private, ",
                      caching == publication::Caching::kImmutable ? kImmutableCaching
                                                                  : kShortCaching);
}

absl::StatusOr<publication::PublishedFile> FileHandler::Find(std::string_view relative) const {
  std::string why;  // each source's reason, for the 404's body
  for (const auto& source : sources_) {
    absl::StatusOr<publication::PublishedFile> file = source->Get(relative);
    if (file.ok() || !absl::IsNotFound(file.status())) return file;
    absl::StrAppend(&why, why.empty() ? "" : "; ", file.status().message());
  }
  return absl::NotFoundError(why);
}

HttpResponse FileHandler::Answer(const HttpRequest& request) const {
  HttpResponse response;
  std::vector<std::string> vary;  // the request headers this answer depends on
  if (request.method == "OPTIONS") {
    response.status = 204;
    response.headers.emplace_back("Access-Control-Allow-Methods", "GET, HEAD");
    response.headers.emplace_back("Access-Control-Allow-Headers", "Authorization");
    response.headers.emplace_back("Access-Control-Max-Age", "86400");
  } else if (request.method != "GET" && request.method != "HEAD") {
    response = Text(405, absl::StrCat(request.method, " is not served here: this server only "
                                      "reads the published ledger (GET, HEAD)"));
    response.headers.emplace_back("Allow", kAllowedMethods);
  } else if (absl::Status valid = ValidateRequestPath(request.path); !valid.ok()) {
    response = Text(400, std::string(valid.message()));
  } else if (auto principal = access_.CheckBearer(request.authorization, Permission::kRead);
             !principal.ok()) {
    response = Text(StatusFor(principal.status()), std::string(principal.status().message()));
    if (response.status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  } else if (auto file = Find(std::string_view(request.path).substr(1)); !file.ok()) {
    if (absl::IsNotFound(file.status())) {
      response = Text(404, absl::StrCat(
          "nothing is published at ", request.path,
          ". This server holds the ledger's C2SP tlog-tiles (/checkpoint, /tile/<L>/<N>, "
          "/tile/entries/<N>) and its web view (/ or /index.html, /compact.html?id=<id>, "
          "/data/...)",
          file.status().message().empty() ? "" : ": ", file.status().message()));
    } else {
      response = Text(StatusFor(file.status()), std::string(file.status().message()));
    }
  } else {
    response.status = 200;
    response.content_type = file->content_type;
    response.body = std::move(file->bytes);
    response.headers.emplace_back("Cache-Control", CacheControl(file->caching));
    if (response.content_type.starts_with("text/html")) {
      // The pages also carry the rest of their policy in a <meta> tag, which
      // holds on any static host; these parts only a header can say.
      response.headers.emplace_back("Content-Security-Policy", kPageSecurityPolicy);
      response.headers.emplace_back("Referrer-Policy", "no-referrer");
    }
    if (std::string_view(request.path).starts_with(kEntryBundlePrefix)) {
      vary.push_back("Accept-Encoding");
      if (AcceptsGzip(request.accept_encoding)) {
        if (absl::StatusOr<std::string> compressed = Gzip(response.body); compressed.ok()) {
          response.body = *std::move(compressed);
          response.headers.emplace_back("Content-Encoding", "gzip");
        } else {
          response = Text(500, std::string(compressed.status().message()));
        }
      }
    }
  }
  response.headers.emplace_back("Access-Control-Allow-Origin", "*");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (!access_.open()) vary.push_back("Authorization");
  if (!vary.empty()) response.headers.emplace_back("Vary", absl::StrJoin(vary, ", "));
  return response;
}

}  // namespace ledger::services::http
