#include "ledger/log/multi_hash.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define LEDGER_LOG_SHA_NI 1
#endif

namespace ledger::log {

#ifdef LEDGER_LOG_SHA_NI
namespace {

constexpr uint32_t kInitialState[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

alignas(16) constexpr uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

bool DetectShaExtensions() {
  unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
  const bool ssse3 = (ecx & (1u << 9)) != 0;
  const bool sse41 = (ecx & (1u << 19)) != 0;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  const bool sha = (ebx & (1u << 29)) != 0;
  return ssse3 && sse41 && sha;
}

const bool kAccelerated = DetectShaExtensions();

// The running state of one message, in the SHA instructions' layout.
struct LaneState {
  __m128i abef;
  __m128i cdgh;
};

__attribute__((target("sha,sse4.1,ssse3"))) LaneState InitialLane() {
  __m128i tmp = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kInitialState[0]));
  __m128i cdgh = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kInitialState[4]));
  tmp = _mm_shuffle_epi32(tmp, 0xB1);   // CDAB
  cdgh = _mm_shuffle_epi32(cdgh, 0x1B);  // EFGH
  return LaneState{_mm_alignr_epi8(tmp, cdgh, 8), _mm_blend_epi16(cdgh, tmp, 0xF0)};
}

__attribute__((target("sha,sse4.1,ssse3"))) void StoreDigest(const LaneState& lane,
                                                            Hash& out) {
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  const __m128i feba = _mm_shuffle_epi32(lane.abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(lane.cdgh, 0xB1);
  const __m128i dcba = _mm_blend_epi16(feba, dchg, 0xF0);
  const __m128i hgfe = _mm_alignr_epi8(dchg, feba, 8);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out.data()), _mm_shuffle_epi8(dcba, byte_swap));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out.data() + 16),
                   _mm_shuffle_epi8(hgfe, byte_swap));
}

// Compresses one 64-byte block into each of N independent states, the N
// chains interleaved (the structure of Intel's reference code).
template <int N>
__attribute__((target("sha,sse4.1,ssse3"))) void Compress(LaneState* const* lanes,
                                                         const uint8_t* const* blocks) {
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i abef[N], cdgh[N], w[N][4];
  for (int n = 0; n < N; ++n) {
    abef[n] = lanes[n]->abef;
    cdgh[n] = lanes[n]->cdgh;
    for (int j = 0; j < 4; ++j) {
      w[n][j] = _mm_shuffle_epi8(
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(blocks[n] + 16 * j)), byte_swap);
    }
  }
#pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) {
    const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(&kRoundConstants[4 * i]));
#pragma GCC unroll 4
    for (int n = 0; n < N; ++n) {
      if (i >= 4) {
        // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time.
        __m128i next = _mm_sha256msg1_epu32(w[n][i % 4], w[n][(i + 1) % 4]);
        next = _mm_add_epi32(next, _mm_alignr_epi8(w[n][(i + 3) % 4], w[n][(i + 2) % 4], 4));
        w[n][i % 4] = _mm_sha256msg2_epu32(next, w[n][(i + 3) % 4]);
      }
      __m128i msg = _mm_add_epi32(w[n][i % 4], k);
      cdgh[n] = _mm_sha256rnds2_epu32(cdgh[n], abef[n], msg);
      msg = _mm_shuffle_epi32(msg, 0x0E);
      abef[n] = _mm_sha256rnds2_epu32(abef[n], cdgh[n], msg);
    }
  }
  for (int n = 0; n < N; ++n) {
    lanes[n]->abef = _mm_add_epi32(lanes[n]->abef, abef[n]);
    lanes[n]->cdgh = _mm_add_epi32(lanes[n]->cdgh, cdgh[n]);
  }
}

void CompressLanes(int n, LaneState* const* lanes, const uint8_t* const* blocks) {
  switch (n) {
    case 4: return Compress<4>(lanes, blocks);
    case 3: return Compress<3>(lanes, blocks);
    case 2: return Compress<2>(lanes, blocks);
    default: return Compress<1>(lanes, blocks);
  }
}

void StoreBigEndian64(uint64_t value, uint8_t* out) {
  for (int i = 7; i >= 0; --i, value >>= 8) out[i] = static_cast<uint8_t>(value);
}

// One leaf message, 0x00 || entry, padded, as blocks: the first (with the
// prefix) and the last one or two (with the padding) assembled in scratch
// space, those in between read from the entry in place.
struct LeafMessage {
  const uint8_t* data;
  size_t size;       // of the entry, without the prefix
  size_t blocks;     // padded blocks in all
  size_t middle;     // blocks read in place: 1 .. middle
  alignas(16) uint8_t head[64];
  alignas(16) uint8_t tail[128];

  static size_t BlocksFor(size_t size) { return (size + 1 + 72) / 64; }  // ceil((size+10)/64)

  void Plan(std::string_view entry) {
    data = reinterpret_cast<const uint8_t*>(entry.data());
    size = entry.size();
    blocks = BlocksFor(size);
    const size_t length = size + 1;
    // Blocks 1.. that lie wholly inside the message: 64 * b + 64 <= length.
    middle = length >= 64 ? (length - 64) / 64 : 0;
    // Block 0: the prefix and the first 63 bytes, or all of a shorter
    // message and the start of its padding.
    head[0] = kLeafHashPrefix;
    const size_t n = std::min<size_t>(63, size);
    if (n > 0) std::memcpy(head + 1, data, n);
    if (n < 63) {
      head[1 + n] = 0x80;
      std::memset(head + 2 + n, 0, 62 - n);
    }
    if (blocks == 1) {
      StoreBigEndian64(uint64_t{length} * 8, head + 56);
      return;
    }
    // The tail: blocks middle + 1 .. blocks - 1 (one or two), the rest of
    // the message and the padding.
    const size_t tail_start = 64 * (middle + 1);  // offset in the message
    const size_t tail_blocks = blocks - middle - 1;
    std::memset(tail, 0, 64 * tail_blocks);
    if (tail_start < length) {
      std::memcpy(tail, data + (tail_start - 1), length - tail_start);
      tail[length - tail_start] = 0x80;
    } else if (tail_start == length) {
      tail[0] = 0x80;
    }
    StoreBigEndian64(uint64_t{length} * 8, tail + 64 * tail_blocks - 8);
  }

  const uint8_t* Block(size_t b) const {
    if (b == 0) return head;
    if (b <= middle) return data + (64 * b - 1);
    return tail + 64 * (b - middle - 1);
  }
};

// Hashes N messages of the same number of blocks, interleaved.
template <int N>
void HashMessages(const LeafMessage* const* messages, Hash* const* out) {
  LaneState lanes[N];
  LaneState* states[N];
  for (int k = 0; k < N; ++k) {
    lanes[k] = InitialLane();
    states[k] = &lanes[k];
  }
  const size_t blocks = messages[0]->blocks;
  for (size_t b = 0; b < blocks; ++b) {
    const uint8_t* data[N];
    for (int k = 0; k < N; ++k) data[k] = messages[k]->Block(b);
    Compress<N>(states, data);
  }
  for (int k = 0; k < N; ++k) StoreDigest(lanes[k], *out[k]);
}

void HashGroup(int n, const LeafMessage* const* messages, Hash* const* out) {
  switch (n) {
    case 4: return HashMessages<4>(messages, out);
    case 3: return HashMessages<3>(messages, out);
    case 2: return HashMessages<2>(messages, out);
    default: return HashMessages<1>(messages, out);
  }
}

}  // namespace

void LeafHashes(const std::string_view* entries, size_t n, Hash* out) {
  if (!kAccelerated) {
    for (size_t i = 0; i < n; ++i) out[i] = LeafHash(entries[i]);
    return;
  }
  // Messages wait, by their number of blocks, until four of a size can go
  // together (entries of a bundle are mostly alike in size).
  constexpr size_t kSizes = 8;
  struct Group {
    int count = 0;
    LeafMessage messages[4];
    const LeafMessage* pointers[4];
    Hash* out[4];
  };
  Group groups[kSizes + 1];  // the last for longer messages, one at a time
  for (size_t i = 0; i < n; ++i) {
    const size_t blocks = LeafMessage::BlocksFor(entries[i].size());
    Group& group = groups[std::min(blocks, kSizes + 1) - 1];
    const int k = group.count++;
    group.messages[k].Plan(entries[i]);
    group.pointers[k] = &group.messages[k];
    group.out[k] = &out[i];
    if (group.count == 4 || blocks > kSizes) {
      HashGroup(group.count, group.pointers, group.out);
      group.count = 0;
    }
  }
  for (Group& group : groups) {
    if (group.count > 0) HashGroup(group.count, group.pointers, group.out);
  }
}

void NodeHashes(const NodeChildren* nodes, size_t n, Hash* out) {
  if (!kAccelerated) {
    for (size_t i = 0; i < n; ++i) out[i] = NodeHash(*nodes[i].left, *nodes[i].right);
    return;
  }
  // 0x01 || left || right is 65 bytes: two blocks, the second all padding
  // but for the last byte of `right`.
  alignas(16) uint8_t scratch[4][128];
  for (int k = 0; k < 4; ++k) {
    std::memset(scratch[k], 0, sizeof scratch[k]);
    scratch[k][0] = kNodeHashPrefix;
    scratch[k][65] = 0x80;
    StoreBigEndian64(65 * 8, scratch[k] + 120);
  }
  for (size_t at = 0; at < n; at += 4) {
    const int count = static_cast<int>(std::min<size_t>(4, n - at));
    LaneState lanes[4];
    LaneState* states[4];
    const uint8_t* first[4];
    const uint8_t* second[4];
    for (int k = 0; k < count; ++k) {
      std::memcpy(scratch[k] + 1, nodes[at + k].left->data(), 32);
      std::memcpy(scratch[k] + 33, nodes[at + k].right->data(), 32);
      lanes[k] = InitialLane();
      states[k] = &lanes[k];
      first[k] = scratch[k];
      second[k] = scratch[k] + 64;
    }
    CompressLanes(count, states, first);
    CompressLanes(count, states, second);
    for (int k = 0; k < count; ++k) StoreDigest(lanes[k], out[at + k]);
  }
}

bool FastHashAccelerated() { return kAccelerated; }

#else  // !LEDGER_LOG_SHA_NI

void LeafHashes(const std::string_view* entries, size_t n, Hash* out) {
  for (size_t i = 0; i < n; ++i) out[i] = LeafHash(entries[i]);
}

void NodeHashes(const NodeChildren* nodes, size_t n, Hash* out) {
  for (size_t i = 0; i < n; ++i) out[i] = NodeHash(*nodes[i].left, *nodes[i].right);
}

bool FastHashAccelerated() { return false; }

#endif

namespace internal {

void FoldLevel(uint64_t index, const std::vector<Hash>& nodes, std::vector<Hash>& frontier,
               std::vector<Hash>& up, std::vector<Hash>& leftover,
               std::vector<NodeChildren>& children) {
  children.clear();
  size_t i = 0;
  const bool merge_frontier = (index & 1) != 0;
  if (merge_frontier) {
    children.push_back({&frontier.back(), &nodes[0]});
    i = 1;
  }
  for (; i + 1 < nodes.size(); i += 2) children.push_back({&nodes[i], &nodes[i + 1]});
  if (i < nodes.size()) leftover.push_back(nodes[i]);
  up.resize(children.size());
  NodeHashes(children.data(), children.size(), up.data());
  if (merge_frontier) frontier.pop_back();
}

}  // namespace internal

}  // namespace ledger::log
