// gzip (RFC 1952) for HTTP Content-Encoding: C2SP tlog-tiles asks that entry
// bundles "SHOULD be compressed at the HTTP layer". Tiles of hashes are not
// compressed (random bytes do not shrink).
//
// Thread-safety: pure functions.
#ifndef LEDGER_SERVICES_HTTP_GZIP_H_
#define LEDGER_SERVICES_HTTP_GZIP_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ledger::services::http {

// `bytes` as one gzip member. Internal when zlib fails (out of memory).
absl::StatusOr<std::string> Gzip(std::string_view bytes);

// The bytes of one gzip member, at most `max_bytes` of them. InvalidArgument
// when `gzipped` is not one whole gzip member or inflates beyond the limit.
// (For the tests and fuzz target that check what Gzip sent.)
absl::StatusOr<std::string> Gunzip(std::string_view gzipped, size_t max_bytes);

// Whether an Accept-Encoding header value (RFC 9110 12.5.3) accepts gzip:
// "gzip" or "*" listed without q=0 (a "gzip;q=0" refuses it even when "*"
// is listed too).
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace ledger::services::http

#endif  // LEDGER_SERVICES_HTTP_GZIP_H_
