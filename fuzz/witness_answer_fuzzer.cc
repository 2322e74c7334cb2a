// The log's client of a C2SP tlog-witness (ledger/witness/witness_client.h):
// how it reads a witness's HTTP answer to add-checkpoint. The answer is
// parsed inside WitnessClient::RequestCosignature (the cosignature lines of a
// 200 appended to the checkpoint note and verified, the tree size of a 409,
// the body quoted in errors), so the target runs the real client, with its
// transport replaced by one that answers every request with the input:
//
//   byte 0   the status, from kStatuses (modulo their number)
//   rest     the body
//
// (The HTTP framing is cpp-httplib's; witness_client_test covers the client
// over a real socket. Without one the target runs about ten times faster.)
//
// The checkpoint (tree size 10, signed by the fuzz key) and the witness key
// (witness.fuzz.example, a fixed seed) are fixed. Checks:
//   - every request the client sends parses as a tlog-witness request for
//     this checkpoint: the first from old size 0, a second one (after a 409)
//     from the size the 409 named, with the proof the log gave; the client
//     retries exactly when the 409 named a size from 1 to the checkpoint's,
//     and then believes that size;
//   - success only for a 200, and then the returned cosignature is by the
//     witness's key, verifies over the checkpoint's text with the returned
//     timestamp, appears in the body as its signature line, and the client's
//     known size is the checkpoint's;
//   - every failure has the code the header documents for that status
//     (200 → DataLoss, 409 → InvalidArgument without a size, else
//     FailedPrecondition, 404 → NotFound, 403 → PermissionDenied, 422 →
//     DataLoss, 5xx → Unavailable, another status below 400 (201, 301...)
//     → DataLoss, any other → InvalidArgument), names the witness, and
//     quotes at most a bounded part of the body.
// The transport skips the HTTP client's handling of 1xx, 204 and 304 (it
// drops the connection after them); witness_client_test sends a 204 over a
// socket.
//
// Seeds: run the target with LEDGER_FUZZ_WRITE_SEEDS=<dir> (fuzz/gen_seeds.sh
// does) to write valid answers (a cosignature at two timestamps, with the
// log's own line before it) and a few refusals into <dir>.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_key.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/log.h"
#include "ledger/witness/add_checkpoint.h"
#include "ledger/witness/cosignature.h"
#include "ledger/witness/policy.h"
#include "ledger/witness/witness_client.h"

namespace {

using namespace ledger;

// New statuses go at the end: a seed's first byte is an index into this.
constexpr int kStatuses[] = {200, 200, 200, 200, 409, 409, 404, 403, 422, 400, 500,
                             503, 502, 301, 418, 202, 201, 599, 204, 304, 100};
constexpr size_t kStatusCount = sizeof(kStatuses) / sizeof(kStatuses[0]);
constexpr uint64_t kTreeSize = 10;
constexpr char kWitnessName[] = "witness.fuzz.example";
// A bound on an error message: the client quotes at most 300 bytes of a body.
constexpr size_t kMaxMessageBytes = 2048;

// The proof the log gives for every old size (the client does not check it;
// the witness would).
const std::vector<log::Hash> kProof(3, log::Hash{});

struct Fixture {
  witness::CheckpointToCosign checkpoint;
  std::unique_ptr<witness::Cosigner> cosigner;
  std::unique_ptr<witness::WitnessClient> client;
  // The answer the transport gives to every request.
  witness::WitnessClient::HttpReply reply;
  // The requests of the current input.
  int requests = 0;
  uint64_t size_409 = 0;  // the size a 409 body names, if it names one
};

Fixture& Fix() {
  static Fixture* f = [] {
    auto* f = new Fixture;
    log::TreeHead head{kTreeSize, {}};
    for (size_t i = 0; i < head.root.size(); ++i) head.root[i] = static_cast<uint8_t>(i);
    auto note = log::SignCheckpoint(fuzz::kFuzzOrigin, head, fuzz::FuzzSigner());
    if (!note.ok()) std::abort();
    auto prepared = witness::PrepareCheckpoint(*note);
    if (!prepared.ok()) std::abort();
    f->checkpoint = *std::move(prepared);
    log::Ed25519Seed seed;
    seed.fill(0x42);
    auto cosigner = witness::Cosigner::FromSeed(kWitnessName, seed);
    if (!cosigner.ok()) std::abort();
    f->cosigner = std::make_unique<witness::Cosigner>(*std::move(cosigner));

    witness::PolicyWitness witness{kWitnessName, f->cosigner->verifier(),
                                   "https://witness.fuzz.example/w"};
    f->client = witness::WitnessClient::CreateWithTransport(
        witness, [f](const std::string& body, absl::Time)
                     -> absl::StatusOr<witness::WitnessClient::HttpReply> {
          // At most two requests, the second after a 409 and from its size.
          if (++f->requests > 2) std::abort();
          auto request = witness::ParseAddCheckpointRequest(body);
          if (!request.ok() || request->checkpoint != f->checkpoint.note ||
              request->old_size != (f->requests == 1 ? 0 : f->size_409)) {
            std::abort();
          }
          const bool proved = request->old_size > 0 && request->old_size < kTreeSize;
          if (request->proof != (proved ? kProof : std::vector<log::Hash>{})) std::abort();
          return f->reply;
        });
    return f;
  }();
  return *f;
}

void WriteSeed(const std::string& dir, const std::string& name, int status,
               std::string_view body) {
  size_t index = 0;
  while (kStatuses[index] != status) ++index;
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out << static_cast<char>(index) << body;
}

void WriteSeeds(const std::string& dir) {
  Fixture& f = Fix();
  auto at = [&](uint64_t timestamp) {
    auto signature = f.cosigner->Cosign(f.checkpoint.text, timestamp);
    if (!signature.ok()) std::abort();
    return witness::SignatureLine(*signature);
  };
  const std::string line = at(1700000000);
  WriteSeed(dir, "cosignature", 200, line);
  WriteSeed(dir, "cosignature-time-0", 200, at(0));
  WriteSeed(dir, "cosignature-max-time", 200, at(witness::kMaxCosignatureTimestamp));
  // The log's own signature line (the note's last line), then the witness's.
  const std::string& note = f.checkpoint.note;
  const size_t last = note.rfind("\n\xe2\x80\x94", note.size() - 2);
  WriteSeed(dir, "log-line-then-cosignature", 200, note.substr(last + 1) + line);
  WriteSeed(dir, "cosignature-truncated", 200, line.substr(0, line.size() - 10) + "\n");
  WriteSeed(dir, "no-body", 200, "");
  WriteSeed(dir, "conflict-size-4", 409, "4\n");
  WriteSeed(dir, "conflict-size-0", 409, "0\n");
  WriteSeed(dir, "conflict-larger", 409, "11\n");
  WriteSeed(dir, "conflict-garbage", 409, "four\n");
  WriteSeed(dir, "unknown-log", 404, "unknown log\n");
  WriteSeed(dir, "untrusted", 403, "no trusted signature\n");
  WriteSeed(dir, "inconsistent", 422, "bad proof\n");
  WriteSeed(dir, "overloaded", 503, std::string(1000, 'x'));
  WriteSeed(dir, "teapot", 418, "short and stout\n");
}

absl::StatusCode CodeFor(int status) {
  switch (status) {
    case 200: return absl::StatusCode::kDataLoss;
    case 404: return absl::StatusCode::kNotFound;
    case 403: return absl::StatusCode::kPermissionDenied;
    case 422: return absl::StatusCode::kDataLoss;
    // Another success or a redirect (201, 202, 301...) is not a
    // tlog-witness answer at all; 400 and other 4xx are refusals.
    default: return status >= 500   ? absl::StatusCode::kUnavailable
                    : status < 400 ? absl::StatusCode::kDataLoss
                                   : absl::StatusCode::kInvalidArgument;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("LEDGER_FUZZ_WRITE_SEEDS")) WriteSeeds(dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Fixture& f = Fix();
  const int status = kStatuses[data[0] % kStatusCount];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  f.reply = {status, std::string(body)};
  f.requests = 0;
  f.size_409 = 0;
  f.client->set_known_size(0);
  // After a 409 the client asks again from the size it named (or gives up).
  const absl::StatusOr<uint64_t> named =
      status == 409 ? witness::ParseTlogSize(body) : absl::StatusOr<uint64_t>(0);
  if (named.ok()) f.size_409 = *named;
  const witness::ConsistencyProofSource proofs = [](uint64_t old_size, uint64_t new_size)
      -> absl::StatusOr<std::vector<log::Hash>> {
    if (old_size == 0 || old_size >= new_size || new_size != kTreeSize) std::abort();
    return kProof;
  };
  auto answer = f.client->RequestCosignature(f.checkpoint, proofs,
                                             absl::Now() + absl::Seconds(30));
  if (answer.ok()) {
    if (status != 200 || f.requests != 1) std::abort();
    const witness::CosignatureVerifier& key = f.cosigner->verifier();
    if (!key.Matches(answer->cosignature)) std::abort();
    auto timestamp = key.Verify(f.checkpoint.text, answer->cosignature.signature);
    if (!timestamp.ok() || *timestamp != answer->timestamp) std::abort();
    if (body.find(witness::SignatureLine(answer->cosignature)) == std::string_view::npos) {
      std::abort();
    }
    if (f.client->known_size() != kTreeSize) std::abort();
    return 0;
  }
  const absl::Status& error = answer.status();
  if (error.code() == absl::StatusCode::kDeadlineExceeded ||
      (error.code() == absl::StatusCode::kUnavailable && status < 500)) {
    std::abort();  // the transport always answers: a transport failure is a bug here
  }
  if (status == 409) {
    // The same 409 answers every request. Without a size: refused at once.
    // With size s: 0 is this client's own belief, so it gives up at once; 1
    // to 10 it retries once from s (then gives up: a second 409); above 10
    // the witness is ahead of the checkpoint: no retry. It believes s after.
    if (!named.ok()) {
      if (error.code() != absl::StatusCode::kInvalidArgument || f.requests != 1 ||
          f.client->known_size() != 0) {
        std::abort();
      }
    } else {
      const int requests = *named >= 1 && *named <= kTreeSize ? 2 : 1;
      if (error.code() != absl::StatusCode::kFailedPrecondition || f.requests != requests ||
          f.client->known_size() != *named) {
        std::abort();
      }
    }
  } else if (error.code() != CodeFor(status) || f.requests != 1) {
    std::abort();
  }
  if (error.message().find(kWitnessName) == std::string_view::npos) std::abort();
  if (error.message().size() > kMaxMessageBytes) std::abort();
  return 0;
}
