// model.cpp: forward and backward of the makemore MLP, by hand, with Eigen.
// Shapes: B batch rows, k = block, d = emb, H = hidden, V = vocab.
#include "model.h"

#include <cmath>

#include "rng.h"

namespace ev {

template <class T>
void Activations<T>::resize(const ModelShape& s, int B) {
  if (rows == B && emb.cols() == s.in() && h.cols() == s.hidden && logits.cols() == s.vocab) return;
  rows = B;
  emb.resize(B, s.in());
  h.resize(B, s.hidden);
  logits.resize(B, s.vocab);
  probs.resize(B, s.vocab);
  dlogits.resize(B, s.vocab);
  dh.resize(B, s.hidden);
  demb.resize(B, s.in());
}

template <class T>
void init_normal(Model<T>& m, std::uint64_t seed) {
  Rng rng(seed);
  for (auto& v : m.params) v = T(rng.normal());
  std::fill(m.grads.begin(), m.grads.end(), T(0));
}

template <class T>
T forward(const Model<T>& m, const std::int32_t* X, const std::int32_t* Y, int B, Activations<T>& a) {
  const ModelShape& s = m.shape;
  const int k = s.block, d = s.emb;
  a.resize(s, B);
  const ConstTensors<T> P = m.p();

  // emb = C[X].view(B, k*d)
  for (int b = 0; b < B; ++b)
    for (int j = 0; j < k; ++j)
      a.emb.row(b).segment(j * d, d) = P.C.row(X[b * k + j]);  // (d)

  a.h.noalias() = a.emb * P.W1;                          // (B, H) = (B, k*d)(k*d, H)
  a.h.rowwise() += P.b1;                                 // (B, H)
  a.h = a.h.array().tanh();                              // (B, H)
  a.logits.noalias() = a.h * P.W2;                       // (B, V) = (B, H)(H, V)
  a.logits.rowwise() += P.b2;                            // (B, V)

  // Softmax with the row maximum subtracted, so exp never overflows. The
  // shifted logits are exponentiated as one contiguous (B*V) block: exp runs
  // vectorised over all of it, with no scalar tail at the end of each row.
  Eigen::Matrix<T, Eigen::Dynamic, 1> maxes(B);                               // (B)
  for (int b = 0; b < B; ++b) {
    maxes(b) = a.logits.row(b).maxCoeff();
    a.probs.row(b) = a.logits.row(b).array() - maxes(b);                      // (V)
  }
  a.probs = a.probs.array().exp();                                            // (B, V)
  const Eigen::Matrix<T, Eigen::Dynamic, 1> sums = a.probs.rowwise().sum();   // (B)
  a.probs.array().colwise() /= sums.array();                                  // (B, V)

  if (!Y) return T(0);
  // loss_b = -log softmax(logits_b)[y_b] = log(sum) + max - logit_y
  T loss = 0;
  for (int b = 0; b < B; ++b) loss += std::log(sums(b)) + maxes(b) - a.logits(b, Y[b]);
  return loss / T(B);
}

template <class T>
void backward(Model<T>& m, const std::int32_t* X, const std::int32_t* Y, int B, Activations<T>& a) {
  const ModelShape& s = m.shape;
  const int k = s.block, d = s.emb;
  const ConstTensors<T> P(m.params.data(), s);
  Tensors<T> G = m.g();

  // d(mean CE)/d(logits) = (softmax - onehot(y)) / B, and the bias gradient
  // summed in the same pass over the rows, in row order: a fixed order keeps
  // two identical runs identical to the last bit (Eigen's colwise().sum()
  // into a Map changes its order with the buffer's alignment).
  const T inv_B = T(1) / T(B);
  G.b2.setZero();                                                   // (V)
  for (int b = 0; b < B; ++b) {
    a.dlogits.row(b) = a.probs.row(b) * inv_B;                      // (V)
    a.dlogits(b, Y[b]) -= inv_B;
    G.b2 += a.dlogits.row(b);                                       // (V)
  }

  G.W2.noalias() = a.h.transpose() * a.dlogits;         // (H, V) = (H, B)(B, V)
  a.dh.noalias() = a.dlogits * P.W2.transpose();        // (B, H) = (B, V)(V, H)
  // Through tanh (1 - h^2) and the bias gradient in one pass, rows in order.
  G.b1.setZero();                                       // (H)
  for (int b = 0; b < B; ++b) {
    a.dh.row(b).array() *= T(1) - a.h.row(b).array().square();  // (H)
    G.b1 += a.dh.row(b);                                          // (H)
  }
  G.W1.noalias() = a.emb.transpose() * a.dh;            // (k*d, H) = (k*d, B)(B, H)
  a.demb.noalias() = a.dh * P.W1.transpose();           // (B, k*d) = (B, H)(H, k*d)

  // The lookup's gradient is sparse: only rows of C that were looked up get any.
  G.C.setZero();                                        // (V, d)
  for (int b = 0; b < B; ++b)
    for (int j = 0; j < k; ++j)
      G.C.row(X[b * k + j]) += a.demb.row(b).segment(j * d, d);  // (d)
}

template <class T>
void sgd_update(Model<T>& m, T lr) {
  Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> p(m.params.data(), Eigen::Index(m.params.size()));
  Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>> g(m.grads.data(), Eigen::Index(m.grads.size()));
  p -= lr * g;
}

template struct Activations<float>;
template struct Activations<double>;
#define EV_INSTANTIATE(T)                                                                     \
  template void init_normal<T>(Model<T>&, std::uint64_t);                                     \
  template T forward<T>(const Model<T>&, const std::int32_t*, const std::int32_t*, int,      \
                        Activations<T>&);                                                     \
  template void backward<T>(Model<T>&, const std::int32_t*, const std::int32_t*, int,        \
                            Activations<T>&);                                                 \
  template void sgd_update<T>(Model<T>&, T);
EV_INSTANTIATE(float)
EV_INSTANTIATE(double)
#undef EV_INSTANTIATE

}  // namespace ev
