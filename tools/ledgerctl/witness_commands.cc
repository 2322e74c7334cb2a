// `ledgerctl witness-keygen` and `ledgerctl witness`: a C2SP tlog-witness
// over HTTP (cpp-httplib) in front of ledger/witness/witness.h, which makes
// every decision (routes: witness_http.h); this file reads the files and
// flags and owns the process's signals.
#include "tools/ledgerctl/witness_commands.h"

#include <signal.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/audit/key_file.h"
#include "ledger/witness/policy.h"
#include "ledger/witness/witness.h"
#include "ledger/witness/witness_http.h"
#include "services/http/http_server.h"
#include "tools/ledgerctl/cli_common.h"

namespace ledger::cli {

namespace {

constexpr size_t kMaxLogsFileBytes = 1 << 20;

absl::StatusOr<std::string> ReadLogsFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return absl::UnavailableError(absl::StrCat("cannot read ", path));
  if (s.str().size() > kMaxLogsFileBytes) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is larger than 1 MiB"));
  }
  return s.str();
}

// Missing or unreadable -> 3, anything else (mode, contents) -> 2.
int FailFile(const absl::Status& status) {
  const bool unreadable = status.code() == absl::StatusCode::kNotFound ||
                          status.code() == absl::StatusCode::kUnavailable;
  return unreadable ? FailOpen("witness", status) : Fail("witness", status);
}

absl::StatusOr<witness::Cosigner> ReadWitnessKey(const std::string& path) {
  absl::StatusOr<std::string> text = audit::ReadSecretFile(path);
  if (!text.ok()) return text.status();
  auto cosigner = witness::Cosigner::FromPrivateKeyString(*text);
  std::fill(text->begin(), text->end(), '\0');
  if (!cosigner.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a witness key file (made by "
                                                   "`ledgerctl witness-keygen`): ",
                                                   cosigner.status().message()));
  }
  return cosigner;
}

int RunWitnessKeygen(const std::string& name, const std::string& out) {
  auto cosigner = witness::Cosigner::Generate(name);
  if (!cosigner.ok()) return Fail("witness-keygen", cosigner.status());
  std::string contents = cosigner->PrivateKeyString() + "\n";
  absl::Status written = audit::WriteSecretFile(out, contents);
  std::fill(contents.begin(), contents.end(), '\0');
  if (!written.ok()) {
    return written.code() == absl::StatusCode::kAlreadyExists ? Fail("witness-keygen", written)
                                                                : FailOpen("witness-keygen", written);
  }
  std::cout << cosigner->verifier().KeyString() << "\n";
  std::cerr << "witness key written to " << out << " (mode 0600; keep it secret)\n"
            << "give the verifier key above to the log and its auditors (a `witness NAME VKEY URL` "
               "line of their tlog-policy file)\n";
  return kExitOk;
}

// "HOST:PORT" (the host may be "[::1]"-style or a name) -> host, port.
absl::Status ParseListen(const std::string& listen, std::string* host, int* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(listen.substr(colon + 1), port) || *port < 0 || *port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen \"", listen, "\" is not HOST:PORT (e.g. 127.0.0.1:8080; port 0 "
                     "picks a free port)"));
  }
  *host = listen.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return absl::OkStatus();
}

int RunWitness(const std::string& listen, const std::string& key_file, const std::string& logs_file,
               const std::string& state_dir) {
  std::string host;
  int port = 0;
  if (absl::Status s = ParseListen(listen, &host, &port); !s.ok()) return Fail("witness", s);
  auto cosigner = ReadWitnessKey(key_file);
  if (!cosigner.ok()) return FailFile(cosigner.status());
  auto logs_text = ReadLogsFile(logs_file);
  if (!logs_text.ok()) return FailFile(logs_text.status());
  auto logs = witness::Policy::Parse(*logs_text, {.require_quorum = false});
  if (!logs.ok()) {
    return Fail("witness", absl::InvalidArgumentError(absl::StrCat(logs_file, ": ", logs.status().message())));
  }
  auto w = witness::Witness::Open(*cosigner, logs->LogKeys(), state_dir);
  if (!w.ok()) {
    return w.status().code() == absl::StatusCode::kInvalidArgument
               ? Fail("witness", absl::InvalidArgumentError(absl::StrCat(logs_file, ": ", w.status().message())))
               : FailOpen("witness", w.status());
  }
  // Block the stop signals before httplib starts its threads, so that only
  // the sigwait thread below sees them.
  const sigset_t stop = BlockStopSignals();
  httplib::Server server;
  witness::RouteWitness(server, w->get(), &std::cerr);
  services::http::ConfigureServerSockets(server);
  const int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound < 0) return FailOpen("witness", absl::UnavailableError(absl::StrCat(
        "cannot listen on ", listen,
        ": the port is taken or the host is not an address of this machine; give another --listen")));
  std::cout << "witness " << cosigner->verifier().KeyString() << " for " << logs->logs().size()
            << " log key(s), state in " << state_dir << "\n"
            << "listening on " << (host.find(':') != std::string::npos ? "[" + host + "]" : host) << ":"
            << bound << std::endl;
  std::atomic<bool> listen_returned = false;
  std::thread stopper([&server, &listen_returned, stop] {
    int signal_number = 0;
    sigwait(&stop, &signal_number);
    std::cerr << "ledgerctl witness: " << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
              << ": stopping (every cosigned checkpoint is already stored)" << std::endl;
    // cpp-httplib's stop() does nothing before its accept loop runs, and a
    // signal can come right after the "listening on" line: let the loop
    // start (or fail) first, which takes microseconds.
    while (!server.is_running() && !listen_returned) std::this_thread::yield();
    server.stop();
  });
  const bool served = server.listen_after_bind();
  listen_returned = true;
  if (!served) {
    // Not stopped by a signal: wake the stopper so that it can be joined.
    kill(getpid(), SIGTERM);
  }
  stopper.join();
  if (!served) return FailOpen("witness", absl::UnavailableError(absl::StrCat("serving on ", listen, " failed")));
  return kExitOk;
}

}  // namespace

void AddWitnessCommands(CLI::App& app, Commands& commands) {
  struct Options {
    std::string name, out, listen, key, logs, state;
  };
  auto o = std::make_shared<Options>();
  CLI::App* keygen = app.add_subcommand(
      "witness-keygen", "Make a witness's Ed25519 cosigning key (C2SP tlog-cosignature, type 0x04); "
                        "print its verifier key");
  keygen->add_option("--name", o->name, "The witness's name, e.g. witness.example.org/compact")->required();
  keygen->add_option("--out", o->out, "New private key file (mode 0600; never overwritten)")
      ->required()->type_name("FILE");
  commands.push_back({keygen, [o] { return RunWitnessKeygen(o->name, o->out); }});

  CLI::App* witness = app.add_subcommand(
      "witness", "Run a C2SP tlog-witness over HTTP until SIGINT/SIGTERM: POST /add-checkpoint "
                 "cosigns a checkpoint consistent with the last one it cosigned (stored durably "
                 "before it answers); GET /<hex SHA-256 of the origin>/checkpoint serves that one");
  witness->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->required();
  witness->add_option("--key", o->key, "Witness key file from `ledgerctl witness-keygen`")
      ->required()->type_name("FILE");
  witness->add_option("--logs", o->logs,
                      "The logs to witness: `log <vkey> [<url>]` lines (C2SP tlog-policy; a whole "
                      "policy file works too)")
      ->required()->type_name("FILE");
  witness->add_option("--state", o->state, "Directory of the witness's state (created if missing)")
      ->required()->type_name("DIR");
  commands.push_back({witness, [o] { return RunWitness(o->listen, o->key, o->logs, o->state); }});
}

}  // namespace ledger::cli
