// AbslView: a std::string_view as an absl::string_view. Debian 12's Abseil
// is built with its own string_view type (ABSL_USES_STD_STRING_VIEW off),
// so the two do not convert implicitly.
#ifndef LEDGER_BASE_ABSL_VIEW_H_
#define LEDGER_BASE_ABSL_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace ledger {

inline absl::string_view AbslView(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

}  // namespace ledger

#endif  // LEDGER_BASE_ABSL_VIEW_H_
