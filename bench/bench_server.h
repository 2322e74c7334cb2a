// ServerProcess: one LedgerServer of service_bench, run in a child process
// (this benchmark's own binary re-run in server mode) so that, as in a
// deployment, the server has gRPC's pollers, threads and allocator to
// itself instead of sharing them with the load generator, and its CPU can
// be told apart from the load generator's.
//
// The child creates its database, seeds the benchmark's bodies
// (SeedBodies), serves on 127.0.0.1:0 (plaintext loopback, no access file,
// default ServerOptions apart from group_commit) and prints
// "ready ADDRESS SIZE". It serves until its stdin reaches end of file (the
// parent closed it, or died), then prints "stopped SIZE" with the log size
// it reached, shuts down with a 5 s grace and exits 0.
//
// Thread-safety: not thread-safe; one thread owns a ServerProcess.
#ifndef LEDGER_BENCH_BENCH_SERVER_H_
#define LEDGER_BENCH_BENCH_SERVER_H_

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace ledger::bench {

class ServerProcess {
 public:
  // Starts the server of database `db` (removed first) with `clients`
  // bodies; an error when the child cannot be started or does not report
  // ready.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Spawn(const std::string& db,
                                                              bool group_commit, int clients);
  ~ServerProcess();  // Stop(), if not done

  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const std::string& address() const { return address_; }
  // Log size once seeded.
  uint64_t seeded() const { return seeded_; }
  // User plus system CPU seconds the child has used so far.
  double CpuSeconds() const;
  // Stops the child; the log size it reached before shutting down. Error
  // when it does not report one or exits with a failure.
  absl::StatusOr<uint64_t> Stop();

 private:
  ServerProcess() = default;

  pid_t pid_ = -1;
  int to_child_ = -1;           // the child's stdin
  FILE* from_child_ = nullptr;  // the child's stdout
  std::string address_;
  uint64_t seeded_ = 0;
};

// The child's side. True when `argv` asks for server mode; then *exit_status
// is what main should return.
bool RunIfServerMode(int argc, char** argv, int* exit_status);

}  // namespace ledger::bench

#endif  // LEDGER_BENCH_BENCH_SERVER_H_
