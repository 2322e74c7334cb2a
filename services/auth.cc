#include "services/auth.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "ledger/log/hash.h"

namespace ledger::services {

namespace {

constexpr char kBearer[] = "Bearer ";

absl::StatusOr<Role> ParseRole(std::string_view text) {
  if (text == "auditor") return Role::kAuditor;
  if (text == "recorder") return Role::kRecorder;
  if (text == "admin") return Role::kAdmin;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown role \"", std::string(text), "\": use auditor, recorder or admin"));
}

std::string TokenKey(std::string_view secret) { return log::ToHex(log::Sha256(secret)); }

bool Allows(Role role, Permission permission) {
  return permission == Permission::kRead || role != Role::kAuditor;
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAuditor: return "auditor";
    case Role::kRecorder: return "recorder";
    case Role::kAdmin: return "admin";
  }
  return "unknown";
}

absl::StatusOr<AccessPolicy> AccessPolicy::Parse(std::string_view text) {
  AccessPolicy policy;
  policy.open_ = false;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("access file line ", number, ": ",
                                                     std::string(why)));
    };
    const bool token = f[0] == "token" && f.size() == 4;
    const bool cert = f[0] == "cert" && f.size() == 3;
    if (!token && !cert) {
      return bad("expected `token <role> <name> <secret>` or `cert <role> <identity>`");
    }
    auto role = ParseRole(f[1]);
    if (!role.ok()) return bad(role.status().message());
    Principal principal{f[2], *role};
    auto& rules = token ? policy.tokens_ : policy.certs_;
    const std::string key = token ? TokenKey(f[3]) : f[2];
    if (!rules.emplace(key, principal).second) {
      return bad(token ? "this token is listed twice" : "this identity is listed twice");
    }
  }
  if (policy.tokens_.empty() && policy.certs_.empty()) {
    return absl::InvalidArgumentError(
        "the access file has no rule (only comments or blank lines), so it would let nobody "
        "in: add a `token <role> <name> <secret>` or `cert <role> <identity>` line; to "
        "revoke every caller, stop the server");
  }
  return policy;
}

absl::StatusOr<AccessPolicy> AccessPolicy::Load(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot read access file ", path, ": ", std::strerror(errno)));
  }
  struct stat st;
  const bool stat_ok = ::fstat(fd, &st) == 0;
  std::string text;
  if (stat_ok && (st.st_mode & (S_IRWXG | S_IRWXO)) == 0) {
    char buffer[8192];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof(buffer))) != 0;) {
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        ::close(fd);
        return absl::NotFoundError(absl::StrCat("cannot read access file ", path));
      }
      text.append(buffer, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  if (!stat_ok) return absl::NotFoundError(absl::StrCat("cannot stat access file ", path));
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return absl::InvalidArgumentError(absl::StrCat(
        "access file ", path, " may be read or written by others (mode ", mode,
        "): it holds bearer tokens; run `chmod 600 ", path, "`"));
  }
  auto policy = Parse(text);
  if (!policy.ok()) {
    return absl::Status(policy.status().code(),
                        absl::StrCat(path, ": ", policy.status().message()));
  }
  return policy;
}

absl::StatusOr<Principal> AccessPolicy::Authenticate(
    const grpc::ServerContextBase& context) const {
  if (open()) return Principal{kLocalIdentity, Role::kAdmin};
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    return FromBearer(std::string_view(it->second.data(), it->second.size()));
  }
  const auto auth = context.auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    std::string seen;
    for (const char* property : {"x509_subject_alternative_name", "x509_common_name"}) {
      for (const auto& value : auth->FindPropertyValues(property)) {
        const std::string identity(value.data(), value.size());
        if (auto found = certs_.find(identity); found != certs_.end()) return found->second;
        seen = identity;
      }
    }
    return absl::PermissionDeniedError(absl::StrCat(
        "client certificate \"", seen, "\" has no role: add `cert <role> ", seen,
        "` to the server's access file"));
  }
  return absl::UnauthenticatedError(
      "no credentials: send `authorization: Bearer <token>` metadata or a client "
      "certificate the server trusts");
}

absl::StatusOr<Principal> AccessPolicy::FromBearer(std::string_view value) const {
  if (!value.starts_with(kBearer)) {
    return absl::UnauthenticatedError("authorization must be `Bearer <token>`");
  }
  auto found = tokens_.find(TokenKey(value.substr(sizeof(kBearer) - 1)));
  if (found == tokens_.end()) {
    return absl::UnauthenticatedError(
        "unknown bearer token: ask an admin to list it in the server's access file");
  }
  return found->second;
}

absl::StatusOr<Principal> AccessPolicy::Allow(Principal principal, Permission permission) {
  if (!Allows(principal.role, permission)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "\"", principal.name, "\" is an ", RoleName(principal.role),
        ": auditors read and prove but never record; ask an admin for the recorder role"));
  }
  return principal;
}

absl::StatusOr<Principal> AccessPolicy::Check(const grpc::ServerContextBase& context,
                                              Permission permission) const {
  absl::StatusOr<Principal> principal = Authenticate(context);
  if (!principal.ok()) return principal;
  return Allow(*std::move(principal), permission);
}

absl::StatusOr<Principal> AccessPolicy::CheckBearer(std::string_view authorization,
                                                    Permission permission) const {
  if (open()) return Principal{kLocalIdentity, Role::kAdmin};
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        "this ledger is private: send `Authorization: Bearer <token>` with a token from the "
        "server's access file");
  }
  absl::StatusOr<Principal> principal = FromBearer(authorization);
  if (!principal.ok()) return principal;
  return Allow(*std::move(principal), permission);
}

}  // namespace ledger::services
