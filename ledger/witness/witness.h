// A C2SP tlog-witness v1.0.0 witness (https://c2sp.org/tlog-witness@v1.0.0),
// without HTTP: it answers add-checkpoint request bodies with an HTTP status
// and body, and serves its latest cosigned checkpoint per log.
//
// For each log origin it keeps the latest checkpoint it cosigned and
// cosigns a new one only if it is signed by a configured key of that origin
// and provably extends the kept one (RFC 6962 / RFC 9162 consistency).
// Statuses, in the order checked:
//   400 malformed request or checkpoint, or old size above the checkpoint's;
//   404 unknown origin;   403 no valid signature by a configured key (a
//   configured key's bad signature included);
//   409 old size is not the size last cosigned (body "<size>\n",
//       Content-Type text/x.tlog.size);
//   422 non-empty proof from size 0, a proof that fails, the same size with
//       another root, or size 0 with a root other than the empty tree's;
//   500 the new state could not be stored, or the clock reads 0 (nothing
//       was cosigned);
//   200 one cosignature line ("— <name> base64(...)\n").
// Where the spec's current text differs from v1.0.0 (same size with another
// root: 409 then, 422 now; size-zero roots; 403 for a bad trusted
// signature) this follows the current text: see docs/auditing.md.
//
// Durability: a cosignature is returned only after the checkpoint it covers
// is stored durably (witness_store.h); the check against the stored size and
// the store happen under one lock, so two concurrent requests cannot roll
// the state back (the race the spec describes).
//
// Thread-safety: all methods may be called concurrently.
#ifndef LEDGER_WITNESS_WITNESS_H_
#define LEDGER_WITNESS_WITNESS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/signed_note.h"
#include "ledger/witness/cosignature.h"
#include "ledger/witness/witness_store.h"

namespace ledger::witness {

inline constexpr char kTlogSizeContentType[] = "text/x.tlog.size";

struct WitnessResponse {
  int status = 500;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class Witness {
 public:
  // Seconds since the Epoch, for cosignature timestamps.
  using Clock = std::function<uint64_t()>;

  // Opens the state in `state_dir` (WitnessStore::Open and Load errors) for
  // the logs whose keys are `log_keys` (each key's name is its log's origin;
  // several keys may share an origin). InvalidArgument when `log_keys` is
  // empty. `clock` defaults to the system clock.
  static absl::StatusOr<std::unique_ptr<Witness>> Open(const Cosigner& cosigner,
                                                       std::vector<log::NoteVerifier> log_keys,
                                                       const std::string& state_dir,
                                                       Clock clock = nullptr);

  // POST /add-checkpoint with `body`.
  WitnessResponse AddCheckpoint(std::string_view body);

  // GET /<origin hash>/checkpoint (the monitoring API of the spec's current
  // text): 200 with the latest cosigned checkpoint (the log's signatures the
  // witness verified and its cosignature), 404 when it cosigned none.
  WitnessResponse LatestCheckpoint(std::string_view origin_hash) const;

  // The size last cosigned for `origin`, if any.
  std::optional<uint64_t> CosignedSize(std::string_view origin) const;

  const Cosigner& cosigner() const { return cosigner_; }

 private:
  struct State {
    log::Checkpoint checkpoint;
    std::string note;
  };
  Witness(const Cosigner& cosigner, std::vector<log::NoteVerifier> log_keys,
          std::unique_ptr<WitnessStore> store, Clock clock);
  // The checks of the stored state and the store, under mu_.
  WitnessResponse Update(const log::Checkpoint& checkpoint, const log::OpenedNote& opened,
                         uint64_t old_size, const std::vector<log::Hash>& proof)
      ABSL_LOCKS_EXCLUDED(mu_);

  const Cosigner cosigner_;
  const std::vector<log::NoteVerifier> log_keys_;
  const Clock clock_;
  mutable absl::Mutex mu_;
  std::unique_ptr<WitnessStore> store_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, State, std::less<>> states_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ledger::witness

#endif  // LEDGER_WITNESS_WITNESS_H_
