// The log's side of C2SP tlog-witness v1.0.0 (https://c2sp.org/tlog-witness@v1.0.0):
// asks one witness over HTTP(S) to cosign a checkpoint.
//
// A request carries the size the client believes the witness cosigned last
// and a consistency proof from it. A witness that cosigned another size
// answers 409 with that size; the client then retries once with a proof
// from there (the spec's way of learning a witness's size). A witness that
// cosigned a larger size than the checkpoint's, refuses the proof (422) or
// refuses the log (404, 403) is reported, never retried: each of these needs
// its operator or the log's, not another attempt.
//
// Thread-safety: a WitnessClient is used by one thread at a time (it keeps
// one keep-alive connection); distinct clients may be used concurrently.
#ifndef LEDGER_WITNESS_WITNESS_CLIENT_H_
#define LEDGER_WITNESS_WITNESS_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/hash.h"
#include "ledger/log/signed_note.h"
#include "ledger/witness/policy.h"

namespace httplib {
class Client;
}

namespace ledger::witness {

// The log's RFC 9162 consistency proof from `old_size` to `new_size`
// (0 < old_size < new_size).
using ConsistencyProofSource =
    std::function<absl::StatusOr<std::vector<log::Hash>>(uint64_t old_size, uint64_t new_size)>;

// A signed checkpoint to be cosigned, parsed once for every witness.
struct CheckpointToCosign {
  std::string note;  // The log-signed note, as sent.
  std::string text;  // Its text (what a cosignature signs).
  log::Checkpoint checkpoint;
};

// InvalidArgument when `note` is not a signed checkpoint.
absl::StatusOr<CheckpointToCosign> PrepareCheckpoint(std::string_view note);

// A witness's valid cosignature and what the client learnt.
struct CosignatureAnswer {
  log::NoteSignature cosignature;
  uint64_t timestamp = 0;
};

class WitnessClient {
 public:
  // One HTTP answer to an add-checkpoint POST.
  struct HttpReply {
    int status = 0;
    std::string body;
  };
  // Sends one add-checkpoint request body and returns the witness's answer;
  // Unavailable or DeadlineExceeded, naming the witness, when no HTTP answer
  // came.
  using Transport =
      std::function<absl::StatusOr<HttpReply>(const std::string& body, absl::Time deadline)>;

  // `witness.url` is the witness's submission prefix: http:// or https://,
  // a host, an optional port and an optional path; POSTs go to
  // <prefix>/add-checkpoint. InvalidArgument naming the witness when the
  // URL is missing or not of that shape.
  static absl::StatusOr<std::unique_ptr<WitnessClient>> Create(const PolicyWitness& witness);
  // A client whose requests go through `transport` (not empty: else every
  // request is FailedPrecondition) instead of HTTP; the answers are read
  // exactly as Create's client reads them. For the fuzz target and tests,
  // which then need no socket; `witness.url` is only named in messages.
  static std::unique_ptr<WitnessClient> CreateWithTransport(const PolicyWitness& witness,
                                                            Transport transport);
  ~WitnessClient();

  const PolicyWitness& witness() const { return witness_; }
  // The size this witness cosigned last, as far as this client knows (0 at
  // first, or what set_known_size gave).
  uint64_t known_size() const { return known_size_; }
  void set_known_size(uint64_t size) { known_size_ = size; }

  // Asks for a cosignature of `checkpoint` before `deadline` (every HTTP
  // timeout is what remains of it). On success the witness's valid
  // cosignature (its key, this checkpoint's text), and known_size() is the
  // checkpoint's size. Errors name the witness and say what to do:
  //   DeadlineExceeded  no answer in time;
  //   Unavailable       no connection, a connection closed without an HTTP
  //                     answer, or a 5xx answer;
  //   NotFound          404: the witness does not know this log's origin;
  //   PermissionDenied  403: it does not trust any of the log's keys;
  //   FailedPrecondition 409 with a size above the checkpoint's (it cosigned
  //                     a larger tree: another view of this log), or twice;
  //   DataLoss          422: it refused the consistency proof (it saw a
  //                     different tree); a 200 without a valid cosignature
  //                     by its key (or with a body that is not signature
  //                     lines); a status below 400 other than 200 and 409
  //                     (e.g. 204: not a tlog-witness answer);
  //   InvalidArgument   400 and other statuses (with the witness's body);
  // and the errors of `proofs`.
  absl::StatusOr<CosignatureAnswer> RequestCosignature(const CheckpointToCosign& checkpoint,
                                                       const ConsistencyProofSource& proofs,
                                                       absl::Time deadline);

 private:
  WitnessClient(PolicyWitness witness, std::unique_ptr<httplib::Client> http,
                std::string path, Transport transport);
  // One POST of an add-checkpoint body, through transport_ if set, else
  // over http_.
  absl::StatusOr<HttpReply> Post(const std::string& body, absl::Time deadline);
  std::string Name() const;

  const PolicyWitness witness_;
  std::unique_ptr<httplib::Client> http_;  // null with a transport
  const std::string path_;  // "<prefix path>/add-checkpoint"
  const Transport transport_;
  uint64_t known_size_ = 0;
};

}  // namespace ledger::witness

#endif  // LEDGER_WITNESS_WITNESS_CLIENT_H_
