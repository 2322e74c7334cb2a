#include "services/address.h"

#include <arpa/inet.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace ledger::services {

namespace {

// The host part of "host:port", "[host]:port", "[host]" or a bare host;
// nothing when the address is malformed (an unclosed bracket).
bool SplitHost(std::string_view address, std::string_view& host) {
  if (address.starts_with("[")) {
    const size_t close = address.find(']');
    if (close == std::string_view::npos) return false;
    const std::string_view rest = address.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return false;
    host = address.substr(1, close - 1);
    return true;
  }
  const size_t first = address.find(':');
  // Two colons or more without brackets: a bare IPv6 address, no port.
  host = first == std::string_view::npos || address.find(':', first + 1) != std::string_view::npos
             ? address
             : address.substr(0, first);
  return true;
}

}  // namespace

bool IsLoopbackAddress(std::string_view address) {
  if (address.starts_with("unix:") || address.starts_with("unix-abstract:")) {
    return true;
  }
  if (address.starts_with("dns:///")) address.remove_prefix(7);
  std::string_view host;
  if (!SplitHost(address, host) || host.empty()) return false;
  if (absl::EqualsIgnoreCase(absl::string_view(host.data(), host.size()), "localhost")) return true;
  const std::string text(host);
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

}  // namespace ledger::services
