// LedgerClient: a small client of LedgerService and CompactService for
// ledgerctl, tests and benchmarks. Dials plaintext or TLS (optionally with a
// client certificate), sends a bearer token when given one, and turns
// grpc::Status into absl::Status.
//
// Plaintext goes only to loopback when it matters: a client refuses to send
// a bearer token, or to record, without TLS to an address that is not
// loopback (services/address.h), since anyone on the path could read the
// token or change what is recorded.
//
// Thread-safety: thread-safe; one client (one channel) may be shared by many
// threads.
#ifndef LEDGER_SERVICES_CLIENT_H_
#define LEDGER_SERVICES_CLIENT_H_

#include <memory>
#include <string>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "compact/v1/compact_service.grpc.pb.h"
#include "ledger/v1/ledger_service.grpc.pb.h"
#include "services/status.h"

namespace ledger::services {

struct ClientOptions {
  // "host:port" of the server.
  std::string target;
  // PEM file of the CA that signed the server's certificate; set to use TLS.
  // Default: none (plaintext).
  std::string ca_file;
  // Client certificate and key (mutual TLS). Default: none.
  std::string cert_file;
  std::string key_file;
  // Host name to check the server certificate against, when it differs from
  // the target's host. Default: the target's.
  std::string server_name;
  // Bearer token sent with every call. Default: none.
  std::string token;
  // The caller will record through this client. Default: false.
  bool records = false;
  // Per-call deadline. Default: 30 s.
  absl::Duration timeout = absl::Seconds(30);
  // Use a channel of its own rather than one shared with other clients of the
  // same target (benchmarks spread load over connections this way).
  // Default: false.
  bool own_connection = false;
};

class LedgerClient {
 public:
  // NotFound when a PEM file cannot be read; InvalidArgument for a token or
  // `records` over plaintext (no ca_file) to a target that is not loopback,
  // or a client certificate without TLS. Does not dial yet.
  static absl::StatusOr<std::unique_ptr<LedgerClient>> Connect(const ClientOptions& options);

  ledger::v1::LedgerService::Stub& ledger() { return *ledger_; }
  compact::v1::CompactService::Stub& compact() { return *compact_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // A context with the token and deadline set.
  std::unique_ptr<grpc::ClientContext> NewContext() const;
  // A context with the token and no deadline, for a stream that lasts as
  // long as it has data (reading a whole log): a fixed deadline would cut
  // off a large log however healthy the connection.
  std::unique_ptr<grpc::ClientContext> NewStreamContext() const;

  // One unary call: Call(&Stub::Method, stub, request).
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                             const Request&, Response*),
                                Stub& stub, const Request& request) const {
    auto context = NewContext();
    Response response;
    grpc::Status status = (stub.*method)(context.get(), request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    return response;
  }

 private:
  explicit LedgerClient(ClientOptions options) : options_(std::move(options)) {}

  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<ledger::v1::LedgerService::Stub> ledger_;
  std::unique_ptr<compact::v1::CompactService::Stub> compact_;
};

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_CLIENT_H_
