// `ledgerctl serve`: the gRPC server, until SIGINT or SIGTERM.
#include <signal.h>

#include <iostream>

#include "services/server.h"
#include "tools/ledgerctl/service_commands.h"

namespace ledger::cli {

namespace {

int RunServe(const services::ServerOptions& options) {
  // Block the stop signals before gRPC starts its threads, so that they all
  // inherit the mask and only sigwait below sees the signals.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  auto server = services::LedgerServer::Start(options);
  if (!server.ok()) {
    return server.status().code() == absl::StatusCode::kInvalidArgument
               ? Fail("serve", server.status())
               : FailOpen("serve", server.status());
  }
  std::cout << "listening on " << (*server)->address() << std::endl;
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  std::cerr << "ledgerctl serve: " << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
            << ": finishing in-flight calls, then stopping" << std::endl;
  (*server)->Shutdown(absl::Seconds(10));
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, Commands& commands) {
  auto o = std::make_shared<services::ServerOptions>();
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
                    "Largest request accepted; larger ones are RESOURCE_EXHAUSTED")
      ->capture_default_str();
  commands.push_back({serve, [o] { return RunServe(*o); }});
}

void AddServiceCommands(CLI::App& app, Commands& commands) {
  AddServeCommand(app, commands);
  AddRecordCommands(app, commands);
  AddRemoteReadOptions(app, commands);
}

}  // namespace ledger::cli
