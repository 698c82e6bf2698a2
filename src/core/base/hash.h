// hash.h: a fast 64-bit hash of bytes, for telling whether something drawn
// changed since the last frame (not for security or files: no guarantees
// beyond a good spread of bits).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ev {

// Mixes v into h (a multiply-xorshift round, as in splitmix64's finaliser).
inline std::uint64_t hash_mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 29;
  return h;
}

// Hashes n bytes at p, eight at a time in four independent lanes (so the
// multiplies overlap), the tail and the length last.
inline std::uint64_t hash_bytes(const void* p, std::size_t n, std::uint64_t seed = 0) {
  const unsigned char* b = static_cast<const unsigned char*>(p);
  std::uint64_t lane[4] = {seed ^ 0x243f6a8885a308d3ull, seed ^ 0x13198a2e03707344ull, seed ^ 0xa4093822299f31d0ull,
                           seed ^ 0x082efa98ec4e6c89ull};
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (int k = 0; k < 4; ++k) {
      std::uint64_t w;
      std::memcpy(&w, b + i + 8 * std::size_t(k), 8);
      lane[k] = (lane[k] ^ w) * 0x9fb21c651e98df25ull;
      lane[k] ^= lane[k] >> 28;
    }
  std::uint64_t h = hash_mix(hash_mix(lane[0], lane[1]), hash_mix(lane[2], lane[3]));
  for (; i < n; ++i) h = hash_mix(h, b[i]);
  return hash_mix(h, n);
}

// Hashes a trivially copyable value's bytes.
template <class T>
std::uint64_t hash_value(std::uint64_t h, const T& v) {
  return hash_bytes(&v, sizeof(T), h);
}

}  // namespace ev
