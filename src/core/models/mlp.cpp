// mlp.cpp: forward and backward of the makemore MLP, by hand: the products
// through the step's kernels (kernels.h) in float, Eigen's in double (the
// gradient checks), everything else with Eigen.
// Shapes: B batch rows, k = block, d = emb, H = hidden, V = vocab.
#include "core/models/mlp.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <type_traits>

#include "core/base/error.h"
#include "core/base/kernels.h"
#include "core/base/lanes.h"
#include "core/base/limits.h"
#include "core/base/parallel.h"
#include "core/base/rng.h"

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

const std::vector<std::string>& softmax_names() {
  static const std::vector<std::string> names = {"full", "classes"};
  return names;
}

int mlp_class_count(const ModelSpec& s) { return s.classes > 0 ? s.classes : default_class_count(s.vocab); }

void check_softmax(const ModelSpec& s) {
  if (s.softmax == "full") return;
  if (s.softmax != "classes") throw Error("unknown softmax " + shown(s.softmax) + " (full or classes)");
  if (s.direct) throw Error("direct connections need --softmax full");
  const int K = mlp_class_count(s);
  if (K < 1 || K > s.vocab)
    throw Error("classes = " + std::to_string(K) + " must be from 1 to the vocabulary's " + std::to_string(s.vocab));
}

const WordClasses& mlp_classes(const ModelSpec& s) {
  const int K = mlp_class_count(s);
  if (s.word_classes && s.word_classes->K == K && int(s.word_classes->of.size()) == s.vocab) return *s.word_classes;
  // Classes of consecutive ids, made once for each size and kept.
  static std::mutex lock;
  static std::map<std::pair<int, int>, std::shared_ptr<const WordClasses>> made;
  const std::lock_guard<std::mutex> hold(lock);
  auto& cl = made[{s.vocab, K}];
  if (!cl) cl = id_classes(s.vocab, K);
  return *cl;
}

ParamTable mlp_table(const ModelSpec& s) {
  const int in = s.block * s.emb;
  ParamTable t;
  t.add("C", s.vocab, s.emb, true);
  t.add("W1", in, s.hidden);
  t.add("b1", 1, s.hidden);
  if (s.softmax == "classes") {
    const int K = mlp_class_count(s);
    t.add("Wo", s.vocab, s.hidden);
    t.add("bo", 1, s.vocab);
    t.add("Wc", K, s.hidden);
    t.add("bc", 1, K);
    return t;
  }
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
  if (m.spec.init == "normal") return;
  const ParamTable& t = m.table;
  T* P = m.params.data();
  const T gain = T(5.0 / 3.0) / std::sqrt(T(m.spec.block * m.spec.emb));  // tanh's gain / sqrt(fan-in)
  if (m.spec.init == "small") tensor(P, t[kMlpC]) *= T(0.1);
  tensor(P, t[kMlpW1]) *= gain;
  tensor(P, t[kMlpb1]) *= T(0.01);
  tensor(P, t[kMlpW2]) *= T(0.01);  // Wo with classes
  tensor(P, t[kMlpb2]).setZero();   // bo
  if (m.spec.softmax == "classes") {
    tensor(P, t[kMlpWc]) *= T(0.01);
    tensor(P, t[kMlpbc]).setZero();
  }
  if (m.spec.direct) tensor(P, t[kMlpWd]) *= T(0.01);
}

const std::vector<std::string>& init_names() {
  static const std::vector<std::string> names = {"normal", "scaled", "small"};
  return names;
}

void check_init(const std::string& name) {
  for (const std::string& n : init_names())
    if (n == name) return;
  throw Error("unknown initialisation " + shown(name) + " (normal, scaled or small)");
}

namespace {

// probs = softmax(logits) by rows, with each row's maximum and its sum of
// exp(logit - max) for the loss. The maximum is subtracted so exp never
// overflows. The shifted logits are exponentiated as one contiguous block,
// vectorised over all of it with no scalar tail per row. (In float at a
// vocabulary the kernels take the output layer: output_softmax_by_columns.)
template <class L, class Pr, class Mx, class Sm>
void softmax(const L& logits, Pr&& probs, Mx&& maxes, Sm&& sums) {
  for (int b = 0; b < rows(logits); ++b) {
    maxes(b) = logits.row(b).maxCoeff();
    probs.row(b) = logits.row(b).array() - maxes(b);                        // (V)
  }
  probs = probs.array().exp();                                              // (n, V)
  sums = probs.rowwise().sum();                                             // (n)
  probs.array().colwise() /= sums.array();                                  // (n, V)
}

// Threads for the output layer: a.threads where the kernels run, else one;
// no more than leave each a range of columns as wide as kKernelsFrom, so the
// ranges of a product split by columns take the same kernel as the whole.
template <class T>
int output_threads(const MlpActivations<T>& a) {
  if (!kFloat<Mat<T>> || cols(a.logits) < kKernelsFrom) return 1;
  return std::max(1, std::min(a.threads, cols(a.logits) / kKernelsFrom));
}

}  // namespace

namespace {

// Inverted dropout on the hidden layer: each unit kept with probability
// 1 - p and then scaled by 1 / (1 - p), so the expected activation is the
// one evaluation sees; a.gate keeps the mask times tanh's derivative.
template <class T>
void drop_hidden_units(const Batch& bt, MlpActivations<T>& a) {
  Rng rng(bt.dropout_seed);
  const T keep = T(1) - T(bt.dropout), scale = T(1) / keep;
  a.gate.resize(a.h.rows(), a.h.cols());
  for (Eigen::Index i = 0; i < a.h.size(); ++i) {
    const T m = rng.uniform() < double(keep) ? scale : T(0);
    T& h = a.h.data()[i];
    a.gate.data()[i] = m * (T(1) - h * h);
    h *= m;
  }
}

template <class T>
ClassWeights<T> class_weights(const Model<T>& m) {
  const T* P = m.params.data();
  const ParamTable& t = m.table;
  return {tensor(P, t[kMlpWo]), tensor(P, t[kMlpWc]), vector(P, t[kMlpbo]), vector(P, t[kMlpbc])};
}

// The class-factored output after the hidden layer: the loss from the
// target's class and its words; every token's probability only when asked
// (b.full), as log-probabilities in a.logits (so their softmax is a.probs).
template <class T>
T class_output_forward(const Model<T>& m, const Batch& bt, MlpActivations<T>& a) {
  const WordClasses& cl = mlp_classes(m.spec);
  const ClassWeights<T> w = class_weights(m);
  a.cls.threads = a.threads;
  Mat<T>* logp = bt.full ? &a.logits : nullptr;
  T loss = 0;
  if (bt.Y) loss = class_forward(a.h, w, cl, bt.Y, a.cls, logp);
  else if (logp) class_log_probs(a.h, w, cl, *logp);
  if (logp) a.probs = logp->array().exp();
  return loss;
}

// logits = h W2 + b2 (+ emb Wd), where the kernels do not take the output
// layer (a few dozen logits, or in double).
template <class T>
void output_logits(const Model<T>& m, MlpActivations<T>& a) {
  const T* P = m.params.data();
  const ParamTable& t = m.table;
  mul(a.h, tensor(P, t[kMlpW2]), a.logits, false);                          // (B, V) = (B, H)(H, V)
  if (m.spec.direct) mul(a.emb, tensor(P, t[kMlpWd]), a.logits, true);      // (B, V) += (B, k*d)(k*d, V)
  a.logits.rowwise() += vector(P, t[kMlpb2]);                               // (B, V)
}

// The columns [c0, c1) of the logits, h W2 + b2 (+ emb Wd), through the kernels.
void output_logits_range(const Model<float>& m, MlpActivations<float>& a, int c0, int c1) {
  const float* P = m.params.data();
  const ParamTable& t = m.table;
  const int B = rows(a.h), n = c1 - c0;
  const auto W2 = tensor(P, t[kMlpW2]);                                     // (H, V)
  kernels::gemm_nn(B, n, cols(a.h), a.h.data(), ld(a.h), W2.data() + c0, ld(W2), a.logits.data() + c0, ld(a.logits),
                   false);                                                  // (B, n) = (B, H)(H, n)
  if (m.spec.direct) {
    const auto Wd = tensor(P, t[kMlpWd]);                                   // (k*d, V)
    kernels::gemm_nn(B, n, cols(a.emb), a.emb.data(), ld(a.emb), Wd.data() + c0, ld(Wd), a.logits.data() + c0,
                     ld(a.logits), true);                                   // (B, n) += (B, k*d)(k*d, n)
  }
  a.logits.middleCols(c0, n).rowwise() += vector(P, t[kMlpb2]).segment(c0, n);  // (B, n)
}

// The logits and their softmax, the vocabulary's columns in ranges of whole
// chunks (kernels::kChunk) owned by the output layer's threads: each makes
// its logits and exponentiates each chunk from the chunk's maximum; the rows'
// maxima and sums come from the chunks'; each then scales its chunks. Every
// large block stays with the thread that made it; only a few numbers a row
// and chunk pass between threads.
void output_softmax_by_columns(const Model<float>& m, MlpActivations<float>& a, float* maxes, float* sums,
                               bool scale = true) {
  const int B = rows(a.logits), V = cols(a.logits), parts = output_threads(a);
  a.chunk_max.resize(std::size_t(kernels::chunks(V)) * std::size_t(B));
  a.chunk_sum.resize(a.chunk_max.size());
  a.chunk_factor.resize(a.chunk_max.size());
  parallel_ranges(V, parts, kernels::kChunk, [&](int c0, int c1) {
    output_logits_range(m, a, c0, c1);
    kernels::softmax_chunks(B, c0, c1, a.logits.data(), ld(a.logits), a.probs.data(), ld(a.probs), a.chunk_max.data(),
                            a.chunk_sum.data());
  });
  kernels::softmax_combine(B, V, a.chunk_max.data(), a.chunk_sum.data(), maxes, sums, a.chunk_factor.data());
  if (!scale) return;  // the caller scales each chunk with a.chunk_factor
  parallel_ranges(V, parts, kernels::kChunk, [&](int c0, int c1) {
    kernels::scale_chunks(B, c0, c1, a.chunk_factor.data(), a.probs.data(), ld(a.probs));
  });
}

// The output layer through the kernels where they take it (float, a
// vocabulary's worth of columns); false where they do not.
template <class T>
bool output_softmax_kernels(const Model<T>& m, MlpActivations<T>& a, T* maxes, T* sums) {
  if constexpr (kFloat<Mat<T>>) {
    if (cols(a.logits) < kKernelsFrom) return false;
    output_softmax_by_columns(m, a, maxes, sums);
    return true;
  }
  return false;
}

}  // namespace

namespace {

// The forward pass up to the hidden layer: emb = C[X], h = tanh(emb W1 + b1)
// (with dropout, the kept units scaled and the others 0).
template <class T>
void hidden_forward(const Model<T>& m, const Batch& bt, MlpActivations<T>& a) {
  const ModelSpec& s = m.spec;
  const int k = s.block, d = s.emb, B = bt.B;
  const std::int32_t* X = bt.X;
  a.resize(s, B);
  const T* P = m.params.data();
  const ParamTable& t = m.table;
  const auto C = tensor(P, t[kMlpC]);     // (V, d)
  const auto W1 = tensor(P, t[kMlpW1]);   // (k*d, H)
  const auto b1 = vector(P, t[kMlpb1]);   // (H)

  // emb = C[X].view(B, k*d)
  for (int b = 0; b < B; ++b)
    for (int j = 0; j < k; ++j)
      a.emb.row(b).segment(j * d, d) = C.row(X[b * k + j]);  // (d)

  mul(a.emb, W1, a.h, false);                           // (B, H) = (B, k*d)(k*d, H)
  a.h.rowwise() += b1;                                  // (B, H)
  a.h = a.h.array().tanh();                             // (B, H)
  if (bt.dropout > 0) drop_hidden_units(bt, a);
}

// The mean cross-entropy from each row's softmax maximum and sum.
template <class T, class M, class S>
T mean_loss(const Batch& bt, const MlpActivations<T>& a, const M& maxes, const S& sums) {
  // loss_b = -log softmax(logits_b)[y_b] = log(sum) + max - logit_y
  T loss = 0;
  for (int b = 0; b < bt.B; ++b) loss += std::log(sums[b]) + maxes[b] - a.logits(b, bt.Y[b]);
  return loss / T(bt.B);
}

}  // namespace

template <class T>
T mlp_forward(const Model<T>& m, const Batch& bt, MlpActivations<T>& a) {
  const ModelSpec& s = m.spec;
  const int B = bt.B;
  hidden_forward(m, bt, a);
  if (s.softmax == "classes") return class_output_forward(m, bt, a);

  // The output layer and its softmax: at a vocabulary where the kernels run,
  // on a.threads threads that each own ranges of the vocabulary's columns
  // (each number the same whichever thread makes it).
  Eigen::Matrix<T, Eigen::Dynamic, 1> maxes(B), sums(B);                    // (B)
  if (!output_softmax_kernels(m, a, maxes.data(), sums.data())) {
    output_logits(m, a);                                                    // (B, V)
    softmax(a.logits, a.probs, maxes, sums);                                // (B, V)
  }

  if (!bt.Y) return T(0);
  return mean_loss(bt, a, maxes, sums);
}

namespace {

// d(mean CE)/d(logits) = (softmax - onehot(y)) / B, rows [r0, r1).
template <class T>
void logits_gradient(const Batch& bt, MlpActivations<T>& a, int r0, int r1) {
  const T inv_B = T(1) / T(bt.B);
  for (int b = r0; b < r1; ++b) {
    a.dlogits.row(b) = a.probs.row(b) * inv_B;                      // (V)
    a.dlogits(b, bt.Y[b]) -= inv_B;
  }
}

// The same numbers, every row's columns [c0, c1).
template <class T>
void logits_gradient_columns(const Batch& bt, MlpActivations<T>& a, int c0, int c1) {
  const T inv_B = T(1) / T(bt.B);
  for (int b = 0; b < bt.B; ++b) {
    a.dlogits.row(b).segment(c0, c1 - c0) = a.probs.row(b).segment(c0, c1 - c0) * inv_B;  // (c1 - c0)
    if (bt.Y[b] >= c0 && bt.Y[b] < c1) a.dlogits(b, bt.Y[b]) -= inv_B;
  }
}

// The logits' gradient and, back through W2 (and Wd), the hidden layer's
// (and the direct part of the input's) on threads that share one packing of
// the logits' gradient: each forms some columns of it and packs them
// transposed (kernels::pack_transposed; by columns, so no cache line of the
// packed block is written by two threads), then each multiplies the whole packed block by
// some of W2's rows (and Wd's), making those columns of dh (and demb). The
// same numbers as one thread's gemm_nt.
void output_backward_shared(const Model<float>& m, const Batch& bt, MlpActivations<float>& a) {
  const int B = bt.B, V = cols(a.dlogits), H = cols(a.dh), E = cols(a.demb), parts = output_threads(a);
  const float* P = m.params.data();
  const ParamTable& t = m.table;
  a.dlogits_t.resize(std::size_t(V) * std::size_t(kernels::packed_width(B)));  // (V, B rounded up)
  const std::size_t Bp = std::size_t(kernels::packed_width(B));
  parallel_ranges(V, parts, 64, [&](int c0, int c1) {
    logits_gradient_columns(bt, a, c0, c1);
    kernels::pack_transposed(0, B, B, c1 - c0, a.dlogits.data() + c0, ld(a.dlogits),
                             a.dlogits_t.data() + std::size_t(c0) * Bp);
  });
  const auto W2 = tensor(P, t[kMlpW2]);                             // (H, V)
  const auto Wd = tensor(P, t[m.spec.direct ? kMlpWd : kMlpW2]);    // (k*d, V)
  parallel_ranges(parts, parts, 1, [&](int p0, int p1) {
    for (int p = p0; p < p1; ++p) {
      const int h0 = H * p / parts, h1 = H * (p + 1) / parts, e0 = E * p / parts, e1 = E * (p + 1) / parts;
      kernels::gemm_nt_packed(B, V, h1 - h0, a.dlogits_t.data(), W2.data() + std::size_t(h0) * std::size_t(ld(W2)),
                              ld(W2), a.dh.data() + h0, ld(a.dh), false);  // (B, h1 - h0) = (B, V)(V, h1 - h0)
      if (m.spec.direct)
        kernels::gemm_nt_packed(B, V, e1 - e0, a.dlogits_t.data(), Wd.data() + std::size_t(e0) * std::size_t(ld(Wd)),
                                ld(Wd), a.demb.data() + e0, ld(a.demb), false);  // (B, e1 - e0) = (B, V)(V, e1 - e0)
    }
  });
}

// The logits' gradient and, back through W2 (and Wd), the hidden layer's
// (and the direct part of the input's), a row at a time, on the forward
// pass's threads (sharing the packing where the long products run).
template <class T>
void output_backward(const Model<T>& m, const Batch& bt, MlpActivations<T>& a) {
  if constexpr (kFloat<Mat<T>>) {
    if (output_threads(a) > 1 && cols(a.dlogits) >= kernels::kLongRows) return output_backward_shared(m, bt, a);
  }
  const T* P = m.params.data();
  const ParamTable& t = m.table;
  const auto W2 = tensor(P, t[kMlpW2]);                             // (H, V)
  parallel_ranges(bt.B, output_threads(a), 8, [&](int r0, int r1) {
    const int n = r1 - r0;
    logits_gradient(bt, a, r0, r1);
    const auto dlogits = a.dlogits.middleRows(r0, n);
    mul_t(dlogits, W2, a.dh.middleRows(r0, n), false);              // (n, H) = (n, V)(V, H)
    if (m.spec.direct) mul_t(dlogits, tensor(P, t[kMlpWd]), a.demb.middleRows(r0, n), false);  // (n, k*d) = (n, V)(V, k*d)
  });
}

// C's gradient made zero where the last backward pass into G wrote it (the
// rows it looked up; all of it when it wrote elsewhere), and G noted.
template <class T, class GC>
void clear_touched_rows(MlpActivations<T>& a, const T* G, GC& gC) {
  if (a.touched_in == G) {
    for (const std::int32_t v : a.touched)
      if (v < gC.rows()) gC.row(v).setZero();           // (d)
  } else {
    gC.setZero();                                       // (V, d)
  }
  a.touched_in = G;
}

// The backward pass from the hidden layer's gradient (a.dh) down: W1's and
// b1's gradients and C's, sparse (only rows looked up get any; rows written
// by the last pass into the same buffer are zeroed, the rest are zero already).
template <class T>
void hidden_backward(Model<T>& m, const Batch& bt, MlpActivations<T>& a) {
  const ModelSpec& s = m.spec;
  const int k = s.block, d = s.emb, B = bt.B;
  const std::int32_t* X = bt.X;
  const T* P = m.params.data();
  T* G = m.grads.data();
  const ParamTable& t = m.table;
  const auto W1 = tensor(P, t[kMlpW1]);   // (k*d, H)
  auto gC = tensor(G, t[kMlpC]);          // (V, d)
  auto gW1 = tensor(G, t[kMlpW1]);        // (k*d, H)
  auto gb1 = vector(G, t[kMlpb1]);        // (H)

  // Through tanh (1 - h^2; with dropout, the mask too) and the bias gradient in one pass, rows in order.
  gb1.setZero();                                        // (H)
  for (int b = 0; b < B; ++b) {
    if (bt.dropout > 0) a.dh.row(b).array() *= a.gate.row(b).array();  // (H)
    else a.dh.row(b).array() *= T(1) - a.h.row(b).array().square();   // (H)
    gb1 += a.dh.row(b);                                                // (H)
  }
  t_mul(T(1), a.emb, a.dh, gW1, false);                 // (k*d, H) = (k*d, B)(B, H)
  mul_t(a.dh, W1, a.demb, s.direct);                    // (B, k*d) (+)= (B, H)(H, k*d)

  // The lookup's gradient is sparse: only rows of C that were looked up get any.
  clear_touched_rows(a, G, gC);
  a.touched.assign(X, X + std::size_t(B) * std::size_t(k));
  for (int b = 0; b < B; ++b)
    for (int j = 0; j < k; ++j)
      gC.row(X[b * k + j]) += a.demb.row(b).segment(j * d, d);  // (d)
}

// The backward pass up to everything but the gradients of W2, Wd and b2: the
// logits' gradient (a.dlogits), the hidden layer's, W1's and b1's, and C's.
template <class T>
void backward_but_output_weights(Model<T>& m, const Batch& bt, MlpActivations<T>& a) {
  const ParamTable& t = m.table;
  T* G = m.grads.data();
  if (m.spec.softmax == "classes") {
    ClassGrads<T> g{tensor(G, t[kMlpWo]), tensor(G, t[kMlpWc]), vector(G, t[kMlpbo]), vector(G, t[kMlpbc])};
    class_backward(a.h, class_weights(m), mlp_classes(m.spec), bt.Y, a.cls, g, a.dh);
  } else {
    output_backward(m, bt, a);
  }
  hidden_backward(m, bt, a);
}

// b2's gradient: the column sums of the logits' gradient, over the rows in
// order (a fixed order keeps two identical runs identical to the last bit;
// Eigen's colwise().sum() into a Map changes its order with the alignment),
// columns [c0, c1).
template <class T>
void output_bias_gradient(Model<T>& m, const MlpActivations<T>& a, int c0, int c1) {
  auto g = vector(m.grads.data(), m.table[kMlpb2]).segment(c0, c1 - c0);  // (c1 - c0)
  g.setZero();
  for (int b = 0; b < rows(a.dlogits); ++b) g += a.dlogits.row(b).segment(c0, c1 - c0);
}

// ... by ranges of columns on the forward pass's threads.
template <class T>
void output_bias_gradient(Model<T>& m, MlpActivations<T>& a) {
  parallel_ranges(cols(a.dlogits), output_threads(a), 64,
                  [&](int c0, int c1) { output_bias_gradient(m, a, c0, c1); });
}

// Whether SGD takes the fused output layer below: the full softmax in float
// at a vocabulary where the kernels run, without direct connections, W2 not frozen.
bool fused_output_sgd(const Model<float>& m, const MlpActivations<float>& a, const TensorInfo* frozen) {
  return m.spec.softmax != "classes" && !m.spec.direct && cols(a.logits) >= kKernelsFrom &&
         cols(a.logits) >= kernels::kLongRows && !is_frozen(m.table[kMlpW2], frozen);
}

// SGD through the output layer in one pass over W2, the vocabulary's columns
// in ranges of whole chunks owned by the output layer's threads, as in the
// forward pass: each makes its columns of the logits' gradient and b2's;
// then, if they are finite, its chunks' partial sums of dh from W2 as it was
// and its columns' W2 -= lr h^T dlogits together (kernels::gemm_nt_update);
// the partial sums are added in order. The same numbers on any number of
// threads. False, with nothing updated, when the logits' gradient is not finite.
bool output_sgd_fused(Model<float>& m, const Batch& bt, MlpActivations<float>& a, float lr) {
  const int B = bt.B, V = cols(a.dlogits), H = cols(a.dh), parts = output_threads(a);
  parallel_ranges(V, parts, kernels::kChunk, [&](int c0, int c1) {
    logits_gradient_columns(bt, a, c0, c1);
    output_bias_gradient(m, a, c0, c1);
  });
  if (!std::isfinite((vector(m.grads.data(), m.table[kMlpb2]).array() * 0.0f).sum())) return false;
  auto W2 = tensor(m.params.data(), m.table[kMlpW2]);  // (H, V)
  a.dh_chunks.resize(std::size_t(kernels::chunks(V)) * std::size_t(H) * std::size_t(kernels::packed_width(B)));
  parallel_ranges(V, parts, kernels::kChunk, [&](int c0, int c1) {
    kernels::gemm_nt_update(B, c0, c1, H, a.dlogits.data(), ld(a.dlogits), W2.data(), ld(W2), a.h.data(), ld(a.h), -lr,
                            a.dh_chunks.data());  // dh's partial sums over [c0, c1); W2[:, c0:c1] -= lr h^T dlogits
  });
  kernels::sum_chunks(B, V, H, a.dh_chunks.data(), a.dh.data(), ld(a.dh));  // (B, H)
  return true;
}

// The output weights' part of the step, by ranges of columns (of the
// vocabulary) on the forward pass's threads: each range of W2 (and Wd) gets
// out (+)= alpha x^T dlogits, where `out` is the gradient (alpha 1) or, for
// SGD, the parameters themselves (alpha -lr, accumulate), for the tensors
// `out_of` picks (null: skip).
template <class T, class Out>
void output_weights(Model<T>& m, MlpActivations<T>& a, T alpha, bool accumulate, const Out& out_of) {
  const ParamTable& t = m.table;
  parallel_ranges(cols(a.dlogits), output_threads(a), 64, [&](int c0, int c1) {
    const int n = c1 - c0;
    const auto dlogits = a.dlogits.middleCols(c0, n);
    if (T* W2 = out_of(kMlpW2)) t_mul(alpha, a.h, dlogits, tensor(W2, t[kMlpW2]).middleCols(c0, n), accumulate);
    if (!m.spec.direct) return;
    if (T* Wd = out_of(kMlpWd)) t_mul(alpha, a.emb, dlogits, tensor(Wd, t[kMlpWd]).middleCols(c0, n), accumulate);
  });
}

}  // namespace

template <class T>
void mlp_backward(Model<T>& m, const Batch& bt, MlpActivations<T>& a) {
  backward_but_output_weights(m, bt, a);
  if (m.spec.softmax == "classes") return;  // the output's gradients are written
  output_bias_gradient(m, a);
  T* G = m.grads.data();
  output_weights(m, a, T(1), false, [G](MlpTensor) { return G; });  // (H, V) = (H, B)(B, V), (k*d, V) likewise
}

namespace {

// Whether the gradients every update below is made of are finite: b2's
// (standing for the logits', a column's sum being finite exactly when all of
// the column is, each term at most 1 in size), the input's, b1's and W1's.
// x * 0 is 0 only for finite x, so one NaN or infinity makes a sum NaN.
template <class D>
bool small_gradients_finite(const Model<float>& m, const D& demb) {
  const float* G = m.grads.data();
  const ParamTable& t = m.table;
  const auto finite = [](const auto& x) { return std::isfinite((x.array() * 0.0f).sum()); };
  return finite(vector(G, t[kMlpb2])) && finite(demb) && finite(vector(G, t[kMlpb1])) && finite(tensor(G, t[kMlpW1]));
}

// SGD's update of W1, b1 and b2 by their gradients and of C's rows in the
// batch, each once (the others' gradient is zero); none of the frozen tensor.
void update_small_tensors(Model<float>& m, MlpActivations<float>& a, float lr, const TensorInfo* frozen) {
  float* P = m.params.data();
  const float* G = m.grads.data();
  const ParamTable& t = m.table;
  for (const MlpTensor small : {kMlpW1, kMlpb1, kMlpb2})
    if (!is_frozen(t[small], frozen)) tensor(P, t[small]) -= lr * tensor(G, t[small]);
  if (is_frozen(t[kMlpC], frozen)) return;
  auto C = tensor(P, t[kMlpC]);
  const auto gC = tensor(G, t[kMlpC]);
  a.seen.resize(std::size_t(C.rows()), 0);
  for (const std::int32_t v : a.touched) {
    if (a.seen[std::size_t(v)]) continue;
    a.seen[std::size_t(v)] = 1;
    C.row(v) -= lr * gC.row(v);
  }
  for (const std::int32_t v : a.touched) a.seen[std::size_t(v)] = 0;
}

}  // namespace

bool mlp_sgd_step(Model<float>& m, const Batch& bt, MlpActivations<float>& a, float lr, const TensorInfo* frozen) {
  const bool fused = fused_output_sgd(m, a, frozen);
  if (fused) {
    if (!output_sgd_fused(m, bt, a, lr)) return false;
    hidden_backward(m, bt, a);
  } else {
    backward_but_output_weights(m, bt, a);
    output_bias_gradient(m, a);
  }
  float* P = m.params.data();
  const ParamTable& t = m.table;
  // Every update below is made of these: when they are finite, so is the step.
  // On the fused path W2 is updated before the rest is known, which cannot
  // then fail: with finite logits' gradients (checked first; each row's sum
  // of sizes is at most 2 / B) and finite weights, dh and everything below it
  // are finite.
  if (!small_gradients_finite(m, a.demb)) return false;
  if (!fused)
    output_weights(m, a, -lr, true, [&](MlpTensor w) { return is_frozen(t[w], frozen) ? nullptr : P; });  // W -= lr x^T dlogits
  update_small_tensors(m, a, lr, frozen);
  return true;
}

namespace {

// ---- the step with the batch along the vector lanes (lanes.h) ----

// Whether a training batch takes it: the lecture's kind of model, whose
// every product is small (a vocabulary the kernels do not take).
bool fits_lanes(const Model<float>& m, const Batch& bt) {
  const ModelSpec& s = m.spec;
  return s.softmax != "classes" && !s.direct && bt.dropout <= 0 && bt.Y && bt.out == 1 && !bt.full &&
         s.vocab < kKernelsFrom;
}

// v's lanes [B, Bp) of a (rows, Bp) block set to zero.
void zero_padding(std::vector<float>& v, int rows, int B, int Bp) {
  for (int r = 0; r < rows; ++r) std::fill_n(v.data() + std::size_t(r) * std::size_t(Bp) + B, Bp - B, 0.0f);
}

// The forward pass, transposed: emb (k*d, Bp), h = tanh(W1^T emb + b1)
// (H, Bp), logits = W2^T h + b2 (V, Bp) and their softmax down each column;
// a.logits and a.probs by rows too. The mean cross-entropy.
float lanes_forward(const Model<float>& m, const Batch& bt, MlpActivations<float>& a) {
  const ModelSpec& s = m.spec;
  const int k = s.block, d = s.emb, E = k * d, H = s.hidden, V = s.vocab, B = bt.B, Bp = lanes::padded(B);
  const float* P = m.params.data();
  const ParamTable& t = m.table;
  auto& L = a.lanes;
  a.resize(s, B);
  L.emb.resize(std::size_t(E) * std::size_t(Bp));
  for (auto* v : {&L.h, &L.dh}) v->resize(std::size_t(H) * std::size_t(Bp));
  for (auto* v : {&L.logits, &L.probs, &L.dlogits}) v->resize(std::size_t(V) * std::size_t(Bp));
  L.demb.resize(L.emb.size());
  L.maxes.resize(std::size_t(Bp));
  L.sums.resize(std::size_t(Bp));
  const float* C = P + t[kMlpC].offset;
  for (int b = 0; b < B; ++b)                                                  // emb = C[X] transposed
    for (int j = 0; j < k; ++j) {
      const float* row = C + std::size_t(bt.X[b * k + j]) * std::size_t(d);
      for (int i = 0; i < d; ++i) L.emb[std::size_t(j * d + i) * std::size_t(Bp) + std::size_t(b)] = row[i];
    }
  zero_padding(L.emb, E, B, Bp);
  lanes::mul(H, E, Bp, P + t[kMlpW1].offset, 1, H, L.emb.data(), L.h.data(), P + t[kMlpb1].offset);  // (H, Bp)
  Eigen::Map<Eigen::ArrayXf> h(L.h.data(), Eigen::Index(L.h.size()));
  h = h.tanh();                                                                // (H, Bp)
  lanes::mul(V, H, Bp, P + t[kMlpW2].offset, 1, V, L.h.data(), L.logits.data(), P + t[kMlpb2].offset);  // (V, Bp)
  lanes::softmax_columns(V, Bp, L.logits.data(), L.probs.data(), L.maxes.data(), L.sums.data());
  lanes::transpose(V, B, L.logits.data(), Bp, a.logits.data(), V);            // (B, V)
  lanes::transpose(V, B, L.probs.data(), Bp, a.probs.data(), V);              // (B, V)
  float loss = 0;
  for (int b = 0; b < B; ++b)
    loss += std::log(L.sums[std::size_t(b)]) + L.maxes[std::size_t(b)] -
            L.logits[std::size_t(bt.Y[b]) * std::size_t(Bp) + std::size_t(b)];
  return loss / float(B);
}

// A (rows, Bp) block's first B lanes by rows of the batch, into `out` (B,
// rows rounded up to whole vectors, zeros past rows): the layout a weight's
// update sums the batch in.
void rows_of_batch(const std::vector<float>& v, int rows, int B, int Bp, std::vector<float>& out) {
  const int n = lanes::padded(rows);
  out.resize(std::size_t(B) * std::size_t(n));
  for (int b = 0; b < B; ++b) std::fill_n(out.data() + std::size_t(b) * std::size_t(n) + rows, n - rows, 0.0f);
  lanes::transpose(rows, B, v.data(), Bp, out.data(), n);
}

// The backward pass, transposed, to every gradient but W2's: dlogits (V,
// Bp), b2's, dh = W2 dlogits through tanh (H, Bp), b1's, demb = W1 dh, W1's
// (its rows updated from dh by rows of the batch) and C's rows.
void lanes_backward(Model<float>& m, const Batch& bt, MlpActivations<float>& a) {
  const ModelSpec& s = m.spec;
  const int k = s.block, d = s.emb, E = k * d, H = s.hidden, V = s.vocab, B = bt.B, Bp = lanes::padded(B);
  const float* P = m.params.data();
  float* G = m.grads.data();
  const ParamTable& t = m.table;
  auto& L = a.lanes;
  const float inv_B = 1.0f / float(B);
  for (std::size_t i = 0; i < L.probs.size(); ++i) L.dlogits[i] = L.probs[i] * inv_B;  // (V, Bp)
  zero_padding(L.dlogits, V, B, Bp);
  for (int b = 0; b < B; ++b) L.dlogits[std::size_t(bt.Y[b]) * std::size_t(Bp) + std::size_t(b)] -= inv_B;
  rows_of_batch(L.dlogits, V, B, Bp, L.dlogits_rows);                          // (B, V)
  lanes::column_sums(B, V, L.dlogits_rows.data(), lanes::padded(V), G + t[kMlpb2].offset);  // (V)
  lanes::mul(H, V, Bp, P + t[kMlpW2].offset, V, 1, L.dlogits.data(), L.dh.data(), nullptr);  // (H, Bp) = (H, V)(V, Bp)
  Eigen::Map<Eigen::ArrayXf> dh(L.dh.data(), Eigen::Index(L.dh.size()));
  dh *= 1.0f - Eigen::Map<const Eigen::ArrayXf>(L.h.data(), dh.size()).square();  // (H, Bp)
  lanes::mul(E, H, Bp, P + t[kMlpW1].offset, H, 1, L.dh.data(), L.demb.data(), nullptr);  // (E, Bp) = (E, H)(H, Bp)
  rows_of_batch(L.dh, H, B, Bp, L.dh_rows);                                    // (B, H)
  lanes::column_sums(B, H, L.dh_rows.data(), lanes::padded(H), G + t[kMlpb1].offset);  // (H)
  lanes::outer(E, H, B, Bp, 1.0f, L.emb.data(), L.dh_rows.data(), lanes::padded(H), G + t[kMlpW1].offset, H, false);
  auto gC = tensor(G, t[kMlpC]);                                               // (V, d)
  clear_touched_rows(a, G, gC);
  a.touched.assign(bt.X, bt.X + std::size_t(B) * std::size_t(k));
  for (int b = 0; b < B; ++b)
    for (int j = 0; j < k; ++j) {
      float* row = gC.data() + std::size_t(bt.X[b * k + j]) * std::size_t(d);
      for (int i = 0; i < d; ++i) row[i] += L.demb[std::size_t(j * d + i) * std::size_t(Bp) + std::size_t(b)];
    }
}

// The word step in one pass over the vocabulary after the softmax's
// maxima and sums: each of the output layer's threads scales its chunks of
// the probabilities, makes their logits' gradient and b2's, and adds their
// share of dh while it updates their columns of W2 (kernels::gemm_nt_update),
// each chunk's numbers still in its cache. A finite loss means every logit
// and so every probability is finite (a NaN or infinite logit makes its
// row's sum NaN). The same numbers as mlp_forward() then mlp_sgd_step().
float word_step_one_pass(Model<float>& m, const Batch& bt, MlpActivations<float>& a, float lr, const TensorInfo* frozen,
                         bool* updated) {
  hidden_forward(m, bt, a);
  const int B = bt.B, V = cols(a.logits), H = cols(a.dh), parts = output_threads(a);
  Eigen::VectorXf maxes(B), sums(B);
  output_softmax_by_columns(m, a, maxes.data(), sums.data(), false);
  const float loss = mean_loss(bt, a, maxes, sums);
  if (!std::isfinite(loss)) return loss;
  auto W2 = tensor(m.params.data(), m.table[kMlpW2]);  // (H, V)
  a.dh_chunks.resize(std::size_t(kernels::chunks(V)) * std::size_t(H) * std::size_t(kernels::packed_width(B)));
  parallel_ranges(V, parts, kernels::kChunk, [&](int c0, int c1) {
    kernels::scale_chunks(B, c0, c1, a.chunk_factor.data(), a.probs.data(), ld(a.probs));
    logits_gradient_columns(bt, a, c0, c1);
    output_bias_gradient(m, a, c0, c1);
    kernels::gemm_nt_update(B, c0, c1, H, a.dlogits.data(), ld(a.dlogits), W2.data(), ld(W2), a.h.data(), ld(a.h), -lr,
                            a.dh_chunks.data());  // dh's partial sums over [c0, c1); W2[:, c0:c1] -= lr h^T dlogits
  });
  kernels::sum_chunks(B, V, H, a.dh_chunks.data(), a.dh.data(), ld(a.dh));  // (B, H)
  hidden_backward(m, bt, a);
  if (!small_gradients_finite(m, a.demb)) return loss;  // cannot be, with finite logits and weights
  update_small_tensors(m, a, lr, frozen);
  *updated = true;
  return loss;
}

}  // namespace

float mlp_sgd_train_step(Model<float>& m, const Batch& bt, MlpActivations<float>& a, float lr, const TensorInfo* frozen,
                         bool* updated) {
  *updated = false;
  a.resize(m.spec, bt.B);
  if (m.spec.softmax != "classes" && bt.Y && !bt.full && fused_output_sgd(m, a, frozen))
    return word_step_one_pass(m, bt, a, lr, frozen, updated);
  if (!fits_lanes(m, bt)) {
    const float loss = mlp_forward(m, bt, a);
    *updated = std::isfinite(loss) && mlp_sgd_step(m, bt, a, lr, frozen);
    return loss;
  }
  const float loss = lanes_forward(m, bt, a);
  if (!std::isfinite(loss)) return loss;
  lanes_backward(m, bt, a);
  if (!small_gradients_finite(m, Eigen::Map<const Eigen::ArrayXf>(a.lanes.demb.data(), Eigen::Index(a.lanes.demb.size()))))
    return loss;
  auto& L = a.lanes;
  const ParamTable& t = m.table;
  if (!is_frozen(t[kMlpW2], frozen)) {  // W2 -= lr h^T dlogits, by rows of the batch
    const int V = m.spec.vocab, Vp = lanes::padded(V);
    lanes::outer(m.spec.hidden, V, bt.B, lanes::padded(bt.B), -lr, L.h.data(), L.dlogits_rows.data(), Vp,
                 m.params.data() + t[kMlpW2].offset, V, true);
  }
  update_small_tensors(m, a, lr, frozen);
  *updated = true;
  return loss;
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

// The rows mlp_backward writes: C's rows the batch looked up and, with the
// factored softmax, the rows of Wo and bo of the words in the targets'
// classes (every other row of those tensors gets a zero gradient). Marks
// then one pass over the vocabulary, so the rows come out in order.
void mlp_sparse_rows(const Model<float>& m, const Batch& b, std::vector<char>& mark, std::vector<SparseRows>& out) {
  const ModelSpec& s = m.spec;
  const ParamTable& t = m.table;
  const std::size_t V = std::size_t(s.vocab), d = std::size_t(s.emb), H = std::size_t(s.hidden);
  const std::size_t n_in = std::size_t(b.B) * std::size_t(b.in);
  const bool classes = s.softmax == "classes";
  // The buffers of the last step are kept: a step allocates nothing here.
  out.resize(classes ? 3 : 1);
  out[0].tensor_offset = t[kMlpC].offset, out[0].width = d, out[0].starts.clear();
  mark.assign(V, 0);
  for (std::size_t i = 0; i < n_in; ++i) mark[std::size_t(b.X[i])] = 1;
  for (std::size_t v = 0; v < V; ++v)
    if (mark[v]) out[0].starts.push_back(t[kMlpC].offset + v * d);
  if (!classes) return;
  const WordClasses& cl = mlp_classes(s);
  mark.assign(std::size_t(cl.K), 0);  // now: the classes the targets reach
  for (int r = 0; r < b.B; ++r)
    if (b.Y[r] >= 0) mark[std::size_t(cl.of[std::size_t(b.Y[r])])] = 1;
  out[1].tensor_offset = t[kMlpWo].offset, out[1].width = H, out[1].starts.clear();
  out[2].tensor_offset = t[kMlpbo].offset, out[2].width = 1, out[2].starts.clear();
  for (std::size_t v = 0; v < V; ++v) {
    if (!mark[std::size_t(cl.of[v])]) continue;
    out[1].starts.push_back(t[kMlpWo].offset + v * H);
    out[2].starts.push_back(t[kMlpbo].offset + v);
  }
}

class MlpNet final : public Net {
 public:
  float forward(const Model<float>& m, const Batch& b) override { return mlp_forward(m, b, a_); }
  void backward(Model<float>& m, const Batch& b) override {
    mlp_backward(m, b, a_);
    mlp_sparse_rows(m, b, mark_, sparse_);
  }
  const std::vector<SparseRows>* sparse_rows() const override { return sparse_.empty() ? nullptr : &sparse_; }
  bool sgd_step(Model<float>& m, const Batch& b, float lr, const TensorInfo* frozen) override {
    if (m.spec.softmax == "classes") return Net::sgd_step(m, b, lr, frozen);
    return mlp_sgd_step(m, b, a_, lr, frozen);
  }
  float sgd_train_step(Model<float>& m, const Batch& b, float lr, const TensorInfo* frozen, bool* updated) override {
    if (m.spec.softmax == "classes") return Net::sgd_train_step(m, b, lr, frozen, updated);
    return mlp_sgd_train_step(m, b, a_, lr, frozen, updated);
  }
  void set_threads(int n) override { a_.threads = n; }
  const Mat<float>& logits() const override { return a_.logits; }
  const Mat<float>& probs() const override { return a_.probs; }
  const std::vector<float>* target_losses() const override {
    return a_.cls.loss.empty() ? nullptr : &a_.cls.loss;
  }

 private:
  MlpActivations<float> a_;
  std::vector<char> mark_;
  std::vector<SparseRows> sparse_;
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

}  // namespace

MlpRowCost mlp_row_cost(const ModelSpec& s) {
  MlpRowCost c;
  const double in = double(s.block) * s.emb, K = mlp_class_count(s);
  c.hidden = in * s.hidden;
  c.output_full = double(s.hidden) * s.vocab + (s.direct ? in * s.vocab : 0.0);
  c.output_classes = double(s.hidden) * (K + double(s.vocab) / K);
  c.output = s.softmax == "classes" ? c.output_classes : c.output_full;
  return c;
}

namespace {

double mlp_activation_floats(const ModelSpec& s, double rows) {
  // The factored output keeps each row's class probabilities and its class's
  // words; the full distribution (evaluation) is as wide as the vocabulary.
  return rows * (2.0 * s.block * s.emb + 2.0 * s.hidden + 3.0 * s.vocab);
}

// The matrix products: 2 forward, 4 backward, of (B, k*d)(k*d, H) and (B, H)(H, V)
// (and (B, k*d)(k*d, V) with direct connections), 2 flops a multiply-add.
double mlp_step_flops(const ModelSpec& s, int batch) {
  const double in = double(s.block) * s.emb;
  // Factored: K class logits and, on average over targets binned by
  // frequency, V/K word logits a row.
  if (s.softmax == "classes") {
    const MlpRowCost c = mlp_row_cost(s);
    return 6.0 * batch * (c.hidden + c.output);
  }
  return 6.0 * batch * (in * s.hidden + double(s.hidden) * s.vocab + (s.direct ? in * s.vocab : 0.0));
}

std::vector<std::string> mlp_embeddings(const ModelSpec&) { return {"C"}; }

const std::vector<Hyperparameter>& mlp_hyperparameters() {
  using K = Hyperparameter::Kind;
  static const std::vector<Hyperparameter> table = {
      {"block", "block size", K::Int, 1, Limits::kMaxBlock, "Context length: tokens that predict the next", true, &ModelSpec::block},
      {"emb", "embedding dim", K::Int, 1, Limits::kMaxEmb, "Embedding dimension: numbers per token in C", true, &ModelSpec::emb},
      {"hidden", "hidden size", K::Int, 1, Limits::kMaxHidden, "Neurons in the tanh hidden layer", true, &ModelSpec::hidden},
      {"direct", "direct connections", K::Bool, 0, 1, "Direct connections from the context to the output (Bengio et al. 2003)", true,
       nullptr, &ModelSpec::direct},
      {"init", "initialisation", K::Choice, 0, 0,
       "Initial parameters: 'normal', every one from N(0,1) as the makemore lecture; 'scaled', W1 by "
       "(5/3)/sqrt(block*emb), the output layer by 0.01, as makemore part 3; 'small', scaled with C's rows from "
       "N(0, 0.1^2)",
       true, nullptr, nullptr, &ModelSpec::init, init_names},
      {"softmax", "output layer", K::Choice, 0, 0,
       "The output layer: 'full', a softmax over every token; 'classes', factored into a softmax over frequency "
       "classes and one over the words of a class (Goodman 2001; Mikolov et al. 2011), exact and far cheaper at a "
       "large vocabulary",
       true, nullptr, nullptr, &ModelSpec::softmax, softmax_names},
      {"classes", "classes", K::Int, 0, Limits::kMaxVocab, "Classes of --softmax classes (0: the root of the vocabulary's size)",
       true, &ModelSpec::classes},
  };
  return table;
}

// The lecture's settings are TrainConfig{}'s. Words: Bengio et al.'s model
// (emb 30, hidden 100) with eight words of context, measured on WordNet's
// glosses (docs/trainer.md): class-factored softmax, rows of C from
// N(0, 0.1^2), sparse Adam at 0.02 with batch 1024, weight decay 0.01 and
// dropout 0.3; validation every 500 steps where the run validates as it goes.
NamedSettings mlp_defaults(bool words) {
  if (!words) return {};
  return {{"block", "8"},        {"emb", "30"},     {"hidden", "100"},         {"init", "small"},
          {"softmax", "classes"}, {"optimizer", "sparse-adam"}, {"lr", "0.02"}, {"batch", "1024"},
          {"weight-decay", "0.01"}, {"dropout", "0.3"}, {"val-every", "500"}};
}

const char* mlp_role(const std::string& name) {
  if (name == "C") return "token embedding";
  if (name == "W1" || name == "b1") return "tanh layer";
  if (name == "W2" || name == "b2") return "head: logits";
  if (name == "Wd") return "direct connections";
  if (name == "Wo" || name == "bo") return "head: words of a class";
  if (name == "Wc" || name == "bc") return "head: classes";
  return "";
}

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
    mlp_hyperparameters,
    {/*whole_items*/ false, /*position_table*/ false, /*attention*/ false, /*hidden_layer*/ true,
     /*class_softmax*/ true},
    mlp_defaults,
    mlp_role,
};

}  // namespace ev
