// kernels.h: the three matrix products of a training step at a large
// vocabulary, written for its shapes. A batch of tens of rows meets the
// output weights W2 (H, V), a few hundred rows by thousands of columns:
//
//   logits = h W2            (B, V) = (B, H)(H, V)        gemm_nn
//   dh     = dlogits W2^T    (B, H) = (B, V)(V, H)        gemm_nt
//   W2    -= lr h^T dlogits  (H, V) -= (H, B)(B, V)       gemm_tn
//
// The products run in register tiles of accumulators (8 rows by 3 vectors,
// 12 by 2 or 16 by 1 with AVX-512: up to 24 of its 32 registers), each
// number of the operand along the short side broadcast against vectors of
// the long one, as the
// micro-kernels of Goto and van de Geijn's GEMM ("Anatomy of high-performance
// matrix multiplication", ACM TOMS 34(3), 2008) and BLIS (Van Zee and van de
// Geijn, ACM TOMS 41(3), 2015) do. With a batch's tens of rows the inner
// dimension is small (100 or 30), so little is packed: gemm_nn reads the
// 17,000-column operand in place, panel by panel, and fetches the next panel
// while the first tile works; gemm_tn updates it in blocks of columns, a
// tile's rows at a time, so each row is a stream the hardware prefetcher
// follows; gemm_nt packs the batch's block transposed (256 columns by the
// rows) and streams the long operand once. The vectors are GCC's generic
// vector types, as wide as the machine's (16 floats with AVX-512, 8 with
// AVX, 4 otherwise), with the fused multiply-add written out where the
// machine has one. Everything is row-major float with leading dimensions
// (elements between rows), and every result is the same for the same inputs,
// however the columns or rows are split between threads: no threads here, a
// fixed order of summation. They work for any shape (tested down to one row
// and one column); the MLP calls them where a product runs along 256 columns
// or more, and Eigen's products elsewhere.
#pragma once

namespace ev::kernels {

// C (M, N) = A (M, K) B (K, N); with `accumulate`, C += A B.
void gemm_nn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate);

// C (M, K) = A (M, N) B (K, N)^T, or C += it: the sum runs along the long
// dimension N, in blocks of it; each block of A is packed transposed into a
// panel that stays in the level-1 cache while B's rows stream past it.
void gemm_nt(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate);

// gemm_nt's rows from this long up take the path below (packed blocks of A);
// shorter ones go through gemm_nn on B transposed (small then).
constexpr int kLongRows = 512;

// gemm_nt's long path in two steps, so that threads can share the packing:
// each packs some of A's rows, then each multiplies the whole packed A by some
// of B's rows (C's columns). The same numbers as gemm_nt for N >= kLongRows,
// however the rows are split. packed_width(M) is M rounded up to whole
// vectors; At holds (N, packed_width(M)) floats, A transposed and padded with
// zeros (written by the call whose range ends at M).
int packed_width(int M);
void pack_transposed(int r0, int r1, int M, int N, const float* A, int lda, float* At);
void gemm_nt_packed(int M, int N, int K, const float* At, const float* B, int ldb, float* C, int ldc,
                    bool accumulate);

// Columns of a long row summed together: a row's sum along it is the sum, in
// order, of its chunks' sums, each made alike whichever thread makes it, so
// work split between threads at chunk boundaries (ranges aligned to kChunk)
// gives the same numbers as one thread. chunks(N): the chunks of N columns.
constexpr int kChunk = 960;
int chunks(int N);

// The two products of an SGD step through a layer with long rows, for B's
// columns [c0, c1) (c0 a multiple of kChunk), in one pass over them: the
// partial sums of C (M, K) = A (M, N) B^T over each chunk, from B before the
// update, into partials (chunks(N), K, packed_width(M)) at the chunks' places;
// then B += alpha X (M, K)^T A, gemm_tn's numbers. sum_chunks adds the
// partials, in order, into C.
void gemm_nt_update(int M, int c0, int c1, int K, const float* A, int lda, float* B, int ldb, const float* X, int ldx,
                    float alpha, float* partials);
void sum_chunks(int M, int N, int K, const float* partials, float* C, int ldc);

// B (K, N) = alpha A (M, K)^T D (M, N), or B += it: with accumulate and
// alpha = -lr, an SGD update of B by the gradient A^T D without forming it.
void gemm_tn(int M, int N, int K, float alpha, const float* A, int lda, const float* D, int ldd, float* B, int ldb,
             bool accumulate);

// Row by row: probs = softmax(logits), the row's maximum subtracted before
// exp so nothing overflows; maxes[i] and sums[i] (of exp(logit - max)) are
// kept for the loss, log(sum) + max - logit[y]. exp is a polynomial good to
// about 2 ulp (vectorised; a row of 17,000 logits stays in the cache across
// the three passes over it).
void softmax_rows(int M, int N, const float* logits, int ldl, float* probs, int ldp, float* maxes, float* sums);

// softmax_rows in steps, for threads that each own ranges of columns (c0 a
// multiple of kChunk), reading each logit once (the "online" softmax of
// Milakov and Gimelshein, 2018, by chunks): softmax_chunks exponentiates each
// chunk of a row from the chunk's own maximum into probs, keeping the chunk's
// maximum and sum (cmax, csum: (chunks(N), M)); softmax_combine makes each
// row's maximum and sum and each chunk's factor (from its maximum to the
// row's, over the sum); scale_chunks applies the factors. The same numbers as
// softmax_rows.
void softmax_chunks(int M, int c0, int c1, const float* x, int ldx, float* p, int ldp, float* cmax, float* csum);
void softmax_combine(int M, int N, const float* cmax, const float* csum, float* maxes, float* sums, float* factors);
void scale_chunks(int M, int c0, int c1, const float* factors, float* p, int ldp);

// Floats in one vector of the kernels (16, 8 or 4).
int vector_width();

}  // namespace ev::kernels
