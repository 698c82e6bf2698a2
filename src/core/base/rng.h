// rng.h: a small, fully specified random number generator (xoshiro256**).
// Unlike <random>'s distributions its output is the same on every platform and
// standard library, and its whole state is four integers, so a saved session
// resumes bit-identically.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

namespace ev {

class Rng {
 public:
  using State = std::array<std::uint64_t, 4>;

  explicit Rng(std::uint64_t seed = 0) { reseed(seed); }

  // Expands one 64-bit seed into the four state words with splitmix64.
  void reseed(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& w : s_) {
      x += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      w = z ^ (z >> 31);
    }
    has_spare_ = false;
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform double in [0, 1) with 53 random bits.
  double uniform() { return double(next_u64() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n), n > 0, without modulo bias (Lemire's method).
  std::uint64_t below(std::uint64_t n) {
    for (;;) {
      const unsigned __int128 m = (unsigned __int128)next_u64() * n;
      const std::uint64_t lo = std::uint64_t(m);
      if (lo >= n || lo >= (0 - n) % n) return std::uint64_t(m >> 64);
    }
  }

  // Standard normal (Box-Muller, both values used).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1;
    do u1 = uniform(); while (u1 <= 0.0);
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double a = 6.283185307179586 * u2;
    spare_ = r * std::sin(a);
    has_spare_ = true;
    return r * std::cos(a);
  }

  // Full state, for saving and restoring a session.
  struct Saved {
    State s;
    bool has_spare;
    double spare;
  };
  Saved save() const { return {s_, has_spare_, spare_}; }
  void restore(const Saved& v) {
    s_ = v.s;
    has_spare_ = v.has_spare;
    spare_ = v.spare;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  State s_{};
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace ev
