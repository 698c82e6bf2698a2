// neighbours.cpp: exact k nearest neighbours by blocks of rows. For a block
// of queries Q (b, d) the similarities to every row are one product
// Q X^T (b, n); each query's k smallest distances are then picked from its row
// with a partial selection. Blocks are independent, so threads split them.
#include "core/layout/neighbours.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/base/parallel.h"

namespace ev {
namespace {

constexpr int kBlock = 256;  // queries per product: (256, n) floats stay a few MB

// The rows as compared: unit rows for Cosine (a zero row stays zero), and
// each row's squared length for Euclidean. Rows not finite become zero and
// are marked in `finite`.
struct Prepared {
  Mat<float> X;                  // (n, d)
  std::vector<float> sq;         // (n) |x|^2
  std::vector<char> finite;      // (n)
};

Prepared prepare(const Mat<float>& X, Metric metric) {
  Prepared p;
  p.X = X;
  const Eigen::Index n = X.rows();
  p.sq.assign(std::size_t(n), 0.0f);
  p.finite.assign(std::size_t(n), 1);
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!X.row(i).allFinite()) {
      p.finite[std::size_t(i)] = 0;
      p.X.row(i).setZero();
      continue;
    }
    const float len2 = p.X.row(i).squaredNorm();
    if (metric == Metric::Cosine && len2 > 0) p.X.row(i) /= std::sqrt(len2);
    p.sq[std::size_t(i)] = metric == Metric::Cosine ? (len2 > 0 ? 1.0f : 0.0f) : len2;
  }
  return p;
}

// Distance from similarity: 1 - cos for unit rows (1 for a zero row), the
// Euclidean distance from |a|^2 + |b|^2 - 2 a.b otherwise.
inline float to_distance(Metric metric, float dot, float sq_a, float sq_b) {
  if (metric == Metric::Cosine) return (sq_a == 0 || sq_b == 0) ? 1.0f : std::max(0.0f, 1.0f - dot);
  return std::sqrt(std::max(0.0f, sq_a + sq_b - 2.0f * dot));
}

// Row q's k nearest among the finite others, given its similarities `dots` (n).
void select_row(const Prepared& p, Metric metric, int q, const float* dots, int k,
                std::vector<std::pair<float, int>>* buf, int* ids, float* dist) {
  const int n = int(p.sq.size());
  buf->clear();
  for (int j = 0; j < n; ++j)
    if (j != q && p.finite[std::size_t(j)])
      buf->emplace_back(to_distance(metric, dots[j], p.sq[std::size_t(q)], p.sq[std::size_t(j)]), j);
  const int take = std::min<int>(k, int(buf->size()));
  std::partial_sort(buf->begin(), buf->begin() + take, buf->end());  // (distance, id): ties to the lower id
  for (int j = 0; j < k; ++j) {
    ids[j] = j < take ? (*buf)[std::size_t(j)].second : -1;
    dist[j] = j < take ? (*buf)[std::size_t(j)].first : std::numeric_limits<float>::infinity();
  }
}

// Fills rows [begin, end) of the graph, one block of queries at a time.
bool fill_rows(const Prepared& p, Metric metric, int begin, int end, KnnGraph* g,
               const std::atomic<bool>* cancel) {
  std::vector<std::pair<float, int>> buf;
  Mat<float> dots;
  for (int b = begin; b < end; b += kBlock) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return false;
    const int rows = std::min(kBlock, end - b);
    dots.noalias() = p.X.middleRows(b, rows) * p.X.transpose();  // (rows, n)
    for (int r = 0; r < rows; ++r) {
      const int q = b + r;
      int* ids = g->ids.data() + std::size_t(q) * std::size_t(g->k);
      float* dist = g->distances.data() + std::size_t(q) * std::size_t(g->k);
      if (!p.finite[std::size_t(q)]) {
        std::fill(ids, ids + g->k, -1);
        std::fill(dist, dist + g->k, std::numeric_limits<float>::infinity());
        continue;
      }
      select_row(p, metric, q, dots.row(r).data(), g->k, &buf, ids, dist);
    }
  }
  return true;
}

}  // namespace

bool exact_neighbours(const Mat<float>& X, int k, Metric metric, KnnGraph* out, int threads,
                      const std::atomic<bool>* cancel) {
  const int n = int(X.rows());
  k = std::max(0, k);
  const Prepared p = prepare(X, metric);
  KnnGraph g;
  g.n = n;
  g.k = k;
  g.metric = metric;
  g.ids.assign(std::size_t(n) * std::size_t(k), -1);
  g.distances.assign(std::size_t(n) * std::size_t(k), std::numeric_limits<float>::infinity());
  std::atomic<bool> done{true};
  parallel_ranges(n, threads, kBlock, [&](int begin, int end) {
    if (!fill_rows(p, metric, begin, end, &g, cancel)) done = false;
  });
  if (!done) return false;
  *out = std::move(g);
  return true;
}

}  // namespace ev
