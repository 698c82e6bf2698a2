// kernels.cpp: register-tiled products for the training step (see kernels.h).
// Built with -ffp-contract=fast so that `c += a * b` on vectors becomes one
// fused multiply-add where the machine has them.
#include "core/base/kernels.h"
#include "core/base/simd.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace ev::kernels {
namespace {

using namespace simd;
// Columns of gemm_nt's long operands taken at a time: A's block, packed
// transposed (a few hundred by the batch's rows), stays in the level-1 cache
// while every row of B meets it.
constexpr int kDotBlock = 256;
// Columns of gemm_tn's update taken at a time (a whole number of panels):
// D's block (the batch's rows by these) stays in the level-2 cache.
constexpr int kUpdateBlock = 20 * kPanel * W;
// Columns of gemm_nt_update's blocks: whole panels, a whole number of them in a chunk.
constexpr int kFusedBlock = 5 * kPanel * W;
static_assert(kChunk % kFusedBlock == 0, "a chunk is whole blocks");

// Where a tile asks for data before it needs it: B's rows of the next panel
// of columns (`next_b`, null: none), and the tile's own rows of C when it
// adds to them (`c_early`). A row of B or C is a separate stream (its rows
// lie a whole row of 17,000 floats apart) that the hardware prefetcher does
// not follow, and each would otherwise be a cache miss taken in the loop.
struct Prefetch {
  const float* next_b = nullptr;
  bool c_early = false;
};

// The product shared by gemm_nn, gemm_nt and gemm_tn: for R rows r of the
// result and NV vectors of its columns,
//   c[r] = sum_k A[r * ars + k * aks] * B[k * ldb + ...]
// then C[r] = alpha c[r] (+ C[r] when `add`). gemm_nn reads A by rows
// (ars = lda, aks = 1), gemm_tn by columns (ars = 1, aks = lda).
template <int R, int NV>
inline void tile(int K, const float* A, int ars, int aks, const float* B, int ldb, float* C, int ldc, float alpha,
                 bool add, Prefetch pf) {
  vf c[R][NV];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) c[r][v] = vf{};
  if (pf.c_early && add)
    for (int r = 0; r < R; ++r)
      for (int v = 0; v < NV; ++v) __builtin_prefetch(C + std::size_t(r) * std::size_t(ldc) + std::size_t(v * W), 1);
  for (int k = 0; k < K; ++k) {
    if (pf.next_b)
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) __builtin_prefetch(pf.next_b + std::size_t(k) * std::size_t(ldb) + std::size_t(v * W));
    vf b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) b[v] = load(B + std::size_t(k) * std::size_t(ldb) + std::size_t(v * W));
    const float* a = A + std::size_t(k) * std::size_t(aks);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const vf ar = splat(a[std::size_t(r) * std::size_t(ars)]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) c[r][v] = fmadd(ar, b[v], c[r][v]);
    }
  }
  const vf al = splat(alpha);
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      float* out = C + std::size_t(r) * std::size_t(ldc) + std::size_t(v * W);
      store(out, add ? fmadd(al, c[r][v], load(out)) : al * c[r][v]);
    }
}

// `rows` rows (fewer than a full tile's) at once: the tile of that height.
template <int NV, int R = kTileRows[NV] - 1>
void tile_rows(int rows, int K, const float* A, int ars, int aks, const float* B, int ldb, float* C, int ldc,
               float alpha, bool add, Prefetch pf) {
  if constexpr (R > 0) {
    if (rows == R) return tile<R, NV>(K, A, ars, aks, B, ldb, C, ldc, alpha, add, pf);
    tile_rows<NV, R - 1>(rows, K, A, ars, aks, B, ldb, C, ldc, alpha, add, pf);
  }
}

// All M rows of the result for one panel of NV vectors of columns; the first
// tile fetches the next panel's rows of B (`next_b`), which the later tiles
// of this panel then find in the cache as well.
template <int NV>
void panel(int M, int K, const float* A, int ars, int aks, const float* B, int ldb, float* C, int ldc, float alpha,
           bool add, const float* next_b) {
  constexpr int R = kTileRows[NV];
  Prefetch pf{next_b, true};
  int i = 0;
  for (; i + R <= M; i += R, pf.next_b = nullptr)
    tile<R, NV>(K, A + std::size_t(i) * std::size_t(ars), ars, aks, B, ldb, C + std::size_t(i) * std::size_t(ldc),
                ldc, alpha, add, pf);
  if (i < M)
    tile_rows<NV>(M - i, K, A + std::size_t(i) * std::size_t(ars), ars, aks, B, ldb,
                  C + std::size_t(i) * std::size_t(ldc), ldc, alpha, add, pf);
}

// C (M, N) = alpha sum_k A(r, k) B (k, :) (+ C), over every column: panels of
// kPanel vectors, then of two and of one, then the last columns (fewer than
// a vector) through a zero-padded copy.
void product(int M, int N, int K, const float* A, int ars, int aks, const float* B, int ldb, float* C, int ldc,
             float alpha, bool add) {
  if (M <= 0 || N <= 0) return;
  int j = 0;
  constexpr int P = kPanel * W;
  for (; j + P <= N; j += P)
    panel<kPanel>(M, K, A, ars, aks, B + j, ldb, C + j, ldc, alpha, add, j + 2 * P <= N ? B + j + P : nullptr);
  if constexpr (kPanel > 2)
    for (; j + 2 * W <= N; j += 2 * W) panel<2>(M, K, A, ars, aks, B + j, ldb, C + j, ldc, alpha, add, nullptr);
  for (; j + W <= N; j += W) panel<1>(M, K, A, ars, aks, B + j, ldb, C + j, ldc, alpha, add, nullptr);
  if (j == N) return;
  const int rest = N - j;
  thread_local std::vector<float> b, c;
  b.assign(std::size_t(K) * W, 0.0f);
  c.assign(std::size_t(M) * W, 0.0f);
  for (int k = 0; k < K; ++k)
    std::copy_n(B + std::size_t(k) * std::size_t(ldb) + std::size_t(j), rest, b.data() + std::size_t(k) * W);
  for (int i = 0; i < M; ++i)
    std::copy_n(C + std::size_t(i) * std::size_t(ldc) + std::size_t(j), rest, c.data() + std::size_t(i) * W);
  panel<1>(M, K, A, ars, aks, b.data(), W, c.data(), W, alpha, add, nullptr);
  for (int i = 0; i < M; ++i)
    std::copy_n(c.data() + std::size_t(i) * W, rest, C + std::size_t(i) * std::size_t(ldc) + std::size_t(j));
}

}  // namespace

int vector_width() { return W; }

void gemm_nn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate) {
  product(M, N, K, A, lda, 1, B, ldb, C, ldc, 1.0f, accumulate);
}

void gemm_tn(int M, int N, int K, float alpha, const float* A, int lda, const float* D, int ldd, float* B, int ldb,
             bool accumulate) {
  // The result is B's K rows; the sum runs over A's and D's M rows. B is the
  // large operand here (the output weights), read and written once: in
  // blocks of columns, one tile's rows at a time across the block, so each
  // row of B is a sequential stream the hardware prefetcher follows, while
  // D's block stays in the level-2 cache for every tile.
  constexpr int R = kTileRows[kPanel];
  for (int j0 = 0; j0 < N; j0 += kUpdateBlock) {
    const int nb = std::min(kUpdateBlock, N - j0);
    for (int i0 = 0; i0 < K; i0 += R)
      product(std::min(R, K - i0), nb, M, A + i0, 1, lda, D + j0, ldd, B + std::size_t(i0) * std::size_t(ldb) + j0,
              ldb, alpha, accumulate);
  }
}

namespace {

// Rows [r0, r1) of A's first nb columns, transposed into at (nb, Mp).
void pack_block(int r0, int r1, int Mp, int nb, const float* A, int lda, float* at) {
  for (int i = r0; i < r1; ++i) {
    const float* a = A + std::size_t(i) * std::size_t(lda);
    for (int j = 0; j < nb; ++j) at[std::size_t(j) * std::size_t(Mp) + std::size_t(i)] = a[j];
  }
}

// C (M, K) = ct^T, or C += it, from ct (K, Mp).
void store_transposed(int M, int K, const float* ct, int Mp, float* C, int ldc, bool accumulate) {
  for (int i = 0; i < M; ++i)
    for (int k = 0; k < K; ++k) {
      const float s = ct[std::size_t(k) * std::size_t(Mp) + std::size_t(i)];
      float& c = C[std::size_t(i) * std::size_t(ldc) + std::size_t(k)];
      c = accumulate ? c + s : s;
    }
}

}  // namespace

void gemm_nt(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate) {
  if (M <= 0 || K <= 0) return;
  if (N < kLongRows) {
    // Short rows (the lecture's 27 logits, a hidden layer of 200): B^T is
    // small, so transpose it and broadcast A's numbers against its rows.
    thread_local std::vector<float> bt;
    bt.resize(std::size_t(N) * std::size_t(K));
    for (int k = 0; k < K; ++k)
      for (int j = 0; j < N; ++j) bt[std::size_t(j) * std::size_t(K) + std::size_t(k)] = B[std::size_t(k) * std::size_t(ldb) + std::size_t(j)];
    return gemm_nn(M, K, N, A, lda, bt.data(), K, C, ldc, accumulate);
  }
  // Long rows (a vocabulary): C^T (K, M) = B (K, N) A^T (N, M), the
  // contraction along N in blocks. Each block of A is packed transposed, its
  // rows padded to whole vectors with zeros, into a small panel that stays in
  // the level-1 cache; B's rows are then read once, in order, each number
  // broadcast against the panel's vectors by the register tiles of `product`.
  const int Mp = packed_width(M);
  thread_local std::vector<float> at, ct;  // (block, Mp) packed A^T, (K, Mp) the result
  at.assign(std::size_t(kDotBlock) * std::size_t(Mp), 0.0f);
  ct.assign(std::size_t(K) * std::size_t(Mp), 0.0f);
  for (int j0 = 0; j0 < N; j0 += kDotBlock) {
    const int nb = std::min(kDotBlock, N - j0);
    pack_block(0, M, Mp, nb, A + j0, lda, at.data());
    product(K, Mp, nb, B + j0, ldb, 1, at.data(), Mp, ct.data(), Mp, 1.0f, true);
  }
  store_transposed(M, K, ct.data(), Mp, C, ldc, accumulate);
}

int packed_width(int M) { return (M + W - 1) / W * W; }

void gemm_nt_update(int M, int c0, int c1, int K, const float* A, int lda, float* B, int ldb, const float* X, int ldx,
                    float alpha, float* partials) {
  if (M <= 0 || K <= 0) return;
  // Each block of B's columns (K rows of kFusedBlock floats) is read for the
  // product while it is in the level-2 cache, then updated there: B is
  // streamed once, not twice.
  const int Mp = packed_width(M);
  constexpr int R = kTileRows[kPanel];
  thread_local std::vector<float> at;  // (block, Mp) A's block packed transposed
  at.assign(std::size_t(kFusedBlock) * std::size_t(Mp), 0.0f);
  for (int s0 = c0; s0 < c1; s0 += kChunk) {
    float* ct = partials + std::size_t(s0 / kChunk) * std::size_t(K) * std::size_t(Mp);  // (K, Mp)
    std::fill_n(ct, std::size_t(K) * std::size_t(Mp), 0.0f);
    for (int j0 = s0; j0 < std::min(s0 + kChunk, c1); j0 += kFusedBlock) {
      const int nb = std::min({kFusedBlock, c1 - j0, s0 + kChunk - j0});
      pack_block(0, M, Mp, nb, A + j0, lda, at.data());
      product(K, Mp, nb, B + j0, ldb, 1, at.data(), Mp, ct, Mp, 1.0f, true);
      for (int i0 = 0; i0 < K; i0 += R)
        product(std::min(R, K - i0), nb, M, X + i0, 1, ldx, A + j0, lda, B + std::size_t(i0) * std::size_t(ldb) + j0,
                ldb, alpha, true);
    }
  }
}

void sum_chunks(int M, int N, int K, const float* partials, float* C, int ldc) {
  const std::size_t Mp = std::size_t(packed_width(M)), step = std::size_t(K) * Mp;
  for (int i = 0; i < M; ++i)
    for (int k = 0; k < K; ++k) {
      const float* p = partials + std::size_t(k) * Mp + std::size_t(i);
      float s = p[0];
      for (int c = 1; c < chunks(N); ++c) s += p[std::size_t(c) * step];
      C[std::size_t(i) * std::size_t(ldc) + std::size_t(k)] = s;
    }
}

void pack_transposed(int r0, int r1, int M, int N, const float* A, int lda, float* At) {
  const int Mp = packed_width(M);
  // A block of columns at a time, so the rows written stay in the level-1 cache.
  for (int j0 = 0; j0 < N; j0 += kDotBlock) {
    float* block = At + std::size_t(j0) * std::size_t(Mp);
    const int nb = std::min(kDotBlock, N - j0);
    pack_block(r0, r1, Mp, nb, A + j0, lda, block);
    if (r1 == M)  // the padding rows of the last range
      for (int j = 0; j < nb; ++j) std::fill_n(block + std::size_t(j) * std::size_t(Mp) + std::size_t(M), Mp - M, 0.0f);
  }
}

void gemm_nt_packed(int M, int N, int K, const float* At, const float* B, int ldb, float* C, int ldc,
                    bool accumulate) {
  if (M <= 0 || K <= 0) return;
  const int Mp = packed_width(M);
  thread_local std::vector<float> ct;  // (K, Mp) the result
  ct.assign(std::size_t(K) * std::size_t(Mp), 0.0f);
  for (int j0 = 0; j0 < N; j0 += kDotBlock)
    product(K, Mp, std::min(kDotBlock, N - j0), B + j0, ldb, 1, At + std::size_t(j0) * std::size_t(Mp), Mp, ct.data(),
            Mp, 1.0f, true);
  store_transposed(M, K, ct.data(), Mp, C, ldc, accumulate);
}

int chunks(int N) { return (N + kChunk - 1) / kChunk; }

namespace {

// Row i's maximum over n numbers: four chains, so the pass is bound by the
// vector units' throughput rather than one chain's latency (the maximum is
// exact in any order).
float row_max(const float* r, int n) {
  const int nv = n - n % W, n4 = n - n % (4 * W);
  float mx = -std::numeric_limits<float>::infinity();
  if (nv > 0) {
    vf m[4] = {load(r), load(r), load(r), load(r)};
    for (int j = 0; j < n4; j += 4 * W)
      for (int c = 0; c < 4; ++c) m[c] = vmax(m[c], load(r + j + c * W));
    for (int j = n4; j < nv; j += W) m[0] = vmax(m[0], load(r + j));
    mx = lane_max(vmax(vmax(m[0], m[1]), vmax(m[2], m[3])));
  }
  for (int j = nv; j < n; ++j) mx = std::max(mx, r[j]);
  return mx;
}

// q = exp(r - mx) over n numbers; returns their sum (four chains of sums).
float exp_sum(const float* r, int n, float mx, float* q) {
  const int nv = n - n % W, n4 = n - n % (4 * W);
  const vf shift = splat(mx);
  vf acc[4] = {};
  for (int j = 0; j < n4; j += 4 * W)
    for (int c = 0; c < 4; ++c) {
      const vf e = exp_nonpositive(load(r + j + c * W) - shift);
      store(q + j + c * W, e);
      acc[c] += e;
    }
  for (int j = n4; j < nv; j += W) {
    const vf e = exp_nonpositive(load(r + j) - shift);
    store(q + j, e);
    acc[0] += e;
  }
  float sum = lane_sum((acc[0] + acc[1]) + (acc[2] + acc[3]));
  for (int j = nv; j < n; ++j) sum += (q[j] = exp_nonpositive(r[j] - mx));
  return sum;
}

}  // namespace

void softmax_chunks(int M, int c0, int c1, const float* x, int ldx, float* p, int ldp, float* cmax, float* csum) {
  for (int s0 = c0; s0 < c1; s0 += kChunk) {
    const int n = std::min(kChunk, c1 - s0);
    const std::size_t at = std::size_t(s0 / kChunk) * std::size_t(M);
    for (int i = 0; i < M; ++i) {
      // The chunk's row is in the level-1 cache for both passes.
      const float* r = x + std::size_t(i) * std::size_t(ldx) + std::size_t(s0);
      cmax[at + std::size_t(i)] = row_max(r, n);
      csum[at + std::size_t(i)] =
          exp_sum(r, n, cmax[at + std::size_t(i)], p + std::size_t(i) * std::size_t(ldp) + std::size_t(s0));
    }
  }
}

void softmax_combine(int M, int N, const float* cmax, const float* csum, float* maxes, float* sums, float* factors) {
  const int nc = chunks(N);
  for (int i = 0; i < M; ++i) {
    float mx = cmax[i];
    for (int c = 1; c < nc; ++c) mx = std::max(mx, cmax[std::size_t(c) * std::size_t(M) + std::size_t(i)]);
    float s = 0;
    for (int c = 0; c < nc; ++c) {
      const std::size_t at = std::size_t(c) * std::size_t(M) + std::size_t(i);
      factors[at] = exp_nonpositive(cmax[at] - mx);  // each chunk's exponentials, from its maximum to the row's
      s += csum[at] * factors[at];
    }
    for (int c = 0; c < nc; ++c) factors[std::size_t(c) * std::size_t(M) + std::size_t(i)] /= s;
    maxes[i] = mx;
    sums[i] = s;
  }
}

void scale_chunks(int M, int c0, int c1, const float* factors, float* p, int ldp) {
  for (int s0 = c0; s0 < c1; s0 += kChunk) {
    const int n = std::min(kChunk, c1 - s0);
    const float* f = factors + std::size_t(s0 / kChunk) * std::size_t(M);
    for (int i = 0; i < M; ++i) {
      float* q = p + std::size_t(i) * std::size_t(ldp) + std::size_t(s0);
      for (int j = 0; j < n; ++j) q[j] *= f[i];
    }
  }
}

void softmax_rows(int M, int N, const float* logits, int ldl, float* probs, int ldp, float* maxes, float* sums) {
  thread_local std::vector<float> cmax, csum, factors;
  cmax.resize(std::size_t(chunks(N)) * std::size_t(M));
  csum.resize(cmax.size());
  factors.resize(cmax.size());
  softmax_chunks(M, 0, N, logits, ldl, probs, ldp, cmax.data(), csum.data());
  softmax_combine(M, N, cmax.data(), csum.data(), maxes, sums, factors.data());
  scale_chunks(M, 0, N, factors.data(), probs, ldp);
}

}  // namespace ev::kernels
