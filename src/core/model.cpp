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

  a.h.noalias() = a.emb * P.W1;                 // (B, H) = (B, k*d)(k*d, H)
  a.h.rowwise() += P.b1;                        // (B, H)
  a.h = a.h.array().tanh();                     // (B, H)
  a.logits.noalias() = a.h * P.W2;              // (B, V) = (B, H)(H, V)
  a.logits.rowwise() += P.b2;                   // (B, V)

  // Softmax with the row maximum subtracted, so exp never overflows. Row by
  // row: each row is contiguous, so exp runs vectorised.
  Eigen::Matrix<T, Eigen::Dynamic, 1> maxes(B), sums(B);                       // (B)
  for (int b = 0; b < B; ++b) {
    maxes(b) = a.logits.row(b).maxCoeff();
    a.probs.row(b) = (a.logits.row(b).array() - maxes(b)).exp().matrix();     // (V)
    sums(b) = a.probs.row(b).sum();
    a.probs.row(b) /= sums(b);                                                 // (V)
  }

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

  // d(mean CE)/d(logits) = (softmax - onehot(y)) / B
  a.dlogits = a.probs;                                  // (B, V)
  for (int b = 0; b < B; ++b) a.dlogits(b, Y[b]) -= T(1);
  a.dlogits *= T(1) / T(B);                             // (B, V)

  G.W2.noalias() = a.h.transpose() * a.dlogits;         // (H, V) = (H, B)(B, V)
  // Bias gradients sum the rows in order, one row at a time: Eigen's colwise().sum()
  // into a Map sums the first few columns in another order depending on where
  // malloc put the buffer, so two identical runs drifted apart in the last bit.
  G.b2.setZero();                                       // (V)
  for (int b = 0; b < B; ++b) G.b2 += a.dlogits.row(b); // (V)
  a.dh.noalias() = a.dlogits * P.W2.transpose();        // (B, H) = (B, V)(V, H)
  a.dh.array() *= T(1) - a.h.array().square();          // (B, H) through tanh: 1 - h^2
  G.W1.noalias() = a.emb.transpose() * a.dh;            // (k*d, H) = (k*d, B)(B, H)
  G.b1.setZero();                                       // (H)
  for (int b = 0; b < B; ++b) G.b1 += a.dh.row(b);      // (H)
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
