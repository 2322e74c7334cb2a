#include "ledger/log/hash.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ledger::log {

namespace {

// One reusable OpenSSL digest context per thread: creating an EVP_MD_CTX and
// fetching the algorithm for every hash would cost more than hashing a small
// entry. OpenSSL failures here mean a broken installation, not bad input.
class ThreadHasher {
 public:
  ThreadHasher()
      : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {
    if (md_ == nullptr || ctx_ == nullptr) std::abort();
  }
  ~ThreadHasher() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  ThreadHasher(const ThreadHasher&) = delete;
  ThreadHasher& operator=(const ThreadHasher&) = delete;

  // Hashes the concatenation of the given parts.
  Hash Digest(std::initializer_list<std::string_view> parts) {
    Hash out;
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(ctx_, md_, nullptr) != 1) std::abort();
    for (std::string_view part : parts) {
      if (EVP_DigestUpdate(ctx_, part.data(), part.size()) != 1) std::abort();
    }
    if (EVP_DigestFinal_ex(ctx_, out.data(), &len) != 1) std::abort();
    return out;
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

ThreadHasher& Hasher() {
  thread_local ThreadHasher hasher;
  return hasher;
}

std::string_view View(const Hash& h) {
  return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}

}  // namespace

Hash Sha256(std::string_view bytes) { return Hasher().Digest({bytes}); }

Hash EmptyTreeRoot() { return Sha256(std::string_view()); }

Hash LeafHash(std::string_view entry_bytes) {
  static constexpr char kPrefix[1] = {static_cast<char>(kLeafHashPrefix)};
  return Hasher().Digest({std::string_view(kPrefix, 1), entry_bytes});
}

Hash NodeHash(const Hash& left, const Hash& right) {
  static constexpr char kPrefix[1] = {static_cast<char>(kNodeHashPrefix)};
  return Hasher().Digest({std::string_view(kPrefix, 1), View(left), View(right)});
}

std::string ToHex(const Hash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (size_t i = 0; i < hash.size(); ++i) {
    out[2 * i] = kDigits[hash[i] >> 4];
    out[2 * i + 1] = kDigits[hash[i] & 0x0f];
  }
  return out;
}

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

absl::StatusOr<Hash> HashFromHex(std::string_view hex) {
  if (hex.size() != 64) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a SHA-256 hash is 64 hex digits; got ", hex.size(), " characters"));
  }
  Hash out;
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "not a hex digit at position ", 2 * i + (hi < 0 ? 0 : 1),
          " of the hash \"", std::string(hex), "\""));
    }
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

absl::StatusOr<Hash> HashFromBytes(std::string_view bytes) {
  if (bytes.size() != 32) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a SHA-256 hash is 32 bytes; got ", bytes.size()));
  }
  Hash out;
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

}  // namespace ledger::log
