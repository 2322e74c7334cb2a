// What a cpp-httplib client error means, for messages a person reads:
// httplib's own names ("Connection", "Read") say little to someone who
// only ran a command.
//
// Thread-safety: a pure function.
#ifndef LEDGER_BASE_HTTP_ERROR_H_
#define LEDGER_BASE_HTTP_ERROR_H_

#include <httplib.h>

#include <string>

namespace ledger {

inline std::string DescribeHttpError(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "no connection (refused, or the host is unreachable or unknown)";
    case httplib::Error::ConnectionTimeout:
      return "no connection before the timeout";
    case httplib::Error::Read:
      return "the connection broke, or timed out, while reading the answer";
    case httplib::Error::Write:
      return "the connection broke while sending the request";
    case httplib::Error::SSLConnection:
      return "the TLS handshake failed";
    case httplib::Error::SSLLoadingCerts:
      return "the trusted CA certificates could not be loaded";
    case httplib::Error::SSLServerVerification:
      return "the server's TLS certificate does not verify";
    case httplib::Error::Canceled:
      return "the request was cancelled";
    default:
      return httplib::to_string(error);
  }
}

}  // namespace ledger

#endif  // LEDGER_BASE_HTTP_ERROR_H_
