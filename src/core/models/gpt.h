// gpt.h: the tiny transformer of Karpathy's microgpt, batched. Each position
// of an item gets x = wte[token] + wpe[position] ("what" + "where"), RMSNorm'd;
// then `layers` blocks of
//   x = x + Wo . causal self-attention(RMSNorm(x)) with `heads` heads,
//   x = x + fc2 . relu(fc1 . RMSNorm(x)),
// and logits = lm_head . x, the mean cross-entropy over every position of
// every item that has a target. As in microgpt: no biases, RMSNorm without
// weights (eps 1e-5), a 4d-wide MLP with ReLU, weights N(0, 0.08^2).
//
// Forward and backward are written by hand with Eigen, templates on the
// scalar: float for training, double for gradient checks. Shapes: B items,
// T = block positions (Te <= T of them computed, see below), N = B*Te rows,
// d = emb, H = heads, hd = d/H, V = vocab. Matrices are stored (out, in) as
// microgpt and PyTorch's nn.Linear store them: y = x W^T.
#pragma once

#include <vector>

#include "core/models/model.h"

namespace ev {

// The tensors: wte (V, d) and wpe (T, d) [embeddings], per layer i
// h{i}.wq, h{i}.wk, h{i}.wv, h{i}.wo (d, d), h{i}.fc1 (4d, d), h{i}.fc2 (d, 4d),
// then lm_head (V, d). Throws ev::Error when heads does not divide emb.
ParamTable gpt_table(const ModelSpec& s);

// The tensors of one layer, in allocation order (index = 2 + 6*layer + k).
enum GptLayerTensor { kGptWq, kGptWk, kGptWv, kGptWo, kGptFc1, kGptFc2, kGptLayerTensors };

template <class T>
using Col = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// Buffers for one batch, reused from step to step.
template <class T>
struct GptActivations {
  int B = 0, Te = 0;  // items, and positions computed per item
  struct Layer {
    Mat<T> x_in;  // (N, d) the residual stream entering the layer
    Col<T> s1;    // (N) RMSNorm scales of x_in
    Mat<T> a_in;  // (N, d) RMSNorm(x_in)
    Mat<T> qkv;   // (N, 3d) a_in [Wq; Wk; Wv]^T: queries, keys, values side by side
    Mat<T> att;   // (B*H*Te, Te) attention weights, item-major then head; zero above the diagonal
    Mat<T> y;     // (N, d) the heads' outputs, concatenated
    Mat<T> x_mid; // (N, d) x_in + y Wo^T
    Col<T> s2;    // (N) RMSNorm scales of x_mid
    Mat<T> m_in;  // (N, d) RMSNorm(x_mid)
    Mat<T> h;     // (N, 4d) relu(m_in fc1^T)
  };
  Mat<T> x0;              // (N, d) wte[X] + wpe[t]
  Col<T> s0;              // (N) RMSNorm scales of x0
  std::vector<Layer> layers;
  Mat<T> xf;              // (N, d) the residual stream after the last layer
  Mat<T> logits, probs;   // (N, V)
  // Backward buffers.
  Mat<T> dlogits;         // (N, V)
  Mat<T> dx, dt;          // (N, d) gradient of the residual stream, and of a branch
  Mat<T> dqkv;            // (N, 3d)
  Mat<T> dh;              // (N, 4d)
  Mat<T> datt;            // (Te, Te) one head's gradient at its scores
  void resize(const ModelSpec& s, int B, int Te);
  // The attention weights of the last forward for one item, layer and head:
  // (Te, Te), row i the weights position i gave positions 0..i.
  Mat<T> attention(const ModelSpec& s, int item, int layer, int head) const;
};

// N(0, 0.08^2) for every parameter, as microgpt (seeded).
template <class T>
void gpt_init(Model<T>& m, std::uint64_t seed);

// Forward on b.B items: X (B, T) ids, Y (B, T) next ids or -1 (padding), or
// null: then every position is computed, no loss, and the return value is 0.
// With targets, only the first Te positions are computed, Te = one past the
// last position of the batch that has a target: causal attention makes the
// later ones irrelevant. Rows of logits/probs are b*Te + t.
template <class T>
T gpt_forward(const Model<T>& m, const Batch& b, GptActivations<T>& a);

// Backward after gpt_forward(): overwrites m.grads with d(loss)/d(params).
template <class T>
void gpt_backward(Model<T>& m, const Batch& b, GptActivations<T>& a);

// The attention of a trained model for one item (a typed name, token ids
// without boundaries): the boundary and the item, cut at block, run forward;
// per layer and head (index layer * heads + head) an (n, n) matrix for its
// n positions, row i the weights position i gives positions 0..i.
std::vector<Mat<float>> gpt_attention(const Model<float>& m, const std::vector<int>& item);

// The family, for the registry.
extern const Family kGptFamily;

extern template struct GptActivations<float>;
extern template struct GptActivations<double>;

}  // namespace ev
