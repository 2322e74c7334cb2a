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
// Signed checkpoints: with sign_key_files the server publishes C2SP
// checkpoints (docs/FORMAT.md) of its log through a
// checkpointing::CheckpointPublisher: a background thread waits for the log
// to grow, signs the new tree head with every key, asks the witnesses of
// witness_policy_file (if given) to cosign it, and stores it with their
// cosignatures, at most once per checkpoint_interval; GetCheckpoint and
// ListCheckpoints serve the stored notes. At shutdown, once no call can
// append any more, the publisher stops and the final size is signed if the
// log grew since the last checkpoint, so a server that stops cleanly leaves
// every entry covered. Without keys nothing is signed (GetCheckpoint gives
// the unsigned tree head).
//
// Health: grpc.health.v1 answers SERVING once the server is up, and
// NOT_SERVING (for the server and each service) from the first recording
// that fails because the ledger cannot write (services/write_health.h)
// until the server is restarted; the log says why. Reads go on meanwhile.
// A server that signs checkpoints also answers for kPublishingHealth
// ("ledger.checkpoints"): NOT_SERVING while the grown log's checkpoint
// cannot be published (not signed or stored, or its witness quorum not
// met: the published checkpoint lags the log and the log says why),
// SERVING again once one is. Recording is not affected, so the server
// itself stays SERVING: a load balancer keeps sending it work while a
// monitor sees that publication lags.
//
// Thread-safety: Start, port, Shutdown and Wait may be called from any
// thread; Shutdown is idempotent.
#ifndef LEDGER_SERVICES_SERVER_H_
#define LEDGER_SERVICES_SERVER_H_

#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/server.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ledger/checkpointing/checkpoint_publisher.h"
#include "ledger/compact_ledger.h"
#include "ledger/log/signed_note.h"
#include "services/address.h"
#include "services/auth.h"
#include "services/compact_service.h"
#include "services/ledger_service.h"
#include "services/limits.h"
#include "services/write_health.h"

namespace ledger::services {

// Bounds of ServerOptions::max_receive_message_bytes. At least 64 KiB, so
// that one request can carry an entry of the largest size (65,535 bytes).
// At most 64 MiB: gRPC holds each whole request in memory before the
// service sees it, so this is what one call can make the server hold; 64
// MiB carries a RecordEvents batch of about a thousand maximum-size
// entries, far more than any scenario import needs, and a larger value
// (gRPC reads -1 as "no limit") would let one caller hold memory meant
// for everyone.
inline constexpr int kMinReceiveMessageBytes = 64 << 10;
inline constexpr int kMaxReceiveMessageBytes = 64 << 20;

// Bounds of the other limits in ServerOptions (docs/limits.md). Below the
// minimums a server could not serve its own health checks and a few
// auditors at once; above the maximums the limit no longer protects
// anything on one machine.
// The health service name that tells whether checkpoints are published.
inline constexpr char kPublishingHealth[] = "ledger.checkpoints";
inline constexpr int kMinThreads = 16;
inline constexpr int kMaxThreads = 4096;
inline constexpr int kMaxRecordingRequests = 1'000'000;
inline constexpr int64_t kMinRecordingBytes = int64_t{1} << 20;
inline constexpr int64_t kMaxRecordingBytes = int64_t{4} << 30;

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
  // From kMinReceiveMessageBytes to kMaxReceiveMessageBytes. Default: 4 MiB.
  int max_receive_message_bytes = 4 << 20;
  // Most threads polling for new calls at once on the synchronous pool that
  // serves reads (gRPC's sync server option MAX_POLLERS; its default is 2,
  // and a pool short of pollers starts a thread for each call that finds
  // none). Recording calls do not use this pool (they are answered from the
  // log's answer thread); long reads and Subscribe hold a pool thread each.
  // Default: 64.
  int max_pollers = 64;
  // Most threads the synchronous pool may run, pollers and calls together
  // (grpc::ResourceQuota::SetMaxThreads): a call arriving when every one is
  // busy is answered RESOURCE_EXHAUSTED by gRPC instead of starting one
  // more. Recording calls and health checks are not served by this pool.
  // From kMinThreads to kMaxThreads, and at least twice max_pollers and
  // max_read_streams. Default: 256.
  int max_threads = 256;
  // Streaming reads (Subscribe, ReadLog, ReadStream, ListCheckpoints) served
  // at once, in all and per caller (authenticated name): each holds a pool
  // thread while it lasts, a Subscribe until the client cancels it. Beyond
  // either, RESOURCE_EXHAUSTED at once. At most half of max_threads, so
  // that unary reads always find threads. Defaults: 64 and 16.
  int max_read_streams = 64;
  int max_read_streams_per_caller = 16;
  // Recording requests (unary recording calls, and each AppendStream
  // request) handed to the ledger and not yet answered, in number and in
  // serialized bytes; beyond either, RESOURCE_EXHAUSTED at once with
  // nothing appended ("retry later with the same request id"). A single
  // request larger than the byte limit is still admitted when nothing else
  // is in flight. From 1 to kMaxRecordingRequests, and from
  // kMinRecordingBytes to kMaxRecordingBytes. Defaults: 4096 and 64 MiB.
  int max_recording_requests = 4096;
  int64_t max_recording_bytes = int64_t{64} << 20;
  // Commit concurrent appends together (log::LogOptions::group_commit).
  // Default: true; benchmarks turn it off for their baseline.
  bool group_commit = true;
  // Private key files (`ledgerctl keygen`) of the keys that sign the log's
  // checkpoints. Each checkpoint carries one signature per key: during a key
  // rotation give the old and the new key, so that verifiers holding either
  // accept it. Default: none (no checkpoint is signed).
  std::vector<std::string> sign_key_files;
  // The log's origin, the first line of its checkpoints (e.g.
  // "worcestershire.example/compact-ledger"). Needs sign_key_files. Required
  // when the ledger has no checkpoint yet; otherwise empty means the stored
  // checkpoints' origin, and a different one is refused (a log keeps one
  // origin). Default: empty.
  std::string origin;
  // A checkpoint is signed whenever the log has grown (after a commit
  // group), but at most once per this interval, so that a busy log stores a
  // bounded number of checkpoints while a quiet one is signed as soon as it
  // grows. Zero signs after every growth. Whatever the interval, the final
  // size is signed at shutdown. Default: 1 s.
  absl::Duration checkpoint_interval = absl::Seconds(1);
  // A C2SP tlog-policy file naming the witnesses (with their URLs) asked to
  // cosign each checkpoint, and the quorum to gather. Needs sign_key_files.
  // Default: none (checkpoints carry only the log's signatures).
  std::string witness_policy_file;
  // How long each checkpoint waits for its witnesses before it is stored
  // with the cosignatures that arrived. Default: 5 s.
  absl::Duration witness_deadline = absl::Seconds(5);
  // The RocksDB environment (file system) of the database: tests give one
  // that injects disk faults (log::LogOptions::env). Default: null, the
  // real file system.
  std::shared_ptr<rocksdb::Env> env;
  // Where start-up and shutdown lines go. Default: std::cerr.
  std::ostream* log = &std::cerr;
};

class LedgerServer {
 public:
  // Opens the ledger and starts serving. InvalidArgument for a refused
  // configuration (a limit out of its range, plaintext or open access off
  // loopback, half a TLS key
  // pair, mTLS without cert rules, a key file that is not a private key or
  // that others may read, --origin without a key, no origin for a ledger
  // without checkpoints, an origin other than the stored one, the same key
  // twice, a negative checkpoint interval); NotFound for unreadable files;
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
  // until `deadline` (then cancels them), stops the checkpoint publisher,
  // signs the final tree size if it has no checkpoint yet, and closes the
  // ledger. Every acknowledged append is durable before and after.
  void Shutdown(absl::Duration grace = absl::Seconds(5));
  // Blocks until the server has shut down.
  void Wait();

  CompactLedger& ledger() { return *ledger_; }
  // True when the server signs checkpoints (it was given keys).
  bool signs_checkpoints() const { return !signers_.empty(); }
  // The witness policy it was started with (--witness-policy), if any.
  const std::optional<witness::Policy>& witness_policy() const { return witness_policy_; }
  // The checkpoint publisher; null when the server signs no checkpoints.
  checkpointing::CheckpointPublisher* checkpoint_publisher() { return publisher_.get(); }

 private:
  LedgerServer() = default;
  // Reads the signing keys and the witness policy (before the ledger opens);
  // Start fails when either is refused.
  absl::Status LoadSigners();
  // A recording failed because the ledger cannot write: health answers
  // NOT_SERVING from now on, and the log says why. On the thread that saw
  // the failure.
  void WriteFailed(const absl::Status& error);
  // The publisher's state (CheckpointPublisherOptions::on_publishing):
  // health of kPublishingHealth follows it, unless writes have failed.
  void PublishingChanged(bool publishing);

  ServerOptions options_;
  std::unique_ptr<CompactLedger> ledger_;
  AccessPolicy access_;
  // Shared by the services, so declared (and destroyed) around them.
  std::unique_ptr<RecordingBudget> recording_budget_;
  std::unique_ptr<ReadStreamSlots> read_streams_;
  WriteHealth write_health_;
  std::unique_ptr<LedgerServiceImpl> ledger_service_;
  std::unique_ptr<CompactServiceImpl> compact_service_;
  // Set under health_mu_ (see Start), which WriteFailed takes to see it
  // set; not ABSL_GUARDED_BY it, because once Start has returned it is only
  // read, and Shutdown reads it under shutdown_mu_.
  std::unique_ptr<grpc::Server> server_;
  absl::Mutex health_mu_;
  int port_ = 0;
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;

  // Checkpoint signing; fixed by Start.
  std::vector<log::NoteSigner> signers_;
  std::optional<witness::Policy> witness_policy_;
  std::unique_ptr<checkpointing::CheckpointPublisher> publisher_;
};

}  // namespace ledger::services

#endif  // LEDGER_SERVICES_SERVER_H_
