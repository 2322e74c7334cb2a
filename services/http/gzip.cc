#include "services/http/gzip.h"

#include <zlib.h>

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "ledger/base/absl_view.h"

namespace ledger::services::http {

absl::StatusOr<std::string> Gzip(std::string_view bytes) {
  z_stream stream{};
  // 15 window bits, +16 for a gzip header and trailer instead of zlib's.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return absl::InternalError("gzip: zlib could not start");
  }
  std::string out(deflateBound(&stream, bytes.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  const size_t written = stream.total_out;
  deflateEnd(&stream);
  // deflateBound leaves room for everything: one call finishes the stream.
  if (result != Z_STREAM_END) return absl::InternalError("gzip: zlib did not finish");
  out.resize(written);
  return out;
}

absl::StatusOr<std::string> Gunzip(std::string_view gzipped, size_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return absl::InternalError("gunzip: zlib could not start");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gzipped.data()));
  stream.avail_in = static_cast<uInt>(gzipped.size());
  std::string out;
  char buffer[4096];
  int result = Z_OK;
  while (result == Z_OK && out.size() <= max_bytes) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - stream.avail_out);
  }
  const bool whole = result == Z_STREAM_END && stream.avail_in == 0;
  inflateEnd(&stream);
  if (out.size() > max_bytes) return absl::InvalidArgumentError("gunzip: more bytes than the limit");
  if (!whole) return absl::InvalidArgumentError("gunzip: not one whole gzip member");
  return out;
}

namespace {

// The q value of one Accept-Encoding element ("gzip;q=0.5"), 1 when absent;
// nullopt when malformed (then the element is ignored).
std::optional<double> Quality(absl::string_view params) {
  double q = 1;
  for (absl::string_view param : absl::StrSplit(params, ';', absl::SkipEmpty())) {
    param = absl::StripAsciiWhitespace(param);
    if (param.empty()) continue;
    if (!absl::ConsumePrefix(&param, "q=") && !absl::ConsumePrefix(&param, "Q=")) continue;
    if (!absl::SimpleAtod(param, &q) || q < 0 || q > 1) return std::nullopt;
  }
  return q;
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  std::optional<bool> gzip, any;
  for (absl::string_view element :
       absl::StrSplit(AbslView(accept_encoding), ',')) {
    const size_t semicolon = element.find(';');
    const std::string coding =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(element.substr(0, semicolon)));
    const std::optional<double> q =
        Quality(semicolon == absl::string_view::npos ? "" : element.substr(semicolon + 1));
    if (!q.has_value()) continue;
    if (coding == "gzip" || coding == "x-gzip") gzip = *q > 0;
    if (coding == "*") any = *q > 0;
  }
  return gzip.has_value() ? *gzip : any.value_or(false);
}

}  // namespace ledger::services::http
