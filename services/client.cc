#include "services/client.h"

#include <fstream>
#include <sstream>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "services/address.h"

namespace ledger::services {

namespace {

// Responses (state reports, histories) may be larger than gRPC's 4 MiB default.
constexpr int kMaxResponseBytes = 256 << 20;

absl::StatusOr<std::string> ReadPem(const std::string& path) {
  if (path.empty()) return std::string();
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials(const ClientOptions& o) {
  if (o.ca_file.empty()) {
    if (!o.cert_file.empty()) {
      return absl::InvalidArgumentError("a client certificate needs TLS: give --ca too");
    }
    if ((!o.token.empty() || o.records) && !IsLoopbackAddress(o.target)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "refusing to ", o.token.empty() ? "record" : "send a bearer token",
          " over plaintext to ", o.target,
          ", which is not a loopback address: give --ca FILE (the CA of the server's "
          "certificate) to use TLS"));
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  LEDGER_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPem(o.ca_file));
  LEDGER_ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadPem(o.cert_file));
  LEDGER_ASSIGN_OR_RETURN(ssl.pem_private_key, ReadPem(o.key_file));
  return grpc::SslCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::unique_ptr<LedgerClient>> LedgerClient::Connect(
    const ClientOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(auto credentials, Credentials(options));
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxResponseBytes);
  if (!options.server_name.empty()) args.SetSslTargetNameOverride(options.server_name);
  if (options.own_connection) args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  std::unique_ptr<LedgerClient> client(new LedgerClient(options));
  client->channel_ = grpc::CreateCustomChannel(options.target, credentials, args);
  client->ledger_ = ledger::v1::LedgerService::NewStub(client->channel_);
  client->compact_ = compact::v1::CompactService::NewStub(client->channel_);
  return client;
}

std::unique_ptr<grpc::ClientContext> LedgerClient::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!options_.token.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", options_.token));
  }
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(options_.timeout));
  return context;
}

std::unique_ptr<grpc::ClientContext> LedgerClient::NewStreamContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!options_.token.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", options_.token));
  }
  return context;
}

}  // namespace ledger::services
