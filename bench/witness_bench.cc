// witness_bench: issue 19's witness throughput. One in-process witness
// (ledger/witness, served by cpp-httplib with the routes of `ledgerctl
// witness`, witness_http.h) and one keep-alive client on loopback, measured
// in the same run against the same server:
//
//   add-checkpoint   POST /add-checkpoint, each a checkpoint with a 20-line
//                    RFC 9162 consistency proof from the one before: parse,
//                    verify the log's Ed25519 signature and the proof, store
//                    the state durably (fsync), cosign (Ed25519), answer.
//   empty POST       POST /empty on the same server, answered 200 with no
//                    body: the cost of the HTTP exchange alone (the
//                    baseline), measured before and after.
//
// The tree is 2^20 leaves held in memory; each request is for its own log
// (see main: one log cannot keep growing with 20-line proofs), whose first
// checkpoint the witness cosigns before the clock starts; the requests are
// made before the clock starts too. The witness's state is in a fresh directory under DIR
// (default $LEDGER_BENCH_DIR or /tmp/ledger-bench), on the disk that holds
// it: the fsync cost is that disk's.
//
// Run (Release build):
//   ./build-release/bench/witness_bench [--requests 2000] [--bench_dir DIR]
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/hash.h"
#include "ledger/log/merkle.h"
#include "ledger/log/signed_note.h"
#include "ledger/witness/add_checkpoint.h"
#include "ledger/witness/cosignature.h"
#include "ledger/witness/witness.h"
#include "ledger/witness/witness_http.h"

namespace {

using ledger::log::Hash;

constexpr int kLevels = 20;  // 2^20 leaves
constexpr size_t kProofLines = 20;
constexpr char kOrigin[] = "bench.example/log";

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "witness_bench: %s\n", message.c_str());
  std::exit(1);
}

// Every complete node of a 2^kLevels-leaf tree, by level.
std::vector<std::vector<Hash>> BuildTree() {
  std::vector<std::vector<Hash>> levels(kLevels + 1);
  levels[0].reserve(size_t{1} << kLevels);
  for (uint64_t i = 0; i < (uint64_t{1} << kLevels); ++i) {
    levels[0].push_back(ledger::log::LeafHash(absl::StrCat("leaf ", i)));
  }
  for (int l = 1; l <= kLevels; ++l) {
    const auto& below = levels[l - 1];
    for (size_t i = 0; i + 1 < below.size(); i += 2) {
      levels[l].push_back(ledger::log::NodeHash(below[i], below[i + 1]));
    }
  }
  return levels;
}

// Seconds for `n` POSTs of `body` to `path`; dies unless each is answered
// with `status`.
double TimePosts(httplib::Client& client, const std::string& path,
                 const std::vector<std::string>& bodies, int status) {
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& body : bodies) {
    auto r = client.Post(path, body, "text/plain");
    if (!r) Die(absl::StrCat(path, ": ", httplib::to_string(r.error())));
    if (r->status != status) Die(absl::StrCat(path, ": HTTP ", r->status, " ", r->body));
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int requests = 2000;
  std::string bench_dir = std::getenv("LEDGER_BENCH_DIR") != nullptr
                              ? std::getenv("LEDGER_BENCH_DIR")
                              : "/tmp/ledger-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--requests") {
      if (!absl::SimpleAtoi(argv[i + 1], &requests) || requests < 1) Die("--requests N, N >= 1");
    } else if (flag == "--bench_dir") {
      bench_dir = argv[i + 1];
    } else {
      Die("usage: witness_bench [--requests N] [--bench_dir DIR]");
    }
  }

  std::fprintf(stderr, "building a 2^%d-leaf tree and %d requests...\n", kLevels, requests);
  const auto levels = BuildTree();
  const ledger::log::NodeReader read = [&levels](uint8_t level, uint64_t index)
      -> absl::StatusOr<Hash> { return levels[level][index]; };
  // A consistency proof's length depends on both sizes, and one log cannot
  // keep growing by steps whose proofs all have 20 lines (each step would
  // have to be larger than the last). So each request is for its own log
  // (origin and key), over the same tree: first, untimed, its checkpoint of
  // size m from size 0; then, timed, its checkpoint of a size n with a
  // 20-line proof from m. The witness's work per request is the same as for
  // one log: one signature, one proof, one durable state file, one
  // cosignature.
  const uint64_t limit = uint64_t{1} << kLevels;
  const uint64_t m = 900001;
  std::vector<uint64_t> sizes;  // every n > m whose proof from m has 20 lines
  for (uint64_t n = m + 1; n <= limit; ++n) {
    auto proof = ledger::log::BuildConsistencyProof(read, m, n);
    if (!proof.ok()) Die(std::string(proof.status().message()));
    if (proof->size() == kProofLines) sizes.push_back(n);
  }
  if (sizes.empty()) Die(absl::StrCat("no size after ", m, " has a ", kProofLines, "-line proof"));
  std::vector<ledger::log::NoteSigner> keys;
  std::vector<ledger::log::NoteVerifier> verifiers;
  std::vector<std::string> firsts, bodies;
  for (int i = 0; i < requests; ++i) {
    const std::string origin = absl::StrCat(kOrigin, "-", i);
    auto key = ledger::log::NoteSigner::Generate(origin);
    if (!key.ok()) Die(std::string(key.status().message()));
    auto checkpoint = [&](uint64_t size) {
      auto root = ledger::log::RootAt(read, size);
      if (!root.ok()) Die(std::string(root.status().message()));
      auto note = ledger::log::SignCheckpoint(origin, {size, *root}, *key);
      if (!note.ok()) Die(std::string(note.status().message()));
      return *note;
    };
    const uint64_t n = sizes[i % sizes.size()];
    auto proof = ledger::log::BuildConsistencyProof(read, m, n);
    if (!proof.ok() || proof->size() != kProofLines) Die("proof");
    firsts.push_back(ledger::witness::FormatAddCheckpointRequest({0, {}, checkpoint(m)}));
    bodies.push_back(ledger::witness::FormatAddCheckpointRequest({m, *proof, checkpoint(n)}));
    verifiers.push_back(key->verifier());
    keys.push_back(*std::move(key));
  }

  const std::filesystem::path state =
      std::filesystem::path(bench_dir) / absl::StrCat("witness-state-", getpid());
  std::filesystem::remove_all(state);
  std::filesystem::create_directories(state.parent_path());
  auto cosigner = ledger::witness::Cosigner::Generate("witness.bench.example/w");
  if (!cosigner.ok()) Die(std::string(cosigner.status().message()));
  auto witness = ledger::witness::Witness::Open(*cosigner, verifiers, state.string());
  if (!witness.ok()) Die(std::string(witness.status().message()));

  httplib::Server server;
  ledger::witness::RouteWitness(server, witness->get(), nullptr);
  server.Post("/empty", [](const httplib::Request&, httplib::Response& res) { res.status = 200; });
  server.set_tcp_nodelay(true);
  const int port = server.bind_to_any_port("127.0.0.1");
  if (port < 0) Die("cannot bind 127.0.0.1");
  std::thread serving([&server] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::yield();

  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  TimePosts(client, "/add-checkpoint", firsts, 200);
  const std::vector<std::string> empties(bodies.size(), "");
  const double empty_before = TimePosts(client, "/empty", empties, 200);
  const double witness_seconds = TimePosts(client, "/add-checkpoint", bodies, 200);
  const double empty_after = TimePosts(client, "/empty", empties, 200);
  client.stop();
  server.stop();
  serving.join();
  witness->reset();
  std::filesystem::remove_all(state);

  const double n = static_cast<double>(bodies.size());
  const double empty_rate = 2 * n / (empty_before + empty_after);
  const double witness_rate = n / witness_seconds;
  std::printf("witness_bench: %zu requests each (%zu logs), one keep-alive client on loopback, "
              "state in %s\n", bodies.size(), bodies.size(), bench_dir.c_str());
  std::printf("  empty POST       %10.0f calls/s (before %.0f, after %.0f)\n", empty_rate,
              n / empty_before, n / empty_after);
  std::printf("  add-checkpoint   %10.0f calls/s (%zu-line consistency proofs, durable state)\n",
              witness_rate, kProofLines);
  std::printf("  ratio            %10.3f of the empty POST's rate (%.2f ms per add-checkpoint, "
              "%.3f ms per empty POST)\n",
              witness_rate / empty_rate, 1000 / witness_rate, 1000 / empty_rate);
  return 0;
}
