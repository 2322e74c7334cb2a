#include "services/server.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "ledger/audit/checkpointer.h"
#include "ledger/audit/key_file.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/checkpoint.h"

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

absl::Status CheckLimits(const ServerOptions& o) {
  if (o.max_receive_message_bytes < kMinReceiveMessageBytes ||
      o.max_receive_message_bytes > kMaxReceiveMessageBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--max-message-bytes ", o.max_receive_message_bytes, " is out of range: give ",
        kMinReceiveMessageBytes, " (64 KiB, one entry of the largest size) to ",
        kMaxReceiveMessageBytes, " (64 MiB, what one call may make the server hold)"));
  }
  if (o.max_threads < kMinThreads || o.max_threads > kMaxThreads) {
    return absl::InvalidArgumentError(absl::StrCat("--max-threads ", o.max_threads,
                                                   " is out of range: give ", kMinThreads,
                                                   " to ", kMaxThreads));
  }
  if (o.max_pollers < 1 || o.max_pollers > o.max_threads / 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max pollers ", o.max_pollers, " is out of range: give 1 to half of --max-threads (",
        o.max_threads / 2, ")"));
  }
  if (o.max_read_streams < 1 || o.max_read_streams > o.max_threads / 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--max-read-streams ", o.max_read_streams, " is out of range: give 1 to half of "
        "--max-threads (", o.max_threads / 2, "), so that unary calls always find a thread"));
  }
  if (o.max_read_streams_per_caller < 1 ||
      o.max_read_streams_per_caller > o.max_read_streams) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--max-read-streams-per-caller ", o.max_read_streams_per_caller,
        " is out of range: give 1 to --max-read-streams (", o.max_read_streams, ")"));
  }
  if (o.max_recording_requests < 1 || o.max_recording_requests > kMaxRecordingRequests) {
    return absl::InvalidArgumentError(absl::StrCat("--max-recording-requests ",
                                                   o.max_recording_requests,
                                                   " is out of range: give 1 to ",
                                                   kMaxRecordingRequests));
  }
  if (o.max_recording_bytes < kMinRecordingBytes || o.max_recording_bytes > kMaxRecordingBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--max-recording-bytes ", o.max_recording_bytes, " is out of range: give ",
        kMinRecordingBytes, " (1 MiB) to ", kMaxRecordingBytes, " (4 GiB)"));
  }
  return absl::OkStatus();
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

absl::Status LedgerServer::LoadSigners() {
  const ServerOptions& o = options_;
  if (o.sign_key_files.empty()) {
    if (!o.origin.empty()) {
      return absl::InvalidArgumentError(
          "--origin names the log in its signed checkpoints: it needs --sign-key FILE");
    }
    if (!o.witness_policy_file.empty()) {
      return absl::InvalidArgumentError(
          "--witness-policy asks witnesses to cosign the log's checkpoints: it needs "
          "--sign-key FILE");
    }
    return absl::OkStatus();
  }
  if (o.checkpoint_interval < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the checkpoint interval is negative (", absl::FormatDuration(o.checkpoint_interval),
        "); give 0 to sign after every commit"));
  }
  if (!o.witness_policy_file.empty()) {
    LEDGER_ASSIGN_OR_RETURN(witness_policy_, witness::ReadPolicyFile(o.witness_policy_file));
  }
  for (const std::string& file : o.sign_key_files) {
    auto signer = audit::ReadPrivateKeyFile(file);
    if (!signer.ok()) {
      // Missing or unreadable files keep their code; anything else is a file
      // that must not be used as a key: a refused configuration.
      const absl::StatusCode code = signer.status().code();
      return absl::Status(
          code == absl::StatusCode::kNotFound || code == absl::StatusCode::kUnavailable
              ? code
              : absl::StatusCode::kInvalidArgument,
          absl::StrCat("signing key file ", file, ": ", signer.status().message()));
    }
    for (const log::NoteSigner& other : signers_) {
      if (other.name() == signer->name() && other.key_id() == signer->key_id()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "signing key file ", file, " holds key ", signer->verifier().Label(),
            ", which another --sign-key gives already"));
      }
    }
    signers_.push_back(*std::move(signer));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<LedgerServer>> LedgerServer::Start(const ServerOptions& options) {
  std::unique_ptr<LedgerServer> s(new LedgerServer());
  s->options_ = options;
  LEDGER_RETURN_IF_ERROR(CheckLimits(options));
  LEDGER_ASSIGN_OR_RETURN(auto credentials, Credentials(options));
  LEDGER_ASSIGN_OR_RETURN(s->access_, Access(options));
  LEDGER_RETURN_IF_ERROR(s->LoadSigners());  // before the database is touched
  log::LogOptions log_options;
  log_options.path = options.db;
  log_options.group_commit = options.group_commit;
  log_options.env = options.env;
  LEDGER_ASSIGN_OR_RETURN(s->ledger_, CompactLedger::Open(log_options));
  if (s->signs_checkpoints()) {
    checkpointing::CheckpointPublisherOptions publishing;
    publishing.signers = s->signers_;
    publishing.origin = options.origin;
    publishing.interval = options.checkpoint_interval;
    publishing.witnesses = s->witness_policy_;
    publishing.witness_deadline = options.witness_deadline;
    publishing.messages = options.log;
    publishing.on_publishing = [server = s.get()](bool publishing) {
      server->PublishingChanged(publishing);
    };
    LEDGER_ASSIGN_OR_RETURN(s->publisher_, checkpointing::CheckpointPublisher::Create(
                                               s->ledger_->log(), std::move(publishing)));
  }
  s->recording_budget_ = std::make_unique<RecordingBudget>(
      static_cast<size_t>(options.max_recording_requests),
      static_cast<size_t>(options.max_recording_bytes));
  s->read_streams_ = std::make_unique<ReadStreamSlots>(
      static_cast<size_t>(options.max_read_streams),
      static_cast<size_t>(options.max_read_streams_per_caller));
  s->write_health_.SetOnFailure([server = s.get()](const absl::Status& error) {
    server->WriteFailed(error);
  });
  s->ledger_service_ = std::make_unique<LedgerServiceImpl>(
      *s->ledger_, s->access_, *s->recording_budget_, *s->read_streams_, s->write_health_,
      s->signs_checkpoints());
  s->compact_service_ = std::make_unique<CompactServiceImpl>(
      *s->ledger_, s->access_, *s->recording_budget_, s->write_health_);

  // Debian's abseil is built with absl::Mutex deadlock detection on, a
  // debugging aid that records a lock graph on every gRPC mutex operation
  // (several per cent of a loaded server's CPU). Process-wide, and only a
  // diagnostic: a server turns it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &s->port_);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  // Reads run on gRPC's synchronous pool; with its default of two polling
  // threads, every call that finds both busy (a long ReadLog, a Subscribe)
  // makes the pool start a new thread.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              options.max_pollers);
  // Without a quota the pool starts a thread for every call that finds
  // none idle: a flood of slow reads would cost a thread each.
  grpc::ResourceQuota quota("ledger-server");
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  builder.RegisterService(s->ledger_service_.get());
  builder.RegisterService(s->compact_service_.get());
  {
    // A recording may fail (and WriteFailed run) as soon as the server
    // starts: it waits for server_ and sees the health set below.
    absl::MutexLock lock(&s->health_mu_);
    s->server_ = builder.BuildAndStart();
    if (s->server_ == nullptr || s->port_ == 0) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen));
    }
    // The services by name too: a health service answers only the names it
    // was given (NOT_FOUND for the others).
    const bool serving = !s->write_health_.failed();
    for (const char* name : {"", "ledger.v1.LedgerService", "compact.v1.CompactService"}) {
      s->server_->GetHealthCheckService()->SetServingStatus(name, serving);
    }
    if (s->publisher_ != nullptr) {
      s->server_->GetHealthCheckService()->SetServingStatus(kPublishingHealth, serving);
    }
  }
  *options.log << "serving ledger.v1.LedgerService, compact.v1.CompactService, health and "
               << "reflection on " << s->address() << " (database " << options.db << ", "
               << s->ledger_->log().Size() << " entries)" << std::endl;
  *options.log << "limits: " << options.max_threads << " threads for reads, "
               << options.max_read_streams << " streaming reads ("
               << options.max_read_streams_per_caller << " per caller), "
               << options.max_recording_requests << " recording requests and "
               << options.max_recording_bytes << " bytes in flight" << std::endl;
  if (s->publisher_ != nullptr) {
    *options.log << s->publisher_->Describe() << std::endl;
    // Started last, so that a failed Start never leaves it running, and
    // after the lines above, so that it never writes to the log stream
    // concurrently with Start.
    s->publisher_->Start();
  } else {
    *options.log << "not signing checkpoints (no --sign-key): GetCheckpoint gives the "
                 << "unsigned tree head" << std::endl;
  }
  return s;
}

void LedgerServer::WriteFailed(const absl::Status& error) {
  absl::MutexLock lock(&health_mu_);
  *options_.log << "ERROR: the ledger cannot write: " << error.message()
                << "\nhealth now answers NOT_SERVING; recordings are refused until the server "
                   "is restarted (reads go on)"
                << std::endl;
  if (server_ != nullptr) server_->GetHealthCheckService()->SetServingStatus(false);
}

void LedgerServer::PublishingChanged(bool publishing) {
  absl::MutexLock lock(&health_mu_);
  // Before Start has built the server there is nothing to tell (the first
  // publication runs after it); after a failed write everything stays
  // NOT_SERVING.
  if (server_ == nullptr || write_health_.failed()) return;
  server_->GetHealthCheckService()->SetServingStatus(kPublishingHealth, publishing);
}

LedgerServer::~LedgerServer() { Shutdown(absl::ZeroDuration()); }

std::string LedgerServer::address() const {
  const std::string host = options_.listen.substr(0, options_.listen.rfind(':'));
  return absl::StrCat(host, ":", port_);
}

void LedgerServer::Shutdown(absl::Duration grace) {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  server_->GetHealthCheckService()->SetServingStatus(false);
  ledger_service_->StopStreams();
  server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace));
  server_->Wait();
  // No call can append now: stop the publisher and cover the final size.
  if (publisher_ != nullptr) {
    publisher_->Stop();
    const uint64_t before = publisher_->published_size();
    publisher_->PublishIfGrown();
    if (publisher_->published_size() > before) {
      *options_.log << "signed the final checkpoint, tree size "
                    << publisher_->published_size() << std::endl;
    }
  }
  ledger_.reset();  // closes the database; every acknowledged append is synced
  *options_.log << "server stopped" << std::endl;
}

void LedgerServer::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace ledger::services
