#include "services/server.h"

#include <fstream>
#include <sstream>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"

namespace ledger::services {

namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", what, " ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const ServerOptions& o) {
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return absl::InvalidArgumentError("give both --tls-cert and --tls-key, or neither");
  }
  if (o.tls_cert_file.empty()) {
    if (!o.client_ca_file.empty()) {
      return absl::InvalidArgumentError("--client-ca (mutual TLS) needs --tls-cert and --tls-key");
    }
    if (!IsLoopbackAddress(o.listen)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "refusing plaintext on ", o.listen,
          ": plaintext is allowed only on loopback; give --tls-cert and --tls-key"));
    }
    *o.log << "WARNING: running WITHOUT TLS (plaintext, loopback only)\n";
    return grpc::InsecureServerCredentials();
  }
  LEDGER_ASSIGN_OR_RETURN(std::string cert, ReadPem(o.tls_cert_file, "TLS certificate"));
  LEDGER_ASSIGN_OR_RETURN(std::string key, ReadPem(o.tls_key_file, "TLS key"));
  grpc::SslServerCredentialsOptions ssl(
      o.client_ca_file.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                               : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  if (!o.client_ca_file.empty()) {
    LEDGER_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPem(o.client_ca_file, "client CA"));
  }
  ssl.pem_key_cert_pairs.push_back({key, cert});
  *o.log << "TLS on; client certificates "
         << (o.client_ca_file.empty() ? "not requested" : "requested and verified (mTLS)")
         << "\n";
  return grpc::SslServerCredentials(ssl);
}

absl::StatusOr<AccessPolicy> Access(const ServerOptions& o) {
  if (o.access_file.empty()) {
    if (!IsLoopbackAddress(o.listen)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "refusing open access on ", o.listen, ": give --tokens FILE (an access file)"));
    }
    *o.log << "no access file: every caller is recorded as \"" << kLocalIdentity
           << "\" with role admin (loopback only)\n";
    return AccessPolicy();
  }
  LEDGER_ASSIGN_OR_RETURN(AccessPolicy policy, AccessPolicy::Load(o.access_file));
  if (policy.has_cert_rules() && o.client_ca_file.empty()) {
    return absl::InvalidArgumentError(
        "the access file has `cert` rules but no --client-ca is given to verify certificates");
  }
  return policy;
}

}  // namespace

bool IsLoopbackAddress(const std::string& listen) {
  if (absl::StartsWith(listen, "unix:")) return true;
  std::string host = listen.substr(0, listen.rfind(':'));
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) {
    host = host.substr(1, host.size() - 2);
  }
  return host == "localhost" || host == "::1" || absl::StartsWith(host, "127.");
}

absl::StatusOr<std::unique_ptr<LedgerServer>> LedgerServer::Start(const ServerOptions& options) {
  std::unique_ptr<LedgerServer> s(new LedgerServer());
  s->options_ = options;
  LEDGER_ASSIGN_OR_RETURN(auto credentials, Credentials(options));
  LEDGER_ASSIGN_OR_RETURN(s->access_, Access(options));
  log::LogOptions log_options;
  log_options.path = options.db;
  log_options.group_commit = options.group_commit;
  LEDGER_ASSIGN_OR_RETURN(s->ledger_, CompactLedger::Open(log_options));
  s->ledger_service_ = std::make_unique<LedgerServiceImpl>(*s->ledger_, s->access_);
  s->compact_service_ = std::make_unique<CompactServiceImpl>(*s->ledger_, s->access_);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &s->port_);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.RegisterService(s->ledger_service_.get());
  builder.RegisterService(s->compact_service_.get());
  s->server_ = builder.BuildAndStart();
  if (s->server_ == nullptr || s->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen));
  }
  s->server_->GetHealthCheckService()->SetServingStatus(true);
  *options.log << "serving ledger.v1.LedgerService, compact.v1.CompactService, health and "
               << "reflection on " << s->address() << " (database " << options.db << ", "
               << s->ledger_->log().Size() << " entries)" << std::endl;
  return s;
}

LedgerServer::~LedgerServer() { Shutdown(absl::ZeroDuration()); }

std::string LedgerServer::address() const {
  const std::string host = options_.listen.substr(0, options_.listen.rfind(':'));
  return absl::StrCat(host, ":", port_);
}

void LedgerServer::Shutdown(absl::Duration grace) {
  std::lock_guard<std::mutex> lock(shutdown_mu_);
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  server_->GetHealthCheckService()->SetServingStatus(false);
  ledger_service_->StopSubscriptions();
  server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace));
  server_->Wait();
  ledger_.reset();  // closes the database; every acknowledged append is synced
  *options_.log << "server stopped" << std::endl;
}

void LedgerServer::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace ledger::services
