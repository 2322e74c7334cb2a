// HttpServer: `ledgerctl serve --http ADDR`. Serves a ledger's published
// files (file_handler.h: the tlog-tiles, then the web view) over HTTP/1.1
// with cpp-httplib (Debian libcpp-httplib-dev), beside the gRPC server and
// from the same live ledger. Reads only.
//
// Transport and access follow the gRPC server's rules (services/server.h):
// TLS with the given certificate and key; without TLS it listens only on a
// loopback address, and says at start that it runs in plaintext. With an
// access file every request needs a bearer token it lists (a private
// ledger); without one anyone who can reach the address reads, and the
// server says so at start.
//
// Thread-safety: Start, port, address and Shutdown may be called from any
// thread; Shutdown is idempotent. Requests are answered on cpp-httplib's
// thread pool.
#ifndef LEDGER_SERVICES_HTTP_HTTP_SERVER_H_
#define LEDGER_SERVICES_HTTP_HTTP_SERVER_H_

#include <atomic>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ledger/compact_ledger.h"
#include "ledger/publication/file_source.h"
#include "ledger/witness/policy.h"
#include "services/http/file_handler.h"

namespace httplib {
class Server;
}

namespace ledger::services::http {

struct HttpOptions {
  // "host:port" or "[v6]:port"; port 0 picks a free port. Default:
  // 127.0.0.1:0.
  std::string listen = "127.0.0.1:0";
  // PEM certificate chain and private key: both (TLS) or neither.
  std::string tls_cert_file;
  std::string tls_key_file;
  // The access file (services/auth.h); its bearer tokens may read. Default:
  // none (open).
  std::string access_file;
  // Where the start-up lines go. Default: std::cerr.
  std::ostream* log = &std::cerr;
};

// The files a ledger publishes, in the order the handler asks them: its
// tlog-tiles (ledger/tiles TileFiles), then its web view (LiveSite), whose
// pages check the cosignatures of `witnesses`' quorum when it is given.
// `ledger` must outlive them.
std::vector<std::unique_ptr<publication::FileSource>> LedgerFileSources(
    const CompactLedger& ledger, std::optional<witness::Policy> witnesses = {});

// Makes `server` fail to bind a port another socket listens on (cpp-httplib
// would share it), and answer without Nagle's delay (an answer that does
// not fill a packet would otherwise wait up to 40 ms for the client's
// delayed ACK on a keep-alive connection: 25 answers a second). Every
// cpp-httplib server of the ledger calls this before binding.
void ConfigureServerSockets(httplib::Server& server);

class HttpServer {
 public:
  // Binds and starts serving `sources`. InvalidArgument for half a TLS key
  // pair, plaintext off loopback, a malformed address, a certificate or key
  // that does not load, or an access file that does not parse (as
  // AccessPolicy::Load; NotFound when it cannot be read); Unavailable when
  // the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const HttpOptions& options, std::vector<std::unique_ptr<publication::FileSource>> sources);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port.
  int port() const { return port_; }
  // "http://host:port" or "https://host:port".
  std::string url() const;

  // Stops accepting connections and waits for the listener to finish.
  void Shutdown();

 private:
  HttpServer() = default;

  std::unique_ptr<FileHandler> handler_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  std::atomic<bool> listener_done_ = false;  // listen_after_bind returned
  std::string host_;
  bool tls_ = false;
  int port_ = 0;
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

}  // namespace ledger::services::http

#endif  // LEDGER_SERVICES_HTTP_HTTP_SERVER_H_
