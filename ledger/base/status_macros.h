// Early-return helpers for absl::Status and absl::StatusOr, the one error
// style used throughout Compact Ledger's core.
#ifndef LEDGER_BASE_STATUS_MACROS_H_
#define LEDGER_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Evaluates `expr` (an absl::Status) and returns it from the current
// function if it is not OK.
#define LEDGER_RETURN_IF_ERROR(expr)                \
  do {                                              \
    ::absl::Status ledger_status_ = (expr);         \
    if (!ledger_status_.ok()) return ledger_status_; \
  } while (0)

#define LEDGER_STATUS_CONCAT_INNER_(a, b) a##b
#define LEDGER_STATUS_CONCAT_(a, b) LEDGER_STATUS_CONCAT_INNER_(a, b)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status,
// otherwise moves the value into `lhs` (which may be a declaration).
#define LEDGER_ASSIGN_OR_RETURN(lhs, rexpr) \
  LEDGER_ASSIGN_OR_RETURN_IMPL_(            \
      LEDGER_STATUS_CONCAT_(ledger_statusor_, __LINE__), lhs, rexpr)

#define LEDGER_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                  \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = std::move(statusor).value()

#endif  // LEDGER_BASE_STATUS_MACROS_H_
