// model.h: the makemore MLP (Bengio et al. 2003): a context of `block` token
// ids -> rows of the embedding table C -> concatenated -> tanh hidden layer ->
// logits over the vocabulary -> mean cross-entropy.
//
// Forward and backward are written by hand with Eigen, each a pair of free
// functions; backward walks the forward pass in reverse. The model is a
// template on its scalar type: float for training, double for gradient checks.
// All parameters live in one allocation (and all gradients in another) with
// Eigen::Map views into it, so SGD is one loop and a snapshot is one copy.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "params.h"

namespace ev {

// The shape of a model: everything that decides the parameter count.
struct ModelShape {
  int vocab = 27;    // V: number of tokens, the boundary '.' included
  int block = 3;     // context length: how many tokens predict the next
  int emb = 10;      // d: embedding dimension, the width of each row of C
  int hidden = 200;  // H: neurons in the tanh hidden layer

  int in() const { return block * emb; }  // width of the concatenated input
  // Offsets of each tensor in the single parameter buffer, in this order.
  std::size_t off_C() const { return 0; }
  std::size_t off_W1() const { return off_C() + std::size_t(vocab) * std::size_t(emb); }
  std::size_t off_b1() const { return off_W1() + std::size_t(in()) * std::size_t(hidden); }
  std::size_t off_W2() const { return off_b1() + std::size_t(hidden); }
  std::size_t off_b2() const { return off_W2() + std::size_t(hidden) * std::size_t(vocab); }
  std::size_t count() const { return off_b2() + std::size_t(vocab); }
  bool operator==(const ModelShape& o) const {
    return vocab == o.vocab && block == o.block && emb == o.emb && hidden == o.hidden;
  }
  bool operator!=(const ModelShape& o) const { return !(*this == o); }
};

// Names of the five parameter tensors, in buffer order.
constexpr const char* kTensorNames[5] = {"C", "W1", "b1", "W2", "b2"};

// Typed views of one flat buffer laid out as ModelShape says.
template <class T>
struct Tensors {
  MatMap<T> C;   // (V, d)
  MatMap<T> W1;  // (block*d, H)
  VecMap<T> b1;  // (H)
  MatMap<T> W2;  // (H, V)
  VecMap<T> b2;  // (V)
  Tensors(T* base, const ModelShape& s)
      : C(base + s.off_C(), s.vocab, s.emb),
        W1(base + s.off_W1(), s.in(), s.hidden),
        b1(base + s.off_b1(), s.hidden),
        W2(base + s.off_W2(), s.hidden, s.vocab),
        b2(base + s.off_b2(), s.vocab) {}
};

// Read-only views of the same layout.
template <class T>
struct ConstTensors {
  Eigen::Map<const Mat<T>> C;   // (V, d)
  Eigen::Map<const Mat<T>> W1;  // (block*d, H)
  Eigen::Map<const Vec<T>> b1;  // (H)
  Eigen::Map<const Mat<T>> W2;  // (H, V)
  Eigen::Map<const Vec<T>> b2;  // (V)
  ConstTensors(const T* base, const ModelShape& s)
      : C(base + s.off_C(), s.vocab, s.emb),
        W1(base + s.off_W1(), s.in(), s.hidden),
        b1(base + s.off_b1(), s.hidden),
        W2(base + s.off_W2(), s.hidden, s.vocab),
        b2(base + s.off_b2(), s.vocab) {}
};

// Parameters and their gradients.
template <class T>
struct Model {
  ModelShape shape;
  std::vector<T> params;  // one allocation: C, W1, b1, W2, b2
  std::vector<T> grads;   // same layout as params

  Model() = default;
  explicit Model(const ModelShape& s) : shape(s), params(s.count(), T(0)), grads(s.count(), T(0)) {}
  Tensors<T> p() { return Tensors<T>(params.data(), shape); }
  Tensors<T> g() { return Tensors<T>(grads.data(), shape); }
  ConstTensors<T> p() const { return ConstTensors<T>(params.data(), shape); }
};

// Buffers for one batch, reused from step to step so a step allocates nothing.
template <class T>
struct Activations {
  int rows = 0;
  Mat<T> emb;     // (B, block*d) the looked-up rows of C, concatenated
  Mat<T> h;       // (B, H) tanh(emb W1 + b1)
  Mat<T> logits;  // (B, V) h W2 + b2
  Mat<T> probs;   // (B, V) softmax(logits)
  Mat<T> dlogits; // (B, V)
  Mat<T> dh;      // (B, H) gradient at the hidden layer, then at its pre-activation
  Mat<T> demb;    // (B, block*d)
  void resize(const ModelShape& s, int B);
};

// Every parameter from a standard normal, as the lecture does (seeded, reproducible).
template <class T>
void init_normal(Model<T>& m, std::uint64_t seed);

// Forward pass on B contexts (X: B*block ids, row-major) with targets Y (may be
// null: then no loss is computed and the return value is 0). Returns the mean
// cross-entropy; fills a.emb, a.h, a.logits, a.probs.
template <class T>
T forward(const Model<T>& m, const std::int32_t* X, const std::int32_t* Y, int B, Activations<T>& a);

// Backward pass after forward(): overwrites m.grads with d(loss)/d(params).
template <class T>
void backward(Model<T>& m, const std::int32_t* X, const std::int32_t* Y, int B, Activations<T>& a);

// params -= lr * grads, over the whole buffer.
template <class T>
void sgd_update(Model<T>& m, T lr);

// Converts parameters between scalar types (float model -> double check).
template <class To, class From>
Model<To> cast_model(const Model<From>& m) {
  Model<To> out(m.shape);
  for (std::size_t i = 0; i < m.params.size(); ++i) out.params[i] = To(m.params[i]);
  return out;
}

extern template struct Activations<float>;
extern template struct Activations<double>;

}  // namespace ev
