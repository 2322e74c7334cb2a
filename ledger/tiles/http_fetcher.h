// Fetchers of a published log by where it is: over HTTP(S) with
// cpp-httplib, or from a directory (tile_fetcher.h). Separate from
// ledger_tiles so that the tile reader itself needs no HTTP client.
#ifndef LEDGER_TILES_HTTP_FETCHER_H_
#define LEDGER_TILES_HTTP_FETCHER_H_

#include <string>

#include "absl/status/statusor.h"
#include "ledger/tiles/tile_fetcher.h"

namespace ledger::tiles {

// A fetcher of the log published at `url` (http:// or https://; the
// tlog-tiles paths are appended to its path, with a '/' between). Follows
// redirects; keeps one connection open. Each fetch answers NotFound for a
// 404, Unavailable for a network failure or another status, DataLoss for a
// body larger than any tile (32 MiB), each naming the URL. InvalidArgument
// when `url` is not an http(s) URL. Thread-compatible: one fetch at a time.
absl::StatusOr<TileFetcher> HttpFetcher(const std::string& url);

// HttpFetcher for an http(s) URL, else DirectoryFetcher for an existing
// directory; InvalidArgument (saying what was expected) for anything else.
absl::StatusOr<TileFetcher> FetcherFor(const std::string& source);

}  // namespace ledger::tiles

#endif  // LEDGER_TILES_HTTP_FETCHER_H_
