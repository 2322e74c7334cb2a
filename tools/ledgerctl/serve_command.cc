// `ledgerctl serve`: the gRPC server, until SIGINT or SIGTERM.
#include <signal.h>

#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/http/http_server.h"
#include "services/server.h"
#include "tools/ledgerctl/cli_common.h"
#include "tools/ledgerctl/service_commands.h"

namespace ledger::cli {

namespace {

struct ServeFlags {
  services::ServerOptions options;
  std::string checkpoint_interval = "1s";
  // --http: also serve the tlog-tiles and the web view over HTTP there.
  std::string http_listen;
  std::string witness_deadline = "5s";
};

int RunServe(const ServeFlags& flags) {
  services::ServerOptions options = flags.options;
  if (!absl::ParseDuration(flags.checkpoint_interval, &options.checkpoint_interval) ||
      options.checkpoint_interval < absl::ZeroDuration()) {
    return Fail("serve", absl::InvalidArgumentError(absl::StrCat(
                             "--checkpoint-interval \"", flags.checkpoint_interval,
                             "\" is not a duration: give e.g. 500ms, 1s, 5m, or 0")));
  }
  if (!absl::ParseDuration(flags.witness_deadline, &options.witness_deadline) ||
      options.witness_deadline <= absl::ZeroDuration()) {
    return Fail("serve", absl::InvalidArgumentError(absl::StrCat(
                             "--witness-deadline \"", flags.witness_deadline,
                             "\" is not a positive duration: give e.g. 500ms, 5s")));
  }
  // Block the stop signals before gRPC starts its threads, so that they all
  // inherit the mask and only sigwait below sees the signals.
  const sigset_t stop = BlockStopSignals();
  auto server = services::LedgerServer::Start(options);
  if (!server.ok()) return FailInputOrOpen("serve", server.status());
  // "listening on" only once everything asked for is up: scripts wait for it.
  std::unique_ptr<services::http::HttpServer> http;
  if (!flags.http_listen.empty()) {
    services::http::HttpOptions http_options;
    http_options.listen = flags.http_listen;
    http_options.tls_cert_file = options.tls_cert_file;
    http_options.tls_key_file = options.tls_key_file;
    http_options.access_file = options.access_file;
    auto started = services::http::HttpServer::Start(
        http_options,
        services::http::LedgerFileSources((*server)->ledger(), (*server)->witness_policy()));
    if (!started.ok()) {
      (*server)->Shutdown(absl::Seconds(10));
      return FailInputOrOpen("serve", started.status());
    }
    http = *std::move(started);
  }
  std::cout << "listening on " << (*server)->address() << std::endl;
  if (http != nullptr) std::cout << "serving HTTP on " << http->url() << std::endl;
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  std::cerr << "ledgerctl serve: " << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
            << ": finishing in-flight calls, then stopping" << std::endl;
  // HTTP reads the ledger that the gRPC server closes: stop it first.
  if (http != nullptr) http->Shutdown();
  (*server)->Shutdown(absl::Seconds(10));
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, Commands& commands) {
  auto f = std::make_shared<ServeFlags>();
  services::ServerOptions* o = &f->options;
  CLI::App* serve = app.add_subcommand(
      "serve", "Serve the ledger over gRPC (LedgerService, CompactService, health, "
               "reflection) until SIGINT/SIGTERM. Plaintext and open access only on "
               "loopback.");
  serve->add_option("--db", o->db, "Directory of the ledger database (created if missing)")
      ->required()->type_name("DIR");
  serve->add_option("--listen", o->listen, "Address to listen on, host:port (port 0: any)")
      ->capture_default_str();
  serve->add_option("--tls-cert", o->tls_cert_file, "Server certificate chain (PEM)");
  serve->add_option("--tls-key", o->tls_key_file, "Server private key (PEM)");
  serve->add_option("--client-ca", o->client_ca_file,
                    "CA of client certificates (PEM): turns on mutual TLS");
  serve->add_option("--tokens", o->access_file,
                    "Access file: lines `token <role> <name> <secret>` and `cert <role> "
                    "<identity>`; roles auditor, recorder, admin");
  serve->add_option("--max-message-bytes", o->max_receive_message_bytes,
                    "Largest request accepted (65536 to 67108864); larger ones are "
                    "RESOURCE_EXHAUSTED")
      ->capture_default_str();
  serve->add_option("--max-threads", o->max_threads,
                    "Most threads serving reads, pollers included (16 to 4096); a read "
                    "arriving when all are busy is RESOURCE_EXHAUSTED")
      ->capture_default_str();
  serve->add_option("--max-read-streams", o->max_read_streams,
                    "Streaming reads (Subscribe, ReadLog, ReadStream, ListCheckpoints) served "
                    "at once (1 to half of --max-threads); more are RESOURCE_EXHAUSTED")
      ->capture_default_str();
  serve->add_option("--max-read-streams-per-caller", o->max_read_streams_per_caller,
                    "Streaming reads one caller may hold open (1 to --max-read-streams)")
      ->capture_default_str();
  serve->add_option("--max-recording-requests", o->max_recording_requests,
                    "Recording requests queued for the log and not yet answered (1 to "
                    "1000000); beyond it RESOURCE_EXHAUSTED: retry later, same request id")
      ->capture_default_str();
  serve->add_option("--max-recording-bytes", o->max_recording_bytes,
                    "Their serialized bytes (1048576 to 4294967296); beyond it "
                    "RESOURCE_EXHAUSTED, as above")
      ->capture_default_str();
  serve->add_option("--sign-key", o->sign_key_files,
                    "Private key file (`ledgerctl keygen`) to sign checkpoints with; repeat "
                    "it to sign with several keys (during a key rotation, the old and the "
                    "new). Without it no checkpoint is signed and GetCheckpoint gives the "
                    "unsigned tree head")
      ->type_name("FILE");
  serve->add_option("--origin", o->origin,
                    "The log's origin line in its checkpoints; required with --sign-key "
                    "when the ledger has no checkpoint yet, else the stored one is reused");
  serve->add_option("--checkpoint-interval", f->checkpoint_interval,
                    "Sign a checkpoint whenever the log has grown, but at most once per "
                    "this duration (e.g. 250ms, 1s, 5m; 0: after every commit). The final "
                    "size is always signed at shutdown")
      ->capture_default_str()->type_name("DURATION");
  serve->add_option("--http", f->http_listen,
                    "Also serve the log's C2SP tlog-tiles and its web view over HTTP (reads "
                    "only) at host:port (port 0: any), with the same TLS and access file; "
                    "plaintext only on loopback")
      ->type_name("ADDR");
  serve->add_option("--witness-policy", o->witness_policy_file,
                    "C2SP tlog-policy file: `witness NAME VKEY URL` lines (URL: the witness's "
                    "submission prefix), groups and a quorum. Each new checkpoint is sent to "
                    "every witness at once and stored with the cosignatures that arrive within "
                    "--witness-deadline if they meet the quorum; otherwise the published "
                    "checkpoint stays, the log names the witnesses that did not cosign, and "
                    "they are asked again")
      ->type_name("FILE");
  serve->add_option("--witness-deadline", f->witness_deadline,
                    "How long a checkpoint waits for its witnesses before it is stored with "
                    "the cosignatures it has (never longer: recording never waits for them)")
      ->capture_default_str()->type_name("DURATION");
  commands.push_back({serve, [f] { return RunServe(*f); }});
}

void AddServiceCommands(CLI::App& app, Commands& commands) {
  AddServeCommand(app, commands);
  AddRecordCommands(app, commands);
  AddRemoteReadOptions(app, commands);
}

}  // namespace ledger::cli
