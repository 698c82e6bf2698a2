// kernels.h: the three matrix products of a training step at a large
// vocabulary, written for its shapes. A batch of tens of rows meets the
// output weights W2 (H, V), a few hundred rows by thousands of columns:
//
//   logits = h W2            (B, V) = (B, H)(H, V)        gemm_nn
//   dh     = dlogits W2^T    (B, H) = (B, V)(V, H)        gemm_nt
//   W2    -= lr h^T dlogits  (H, V) -= (H, B)(B, V)       gemm_tn
//
// A general GEMM packs the 17,000-column operand into blocks on every call;
// these kernels read it in place, in panels that stay in the caches, with
// register tiles of accumulators. The vectors are GCC's generic vector types,
// as wide as the machine's (16 floats with AVX-512, 8 with AVX, 4 otherwise).
// Everything is row-major float with leading dimensions (elements between
// rows), and every result is the same for the same inputs: no threads, a
// fixed order of summation. They work for any shape (tested down to one row
// and one column); the MLP calls them where a product runs along 256 columns
// or more, and Eigen's products elsewhere.
#pragma once

namespace ev::kernels {

// C (M, N) = A (M, K) B (K, N); with `accumulate`, C += A B.
void gemm_nn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate);

// C (M, K) = A (M, N) B (K, N)^T, or C += it: dot products of rows along the
// long dimension N, in column blocks that keep B's block in the cache while
// every row of A meets it; vector-wide partial sums, their lanes added last.
void gemm_nt(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate);

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

// Floats in one vector of the kernels (16, 8 or 4).
int vector_width();

}  // namespace ev::kernels
