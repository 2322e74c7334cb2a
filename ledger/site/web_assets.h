// The web view's static files (web/: pages, styles, scripts), embedded in
// the binary at build time by embed_web.cmake, so a deployed ledgerctl
// needs no source tree to serve or publish them.
//
// Thread-safe: immutable after first use.
#ifndef LEDGER_SITE_WEB_ASSETS_H_
#define LEDGER_SITE_WEB_ASSETS_H_

#include <string_view>
#include <vector>

namespace ledger::site {

struct WebAsset {
  std::string_view path;   // relative to web/, e.g. "js/site.js"
  std::string_view bytes;  // the file, byte for byte
};

// Every file under web/ at build time, ordered by path.
const std::vector<WebAsset>& WebAssets();

}  // namespace ledger::site

#endif  // LEDGER_SITE_WEB_ASSETS_H_
