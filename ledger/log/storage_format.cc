#include "ledger/log/storage_format.h"

#include <cstring>

namespace ledger::log::format {

std::string EncodeUint64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

std::optional<uint64_t> DecodeUint64(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t value = 0;
  for (char c : bytes) value = value << 8 | static_cast<uint8_t>(c);
  return value;
}

std::string EntryKey(uint64_t sequence) { return EncodeUint64(sequence); }

std::string NodeKey(uint8_t level, uint64_t index) {
  std::string key(1, static_cast<char>(level));
  key += EncodeUint64(index);
  return key;
}

std::string StreamKey(std::string_view stream, uint64_t version) {
  std::string key(stream);
  key.push_back('\0');
  key += EncodeUint64(version);
  return key;
}

std::string StreamEndKey(std::string_view stream) {
  std::string key(stream);
  key.push_back('\x01');
  return key;
}

bool IsStreamKey(std::string_view key) {
  return key.size() > kStreamKeyVersionBytes &&
         key[key.size() - kStreamKeyVersionBytes - 1] == '\0';
}

std::optional<uint64_t> StreamKeyVersion(std::string_view key, std::string_view stream) {
  if (key.size() != stream.size() + 1 + kStreamKeyVersionBytes || !key.starts_with(stream) ||
      key[stream.size()] != '\0') {
    return std::nullopt;
  }
  return DecodeUint64(key.substr(stream.size() + 1));
}

std::string EncodeRequestRecord(const RequestRecord& record) {
  std::string bytes = EncodeUint64(record.sequence);
  bytes.append(reinterpret_cast<const char*>(record.digest.data()), record.digest.size());
  return bytes;
}

std::optional<RequestRecord> DecodeRequestRecord(std::string_view bytes) {
  if (bytes.size() != kRequestRecordBytes) return std::nullopt;
  RequestRecord record;
  record.sequence = *DecodeUint64(bytes.substr(0, 8));
  std::memcpy(record.digest.data(), bytes.data() + 8, record.digest.size());
  return record;
}

std::string EncodeSnapshotHeader(const SnapshotHeader& header) {
  std::string out = EncodeUint64(header.covered);
  out.append(reinterpret_cast<const char*>(header.last_leaf_hash.data()),
             header.last_leaf_hash.size());
  return out;
}

std::optional<SnapshotHeader> DecodeSnapshotHeader(std::string_view bytes) {
  if (bytes.size() < kSnapshotHeaderBytes) return std::nullopt;
  SnapshotHeader header;
  header.covered = *DecodeUint64(bytes.substr(0, 8));
  std::memcpy(header.last_leaf_hash.data(), bytes.data() + 8, header.last_leaf_hash.size());
  return header;
}

}  // namespace ledger::log::format
