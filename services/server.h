// LedgerServer: the gRPC server of Compact Ledger. Opens the ledger, serves
// LedgerService and CompactService with grpc.health.v1 health checking and
// server reflection, and shuts down gracefully.
//
// Transport security: with tls_cert_file/tls_key_file the server speaks TLS;
// with client_ca_file it also asks for client certificates and verifies
// them (mutual TLS; a client may still authenticate with a bearer token
// instead). Without TLS it refuses to listen anywhere but loopback, and
// logs that it runs without TLS. Without an access file every caller is
// "local" (admin), again only on loopback; the server logs that too.
//
// Thread-safety: Start, port, Shutdown and Wait may be called from any
// thread; Shutdown is idempotent.
#ifndef LEDGER_SERVICES_SERVER_H_
#define LEDGER_SERVICES_SERVER_H_

#include <cstdint>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>

#include <grpcpp/server.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ledger/compact_ledger.h"
#include "services/auth.h"
#include "services/compact_service.h"
#include "services/ledger_service.h"

namespace ledger::services {

struct ServerOptions {
  // Directory of the ledger database; created when missing.
  std::string db;
  // "host:port"; port 0 picks a free port (see LedgerServer::port()).
  // Default: 127.0.0.1:0.
  std::string listen = "127.0.0.1:0";
  // PEM files of the server's certificate chain and private key. Both or
  // neither. Default: none (plaintext, loopback only).
  std::string tls_cert_file;
  std::string tls_key_file;
  // PEM file of the CA that signs client certificates (mutual TLS). Needs
  // TLS, and an access file with `cert` rules to give identities roles.
  std::string client_ca_file;
  // The access file (services/auth.h). Default: none (open, loopback only).
  std::string access_file;
  // Largest request message accepted; larger ones are RESOURCE_EXHAUSTED.
  // Default: 4 MiB.
  int max_receive_message_bytes = 4 << 20;
  // Commit concurrent appends together (log::LogOptions::group_commit).
  // Default: true; benchmarks turn it off for their baseline.
  bool group_commit = true;
  // Where start-up and shutdown lines go. Default: std::cerr.
  std::ostream* log = &std::cerr;
};

// True for 127.0.0.0/8, ::1, localhost and unix: addresses.
bool IsLoopbackAddress(const std::string& listen);

class LedgerServer {
 public:
  // Opens the ledger and starts serving. InvalidArgument for a refused
  // configuration (plaintext or open access off loopback, half a TLS key
  // pair, mTLS without cert rules); NotFound for unreadable files;
  // Unavailable when the address cannot be bound; the ledger's own errors
  // when it does not open (DataLoss for a log that does not verify).
  static absl::StatusOr<std::unique_ptr<LedgerServer>> Start(const ServerOptions& options);
  ~LedgerServer();
  LedgerServer(const LedgerServer&) = delete;
  LedgerServer& operator=(const LedgerServer&) = delete;

  // The bound port.
  int port() const { return port_; }
  // "127.0.0.1:<port>" style address clients can dial.
  std::string address() const;

  // Stops accepting calls, ends subscriptions, lets in-flight calls finish
  // until `deadline` (then cancels them), and closes the ledger. Every
  // acknowledged append is durable before and after.
  void Shutdown(absl::Duration grace = absl::Seconds(5));
  // Blocks until the server has shut down.
  void Wait();

  CompactLedger& ledger() { return *ledger_; }

 private:
  LedgerServer() = default;

  ServerOptions options_;
  std::unique_ptr<CompactLedger> ledger_;
  AccessPolicy access_;
  std::unique_ptr<LedgerServiceImpl> ledger_service_;
  std::unique_ptr<CompactServiceImpl> compact_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::mutex shutdown_mu_;
  bool shut_down_ = false;  // guarded by shutdown_mu_
};

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_SERVER_H_
