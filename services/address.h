// Whether a gRPC address names this machine only.
//
// The server allows plaintext and open access only on such an address, and
// clients send a bearer token or record over plaintext only to one. The
// answer comes from parsing the address, never from how a name begins: a
// host name such as "127.evil.example" is not loopback, whatever DNS says.
//
// Thread-safety: pure function.
#ifndef LEDGER_SERVICES_ADDRESS_H_
#define LEDGER_SERVICES_ADDRESS_H_

#include <string_view>

namespace ledger::services {

// True for "unix:" and "unix-abstract:" addresses, and for "host:port" (or
// "[host]:port", or a bare host) whose host is an IPv4 address in
// 127.0.0.0/8 (dotted quad), the IPv6 address ::1, or the name "localhost"
// (any case). A "dns:///" prefix is looked through. False for everything
// else, including other names, other IPv6 spellings of loopback mapped from
// IPv4, and an empty host (which listens everywhere).
bool IsLoopbackAddress(std::string_view address);

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_ADDRESS_H_
