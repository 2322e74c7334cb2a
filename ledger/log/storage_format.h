// Byte layout of the log's RocksDB column families. docs/FORMAT.md describes
// the same layout for auditors and operators; change both together.
//
//   entries    key: sequence, 8 bytes big-endian
//              value: the serialized ledger.v1.Entry, exactly the bytes hashed
//   merkle     key: level (1 byte) || index (8 bytes big-endian)
//              value: 32-byte hash of the complete subtree covering leaves
//              [index << level, (index + 1) << level); level 0 = leaf hashes
//   streams    key: stream name || 0x00 || stream_version (8 bytes BE)
//              value: sequence (8 bytes BE)
//   requests   key: request id
//              value: sequence (8 bytes BE) || SHA-256 of the request (32)
//   snapshots  key: caller-chosen name
//              value: covered (8 bytes BE) || leaf hash of entry covered-1
//              (32) || caller-defined bytes: state derived from the log's
//              first `covered` entries, usable only while that entry stays
//   checkpoints key: tree size (8 bytes BE)
//              value: a C2SP signed note whose body is the tlog-checkpoint
//              of that size, exactly as published
//   meta       "format" -> "compact-ledger/1"
//              "tree_size" -> 8 bytes BE: number of committed entries
//              "root" -> 32-byte root hash at tree_size
//
// Stream names are non-empty, at most kMaxStreamNameBytes bytes and contain
// no NUL, so the 0x00 separator keeps one stream's keys contiguous and
// ordered by version.
#ifndef LEDGER_LOG_STORAGE_FORMAT_H_
#define LEDGER_LOG_STORAGE_FORMAT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ledger::log::format {

inline constexpr char kEntriesFamily[] = "entries";
inline constexpr char kMerkleFamily[] = "merkle";
inline constexpr char kStreamsFamily[] = "streams";
inline constexpr char kRequestsFamily[] = "requests";
inline constexpr char kSnapshotsFamily[] = "snapshots";
inline constexpr char kMetaFamily[] = "meta";
inline constexpr char kCheckpointsFamily[] = "checkpoints";

inline constexpr char kFormatKey[] = "format";
inline constexpr char kFormatValue[] = "compact-ledger/1";
inline constexpr char kTreeSizeKey[] = "tree_size";
inline constexpr char kRootKey[] = "root";

inline constexpr size_t kMaxStreamNameBytes = 256;
inline constexpr size_t kMaxRequestIdBytes = 256;
// Largest entry (serialized ledger.v1.Entry, the bytes that are hashed):
// C2SP tlog-tiles entry bundles prefix each entry with a 16-bit length, so a
// larger entry could never be published as tiles.
inline constexpr size_t kMaxEntryBytes = 65'535;

// 8 bytes, most significant first, so that RocksDB's bytewise order is
// numeric order.
std::string EncodeUint64(uint64_t value);
std::optional<uint64_t> DecodeUint64(std::string_view bytes);

std::string EntryKey(uint64_t sequence);
std::string NodeKey(uint8_t level, uint64_t index);
std::string StreamKey(std::string_view stream, uint64_t version);
// First key after every key of `stream`.
std::string StreamEndKey(std::string_view stream);
// The version that ends every stream-index key.
inline constexpr size_t kStreamKeyVersionBytes = 8;
// True when `key` has the shape of a stream-index key: a name, its NUL
// separator and a version.
bool IsStreamKey(std::string_view key);
// The version in `key` when it is a stream-index key of exactly `stream`;
// nullopt for a key of any other stream (or no stream-index key).
std::optional<uint64_t> StreamKeyVersion(std::string_view key, std::string_view stream);

// A request-id record (the value in the requests family): the entry that
// the request appended and the SHA-256 that identifies the request.
struct RequestRecord {
  uint64_t sequence = 0;
  std::array<uint8_t, 32> digest{};
};
inline constexpr size_t kRequestRecordBytes = 8 + 32;
std::string EncodeRequestRecord(const RequestRecord& record);
// nullopt when `bytes` is not kRequestRecordBytes long.
std::optional<RequestRecord> DecodeRequestRecord(std::string_view bytes);

// The header of a snapshot value: the number of the log's first entries
// the snapshot was derived from, and the leaf hash of the last of them, so
// a reader can tell whether the log still holds those entries. The
// caller's bytes follow it.
struct SnapshotHeader {
  uint64_t covered = 0;
  std::array<uint8_t, 32> last_leaf_hash{};
};
inline constexpr size_t kSnapshotHeaderBytes = 8 + 32;
std::string EncodeSnapshotHeader(const SnapshotHeader& header);
// nullopt when `bytes` is shorter than kSnapshotHeaderBytes; the caller's
// bytes are bytes.substr(kSnapshotHeaderBytes).
std::optional<SnapshotHeader> DecodeSnapshotHeader(std::string_view bytes);

}  // namespace ledger::log::format

#endif  // LEDGER_LOG_STORAGE_FORMAT_H_
