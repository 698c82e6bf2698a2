// kernels.cpp: register-tiled products for the training step (see kernels.h).
// Built with -ffp-contract=fast so that `c += a * b` on vectors becomes one
// fused multiply-add where the machine has them.
#include "core/kernels.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace ev::kernels {
namespace {

#if defined(__AVX512F__)
constexpr int W = 16;
constexpr int kRows = 8, kPanel = 3;    // 24 accumulators of 32 registers
constexpr int kDotRows = 4, kDotCols = 5;  // 20 accumulators + 9 operands
#elif defined(__AVX__)
constexpr int W = 8;
constexpr int kRows = 4, kPanel = 3;    // 12 of 16 registers
constexpr int kDotRows = 2, kDotCols = 4;
#else
constexpr int W = 4;
constexpr int kRows = 4, kPanel = 2;
constexpr int kDotRows = 2, kDotCols = 3;
#endif
// Columns of gemm_nt's operands taken at a time: B's block (a few hundred rows
// of it) then stays in the level-2 cache while every row of A meets it.
constexpr int kDotBlock = 512;
// Rows of gemm_nt's A taken at a time: their (rows, K) vectors of partial
// sums (200 KB at 32 rows, K 100, AVX-512) stay in the cache too.
constexpr int kDotGroup = 32;

typedef float vf __attribute__((vector_size(W * sizeof(float))));

inline vf load(const float* p) {
  vf v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(float* p, vf v) { std::memcpy(p, &v, sizeof v); }
inline vf splat(float x) { return vf{} + x; }
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

// The product shared by gemm_nn and gemm_tn_update: for R rows r of the
// result and NV vectors of its columns,
//   c[r] = sum_k A[r * ars + k * aks] * B[k * ldb + ...]
// then C[r] = alpha c[r] (+ C[r] when `add`). gemm_nn reads A by rows
// (ars = lda, aks = 1), gemm_tn_update by columns (ars = 1, aks = lda).
template <int R, int NV>
inline void tile(int K, const float* A, int ars, int aks, const float* B, int ldb, float* C, int ldc, float alpha,
                 bool add) {
  vf c[R][NV];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) c[r][v] = vf{};
  for (int k = 0; k < K; ++k) {
    vf b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) b[v] = load(B + std::size_t(k) * std::size_t(ldb) + std::size_t(v * W));
    const float* a = A + std::size_t(k) * std::size_t(aks);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const vf ar = splat(a[std::size_t(r) * std::size_t(ars)]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) c[r][v] += ar * b[v];
    }
  }
  const vf al = splat(alpha);
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      float* out = C + std::size_t(r) * std::size_t(ldc) + std::size_t(v * W);
      store(out, add ? load(out) + al * c[r][v] : al * c[r][v]);
    }
}

// `rows` rows (fewer than kRows) at once: the tile of that height.
template <int NV, int R = kRows - 1>
void tile_rows(int rows, int K, const float* A, int ars, int aks, const float* B, int ldb, float* C, int ldc,
               float alpha, bool add) {
  if constexpr (R > 0) {
    if (rows == R) return tile<R, NV>(K, A, ars, aks, B, ldb, C, ldc, alpha, add);
    tile_rows<NV, R - 1>(rows, K, A, ars, aks, B, ldb, C, ldc, alpha, add);
  }
}

// All M rows of the result for one panel of NV vectors of columns.
template <int NV>
void panel(int M, int K, const float* A, int ars, int aks, const float* B, int ldb, float* C, int ldc, float alpha,
           bool add) {
  int i = 0;
  for (; i + kRows <= M; i += kRows)
    tile<kRows, NV>(K, A + std::size_t(i) * std::size_t(ars), ars, aks, B, ldb, C + std::size_t(i) * std::size_t(ldc),
                    ldc, alpha, add);
  if (i < M)
    tile_rows<NV>(M - i, K, A + std::size_t(i) * std::size_t(ars), ars, aks, B, ldb,
                  C + std::size_t(i) * std::size_t(ldc), ldc, alpha, add);
}

// C (M, N) = alpha sum_k A(r, k) B (k, :) (+ C), over every column: panels of
// kPanel vectors, then single vectors, then the last columns (fewer than a
// vector) through a zero-padded copy.
void product(int M, int N, int K, const float* A, int ars, int aks, const float* B, int ldb, float* C, int ldc,
             float alpha, bool add) {
  if (M <= 0 || N <= 0) return;
  int j = 0;
  for (; j + kPanel * W <= N; j += kPanel * W) panel<kPanel>(M, K, A, ars, aks, B + j, ldb, C + j, ldc, alpha, add);
  for (; j + W <= N; j += W) panel<1>(M, K, A, ars, aks, B + j, ldb, C + j, ldc, alpha, add);
  if (j == N) return;
  const int rest = N - j;
  thread_local std::vector<float> b, c;
  b.assign(std::size_t(K) * W, 0.0f);
  c.assign(std::size_t(M) * W, 0.0f);
  for (int k = 0; k < K; ++k)
    std::copy_n(B + std::size_t(k) * std::size_t(ldb) + std::size_t(j), rest, b.data() + std::size_t(k) * W);
  for (int i = 0; i < M; ++i)
    std::copy_n(C + std::size_t(i) * std::size_t(ldc) + std::size_t(j), rest, c.data() + std::size_t(i) * W);
  panel<1>(M, K, A, ars, aks, b.data(), W, c.data(), W, alpha, add);
  for (int i = 0; i < M; ++i)
    std::copy_n(c.data() + std::size_t(i) * W, rest, C + std::size_t(i) * std::size_t(ldc) + std::size_t(j));
}

// Partial dot products of R rows of A with Q rows of B over n columns (a
// multiple of W), added into their lanes: lanes + (r * K + q) * W.
template <int R, int Q>
inline void dot_tile(int n, const float* A, int lda, const float* B, int ldb, float* lanes, int K) {
  vf c[R][Q];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int q = 0; q < Q; ++q) c[r][q] = load(lanes + (std::size_t(r) * std::size_t(K) + std::size_t(q)) * W);
  for (int j = 0; j < n; j += W) {
    vf a[R], b[Q];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) a[r] = load(A + std::size_t(r) * std::size_t(lda) + std::size_t(j));
#pragma GCC unroll 8
    for (int q = 0; q < Q; ++q) b[q] = load(B + std::size_t(q) * std::size_t(ldb) + std::size_t(j));
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
      for (int q = 0; q < Q; ++q) c[r][q] += a[r] * b[q];
  }
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int q = 0; q < Q; ++q) store(lanes + (std::size_t(r) * std::size_t(K) + std::size_t(q)) * W, c[r][q]);
}

// The same for a block of any size (the edges of the (M, K) result).
void dot_block(int rows, int cols, int n, const float* A, int lda, const float* B, int ldb, float* lanes, int K) {
  for (int r = 0; r < rows; ++r)
    for (int q = 0; q < cols; ++q) {
      float* l = lanes + (std::size_t(r) * std::size_t(K) + std::size_t(q)) * W;
      vf c = load(l);
      const float* a = A + std::size_t(r) * std::size_t(lda);
      const float* b = B + std::size_t(q) * std::size_t(ldb);
      for (int j = 0; j < n; j += W) c += load(a + j) * load(b + j);
      store(l, c);
    }
}

}  // namespace

int vector_width() { return W; }

void gemm_nn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate) {
  product(M, N, K, A, lda, 1, B, ldb, C, ldc, 1.0f, accumulate);
}

void gemm_tn(int M, int N, int K, float alpha, const float* A, int lda, const float* D, int ldd, float* B, int ldb,
             bool accumulate) {
  // The result is B's K rows; the sum runs over A's and D's M rows.
  product(K, N, M, A, 1, lda, D, ldd, B, ldb, alpha, accumulate);
}

void gemm_nt(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate) {
  if (M <= 0 || K <= 0) return;
  if (N < kDotBlock) {
    // Short rows (the lecture's 27 logits, a hidden layer of 200): B^T is
    // small, so transpose it and broadcast A's numbers against its rows.
    thread_local std::vector<float> bt;
    bt.resize(std::size_t(N) * std::size_t(K));
    for (int k = 0; k < K; ++k)
      for (int j = 0; j < N; ++j) bt[std::size_t(j) * std::size_t(K) + std::size_t(k)] = B[std::size_t(k) * std::size_t(ldb) + std::size_t(j)];
    return gemm_nn(M, K, N, A, lda, bt.data(), K, C, ldc, accumulate);
  }
  // Rows in groups, so their partial sums stay in the cache beside B's block.
  thread_local std::vector<float> lanes;  // (group rows, K, W) partial sums
  for (int g0 = 0; g0 < M; g0 += kDotGroup) {
    const int Mg = std::min(kDotGroup, M - g0);
    const float* Ag = A + std::size_t(g0) * std::size_t(lda);
    lanes.assign(std::size_t(Mg) * std::size_t(K) * W, 0.0f);
    float* L = lanes.data();
    for (int j0 = 0; j0 < N; j0 += kDotBlock) {
      const int N0 = std::min(kDotBlock, N - j0);
      const int n = N0 - N0 % W;  // whole vectors; the rest below, into lane 0
      for (int i = 0; i < Mg; i += kDotRows) {
        const int rows = std::min(kDotRows, Mg - i);
        const float* a = Ag + std::size_t(i) * std::size_t(lda) + std::size_t(j0);
        for (int k = 0; k < K; k += kDotCols) {
          const int cols = std::min(kDotCols, K - k);
          const float* b = B + std::size_t(k) * std::size_t(ldb) + std::size_t(j0);
          float* l = L + (std::size_t(i) * std::size_t(K) + std::size_t(k)) * W;
          if (rows == kDotRows && cols == kDotCols)
            dot_tile<kDotRows, kDotCols>(n, a, lda, b, ldb, l, K);
          else
            dot_block(rows, cols, n, a, lda, b, ldb, l, K);
        }
      }
      for (int i = 0; n < N0 && i < Mg; ++i)
        for (int k = 0; k < K; ++k) {
          float s = 0;
          for (int j = j0 + n; j < j0 + N0; ++j)
            s += Ag[std::size_t(i) * std::size_t(lda) + std::size_t(j)] * B[std::size_t(k) * std::size_t(ldb) + std::size_t(j)];
          L[(std::size_t(i) * std::size_t(K) + std::size_t(k)) * W] += s;
        }
    }
    for (int i = 0; i < Mg; ++i)
      for (int k = 0; k < K; ++k) {
        const float s = lane_sum(load(L + (std::size_t(i) * std::size_t(K) + std::size_t(k)) * W));
        float& c = C[std::size_t(g0 + i) * std::size_t(ldc) + std::size_t(k)];
        c = accumulate ? c + s : s;
      }
  }
}

void softmax_rows(int M, int N, const float* logits, int ldl, float* probs, int ldp, float* maxes, float* sums) {
  const int n = N - N % W;
  for (int i = 0; i < M; ++i) {
    const float* x = logits + std::size_t(i) * std::size_t(ldl);
    float* p = probs + std::size_t(i) * std::size_t(ldp);
    float mx = -std::numeric_limits<float>::infinity();
    if (n > 0) {
      vf m = load(x);
      for (int j = W; j < n; j += W) m = vmax(m, load(x + j));
      mx = lane_max(m);
    }
    for (int j = n; j < N; ++j) mx = std::max(mx, x[j]);
    vf acc = vf{};
    const vf shift = splat(mx);
    for (int j = 0; j < n; j += W) {
      const vf e = exp_nonpositive(load(x + j) - shift);
      store(p + j, e);
      acc += e;
    }
    float sum = lane_sum(acc);
    for (int j = n; j < N; ++j) sum += (p[j] = exp_nonpositive(x[j] - mx));
    const vf inv = splat(1.0f / sum);
    for (int j = 0; j < n; j += W) store(p + j, load(p + j) * inv);
    for (int j = n; j < N; ++j) p[j] *= 1.0f / sum;
    maxes[i] = mx;
    sums[i] = sum;
  }
}

}  // namespace ev::kernels
