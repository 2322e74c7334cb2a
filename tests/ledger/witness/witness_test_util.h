// A log for witness tests: an in-memory Merkle tree whose leaves are
// "<prefix> <i>", its signed checkpoints and consistency proofs, and the
// add-checkpoint bodies that carry them.
#ifndef LEDGER_TESTS_LEDGER_WITNESS_WITNESS_TEST_UTIL_H_
#define LEDGER_TESTS_LEDGER_WITNESS_WITNESS_TEST_UTIL_H_

#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/merkle.h"
#include "ledger/witness/add_checkpoint.h"
#include "ledger/witness/cosignature.h"

namespace ledger::witness::testing {

inline log::Ed25519Seed TestSeed(uint8_t fill) {
  log::Ed25519Seed seed;
  seed.fill(fill);
  return seed;
}

class TestLog {
 public:
  // Leaves "<prefix> 0" ...; two logs with different prefixes differ from
  // leaf 0, or from leaf `shared` when leaves below it use `shared_prefix`.
  TestLog(std::string origin, uint8_t key_fill, std::string prefix, uint64_t size,
          uint64_t shared = 0)
      : origin_(std::move(origin)), key_(*log::NoteSigner::FromSeed(origin_, TestSeed(key_fill))) {
    for (uint64_t i = 0; i < size; ++i) {
      leaves_.push_back(log::LeafHash(absl::StrCat(i < shared ? "shared" : prefix, " ", i)));
    }
  }

  const std::string& origin() const { return origin_; }
  const log::NoteSigner& key() const { return key_; }

  log::Hash Root(uint64_t size) const {
    return log::ReferenceRoot(std::span<const log::Hash>(leaves_.data(), size));
  }

  std::string Checkpoint(uint64_t size) const { return Checkpoint(size, key_); }
  std::string Checkpoint(uint64_t size, const log::NoteSigner& key) const {
    return *log::SignCheckpoint(origin_, log::TreeHead{size, Root(size)}, key);
  }

  std::vector<log::Hash> Proof(uint64_t from, uint64_t to) const {
    const log::NodeReader read = [this](uint8_t level, uint64_t index) -> absl::StatusOr<log::Hash> {
      const uint64_t begin = index << level;
      return log::ReferenceRoot(std::span<const log::Hash>(leaves_.data() + begin, uint64_t{1} << level));
    };
    return *log::BuildConsistencyProof(read, from, to);
  }

  // The add-checkpoint body for the checkpoint of `to` with a proof from `from`.
  std::string Request(uint64_t from, uint64_t to) const {
    return FormatAddCheckpointRequest({from, from == 0 ? std::vector<log::Hash>{} : Proof(from, to), Checkpoint(to)});
  }

 private:
  std::string origin_;
  log::NoteSigner key_;
  std::vector<log::Hash> leaves_;
};

}  // namespace ledger::witness::testing

#endif  // LEDGER_TESTS_LEDGER_WITNESS_WITNESS_TEST_UTIL_H_
