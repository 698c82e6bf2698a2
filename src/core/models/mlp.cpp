// mlp.cpp: forward and backward of the makemore MLP, by hand: the products
// through the step's kernels (kernels.h) in float, Eigen's in double (the
// gradient checks), everything else with Eigen.
// Shapes: B batch rows, k = block, d = emb, H = hidden, V = vocab.
#include "mlp.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "../error.h"
#include "../kernels.h"
#include "../rng.h"

namespace ev {

namespace {

// The kernels pay where a product runs along a vocabulary's worth of columns;
// below that (the lecture's 27 logits, a hidden layer) Eigen's are as fast.
constexpr int kKernelsFrom = 256;
template <class X>
constexpr bool kFloat = std::is_same_v<typename X::Scalar, float>;

template <class X>
int rows(const X& x) { return int(x.rows()); }
template <class X>
int cols(const X& x) { return int(x.cols()); }
template <class X>
int ld(const X& x) { return int(x.outerStride()); }

// out = x m, or out += x m.
template <class X, class M, class O>
void mul(const X& x, const M& m, O&& out, bool accumulate) {
  if constexpr (kFloat<X>) {
    if (cols(m) >= kKernelsFrom)
      return kernels::gemm_nn(rows(x), cols(m), cols(x), x.data(), ld(x), m.data(), ld(m), out.data(), ld(out),
                              accumulate);
  }
  if (accumulate)
    out.noalias() += x * m;
  else
    out.noalias() = x * m;
}

// out = x m^T, or out += x m^T.
template <class X, class M, class O>
void mul_t(const X& x, const M& m, O&& out, bool accumulate) {
  if constexpr (kFloat<X>) {
    if (cols(x) >= kKernelsFrom)
      return kernels::gemm_nt(rows(x), cols(x), rows(m), x.data(), ld(x), m.data(), ld(m), out.data(), ld(out),
                              accumulate);
  }
  if (accumulate)
    out.noalias() += x * m.transpose();
  else
    out.noalias() = x * m.transpose();
}

// out = alpha x^T g, or out += alpha x^T g (with alpha = -lr, an SGD update).
template <class X, class G, class O>
void t_mul(typename X::Scalar alpha, const X& x, const G& g, O&& out, bool accumulate) {
  if constexpr (kFloat<X>) {
    if (cols(g) >= kKernelsFrom)
      return kernels::gemm_tn(rows(x), cols(g), cols(x), alpha, x.data(), ld(x), g.data(), ld(g), out.data(),
                              ld(out), accumulate);
  }
  if (accumulate)
    out.noalias() += alpha * (x.transpose() * g);
  else
    out.noalias() = alpha * (x.transpose() * g);
}

}  // namespace

ParamTable mlp_table(const ModelSpec& s) {
  const int in = s.block * s.emb;
  ParamTable t;
  t.add("C", s.vocab, s.emb, true);
  t.add("W1", in, s.hidden);
  t.add("b1", 1, s.hidden);
  t.add("W2", s.hidden, s.vocab);
  t.add("b2", 1, s.vocab);
  if (s.direct) t.add("Wd", in, s.vocab);
  return t;
}

template <class T>
void MlpActivations<T>::resize(const ModelSpec& s, int B) {
  const int in = s.block * s.emb;
  if (rows == B && emb.cols() == in && h.cols() == s.hidden && logits.cols() == s.vocab) return;
  rows = B;
  emb.resize(B, in);
  h.resize(B, s.hidden);
  logits.resize(B, s.vocab);
  probs.resize(B, s.vocab);
  dlogits.resize(B, s.vocab);
  dh.resize(B, s.hidden);
  demb.resize(B, in);
}

template <class T>
void mlp_init(Model<T>& m, std::uint64_t seed) {
  Rng rng(seed);
  for (auto& v : m.params) v = T(rng.normal());
  std::fill(m.grads.begin(), m.grads.end(), T(0));
  check_init(m.spec.init);
  if (m.spec.init != "scaled") return;
  const ParamTable& t = m.table;
  T* P = m.params.data();
  const T gain = T(5.0 / 3.0) / std::sqrt(T(m.spec.block * m.spec.emb));  // tanh's gain / sqrt(fan-in)
  tensor(P, t[kMlpW1]) *= gain;
  tensor(P, t[kMlpb1]) *= T(0.01);
  tensor(P, t[kMlpW2]) *= T(0.01);
  tensor(P, t[kMlpb2]).setZero();
  if (m.spec.direct) tensor(P, t[kMlpWd]) *= T(0.01);
}

const std::vector<std::string>& init_names() {
  static const std::vector<std::string> names = {"normal", "scaled"};
  return names;
}

void check_init(const std::string& name) {
  for (const std::string& n : init_names())
    if (n == name) return;
  throw Error("unknown initialisation " + shown(name) + " (normal or scaled)");
}

template <class T>
T mlp_forward(const Model<T>& m, const Batch& bt, MlpActivations<T>& a) {
  const ModelSpec& s = m.spec;
  const int k = s.block, d = s.emb, B = bt.B;
  const std::int32_t *X = bt.X, *Y = bt.Y;
  a.resize(s, B);
  const T* P = m.params.data();
  const ParamTable& t = m.table;
  const auto C = tensor(P, t[kMlpC]);     // (V, d)
  const auto W1 = tensor(P, t[kMlpW1]);   // (k*d, H)
  const auto b1 = vector(P, t[kMlpb1]);   // (H)
  const auto W2 = tensor(P, t[kMlpW2]);   // (H, V)
  const auto b2 = vector(P, t[kMlpb2]);   // (V)

  // emb = C[X].view(B, k*d)
  for (int b = 0; b < B; ++b)
    for (int j = 0; j < k; ++j)
      a.emb.row(b).segment(j * d, d) = C.row(X[b * k + j]);  // (d)

  mul(a.emb, W1, a.h, false);                           // (B, H) = (B, k*d)(k*d, H)
  a.h.rowwise() += b1;                                  // (B, H)
  a.h = a.h.array().tanh();                             // (B, H)
  mul(a.h, W2, a.logits, false);                        // (B, V) = (B, H)(H, V)
  if (s.direct) mul(a.emb, tensor(P, t[kMlpWd]), a.logits, true);  // (B, V) += (B, k*d)(k*d, V)
  a.logits.rowwise() += b2;                             // (B, V)

  // Softmax with the row maximum subtracted, so exp never overflows. In
  // double, the shifted logits are exponentiated as one contiguous (B*V)
  // block: exp runs vectorised over all of it, with no scalar tail per row.
  // In float, the kernels do it a row at a time (the row stays in the cache).
  Eigen::Matrix<T, Eigen::Dynamic, 1> maxes(B), sums(B);                      // (B)
  bool done = false;
  if constexpr (kFloat<Mat<T>>) {
    if (cols(a.logits) >= kKernelsFrom) {
      kernels::softmax_rows(B, cols(a.logits), a.logits.data(), ld(a.logits), a.probs.data(), ld(a.probs),
                            maxes.data(), sums.data());
      done = true;
    }
  }
  if (!done) {
    for (int b = 0; b < B; ++b) {
      maxes(b) = a.logits.row(b).maxCoeff();
      a.probs.row(b) = a.logits.row(b).array() - maxes(b);                    // (V)
    }
    a.probs = a.probs.array().exp();                                          // (B, V)
    sums = a.probs.rowwise().sum();                                           // (B)
    a.probs.array().colwise() /= sums.array();                                // (B, V)
  }

  if (!Y) return T(0);
  // loss_b = -log softmax(logits_b)[y_b] = log(sum) + max - logit_y
  T loss = 0;
  for (int b = 0; b < B; ++b) loss += std::log(sums(b)) + maxes(b) - a.logits(b, Y[b]);
  return loss / T(B);
}

namespace {

// The backward pass up to everything but the gradients of W2 and Wd: the
// logits' gradient (a.dlogits), b2's, the hidden layer's, W1's and b1's, and
// C's, sparse (only rows looked up get any; rows written by the last pass
// into the same buffer are zeroed, the rest are zero already).
template <class T>
void backward_but_output_weights(Model<T>& m, const Batch& bt, MlpActivations<T>& a) {
  const ModelSpec& s = m.spec;
  const int k = s.block, d = s.emb, B = bt.B;
  const std::int32_t *X = bt.X, *Y = bt.Y;
  const T* P = m.params.data();
  T* G = m.grads.data();
  const ParamTable& t = m.table;
  const auto W1 = tensor(P, t[kMlpW1]);   // (k*d, H)
  const auto W2 = tensor(P, t[kMlpW2]);   // (H, V)
  auto gC = tensor(G, t[kMlpC]);          // (V, d)
  auto gW1 = tensor(G, t[kMlpW1]);        // (k*d, H)
  auto gb1 = vector(G, t[kMlpb1]);        // (H)
  auto gb2 = vector(G, t[kMlpb2]);        // (V)

  // d(mean CE)/d(logits) = (softmax - onehot(y)) / B, and the bias gradient
  // summed in the same pass over the rows, in row order: a fixed order keeps
  // two identical runs identical to the last bit (Eigen's colwise().sum()
  // into a Map changes its order with the buffer's alignment).
  const T inv_B = T(1) / T(B);
  gb2.setZero();                                                    // (V)
  for (int b = 0; b < B; ++b) {
    a.dlogits.row(b) = a.probs.row(b) * inv_B;                      // (V)
    a.dlogits(b, Y[b]) -= inv_B;
    gb2 += a.dlogits.row(b);                                        // (V)
  }

  mul_t(a.dlogits, W2, a.dh, false);                    // (B, H) = (B, V)(V, H)
  // Through tanh (1 - h^2) and the bias gradient in one pass, rows in order.
  gb1.setZero();                                        // (H)
  for (int b = 0; b < B; ++b) {
    a.dh.row(b).array() *= T(1) - a.h.row(b).array().square();  // (H)
    gb1 += a.dh.row(b);                                           // (H)
  }
  t_mul(T(1), a.emb, a.dh, gW1, false);                 // (k*d, H) = (k*d, B)(B, H)
  mul_t(a.dh, W1, a.demb, false);                       // (B, k*d) = (B, H)(H, k*d)
  if (s.direct) mul_t(a.dlogits, tensor(P, t[kMlpWd]), a.demb, true);  // (B, k*d) += (B, V)(V, k*d)

  // The lookup's gradient is sparse: only rows of C that were looked up get any.
  if (a.touched_in == G) {
    for (const std::int32_t v : a.touched)
      if (v < gC.rows()) gC.row(v).setZero();           // (d)
  } else {
    gC.setZero();                                       // (V, d)
  }
  a.touched.assign(X, X + std::size_t(B) * std::size_t(k));
  a.touched_in = G;
  for (int b = 0; b < B; ++b)
    for (int j = 0; j < k; ++j)
      gC.row(X[b * k + j]) += a.demb.row(b).segment(j * d, d);  // (d)
}

}  // namespace

template <class T>
void mlp_backward(Model<T>& m, const Batch& bt, MlpActivations<T>& a) {
  backward_but_output_weights(m, bt, a);
  T* G = m.grads.data();
  const ParamTable& t = m.table;
  t_mul(T(1), a.h, a.dlogits, tensor(G, t[kMlpW2]), false);  // (H, V) = (H, B)(B, V)
  if (m.spec.direct) t_mul(T(1), a.emb, a.dlogits, tensor(G, t[kMlpWd]), false);  // (k*d, V) = (k*d, B)(B, V)
}

bool mlp_sgd_step(Model<float>& m, const Batch& bt, MlpActivations<float>& a, float lr, const TensorInfo* frozen) {
  backward_but_output_weights(m, bt, a);
  float* P = m.params.data();
  float* G = m.grads.data();
  const ParamTable& t = m.table;
  // Every update below is made of these: when they are finite, so is the step
  // (x * 0 is 0 only for finite x, so one NaN or infinity makes a sum NaN).
  const auto finite = [](const auto& x) { return std::isfinite((x.array() * 0.0f).sum()); };
  if (!finite(a.dlogits) || !finite(a.demb) || !finite(vector(G, t[kMlpb1])) || !finite(tensor(G, t[kMlpW1])))
    return false;
  if (!is_frozen(t[kMlpW2], frozen))
    t_mul(-lr, a.h, a.dlogits, tensor(P, t[kMlpW2]), true);  // (H, V) -= lr (H, B)(B, V)
  if (m.spec.direct && !is_frozen(t[kMlpWd], frozen))
    t_mul(-lr, a.emb, a.dlogits, tensor(P, t[kMlpWd]), true);  // (k*d, V) -= lr (k*d, B)(B, V)
  for (const MlpTensor small : {kMlpW1, kMlpb1, kMlpb2})
    if (!is_frozen(t[small], frozen)) tensor(P, t[small]) -= lr * tensor(G, t[small]);
  // C: the rows in the batch, each once (the others' gradient is zero); none when frozen.
  if (is_frozen(t[kMlpC], frozen)) return true;
  auto C = tensor(P, t[kMlpC]);
  const auto gC = tensor(G, t[kMlpC]);
  std::sort(a.touched.begin(), a.touched.end());
  a.touched.erase(std::unique(a.touched.begin(), a.touched.end()), a.touched.end());
  for (const std::int32_t v : a.touched) C.row(v) -= lr * gC.row(v);
  return true;
}

template struct MlpActivations<float>;
template struct MlpActivations<double>;
#define EV_INSTANTIATE(T)                                                              \
  template void mlp_init<T>(Model<T>&, std::uint64_t);                                 \
  template T mlp_forward<T>(const Model<T>&, const Batch&, MlpActivations<T>&);        \
  template void mlp_backward<T>(Model<T>&, const Batch&, MlpActivations<T>&);
EV_INSTANTIATE(float)
EV_INSTANTIATE(double)
#undef EV_INSTANTIATE

// ---- the family ----

namespace {

class MlpNet final : public Net {
 public:
  float forward(const Model<float>& m, const Batch& b) override { return mlp_forward(m, b, a_); }
  void backward(Model<float>& m, const Batch& b) override { mlp_backward(m, b, a_); }
  bool sgd_step(Model<float>& m, const Batch& b, float lr, const TensorInfo* frozen) override {
    return mlp_sgd_step(m, b, a_, lr, frozen);
  }
  const Mat<float>& logits() const override { return a_.logits; }
  const Mat<float>& probs() const override { return a_.probs; }

 private:
  MlpActivations<float> a_;
};

Examples mlp_examples(const Dataset& d, Split split, const ModelSpec& s) { return build_examples(d, split, s.block); }

// The last `block` ids of the context, padded on the left with the boundary.
int mlp_context_row(const ModelSpec& s, const std::vector<int>& context, std::int32_t* row) {
  const int k = s.block, n = int(context.size());
  for (int j = 0; j < k; ++j) {
    const int src = n - k + j;
    row[j] = src >= 0 ? context[std::size_t(src)] : Vocab::kBoundary;
  }
  return 0;
}

double mlp_activation_floats(const ModelSpec& s, double rows) {
  return rows * (2.0 * s.block * s.emb + 2.0 * s.hidden + 3.0 * s.vocab);
}

// The matrix products: 2 forward, 4 backward, of (B, k*d)(k*d, H) and (B, H)(H, V)
// (and (B, k*d)(k*d, V) with direct connections), 2 flops a multiply-add.
double mlp_step_flops(const ModelSpec& s, int batch) {
  const double in = double(s.block) * s.emb;
  return 6.0 * batch * (in * s.hidden + double(s.hidden) * s.vocab + (s.direct ? in * s.vocab : 0.0));
}

std::vector<std::string> mlp_embeddings(const ModelSpec&) { return {"C"}; }

}  // namespace

const Family kMlpFamily = {
    "mlp",
    "MLP (Bengio; makemore)",
    mlp_table,
    [](Model<float>& m, std::uint64_t seed) { mlp_init(m, seed); },
    [](const ModelSpec&) -> std::unique_ptr<Net> { return std::make_unique<MlpNet>(); },
    mlp_examples,
    mlp_context_row,
    mlp_activation_floats,
    mlp_step_flops,
    mlp_embeddings,
};

}  // namespace ev
