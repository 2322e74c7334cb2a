// A witness (witness.h) over HTTP with cpp-httplib: the routes of C2SP
// tlog-witness v1.0.0 (POST /add-checkpoint) and the monitoring GET of the
// latest cosigned checkpoint (GET /<hex SHA-256 of the origin>/checkpoint).
// The Witness makes every decision; this only maps HTTP onto it.
//
// `ledgerctl witness` adds the routes to its own server (it owns the signal
// handling); WitnessHttpServer serves a witness from a background thread of
// the calling process, for in-process witnesses (the demo, tests,
// benchmarks).
//
// Thread-safety: the routes may serve concurrent requests (Witness is
// thread-safe). A WitnessHttpServer's methods are called by one thread.
#ifndef LEDGER_WITNESS_WITNESS_HTTP_H_
#define LEDGER_WITNESS_WITNESS_HTTP_H_

#include <atomic>
#include <memory>
#include <ostream>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "ledger/witness/witness.h"

namespace httplib {
class Server;
}

namespace ledger::witness {

// Adds the witness's routes, its body limit and its error bodies (413, 404
// and 405 saying what the witness serves) to `server`. `witness` must outlive
// the server. Every refused add-checkpoint (status other than 200) is written
// as one line to `refusals` when it is not null.
void RouteWitness(httplib::Server& server, Witness* witness, std::ostream* refusals);

class WitnessHttpServer {
 public:
  // Binds `host`:`port` (port 0: any free port) with TCP_NODELAY and without
  // SO_REUSEPORT (a taken port is an error), and serves `witness` (not owned;
  // it must outlive the server) on a background thread; returns once the
  // server accepts connections. Unavailable when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<WitnessHttpServer>> Start(
      Witness* witness, const std::string& host, int port, std::ostream* refusals = nullptr);
  ~WitnessHttpServer();  // Stop()
  WitnessHttpServer(const WitnessHttpServer&) = delete;
  WitnessHttpServer& operator=(const WitnessHttpServer&) = delete;

  // The bound port.
  int port() const { return port_; }
  // "http://host:port" (IPv6 hosts in brackets): the witness's submission
  // prefix, for a policy's `witness` line.
  std::string url() const;

  // Stops accepting requests and joins the server thread. Idempotent.
  void Stop();

 private:
  WitnessHttpServer(std::unique_ptr<httplib::Server> server, std::string host, int port);
  std::unique_ptr<httplib::Server> server_;
  const std::string host_;
  const int port_;
  std::atomic<bool> listen_returned_ = false;
  std::thread thread_;
};

}  // namespace ledger::witness

#endif  // LEDGER_WITNESS_WITNESS_HTTP_H_
