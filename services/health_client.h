// Client side of the standard grpc.health.v1.Health/Check, without the
// health proto (Debian ships none): the request and response are encoded by
// hand. Used by tests, benchmarks (as the "empty unary call" baseline) and
// anyone waiting for a server to come up.
//
// Thread-safety: thread-safe.
#ifndef LEDGER_SERVICES_HEALTH_CLIENT_H_
#define LEDGER_SERVICES_HEALTH_CLIENT_H_

#include <memory>
#include <string>

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ledger::services {

class HealthClient {
 public:
  explicit HealthClient(std::shared_ptr<grpc::Channel> channel) : stub_(std::move(channel)) {}

  // True when the server reports SERVING for `service` ("" = the server).
  absl::StatusOr<bool> Check(const std::string& service = "",
                             absl::Duration timeout = absl::Seconds(5));

 private:
  grpc::GenericStub stub_;
};

// Calls grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo with
// list_services and returns the raw response bytes (they hold the service
// names).
absl::StatusOr<std::string> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout = absl::Seconds(5));

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_HEALTH_CLIENT_H_
