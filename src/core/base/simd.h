// simd.h: the vector arithmetic the kernels are written in (kernels.cpp,
// lanes.cpp): GCC's generic vector types as wide as the machine's (16 floats
// with AVX-512, 8 with AVX, 4 otherwise), loads and stores at any alignment,
// the fused multiply-add written out, and an exp for arguments at most zero.
// Internal to src/core/base: include it only from a kernel's .cpp, inside no
// namespace.
#pragma once

#if defined(__AVX__)
#include <immintrin.h>  // _mm512_fmadd_ps, _mm256_fmadd_ps
#endif

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace ev::simd {

#if defined(__AVX512F__)
constexpr int W = 16;
constexpr int kPanel = 3;
// Rows of a register tile of 1, 2 or 3 vectors of columns: the accumulators
// (16 to 24 of the 32 registers) beside the operand vectors and a broadcast.
constexpr int kTileRows[] = {0, 16, 12, 8};
#elif defined(__AVX__)
constexpr int W = 8;
constexpr int kPanel = 3;
constexpr int kTileRows[] = {0, 8, 6, 4};  // 8 or 12 of 16 registers
#else
constexpr int W = 4;
constexpr int kPanel = 2;
constexpr int kTileRows[] = {0, 4, 4};
#endif
typedef float vf __attribute__((vector_size(W * sizeof(float))));

inline vf load(const float* p) {
  vf v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(float* p, vf v) { std::memcpy(p, &v, sizeof v); }
// The first n lanes (0 < n < W) from p, the others zero; v's first n lanes to p.
inline vf load_first(const float* p, int n) {
#if defined(__AVX512F__)
  return vf(_mm512_maskz_loadu_ps(__mmask16((1u << n) - 1), p));
#else
  vf v{};
  std::memcpy(&v, p, sizeof(float) * std::size_t(n));
  return v;
#endif
}
inline void store_first(float* p, vf v, int n) {
#if defined(__AVX512F__)
  _mm512_mask_storeu_ps(p, __mmask16((1u << n) - 1), __m512(v));
#else
  std::memcpy(p, &v, sizeof(float) * std::size_t(n));
#endif
}
inline vf splat(float x) { return vf{} + x; }
// a * b + c, in one rounding where the machine fuses multiply-adds. Written
// out rather than left to -ffp-contract: the compiler fuses a product only
// where it has one use, which can differ between two instantiations of the
// same tile, and every tile must round alike (a result is then the same
// whichever tiles a split between threads gives its columns).
inline vf fmadd(vf a, vf b, vf c) {
#if defined(__AVX512F__)
  return vf(_mm512_fmadd_ps(__m512(a), __m512(b), __m512(c)));
#elif defined(__AVX__) && defined(__FMA__)
  return vf(_mm256_fmadd_ps(__m256(a), __m256(b), __m256(c)));
#else
  return a * b + c;
#endif
}
inline vf vmax(vf a, vf b) { return a > b ? a : b; }
inline float lane_max(vf v) {
  float m = v[0];
  for (int l = 1; l < W; ++l) m = std::max(m, v[l]);
  return m;
}

// exp(x) for x <= 0 (a logit minus its row's maximum): x = n ln2 + r with
// |r| <= ln2 / 2, exp(r) by its Taylor polynomial to degree 6 (relative error
// below 2e-7 there), times 2^n built in the exponent bits. Below -87 the
// result is 0 (exp(-87) is near the smallest normal float).
typedef std::int32_t vi __attribute__((vector_size(W * sizeof(std::int32_t))));
inline vf exp_nonpositive(vf x) {
  const vf lo = splat(-87.0f);
  const vf xc = x < lo ? lo : x;
  const vf n = __builtin_convertvector(__builtin_convertvector(xc * 1.44269504088896341f + splat(-0.5f), vi), vf);
  // Rounding to nearest: n = trunc(x log2 e - 0.5) rounds toward zero, and x
  // is negative, so it is floor(x log2 e + 0.5) for all but exact halves.
  const vf r = xc - n * 0.693145751953125f - n * 1.428606765330187045e-06f;
  vf p = splat(1.0f / 720);
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const vi bits = (__builtin_convertvector(n, vi) + 127) << 23;
  vf scale;
  std::memcpy(&scale, &bits, sizeof scale);
  const vf e = p * scale;
  return x < lo ? vf{} : e;
}
inline float exp_nonpositive(float x) {
  vf v = splat(x);
  return exp_nonpositive(v)[0];
}

inline float lane_sum(vf v) {
  float s = 0;
  for (int l = 0; l < W; ++l) s += v[l];
  return s;
}

}  // namespace ev::simd
