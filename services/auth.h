// Who is calling, and may they do this.
//
// Callers are identified by a bearer token ("authorization: Bearer <token>"
// metadata) or by a verified TLS client certificate (its common name or a
// subject alternative name). The access file lists both, one rule a line:
//
//   # comments and blank lines are ignored
//   token <role> <name> <secret>   a bearer token; <name> is the identity
//   cert  <role> <identity>        a client certificate's CN or SAN
//
// Roles: auditor (read and prove), recorder (also record), admin
// (everything). The identity becomes the `actor` of every entry the caller
// records; no client-supplied string ever does.
//
// An open policy (no access file) treats every caller as "local" with role
// admin; the server allows that only on a loopback address. An access file
// is never an open policy: one without a rule is refused (it would let
// nobody in, and an empty file is more likely a mistake than a wish), and so
// is one that group or others may read or write (it holds secrets).
//
// Thread-safety: immutable after construction; const methods may be called
// concurrently.
#ifndef LEDGER_SERVICES_AUTH_H_
#define LEDGER_SERVICES_AUTH_H_

#include <map>
#include <string>
#include <string_view>

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"

namespace ledger::services {

enum class Role { kAuditor, kRecorder, kAdmin };
enum class Permission { kRead, kWrite };

// "auditor", "recorder", "admin".
const char* RoleName(Role role);

struct Principal {
  std::string name;
  Role role = Role::kAuditor;
};

// The identity used on an open (local, plaintext) server.
inline constexpr char kLocalIdentity[] = "local";

class AccessPolicy {
 public:
  // An open policy: everyone is kLocalIdentity, admin.
  AccessPolicy() = default;

  // Parses an access file's text. InvalidArgument naming the line for a
  // malformed rule, an unknown role, or a token or identity given twice;
  // InvalidArgument when no line is a rule (only comments and blank lines).
  static absl::StatusOr<AccessPolicy> Parse(std::string_view text);
  // Reads and parses the file. NotFound when it cannot be read;
  // InvalidArgument when group or others have any permission on it, or as
  // Parse.
  static absl::StatusOr<AccessPolicy> Load(const std::string& path);

  // True only for the default-constructed policy, never for a parsed one.
  bool open() const { return open_; }
  bool has_cert_rules() const { return !certs_.empty(); }

  // The caller of `context`, allowed `permission`. UNAUTHENTICATED when it
  // presents no known token or certificate; PERMISSION_DENIED when its role
  // does not allow `permission`.
  absl::StatusOr<Principal> Check(const grpc::ServerContextBase& context,
                                  Permission permission) const;

  // The same for a caller that presents only an HTTP Authorization header
  // (`serve --http`): `authorization` is its value, empty when absent.
  // UNAUTHENTICATED when it is absent, not "Bearer <token>", or an unknown
  // token; PERMISSION_DENIED when the role does not allow `permission`.
  // An open policy lets everyone in as kLocalIdentity, admin.
  absl::StatusOr<Principal> CheckBearer(std::string_view authorization,
                                        Permission permission) const;

 private:
  absl::StatusOr<Principal> Authenticate(const grpc::ServerContextBase& context) const;
  // The principal of an "authorization" value "Bearer <token>".
  absl::StatusOr<Principal> FromBearer(std::string_view value) const;
  // `principal` if its role allows `permission`, else PERMISSION_DENIED.
  static absl::StatusOr<Principal> Allow(Principal principal, Permission permission);

  bool open_ = true;
  // Hex SHA-256 of the secret -> principal: secrets are never kept.
  std::map<std::string, Principal> tokens_;
  // Certificate identity -> principal.
  std::map<std::string, Principal> certs_;
};

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_AUTH_H_
