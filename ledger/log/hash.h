// SHA-256 and the RFC 9162 section 2.1.1 domain-separated hashes of the
// Merkle tree: leaf = SHA-256(0x00 || entry bytes), interior node =
// SHA-256(0x01 || left || right). Stateless and thread-safe.
#ifndef LEDGER_LOG_HASH_H_
#define LEDGER_LOG_HASH_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ledger::log {

// A SHA-256 digest.
using Hash = std::array<uint8_t, 32>;

// Domain-separation prefixes of RFC 9162 section 2.1.1.
inline constexpr uint8_t kLeafHashPrefix = 0x00;
inline constexpr uint8_t kNodeHashPrefix = 0x01;

// SHA-256 of `bytes`.
Hash Sha256(std::string_view bytes);

// SHA-256 of the empty string: the root of the empty tree.
Hash EmptyTreeRoot();

// SHA-256(0x00 || entry_bytes): the Merkle leaf hash of one stored entry.
Hash LeafHash(std::string_view entry_bytes);

// SHA-256(0x01 || left || right).
Hash NodeHash(const Hash& left, const Hash& right);

// 64 lowercase hex digits.
std::string ToHex(const Hash& hash);

// Parses 64 hex digits (either case). InvalidArgument otherwise.
absl::StatusOr<Hash> HashFromHex(std::string_view hex);

// Builds a Hash from exactly 32 raw bytes. InvalidArgument otherwise.
absl::StatusOr<Hash> HashFromBytes(std::string_view bytes);

// The 32 raw bytes of `hash` as a string (for protobuf `bytes` fields).
inline std::string HashBytes(const Hash& hash) {
  return std::string(reinterpret_cast<const char*>(hash.data()), hash.size());
}

}  // namespace ledger::log

#endif  // LEDGER_LOG_HASH_H_
