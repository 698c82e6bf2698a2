// lanes.h: a small network's step with the batch along the vector lanes.
// At the lecture's sizes (Karpathy's makemore MLP: a batch of 32, 30 inputs,
// 200 hidden units, 27 outputs) every product is a few hundred thousand
// multiply-adds and none of its dimensions is long, so a general GEMM spends
// much of its time packing. Here the activations are stored transposed, one
// row a feature and one column a row of the batch, Bp = the batch rounded up
// to whole vectors (padded lanes hold zeros or finite numbers nobody reads):
// a product with a weight matrix is then weights broadcast one number at a
// time against whole rows of activations, read either way round with no
// packing, and the softmax runs down the columns with no sum across lanes.
// The weights' gradients sum over the batch, so for them the layer's gradient
// is transposed back (transpose()) and each weight row updated as gemm_tn's
// tiles do. Row-major float throughout; results the same for the same inputs.
#pragma once

namespace ev::lanes {

// The batch rounded up to whole vectors.
int padded(int B);

// Y (R, Bp) = bias + S X, each row Y[r] = bias[r] + sum_k S(r, k) X[k], where
// S(r, k) = s[r * rs + k * ks] (a weight matrix read as it is or transposed),
// X (K, Bp) and Y (R, Bp) rows Bp apart; bias null: none.
void mul(int R, int K, int Bp, const float* s, int rs, int ks, const float* X, float* Y, const float* bias);

// Wt (R, N) = alpha sum_b XT[r][b] D[b] over the batch's B rows, or Wt += it
// with accumulate (alpha = -lr: SGD's update by the gradient X^T D, never
// formed): XT (R, Bp) rows Bp apart, D (B, ldd) with ldd at least N rounded up
// to whole vectors and zeros past N, Wt rows ldw apart.
void outer(int R, int N, int B, int Bp, float alpha, const float* XT, const float* D, int ldd, float* Wt, int ldw,
           bool accumulate);

// sums[n] = the sum of D[b][n] over b < B in order, n < N (D as outer()'s).
void column_sums(int B, int N, const float* D, int ldd, float* sums);

// out[c][r] = in[r][c] for r < R, c < C (rows ldi and ldo apart).
void transpose(int R, int C, const float* in, int ldi, float* out, int ldo);

// Each column b < Bp of logits (V, Bp): probs = its softmax down the column,
// maxes[b] its maximum and sums[b] its sum of exp(logit - max), for the loss.
void softmax_columns(int V, int Bp, const float* logits, float* probs, float* maxes, float* sums);

}  // namespace ev::lanes
