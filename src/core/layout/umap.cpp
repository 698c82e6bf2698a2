// umap.cpp: UMAP (McInnes, Healy and Melville 2018) in its three parts: the
// fuzzy neighbour graph (memberships per row, symmetrised by fuzzy union), the
// map's curve fitted to min_dist, and the descent that samples each edge in
// proportion to its weight with a few repelling samples per edge sample.
//
// The descent runs its edges in a fixed order on one thread: every update
// reads the positions the previous one wrote, so a seed gives one answer.
#include "core/layout/umap.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "core/base/parallel.h"
#include "core/layout/pca.h"
#include "core/base/rng.h"

namespace ev {

namespace {

constexpr float kClip = 4;            // each gradient coordinate is clipped to [-4, 4]
constexpr float kRepelEps = 0.001f;   // keeps the repulsion finite at distance 0
constexpr int kCancelStride = 4096;   // edges between looks at *cancel
constexpr double kInitSpread = 10;    // a cold start spans [-10, 10]

bool cancelled(const std::atomic<bool>* cancel) { return cancel && cancel->load(std::memory_order_relaxed); }

std::vector<char> finite_rows(const Mat<float>& X) {
  std::vector<char> finite(std::size_t(X.rows()));
  for (Eigen::Index i = 0; i < X.rows(); ++i) finite[std::size_t(i)] = X.row(i).allFinite() ? 1 : 0;
  return finite;
}

// Sum over the row's neighbours of exp(-max(0, d - rho) / sigma).
double membership_sum(const float* d, int k, double rho, double sigma) {
  double sum = 0;
  for (int j = 0; j < k; ++j) {
    if (!std::isfinite(d[j])) continue;
    const double x = double(d[j]) - rho;
    sum += x <= 0 ? 1.0 : std::exp(-x / sigma);
  }
  return sum;
}

}  // namespace

UmapRow umap_memberships(const float* d, int k, float* w) {
  UmapRow row;
  double mean = 0;
  int valid = 0;
  for (int j = 0; j < k; ++j) {
    if (!std::isfinite(d[j])) continue;
    mean += d[j];
    ++valid;
    if (row.rho == 0 && d[j] > 0) row.rho = d[j];
  }
  mean = valid > 0 ? mean / valid : 0;
  // The sum grows with sigma from (count of d <= rho) towards `valid`: bisect,
  // doubling sigma until the target is bracketed.
  const double target = std::log2(double(std::max(1, k)));
  double lo = 0, hi = std::numeric_limits<double>::infinity(), sigma = 1;
  for (int it = 0; it < 100; ++it) {
    const double sum = membership_sum(d, k, row.rho, sigma);
    if (std::abs(sum - target) < 1e-6) break;
    if (sum > target) {
      hi = sigma;
      sigma = 0.5 * (lo + hi);
    } else {
      lo = sigma;
      sigma = std::isinf(hi) ? 2 * sigma : 0.5 * (lo + hi);
    }
  }
  // A floor for rows whose nearest several are equally near (sigma -> 0).
  row.sigma = std::max(sigma, 1e-3 * mean);
  for (int j = 0; j < k; ++j) {
    const double x = double(d[j]) - row.rho;
    w[j] = !std::isfinite(d[j]) ? 0.0f : x <= 0 ? 1.0f : float(std::exp(-x / row.sigma));
  }
  return row;
}

namespace {

// Squared error of 1 / (1 + a d^(2b)) against the target on the grid.
double curve_cost(const std::vector<double>& d, const std::vector<double>& t, double a, double b) {
  double cost = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const double r = 1 / (1 + a * std::pow(d[i], 2 * b)) - t[i];
    cost += r * r;
  }
  return cost;
}

// One Levenberg-Marquardt step's normal equations: J^T J (2, 2) and J^T r (2).
void curve_normal_equations(const std::vector<double>& d, const std::vector<double>& t, double a, double b,
                            double JtJ[3], double Jtr[2]) {
  JtJ[0] = JtJ[1] = JtJ[2] = Jtr[0] = Jtr[1] = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const double p = std::pow(d[i], 2 * b), f = 1 / (1 + a * p), r = f - t[i];
    const double ga = -p * f * f;                            // df/da
    const double gb = -a * p * 2 * std::log(d[i]) * f * f;  // df/db
    JtJ[0] += ga * ga;
    JtJ[1] += ga * gb;
    JtJ[2] += gb * gb;
    Jtr[0] += ga * r;
    Jtr[1] += gb * r;
  }
}

}  // namespace

void umap_fit_curve(double min_dist, double* a_out, double* b_out) {
  constexpr int kGrid = 300;
  std::vector<double> d(kGrid), t(kGrid);
  for (int i = 0; i < kGrid; ++i) {
    d[std::size_t(i)] = 3.0 * (i + 1) / kGrid;
    t[std::size_t(i)] = d[std::size_t(i)] < min_dist ? 1.0 : std::exp(-(d[std::size_t(i)] - min_dist));
  }
  double a = 1, b = 1, lambda = 1e-3, cost = curve_cost(d, t, a, b);
  for (int it = 0; it < 500 && lambda < 1e12; ++it) {
    double JtJ[3], Jtr[2];
    curve_normal_equations(d, t, a, b, JtJ, Jtr);
    // (J^T J + lambda diag(J^T J)) step = -J^T r, by Cramer's rule.
    const double m00 = JtJ[0] * (1 + lambda), m11 = JtJ[2] * (1 + lambda), m01 = JtJ[1];
    const double det = m00 * m11 - m01 * m01;
    if (!(det > 0)) {
      lambda *= 10;
      continue;
    }
    const double da = (-Jtr[0] * m11 + Jtr[1] * m01) / det, db = (-Jtr[1] * m00 + Jtr[0] * m01) / det;
    const double na = a + da, nb = b + db;
    const double next = na > 0 && nb > 0 ? curve_cost(d, t, na, nb) : std::numeric_limits<double>::infinity();
    if (next < cost) {
      const bool converged = cost - next < 1e-15 * cost;
      a = na, b = nb, cost = next, lambda = std::max(1e-12, lambda / 10);
      if (converged) break;
    } else {
      lambda *= 10;
    }
  }
  *a_out = a;
  *b_out = b;
}

// ---------------------------------------------------------------------------
// The graph.

namespace {

struct Edge {
  int head, tail;
  float rate;  // weight / largest weight: the share of epochs that sample this edge
  float due;   // accumulated rate; the edge is sampled when it reaches 1
};

// One table's fuzzy graph, ready to adopt.
struct Graph {
  int n = 0;
  std::vector<Edge> edges;    // (E) both directions of every pair, by head then tail
  std::vector<int> start;     // (n + 1) row i's edges are edges[start[i], start[i + 1])
  std::vector<int> finite;    // the finite rows: the pool of repelling samples
  std::vector<char> is_finite;  // (n)
  std::vector<float> cold;    // (n, 2) a cold start's positions, NaN for rows not finite
};

}  // namespace

struct Umap::Impl {
  Graph graph;              // the graph the descent samples
  Graph next;               // prepared aside, waiting for adopt()
  bool has_next = false;
  Rng rng;                  // the repelling samples (and places for rows that become finite)

  bool epoch(float* y, float alpha, float a, float b, int negative, const std::atomic<bool>* cancel);
};

namespace {

struct Pair {
  int lo, hi;
  float w;
};

// Each row's memberships (n, k), rows split over threads.
std::vector<float> all_memberships(const KnnGraph& g, int threads) {
  std::vector<float> w(g.ids.size(), 0.0f);
  parallel_ranges(g.n, threads, 64, [&](int begin, int end) {
    for (int i = begin; i < end; ++i) {
      const std::size_t at = std::size_t(i) * std::size_t(g.k);
      if (g.k > 0 && g.ids[at] >= 0) umap_memberships(g.distances.data() + at, g.k, w.data() + at);
    }
  });
  return w;
}

// The fuzzy union w_ij + w_ji - w_ij w_ji of the directed memberships, as
// pairs lo < hi in order.
std::vector<Pair> fuzzy_union(const KnnGraph& g, const std::vector<float>& w) {
  std::vector<std::pair<std::uint64_t, float>> directed;  // (lo << 32 | hi, w)
  directed.reserve(g.ids.size());
  for (int i = 0; i < g.n; ++i)
    for (int j = 0; j < g.k; ++j) {
      const int other = g.id(i, j);
      const float wij = w[std::size_t(i) * std::size_t(g.k) + std::size_t(j)];
      if (other < 0 || other == i || !(wij > 0)) continue;
      const auto lo = std::uint64_t(std::min(i, other)), hi = std::uint64_t(std::max(i, other));
      directed.emplace_back(lo << 32 | hi, wij);
    }
  std::sort(directed.begin(), directed.end());
  std::vector<Pair> pairs;
  pairs.reserve(directed.size());
  for (std::size_t e = 0; e < directed.size(); ++e) {
    float u = directed[e].second;
    if (e + 1 < directed.size() && directed[e + 1].first == directed[e].first) {
      const float v = directed[++e].second;  // the same pair from its other end
      u = u + v - u * v;
    }
    pairs.push_back({int(directed[e].first >> 32), int(directed[e].first & 0xffffffffu), u});
  }
  return pairs;
}

// Both directions of every pair, grouped by head (tails ascending), with
// their sampling rates.
void directed_edges(int n, const std::vector<Pair>& pairs, std::vector<Edge>* edges,
                    std::vector<int>* start) {
  start->assign(std::size_t(n) + 1, 0);
  float w_max = 0;
  for (const Pair& p : pairs) {
    ++(*start)[std::size_t(p.lo) + 1];
    ++(*start)[std::size_t(p.hi) + 1];
    w_max = std::max(w_max, p.w);
  }
  for (int i = 0; i < n; ++i) (*start)[std::size_t(i) + 1] += (*start)[std::size_t(i)];
  edges->assign(pairs.size() * 2, {});
  std::vector<int> fill(start->begin(), start->end() - 1);
  for (const Pair& p : pairs) {
    const float rate = p.w / w_max;
    (*edges)[std::size_t(fill[std::size_t(p.lo)]++)] = {p.lo, p.hi, rate, 0.0f};
    (*edges)[std::size_t(fill[std::size_t(p.hi)]++)] = {p.hi, p.lo, rate, 0.0f};
  }
}

// The table's top two principal axes (McInnes et al. 2018 start from a
// spectral layout; PCA is the cheap stand-in), scaled so the largest
// coordinate is 10, with a little noise so equal rows do not coincide.
std::vector<float> cold_positions(const Mat<float>& X, const std::vector<int>& finite, std::uint64_t seed) {
  std::vector<float> y(std::size_t(X.rows()) * 2, std::numeric_limits<float>::quiet_NaN());
  const int m = int(finite.size());
  if (m == 0) return y;
  Mat<double> Xf(m, X.cols());  // (m, d) the finite rows
  for (int r = 0; r < m; ++r) Xf.row(r) = X.row(finite[std::size_t(r)]).cast<double>();
  const Pca p = pca(Xf, 2);
  Mat<double> P = Mat<double>::Zero(m, 2);  // (m, 2)
  if (p.components.rows() > 0) P.leftCols(p.components.rows()) = p.project(Xf);
  double spread = P.cwiseAbs().maxCoeff();
  if (!(spread > 0) || !std::isfinite(spread)) spread = 1;
  Rng rng(seed);
  for (int r = 0; r < m; ++r)
    for (int c = 0; c < 2; ++c) P(r, c) += 1e-4 * spread * rng.normal();
  const double scale = kInitSpread / std::max(1e-300, P.cwiseAbs().maxCoeff());
  for (int r = 0; r < m; ++r)
    for (int c = 0; c < 2; ++c) y[std::size_t(finite[std::size_t(r)]) * 2 + std::size_t(c)] = float(P(r, c) * scale);
  return y;
}

// The fuzzy graph of the rows of X; false if *cancel became true.
bool build_graph(const Mat<float>& X, const UmapOptions& o, const std::atomic<bool>* cancel, Graph* out) {
  Graph g;
  g.n = int(X.rows());
  g.is_finite = finite_rows(X);
  for (int i = 0; i < g.n; ++i)
    if (g.is_finite[std::size_t(i)]) g.finite.push_back(i);
  // k no larger than the others there are, so log2(k) stays reachable.
  const int k = std::max(1, std::min(o.neighbours, int(g.finite.size()) - 1));
  const int threads = std::max(1, o.threads);
  KnnGraph knn;
  if (!exact_neighbours(X, k, o.metric, &knn, threads, cancel) || cancelled(cancel)) return false;
  const std::vector<float> w = all_memberships(knn, threads);  // (n, k)
  if (cancelled(cancel)) return false;
  directed_edges(g.n, fuzzy_union(knn, w), &g.edges, &g.start);
  if (cancelled(cancel)) return false;
  g.cold = cold_positions(X, g.finite, o.seed);
  *out = std::move(g);
  return true;
}

}  // namespace

Umap::Umap(const UmapOptions& o) : opt_(o), impl_(std::make_shared<Impl>()) {
  umap_fit_curve(opt_.min_dist, &a_, &b_);
}

bool Umap::set_table(const Mat<float>& X, const std::atomic<bool>* cancel) {
  if (!prepare(X, cancel)) return false;
  adopt();
  return true;
}

bool Umap::prepare(const Mat<float>& X, const std::atomic<bool>* cancel) {
  Graph g;
  if (!build_graph(X, opt_, cancel, &g)) return false;
  impl_->next = std::move(g);
  impl_->has_next = true;
  return true;
}

void Umap::adopt() {
  Impl& im = *impl_;
  if (!im.has_next) return;
  im.graph = std::move(im.next);
  im.next = Graph();
  im.has_next = false;
  if (im.graph.n != n_ || n_ == 0) {
    n_ = im.graph.n;
    epoch_ = 0;
    y_ = std::move(im.graph.cold);
    im.rng.reseed(~opt_.seed);  // a stream apart from the cold start's noise
  } else {
    warm_start();
  }
  im.graph.cold = std::vector<float>();
}

// Keeps every position whose row is still finite; a row that has become
// finite starts at the mean of its placed neighbours (a random point in the
// initial square if it has none).
void Umap::warm_start() {
  const Graph& g = impl_->graph;
  for (int i = 0; i < n_; ++i) {
    float* yi = &y_[std::size_t(i) * 2];
    if (!g.is_finite[std::size_t(i)]) {
      yi[0] = yi[1] = std::numeric_limits<float>::quiet_NaN();
      continue;
    }
    if (std::isfinite(yi[0]) && std::isfinite(yi[1])) continue;
    double sx = 0, sy = 0;
    int placed = 0;
    for (int e = g.start[std::size_t(i)]; e < g.start[std::size_t(i) + 1]; ++e) {
      const float* yt = &y_[std::size_t(g.edges[std::size_t(e)].tail) * 2];
      if (!std::isfinite(yt[0]) || !std::isfinite(yt[1])) continue;
      sx += yt[0], sy += yt[1], ++placed;
    }
    yi[0] = float(placed ? sx / placed : kInitSpread * (2 * impl_->rng.uniform() - 1));
    yi[1] = float(placed ? sy / placed : kInitSpread * (2 * impl_->rng.uniform() - 1));
  }
}

// ---------------------------------------------------------------------------
// The descent (McInnes et al. 2018: stochastic gradient descent on the fuzzy
// set cross-entropy, attraction along sampled edges, repulsion by negative
// sampling).

namespace {

inline float clip(float g) { return std::min(kClip, std::max(-kClip, g)); }

// Attraction along a sampled edge: a step down the gradient of -log q,
// q = 1 / (1 + a d^(2b)), for both ends (the edge's weight is in how often it
// is sampled).
inline void attract(float* yi, float* yj, float alpha, float a, float b) {
  const float dx = yi[0] - yj[0], dy = yi[1] - yj[1], d2 = dx * dx + dy * dy;
  if (!(d2 > 0)) return;
  const float p = std::pow(d2, b);
  const float coef = -2 * a * b * (p / d2) / (1 + a * p);
  const float gx = alpha * clip(coef * dx), gy = alpha * clip(coef * dy);
  yi[0] += gx, yi[1] += gy;
  yj[0] -= gx, yj[1] -= gy;
}

// Repulsion from a negative sample (taken as w = 0): the gradient of
// -log(1 - q) for the edge's head, clipped, added to g (2).
inline void repel(const float* yi, const float* yk, float a, float b, float* g) {
  const float dx = yi[0] - yk[0], dy = yi[1] - yk[1], d2 = dx * dx + dy * dy;
  if (!(d2 > 0)) return;
  const float coef = 2 * b / ((kRepelEps + d2) * (1 + a * std::pow(d2, b)));
  g[0] += clip(coef * dx);
  g[1] += clip(coef * dy);
}

}  // namespace

// One epoch: every edge whose accumulated rate reaches 1 is sampled once, in
// order. An edge sample's repelling samples are all taken at the head's
// position after its attraction and applied together: they differ from one
// after another only at order alpha^2, and being independent they overlap in
// the processor instead of waiting on each other. False if *cancel stopped
// it part way.
bool Umap::Impl::epoch(float* y, float alpha, float a, float b, int negative, const std::atomic<bool>* cancel) {
  const std::vector<int>& finite = graph.finite;
  const std::uint64_t pool = finite.size();
  const std::size_t count = graph.edges.size();
  for (std::size_t e = 0; e < count; ++e) {
    if (e % kCancelStride == 0 && cancelled(cancel)) return false;
    Edge& edge = graph.edges[e];
    edge.due += edge.rate;
    if (edge.due < 1) continue;
    edge.due -= 1;
    float* yi = y + std::size_t(edge.head) * 2;
    attract(yi, y + std::size_t(edge.tail) * 2, alpha, a, b);
    float g[2] = {0, 0};
    for (int s = 0; s < negative; ++s) {
      const int other = finite[std::size_t(rng.below(pool))];
      if (other != edge.head) repel(yi, y + std::size_t(other) * 2, a, b, g);
    }
    yi[0] += alpha * g[0];
    yi[1] += alpha * g[1];
  }
  return true;
}

// Falls linearly over the cold start's epochs, then stays at the warm rate.
float Umap::learning_rate() const {
  if (epoch_ < opt_.epochs) return float(opt_.learning_rate * (1.0 - double(epoch_) / opt_.epochs));
  return float(opt_.learning_rate * opt_.warm_rate);
}

void Umap::run(int epochs, const std::atomic<bool>* cancel) {
  Impl& im = *impl_;
  if (n_ == 0) return;  // no table yet
  for (int e = 0; e < epochs; ++e) {
    if (cancelled(cancel)) return;
    if (!im.epoch(y_.data(), learning_rate(), float(a_), float(b_), opt_.negative_samples, cancel)) return;
    ++epoch_;
  }
}

}  // namespace ev
