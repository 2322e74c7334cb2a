// The witness's durable state: for each log origin, the latest checkpoint it
// cosigned (the log's verified signatures and the witness's cosignature), in
// one file per origin:
//
//   <dir>/<lowercase hex SHA-256 of the origin>.checkpoint   the signed note
//   <dir>/LOCK                                               flock(2)ed while open
//
// Durability contract: Store() returns OK only after the new file is on
// disk: written to "<name>.tmp", fsync'd, renamed over the old one, and the
// directory fsync'd. A crash at any point leaves either the old or the new
// checkpoint, never a mix; leftover ".tmp" files are removed by Open. The
// witness MUST NOT answer with a cosignature before Store() returned OK.
//
// Thread-safety: NOT thread-safe; the witness serialises calls. One process
// at a time: Open fails while another holds the directory's lock.
#ifndef LEDGER_WITNESS_WITNESS_STORE_H_
#define LEDGER_WITNESS_WITNESS_STORE_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ledger::witness {

// Lowercase hex SHA-256 of `origin`: the file name stem, and the <origin
// hash> of the tlog-witness monitoring path.
std::string OriginHash(std::string_view origin);

class WitnessStore {
 public:
  // Opens (creating with mode 0700 if missing) `dir` and locks it.
  // FailedPrecondition when another process holds the lock; Unavailable when
  // the directory cannot be created, opened or locked.
  static absl::StatusOr<std::unique_ptr<WitnessStore>> Open(const std::string& dir);
  ~WitnessStore();
  WitnessStore(const WitnessStore&) = delete;
  WitnessStore& operator=(const WitnessStore&) = delete;

  // Every stored note by origin. DataLoss naming the file for one that is
  // not a signed checkpoint note or whose name is not its origin's hash;
  // Unavailable when a file cannot be read.
  absl::StatusOr<std::map<std::string, std::string>> Load() const;

  // Durably replaces the note of `origin` (see the contract above).
  // Unavailable with errno's text on any failure; the previous note stays.
  absl::Status Store(std::string_view origin, std::string_view note);

 private:
  WitnessStore(std::string dir, int dir_fd, int lock_fd);
  std::string dir_;
  int dir_fd_;
  int lock_fd_;
};

}  // namespace ledger::witness

#endif  // LEDGER_WITNESS_WITNESS_STORE_H_
