// lanes.cpp: the small step's products with the batch along the lanes (see
// lanes.h). Built with -ffp-contract=fast, as kernels.cpp.
#include "core/base/lanes.h"

#include "core/base/simd.h"

namespace ev::lanes {
namespace {

using namespace simd;

// Rows of Y by NB vectors of its columns: TR rows' accumulators in registers,
// each number S(r, k) broadcast against the NB vectors of X's row k.
template <int TR, int NB>
void mul_tile(int K, int Bp, const float* s, int rs, int ks, const float* X, float* Y, const float* bias) {
  vf acc[TR][NB];
  for (int i = 0; i < TR; ++i)
    for (int j = 0; j < NB; ++j) acc[i][j] = bias ? splat(bias[i]) : vf{};
  for (int k = 0; k < K; ++k) {
    vf x[NB];
    for (int j = 0; j < NB; ++j) x[j] = load(X + std::size_t(k) * std::size_t(Bp) + std::size_t(j * W));
    const float* sk = s + std::size_t(k) * std::size_t(ks);
    for (int i = 0; i < TR; ++i) {
      const vf b = splat(sk[std::size_t(i) * std::size_t(rs)]);
      for (int j = 0; j < NB; ++j) acc[i][j] = fmadd(b, x[j], acc[i][j]);
    }
  }
  for (int i = 0; i < TR; ++i)
    for (int j = 0; j < NB; ++j) store(Y + std::size_t(i) * std::size_t(Bp) + std::size_t(j * W), acc[i][j]);
}

// The last `rows` rows (fewer than a whole tile) in one tile of that many.
template <int NB, int TR>
void mul_rest(int rows, int K, int Bp, const float* s, int rs, int ks, const float* X, float* Y, const float* bias) {
  if constexpr (TR > 0) {
    if (rows == TR) return mul_tile<TR, NB>(K, Bp, s, rs, ks, X, Y, bias);
    mul_rest<NB, TR - 1>(rows, K, Bp, s, rs, ks, X, Y, bias);
  }
}

// All of Y's rows for NB vectors of columns: whole tiles, then the rest in one.
template <int NB>
void mul_columns(int R, int K, int Bp, const float* s, int rs, int ks, const float* X, float* Y, const float* bias) {
  constexpr int TR = kTileRows[NB];
  int r = 0;
  const auto at = [&](int row) { return s + std::size_t(row) * std::size_t(rs); };
  const auto yat = [&](int row) { return Y + std::size_t(row) * std::size_t(Bp); };
  const auto bat = [&](int row) { return bias ? bias + row : nullptr; };
  for (; r + TR <= R; r += TR) mul_tile<TR, NB>(K, Bp, at(r), rs, ks, X, yat(r), bat(r));
  mul_rest<NB, TR - 1>(R - r, K, Bp, at(r), rs, ks, X, yat(r), bat(r));
}

// A block of Wt: TR rows by NV vectors of columns from column c, the batch
// summed in registers, then written (or added) once. Where the last of two or
// more vectors would run past N it is moved back to end at N: it then repeats
// a few of the vector before it, summed alike to the bit, and every row is
// read before it is written, so no column is added twice and no store is
// masked. A single vector past N is written as far as N.
template <int TR, int NV>
void outer_tile(int N, int c, int B, int Bp, float alpha, const float* XT, const float* D, int ldd, float* Wt, int ldw,
                bool accumulate) {
  int col[NV];
  for (int j = 0; j < NV; ++j) col[j] = c + j * W;
  if (NV > 1 && col[NV - 1] + W > N) col[NV - 1] = N - W;
  const int last = NV == 1 ? std::min(W, N - c) : W;  // lanes of the last vector written
  vf acc[TR][NV] = {};
  for (int b = 0; b < B; ++b) {
    vf d[NV];
    for (int j = 0; j < NV; ++j) d[j] = load(D + std::size_t(b) * std::size_t(ldd) + std::size_t(col[j]));
    for (int i = 0; i < TR; ++i) {
      const vf x = splat(XT[std::size_t(i) * std::size_t(Bp) + std::size_t(b)]);
      for (int j = 0; j < NV; ++j) acc[i][j] = fmadd(x, d[j], acc[i][j]);
    }
  }
  const vf a = splat(alpha);
  for (int i = 0; i < TR; ++i) {
    float* w = Wt + std::size_t(i) * std::size_t(ldw);
    if (last < W) {
      store_first(w + c, accumulate ? fmadd(a, acc[i][0], load_first(w + c, last)) : a * acc[i][0], last);
      continue;
    }
    vf out[NV];
    for (int j = 0; j < NV; ++j) out[j] = accumulate ? fmadd(a, acc[i][j], load(w + col[j])) : a * acc[i][j];
    for (int j = 0; j < NV; ++j) store(w + col[j], out[j]);
  }
}

template <int NV, int TR>
void outer_rest(int rows, int N, int c, int B, int Bp, float alpha, const float* XT, const float* D, int ldd, float* Wt,
                int ldw, bool accumulate) {
  if constexpr (TR > 0) {
    if (rows == TR) return outer_tile<TR, NV>(N, c, B, Bp, alpha, XT, D, ldd, Wt, ldw, accumulate);
    outer_rest<NV, TR - 1>(rows, N, c, B, Bp, alpha, XT, D, ldd, Wt, ldw, accumulate);
  }
}

template <int NV>
void outer_columns(int R, int N, int c, int B, int Bp, float alpha, const float* XT, const float* D, int ldd, float* Wt,
                   int ldw, bool accumulate) {
  constexpr int TR = kTileRows[NV];
  const auto xt = [&](int row) { return XT + std::size_t(row) * std::size_t(Bp); };
  const auto wt = [&](int row) { return Wt + std::size_t(row) * std::size_t(ldw); };
  int r = 0;
  for (; r + TR <= R; r += TR) outer_tile<TR, NV>(N, c, B, Bp, alpha, xt(r), D, ldd, wt(r), ldw, accumulate);
  outer_rest<NV, TR - 1>(R - r, N, c, B, Bp, alpha, xt(r), D, ldd, wt(r), ldw, accumulate);
}

#if defined(__AVX512F__)
// GCC 12's AVX-512 shuffles start from an undefined register, which
// -Wuninitialized reports from inside its own header.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// in's 16 rows from `in` transposed into 16 rows of out: four rounds of
// shuffles, pairs of floats, then of pairs, then of 128-bit quarters.
void transpose16(const float* in, int ldi, float* out, int ldo) {
  __m512 r[16], a[16], c[16];
  for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(in + std::size_t(i) * std::size_t(ldi));
  for (int i = 0; i < 8; ++i) {
    a[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    a[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  // c[4g + q]: rows 4g..4g+3, columns q, q + 4, q + 8, q + 12 in its quarters.
  for (int g = 0; g < 4; ++g) {
    const __m512d lo0 = _mm512_castps_pd(a[4 * g]), lo1 = _mm512_castps_pd(a[4 * g + 2]);
    const __m512d hi0 = _mm512_castps_pd(a[4 * g + 1]), hi1 = _mm512_castps_pd(a[4 * g + 3]);
    c[4 * g + 0] = _mm512_castpd_ps(_mm512_unpacklo_pd(lo0, lo1));
    c[4 * g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(lo0, lo1));
    c[4 * g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(hi0, hi1));
    c[4 * g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(hi0, hi1));
  }
  for (int q = 0; q < 4; ++q) {
    const __m512 e = _mm512_shuffle_f32x4(c[q], c[4 + q], 0x88), f = _mm512_shuffle_f32x4(c[q], c[4 + q], 0xDD);
    const __m512 g = _mm512_shuffle_f32x4(c[8 + q], c[12 + q], 0x88), h = _mm512_shuffle_f32x4(c[8 + q], c[12 + q], 0xDD);
    _mm512_storeu_ps(out + std::size_t(q) * std::size_t(ldo), _mm512_shuffle_f32x4(e, g, 0x88));
    _mm512_storeu_ps(out + std::size_t(q + 8) * std::size_t(ldo), _mm512_shuffle_f32x4(e, g, 0xDD));
    _mm512_storeu_ps(out + std::size_t(q + 4) * std::size_t(ldo), _mm512_shuffle_f32x4(f, h, 0x88));
    _mm512_storeu_ps(out + std::size_t(q + 12) * std::size_t(ldo), _mm512_shuffle_f32x4(f, h, 0xDD));
  }
}
#pragma GCC diagnostic pop
constexpr int kTransposeBlock = 16;
#else
constexpr int kTransposeBlock = 0;
#endif

}  // namespace

int padded(int B) { return (B + W - 1) / W * W; }

void mul(int R, int K, int Bp, const float* s, int rs, int ks, const float* X, float* Y, const float* bias) {
  int c = 0;
  for (; c + 2 * W <= Bp; c += 2 * W) mul_columns<2>(R, K, Bp, s, rs, ks, X + c, Y + c, bias);
  if (c < Bp) mul_columns<1>(R, K, Bp, s, rs, ks, X + c, Y + c, bias);
}

void outer(int R, int N, int B, int Bp, float alpha, const float* XT, const float* D, int ldd, float* Wt, int ldw,
           bool accumulate) {
  int c = 0;
  for (; c + (kPanel - 1) * W < N; c += kPanel * W)
    outer_columns<kPanel>(R, N, c, B, Bp, alpha, XT, D, ldd, Wt, ldw, accumulate);
  if (c + W < N) outer_columns<2>(R, N, c, B, Bp, alpha, XT, D, ldd, Wt, ldw, accumulate);
  else if (c < N) outer_columns<1>(R, N, c, B, Bp, alpha, XT, D, ldd, Wt, ldw, accumulate);
}

void column_sums(int B, int N, const float* D, int ldd, float* sums) {
  for (int c = 0; c < N; c += W) {
    vf sum{};
    for (int b = 0; b < B; ++b) sum += load(D + std::size_t(b) * std::size_t(ldd) + std::size_t(c));
    if (c + W <= N) store(sums + c, sum);
    else store_first(sums + c, sum, N - c);
  }
}

void transpose(int R, int C, const float* in, int ldi, float* out, int ldo) {
  const auto at = [](auto* p, int row, int ld, int col) { return p + std::size_t(row) * std::size_t(ld) + col; };
  int r = 0;
  if constexpr (kTransposeBlock > 0) {
    for (; r + kTransposeBlock <= R; r += kTransposeBlock) {
      int c = 0;
#if defined(__AVX512F__)
      for (; c + kTransposeBlock <= C; c += kTransposeBlock) transpose16(at(in, r, ldi, c), ldi, at(out, c, ldo, r), ldo);
#endif
      for (; c < C; ++c)
        for (int i = r; i < r + kTransposeBlock; ++i) *at(out, c, ldo, i) = *at(in, i, ldi, c);
    }
  }
  for (; r < R; ++r)
    for (int c = 0; c < C; ++c) *at(out, c, ldo, r) = *at(in, r, ldi, c);
}

void softmax_columns(int V, int Bp, const float* logits, float* probs, float* maxes, float* sums) {
  const auto row = [Bp](int v) { return std::size_t(v) * std::size_t(Bp); };
  for (int c = 0; c < Bp; c += W) {
    vf m = load(logits + c);
    for (int v = 1; v < V; ++v) m = vmax(m, load(logits + row(v) + c));
    vf sum{};
    for (int v = 0; v < V; ++v) {
      const vf e = exp_nonpositive(load(logits + row(v) + c) - m);
      store(probs + row(v) + c, e);
      sum += e;
    }
    const vf inv = 1.0f / sum;
    for (int v = 0; v < V; ++v) store(probs + row(v) + c, load(probs + row(v) + c) * inv);
    store(maxes + c, m);
    store(sums + c, sum);
  }
}

}  // namespace ev::lanes
