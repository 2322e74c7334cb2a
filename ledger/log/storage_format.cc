#include "ledger/log/storage_format.h"

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

}  // namespace ledger::log::format
