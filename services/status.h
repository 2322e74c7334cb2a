// The one place where absl::Status meets grpc::Status. Inside the services
// everything is absl::Status; handlers convert at the boundary only.
//
// Pure functions; thread-safe.
#ifndef LEDGER_SERVICES_STATUS_H_
#define LEDGER_SERVICES_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace ledger::services {

// Maps the code 1:1 (the two enums share their values) and keeps the
// message, which the core words so that a person can act on it.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The inverse, for clients.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_STATUS_H_
