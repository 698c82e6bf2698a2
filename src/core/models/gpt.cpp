// gpt.cpp: forward and backward of microgpt's transformer, by hand, with Eigen.
// Shapes: B items, Te positions computed, N = B*Te rows, d = emb, H = heads,
// hd = d/H, V = vocab. Matrices are (out, in): y = x W^T.
#include "core/models/gpt.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/base/error.h"
#include "core/base/limits.h"
#include "core/base/rng.h"

namespace ev {

namespace {

constexpr double kRmsEps = 1e-5;  // microgpt's rmsnorm: x / sqrt(mean(x^2) + 1e-5)
constexpr double kInitStd = 0.08;

int layer_tensor(int layer, int k) { return 2 + kGptLayerTensors * layer + k; }

// y = x * s with s = (mean(x^2) + eps)^-1/2 per row.
template <class T>
void rmsnorm(const Mat<T>& x, Mat<T>& y, Col<T>& s) {
  const T inv_d = T(1) / T(x.cols());
  s = (x.array().square().rowwise().sum() * inv_d + T(kRmsEps)).rsqrt();  // (N)
  y.array() = x.array().colwise() * s.array();                             // (N, d)
}

// dx += d(loss)/d(x) of y = rmsnorm(x), from dy, the output y and the scales:
// dx = s * (dy - y * mean(dy * y)).
template <class T>
void rmsnorm_backward(const Mat<T>& dy, const Mat<T>& y, const Col<T>& s, Mat<T>& dx) {
  const T inv_d = T(1) / T(y.cols());
  const Col<T> dot = (dy.array() * y.array()).rowwise().sum() * inv_d;                  // (N)
  dx.array() += (dy.array() - y.array().colwise() * dot.array()).colwise() * s.array();  // (N, d)
}

}  // namespace

ParamTable gpt_table(const ModelSpec& s) {
  if (s.heads < 1 || s.emb % s.heads != 0)
    throw Error("emb = " + std::to_string(s.emb) + " must be a multiple of heads = " + std::to_string(s.heads) +
                ": each head reads emb / heads numbers");
  const int d = s.emb;
  ParamTable t;
  t.add("wte", s.vocab, d, true);
  t.add("wpe", s.block, d, true);
  for (int i = 0; i < s.layers; ++i) {
    const std::string h = "h" + std::to_string(i) + ".";
    // wq, wk, wv are adjacent: together one (3d, d) matrix, one product.
    t.add(h + "wq", d, d);
    t.add(h + "wk", d, d);
    t.add(h + "wv", d, d);
    t.add(h + "wo", d, d);
    t.add(h + "fc1", 4 * d, d);
    t.add(h + "fc2", d, 4 * d);
  }
  t.add("lm_head", s.vocab, d);
  return t;
}

template <class T>
void GptActivations<T>::resize(const ModelSpec& s, int nB, int nTe) {
  const int N = nB * nTe, d = s.emb, V = s.vocab;
  if (B == nB && Te == nTe && int(layers.size()) == s.layers && x0.cols() == d && logits.cols() == V) return;
  B = nB;
  Te = nTe;
  x0.resize(N, d);
  s0.resize(N);
  layers.resize(std::size_t(s.layers));
  for (Layer& l : layers) {
    l.x_in.resize(N, d);
    l.s1.resize(N);
    l.a_in.resize(N, d);
    l.qkv.resize(N, 3 * d);
    l.att.resize(nB * s.heads * nTe, nTe);
    l.y.resize(N, d);
    l.x_mid.resize(N, d);
    l.s2.resize(N);
    l.m_in.resize(N, d);
    l.h.resize(N, 4 * d);
  }
  xf.resize(N, d);
  logits.resize(N, V);
  probs.resize(N, V);
  dlogits.resize(N, V);
  dx.resize(N, d);
  dt.resize(N, d);
  dqkv.resize(N, 3 * d);
  dh.resize(N, 4 * d);
  datt.resize(nTe, nTe);
}

template <class T>
Mat<T> GptActivations<T>::attention(const ModelSpec& s, int item, int layer, int head) const {
  const Mat<T>& att = layers[std::size_t(layer)].att;  // (B*H*Te, Te)
  return att.block((item * s.heads + head) * Te, 0, Te, Te);
}

template <class T>
void gpt_init(Model<T>& m, std::uint64_t seed) {
  Rng rng(seed);
  for (auto& v : m.params) v = T(kInitStd * rng.normal());
  std::fill(m.grads.begin(), m.grads.end(), T(0));
}

namespace {

// Positions computed: all of them without targets, else one past the last
// position of the batch that has a target.
int positions(const Batch& bt) {
  if (!bt.Y) return bt.in;
  int te = 1;
  for (int b = 0; b < bt.B; ++b)
    for (int t = bt.out - 1; t >= te; --t)
      if (bt.Y[b * bt.out + t] >= 0) {
        te = t + 1;
        break;
      }
  return std::min(te, bt.in);
}

// Causal self-attention of one layer, every item and head:
// y = softmax(q k^T / sqrt(hd)) v with row i seeing positions 0..i. Written as
// plain loops: the matrices are tiny (Te x hd, hd = 4 by default), where a
// library's per-product overhead would cost more than the arithmetic. The
// scores go into `att` shifted by their row's maximum, -inf above the
// diagonal, so one vectorised exp over the whole buffer does every softmax.
// HD: the head size when fixed at compile time (the loops over it unroll), else 0.
template <class T, int HD>
void attention_forward(const ModelSpec& s, typename GptActivations<T>::Layer& l, int B, int Te) {
  const int d = s.emb, H = s.heads, hd = HD > 0 ? HD : d / H, ld = 3 * d;
  const T scale = T(1) / std::sqrt(T(hd));
  const T* qkv = l.qkv.data();  // (N, 3d)
  T* att = l.att.data();        // (B*H*Te, Te)
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < H; ++h)
      for (int i = 0; i < Te; ++i) {
        const T* q = qkv + (b * Te + i) * ld + h * hd;             // (hd)
        T* a = att + ((b * H + h) * Te + i) * Te;                  // (Te)
        T mx = -std::numeric_limits<T>::infinity();
        for (int j = 0; j <= i; ++j) {
          const T* k = qkv + (b * Te + j) * ld + d + h * hd;       // (hd)
          T dot = 0;
          for (int c = 0; c < hd; ++c) dot += q[c] * k[c];
          a[j] = dot * scale;
          mx = std::max(mx, a[j]);
        }
        for (int j = 0; j <= i; ++j) a[j] -= mx;
        for (int j = i + 1; j < Te; ++j) a[j] = -std::numeric_limits<T>::infinity();
      }
  l.att.array() = l.att.array().exp();  // (B*H*Te, Te)
  T* y = l.y.data();                    // (N, d)
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < H; ++h)
      for (int i = 0; i < Te; ++i) {
        T* a = att + ((b * H + h) * Te + i) * Te;
        T sum = 0;
        for (int j = 0; j <= i; ++j) sum += a[j];
        const T inv = T(1) / sum;
        for (int j = 0; j <= i; ++j) a[j] *= inv;
        for (int j = i + 1; j < Te; ++j) a[j] = 0;  // the vectorised exp(-inf) is tiny, not always 0
        // y_i = sum over j <= i of a_j v_j, one sum in a register per number.
        T* yi = y + (b * Te + i) * d + h * hd;                     // (hd)
        const T* v = qkv + b * Te * ld + 2 * d + h * hd;           // v_0 (hd), then every ld
        for (int c = 0; c < hd; ++c) {
          T acc = 0;
          for (int j = 0; j <= i; ++j) acc += a[j] * v[j * ld + c];
          yi[c] = acc;
        }
      }
}

// From dy (N, d), the gradient at the heads' outputs, to dqkv (N, 3d):
// dA = dy v^T, through the softmax dS = A (dA - rowsum(A dA)) / sqrt(hd),
// then dq = dS k, dk = dS^T q, dv = A^T dy; zero above the diagonal, where A is.
// Every output number is one sum kept in a register, written once.
template <class T, int HD>
void attention_backward(const ModelSpec& s, const typename GptActivations<T>::Layer& l, const Mat<T>& dy_,
                        Mat<T>& dqkv_, Mat<T>& dS_, int B, int Te) {
  const int d = s.emb, H = s.heads, hd = HD > 0 ? HD : d / H, ld = 3 * d;
  const T scale = T(1) / std::sqrt(T(hd));
  const T* att = l.att.data();  // (B*H*Te, Te)
  T* dS = dS_.data();           // (Te, Te) one head's dS
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < H; ++h) {
      const T* q = l.qkv.data() + b * Te * ld + h * hd;  // q_0 (hd), then every ld
      const T* k = q + d;                                // k_0
      const T* v = q + 2 * d;                            // v_0
      const T* dy = dy_.data() + b * Te * d + h * hd;    // dy_0 (hd), then every d
      T* dq = dqkv_.data() + b * Te * ld + h * hd;       // dq_0 (hd), then every ld
      T* dk = dq + d;
      T* dv = dq + 2 * d;
      const T* A = att + (b * H + h) * Te * Te;          // (Te, Te)
      for (int i = 0; i < Te; ++i) {
        const T* a = A + i * Te;
        T* g = dS + i * Te;
        T rowdot = 0;
        for (int j = 0; j <= i; ++j) {
          T dot = 0;
          for (int c = 0; c < hd; ++c) dot += dy[i * d + c] * v[j * ld + c];
          g[j] = dot;                                    // dA_ij
          rowdot += a[j] * dot;
        }
        for (int j = 0; j <= i; ++j) g[j] = a[j] * (g[j] - rowdot) * scale;
      }
      for (int i = 0; i < Te; ++i)
        for (int c = 0; c < hd; ++c) {
          T acc = 0;
          for (int j = 0; j <= i; ++j) acc += dS[i * Te + j] * k[j * ld + c];
          dq[i * ld + c] = acc;
        }
      for (int j = 0; j < Te; ++j)
        for (int c = 0; c < hd; ++c) {
          T gk = 0, gv = 0;
          for (int i = j; i < Te; ++i) {
            gk += dS[i * Te + j] * q[i * ld + c];
            gv += A[i * Te + j] * dy[i * d + c];
          }
          dk[j * ld + c] = gk;
          dv[j * ld + c] = gv;
        }
    }
}

// The attention with the head size fixed at compile time for microgpt's
// 16 / 4 = 4 and for 8; any other size runs the same loops with it at run time.
template <class T>
void attention_forward(const ModelSpec& s, typename GptActivations<T>::Layer& l, int B, int Te) {
  const int hd = s.emb / s.heads;
  if (hd == 4) attention_forward<T, 4>(s, l, B, Te);
  else if (hd == 8) attention_forward<T, 8>(s, l, B, Te);
  else attention_forward<T, 0>(s, l, B, Te);
}

template <class T>
void attention_backward(const ModelSpec& s, const typename GptActivations<T>::Layer& l, const Mat<T>& dy,
                        Mat<T>& dqkv, Mat<T>& dS, int B, int Te) {
  const int hd = s.emb / s.heads;
  if (hd == 4) attention_backward<T, 4>(s, l, dy, dqkv, dS, B, Te);
  else if (hd == 8) attention_backward<T, 8>(s, l, dy, dqkv, dS, B, Te);
  else attention_backward<T, 0>(s, l, dy, dqkv, dS, B, Te);
}

}  // namespace

template <class T>
T gpt_forward(const Model<T>& m, const Batch& bt, GptActivations<T>& a) {
  const ModelSpec& s = m.spec;
  const int d = s.emb, B = bt.B, Te = positions(bt);
  a.resize(s, B, Te);
  const T* P = m.params.data();
  const ParamTable& tb = m.table;
  const auto wte = tensor(P, tb[0]);  // (V, d)
  const auto wpe = tensor(P, tb[1]);  // (T, d)

  for (int b = 0; b < B; ++b)
    for (int t = 0; t < Te; ++t) a.x0.row(b * Te + t) = wte.row(bt.X[b * bt.in + t]) + wpe.row(t);  // (d)
  rmsnorm(a.x0, a.layers[0].x_in, a.s0);  // microgpt normalises the sum before the first layer too

  for (int li = 0; li < s.layers; ++li) {
    auto& l = a.layers[std::size_t(li)];
    const TensorInfo& wq = tb[layer_tensor(li, kGptWq)];
    const ConstMatMap<T> wqkv(P + wq.offset, 3 * d, d);                   // (3d, d)
    const auto wo = tensor(P, tb[layer_tensor(li, kGptWo)]);              // (d, d)
    const auto fc1 = tensor(P, tb[layer_tensor(li, kGptFc1)]);            // (4d, d)
    const auto fc2 = tensor(P, tb[layer_tensor(li, kGptFc2)]);            // (d, 4d)
    rmsnorm(l.x_in, l.a_in, l.s1);                                        // (N, d)
    l.qkv.noalias() = l.a_in * wqkv.transpose();                          // (N, 3d) = (N, d)(d, 3d)
    attention_forward<T>(s, l, B, Te);                                    // y (N, d)
    l.x_mid = l.x_in;
    l.x_mid.noalias() += l.y * wo.transpose();                            // (N, d) += (N, d)(d, d)
    rmsnorm(l.x_mid, l.m_in, l.s2);                                       // (N, d)
    l.h.noalias() = l.m_in * fc1.transpose();                             // (N, 4d) = (N, d)(d, 4d)
    l.h = l.h.cwiseMax(T(0));                                             // relu
    Mat<T>& out = li + 1 < s.layers ? a.layers[std::size_t(li) + 1].x_in : a.xf;
    out = l.x_mid;
    out.noalias() += l.h * fc2.transpose();                               // (N, d) += (N, 4d)(4d, d)
  }
  const auto head = tensor(P, tb[tb.size() - 1]);  // (V, d)
  a.logits.noalias() = a.xf * head.transpose();    // (N, V) = (N, d)(d, V)

  // Softmax with the row maximum subtracted, so exp never overflows.
  const int N = B * Te;
  Col<T> maxes(N);                                                        // (N)
  for (int r = 0; r < N; ++r) {
    maxes(r) = a.logits.row(r).maxCoeff();
    a.probs.row(r) = a.logits.row(r).array() - maxes(r);                  // (V)
  }
  a.probs = a.probs.array().exp();                                        // (N, V)
  const Col<T> sums = a.probs.rowwise().sum();                            // (N)
  a.probs.array().colwise() /= sums.array();                              // (N, V)

  if (!bt.Y) return T(0);
  T loss = 0;
  int count = 0;
  for (int b = 0; b < B; ++b)
    for (int t = 0; t < Te; ++t) {
      const int y = bt.Y[b * bt.out + t];
      if (y < 0) continue;
      const int r = b * Te + t;
      loss += std::log(sums(r)) + maxes(r) - a.logits(r, y);
      ++count;
    }
  return count ? loss / T(count) : T(0);
}

template <class T>
void gpt_backward(Model<T>& m, const Batch& bt, GptActivations<T>& a) {
  const ModelSpec& s = m.spec;
  const int d = s.emb, B = bt.B, Te = a.Te;
  const T* P = m.params.data();
  T* G = m.grads.data();
  const ParamTable& tb = m.table;

  // d(mean CE)/d(logits) = (softmax - onehot(y)) / targets; padding rows are 0.
  int count = 0;
  for (int b = 0; b < B; ++b)
    for (int t = 0; t < Te; ++t) count += bt.Y[b * bt.out + t] >= 0;
  const T inv = count ? T(1) / T(count) : T(0);
  for (int b = 0; b < B; ++b)
    for (int t = 0; t < Te; ++t) {
      const int y = bt.Y[b * bt.out + t], r = b * Te + t;
      if (y < 0) {
        a.dlogits.row(r).setZero();
        continue;
      }
      a.dlogits.row(r) = a.probs.row(r) * inv;  // (V)
      a.dlogits(r, y) -= inv;
    }
  const auto head = tensor(P, tb[tb.size() - 1]);             // (V, d)
  tensor(G, tb[tb.size() - 1]).noalias() = a.dlogits.transpose() * a.xf;  // (V, d) = (V, N)(N, d)
  a.dx.noalias() = a.dlogits * head;                          // (N, d) = (N, V)(V, d)

  for (int li = s.layers - 1; li >= 0; --li) {
    auto& l = a.layers[std::size_t(li)];
    const TensorInfo& wq = tb[layer_tensor(li, kGptWq)];
    const ConstMatMap<T> wqkv(P + wq.offset, 3 * d, d);                   // (3d, d)
    MatMap<T> gwqkv(G + wq.offset, 3 * d, d);                             // (3d, d)
    const auto wo = tensor(P, tb[layer_tensor(li, kGptWo)]);              // (d, d)
    const auto fc1 = tensor(P, tb[layer_tensor(li, kGptFc1)]);            // (4d, d)
    const auto fc2 = tensor(P, tb[layer_tensor(li, kGptFc2)]);            // (d, 4d)
    // The MLP branch; dx is the gradient at the layer's output.
    tensor(G, tb[layer_tensor(li, kGptFc2)]).noalias() = a.dx.transpose() * l.h;  // (d, 4d) = (d, N)(N, 4d)
    a.dh.noalias() = a.dx * fc2;                                                  // (N, 4d) = (N, d)(d, 4d)
    a.dh = (l.h.array() > T(0)).select(a.dh, T(0));                               // through relu
    tensor(G, tb[layer_tensor(li, kGptFc1)]).noalias() = a.dh.transpose() * l.m_in;  // (4d, d) = (4d, N)(N, d)
    a.dt.noalias() = a.dh * fc1;                                                  // (N, d) = (N, 4d)(4d, d)
    rmsnorm_backward(a.dt, l.m_in, l.s2, a.dx);                                   // dx: at x_mid
    // The attention branch.
    tensor(G, tb[layer_tensor(li, kGptWo)]).noalias() = a.dx.transpose() * l.y;  // (d, d) = (d, N)(N, d)
    a.dt.noalias() = a.dx * wo;                                                   // (N, d): at y
    attention_backward<T>(s, l, a.dt, a.dqkv, a.datt, B, Te);                     // (N, 3d)
    gwqkv.noalias() = a.dqkv.transpose() * l.a_in;                                // (3d, d) = (3d, N)(N, d)
    a.dt.noalias() = a.dqkv * wqkv;                                               // (N, d) = (N, 3d)(3d, d)
    rmsnorm_backward(a.dt, l.a_in, l.s1, a.dx);                                   // dx: at x_in
  }

  // Through the first RMSNorm to the sum of the two tables; the lookups'
  // gradients are sparse: only rows looked up get any.
  a.dt.setZero();
  rmsnorm_backward(a.dx, a.layers[0].x_in, a.s0, a.dt);  // (N, d) at x0
  auto gwte = tensor(G, tb[0]);                          // (V, d)
  auto gwpe = tensor(G, tb[1]);                          // (T, d)
  gwte.setZero();
  gwpe.setZero();
  for (int b = 0; b < B; ++b)
    for (int t = 0; t < Te; ++t) {
      gwte.row(bt.X[b * bt.in + t]) += a.dt.row(b * Te + t);  // (d)
      gwpe.row(t) += a.dt.row(b * Te + t);                   // (d)
    }
}

template struct GptActivations<float>;
template struct GptActivations<double>;
#define EV_INSTANTIATE(T)                                                       \
  template void gpt_init<T>(Model<T>&, std::uint64_t);                          \
  template T gpt_forward<T>(const Model<T>&, const Batch&, GptActivations<T>&); \
  template void gpt_backward<T>(Model<T>&, const Batch&, GptActivations<T>&);
EV_INSTANTIATE(float)
EV_INSTANTIATE(double)
#undef EV_INSTANTIATE

std::vector<Mat<float>> gpt_attention(const Model<float>& m, const std::vector<int>& item) {
  const ModelSpec& s = m.spec;
  std::vector<std::int32_t> row(std::size_t(s.block), Vocab::kBoundary);
  const int n = std::min(s.block, int(item.size()) + 1);
  for (int t = 1; t < n; ++t) row[std::size_t(t)] = item[std::size_t(t) - 1];
  Batch b;
  b.B = 1;
  b.in = b.out = n;  // only the item's positions
  b.X = row.data();
  GptActivations<float> a;
  gpt_forward(m, b, a);
  std::vector<Mat<float>> out;
  for (int l = 0; l < s.layers; ++l)
    for (int h = 0; h < s.heads; ++h) out.push_back(a.attention(s, 0, l, h));
  return out;
}

// ---- the family ----

namespace {

class GptNet final : public Net {
 public:
  float forward(const Model<float>& m, const Batch& b) override { return gpt_forward(m, b, a_); }
  void backward(Model<float>& m, const Batch& b) override { gpt_backward(m, b, a_); }
  const Mat<float>& logits() const override { return a_.logits; }
  const Mat<float>& probs() const override { return a_.probs; }

 private:
  GptActivations<float> a_;
};

// Whole items as microgpt trains on them: the boundary, the item, the
// boundary, cut at block + 1 tokens; X the first n, Y the next n, padded to
// block with the boundary (X) and -1 (Y).
Examples gpt_examples(const Dataset& data, Split split, const ModelSpec& s) {
  const int T = s.block;
  Examples ex;
  ex.in = ex.out = T;
  const auto [begin, end] = data.range(split);
  ex.X.reserve((end - begin) * std::size_t(T));
  ex.Y.reserve((end - begin) * std::size_t(T));
  std::vector<int> toks;
  for (std::size_t i = begin; i < end; ++i) {
    const std::vector<int>& item = data.items[i];
    toks.assign(1, Vocab::kBoundary);
    toks.insert(toks.end(), item.begin(), item.end());
    toks.push_back(Vocab::kBoundary);
    const int n = std::min(T, int(toks.size()) - 1);
    for (int t = 0; t < T; ++t) {
      ex.X.push_back(t < n ? toks[std::size_t(t)] : Vocab::kBoundary);
      ex.Y.push_back(t < n ? toks[std::size_t(t) + 1] : -1);
    }
  }
  return ex;
}

// The boundary and the context, its last `block` ids when longer; the
// prediction is at the last of them.
int gpt_context_row(const ModelSpec& s, const std::vector<int>& context, std::int32_t* row) {
  const int T = s.block, n = int(context.size()) + 1;  // with the leading boundary
  const int skip = std::max(0, n - T);
  for (int t = 0; t < T; ++t) {
    const int src = skip + t;  // index into [boundary, context...]
    row[t] = src >= n ? Vocab::kBoundary : src == 0 ? Vocab::kBoundary : context[std::size_t(src - 1)];
  }
  return std::min(n, T) - 1;
}

// Per position: per layer the stream, its norms, q k v, heads' outputs, the
// MLP's 4d (and as much again for their gradients), the attention weights;
// then the logits, probabilities and their gradient.
double gpt_activation_floats(const ModelSpec& s, double rows) {
  const double T = s.block, d = s.emb;
  return rows * T * (s.layers * (2.0 * (12.0 * d + s.heads * T) + 2.0) + 3.0 * s.vocab + 4.0 * d);
}

// Forward: per layer the (N, d)(d, 3d), (N, d)(d, d), (N, d)(d, 4d) and
// (N, 4d)(4d, d) products and the attention (q k^T and A v, 2 T^2 d per item),
// then (N, d)(d, V); backward twice that; 2 flops a multiply-add. All T positions.
double gpt_step_flops(const ModelSpec& s, int batch) {
  const double T = s.block, d = s.emb, N = double(batch) * T;
  const double layer = 2.0 * N * (12.0 * d * d) + 4.0 * batch * T * T * d;
  return 3.0 * (s.layers * layer + 2.0 * N * d * s.vocab);
}

std::vector<std::string> gpt_embeddings(const ModelSpec&) { return {"wte", "wpe"}; }

const std::vector<Hyperparameter>& gpt_hyperparameters() {
  using K = Hyperparameter::Kind;
  static const std::vector<Hyperparameter> table = {
      {"block", "block size", K::Int, 1, Limits::kMaxBlock, "Context length: the longest item it trains on", true, &ModelSpec::block},
      {"emb", "embedding dim", K::Int, 1, Limits::kMaxEmb, "Embedding dimension: numbers per token in wte and per position in wpe",
       true, &ModelSpec::emb},
      {"heads", "heads", K::Int, 1, Limits::kMaxHeads, "Attention heads (they divide --emb)", true, &ModelSpec::heads},
      {"layers", "layers", K::Int, 1, Limits::kMaxLayers, "Transformer blocks", true, &ModelSpec::layers},
  };
  return table;
}

// microgpt's settings, for characters and words alike: block 16, emb 16, Adam at 0.01.
NamedSettings gpt_defaults(bool) { return {{"block", "16"}, {"emb", "16"}, {"optimizer", "adam"}, {"lr", "0.01"}}; }

const char* gpt_role(const std::string& name) {
  const std::string leaf = name.substr(name.find('.') + 1);  // "h0.wq" -> "wq"
  if (name == "wte") return "token embedding";
  if (name == "wpe") return "position embedding";
  if (leaf == "wq" || leaf == "wk" || leaf == "wv" || leaf == "wo") return "attention";
  if (leaf == "fc1" || leaf == "fc2") return "MLP";
  if (name == "lm_head") return "head: logits";
  return "";
}

}  // namespace

const Family kGptFamily = {
    "gpt",
    "Transformer (microgpt)",
    gpt_table,
    [](Model<float>& m, std::uint64_t seed) { gpt_init(m, seed); },
    [](const ModelSpec&) -> std::unique_ptr<Net> { return std::make_unique<GptNet>(); },
    gpt_examples,
    gpt_context_row,
    gpt_activation_floats,
    gpt_step_flops,
    gpt_embeddings,
    gpt_hyperparameters,
    {/*whole_items*/ true, /*position_table*/ true, /*attention*/ true, /*hidden_layer*/ false,
     /*class_softmax*/ false},
    gpt_defaults,
    gpt_role,
};

}  // namespace ev
