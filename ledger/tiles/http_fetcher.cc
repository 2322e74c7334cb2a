#include "ledger/tiles/http_fetcher.h"

#include <sys/stat.h>

#include <httplib.h>

#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/http_error.h"
#include "ledger/base/next_step.h"

namespace ledger::tiles {

namespace {

// A checkpoint note, a hash tile or an entry bundle is far smaller.
constexpr size_t kMaxFetchBytes = 32 << 20;

}  // namespace

absl::StatusOr<TileFetcher> HttpFetcher(const std::string& url) {
  if (!absl::StartsWith(url, "http://") && !absl::StartsWith(url, "https://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", url, "\" is not an http:// or https:// URL"));
  }
  const size_t scheme = url.find("://");
  const size_t path_start = url.find('/', scheme + 3);
  const std::string origin = url.substr(0, path_start);
  std::string prefix = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (prefix.back() != '/') prefix += '/';
  auto client = std::make_shared<httplib::Client>(origin);
  if (!client->is_valid()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", url, "\" is not an http:// or https:// URL"));
  }
  client->set_follow_location(true);
  client->set_keep_alive(true);
  client->set_connection_timeout(10);
  client->set_read_timeout(30);
  const std::string base = absl::StrCat(origin, prefix);
  return TileFetcher([client, prefix, base](const std::string& path) -> absl::StatusOr<std::string> {
    std::string body;
    bool too_large = false;
    // tlog-tiles: clients "SHOULD include gzip and identity" (entry bundles
    // may come compressed). cpp-httplib inflates before the receiver, so
    // the limit below applies to the inflated bytes.
    auto r = client->Get(prefix + path, {{"Accept-Encoding", "gzip, identity"}},
                         [&](const char* data, size_t n) {
      if (body.size() + n > kMaxFetchBytes) {
        too_large = true;
        return false;
      }
      body.append(data, n);
      return true;
    });
    if (too_large) return absl::DataLossError(absl::StrCat(base, path, " is larger than any tile"));
    if (!r) {
      return absl::UnavailableError(
          absl::StrCat("cannot fetch ", base, path, ": ", DescribeHttpError(r.error())));
    }
    if (r->status == 404) return absl::NotFoundError(absl::StrCat(base, path, ": 404 Not Found"));
    if (r->status != 200) {
      return absl::UnavailableError(absl::StrCat(base, path, ": HTTP status ", r->status));
    }
    return body;
  });
}

absl::StatusOr<TileFetcher> FetcherFor(const std::string& source) {
  if (absl::StartsWith(source, "http://") || absl::StartsWith(source, "https://")) {
    return HttpFetcher(source);
  }
  struct stat st;
  if (::stat(source.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return DirectoryFetcher(source);
  return WithNextStep(
      absl::InvalidArgumentError(absl::StrCat(
          "\"", source, "\" is neither an http:// or https:// URL nor a directory: give the URL "
          "the log is published at (where its checkpoint is URL/checkpoint) or a directory it "
          "is published to (its checkpoint and tiles)")),
      NextStep::kPublishedLog);
}

}  // namespace ledger::tiles
