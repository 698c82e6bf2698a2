// tsne_test.cpp: the t-SNE map (tsne.h) on separated Gaussian clusters in 30
// dimensions: the per-row bisection reaches the perplexity, a cold start keeps
// clusters together, the result is the same for a seed on one or two
// threads, rows that are not finite stay NaN without moving the others, a
// warm start keeps the map where it was, the KL divergence falls, and cancel
// stops the work at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <thread>
#include <vector>

#include "core/layout/tsne.h"
#include "core/base/rng.h"
#include "map_test_util.h"

namespace ev {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

using testing::dist2;
using testing::median_move;
using testing::neighbour_purity;
using testing::seconds_to_cancel;
using testing::spread;

struct Clusters {
  Mat<float> X;            // (clusters * per, d)
  std::vector<int> label;  // (clusters * per)
};

// `clusters` Gaussian blobs of `per` points each, unit spread around centres
// drawn from N(0, 3^2) per coordinate: in 30 dimensions the centres lie about
// 23 apart and a blob's points about 8 from each other. Rows are interleaved,
// so ids say nothing of clusters.
Clusters gaussian_clusters(int clusters, int per, int d, std::uint64_t seed) {
  Clusters out;
  out.X = testing::gaussian_clusters(clusters, per, d, 3.0, seed, &out.label, true);
  return out;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TsneOptions options(int threads = 1, std::uint64_t seed = 1) {
  TsneOptions o;
  o.perplexity = 30;
  o.metric = Metric::Euclidean;
  o.threads = threads;
  o.seed = seed;
  return o;
}

std::vector<float> layout(const Mat<float>& X, const TsneOptions& o, int iterations) {
  Tsne t(o);
  EXPECT_TRUE(t.set_table(X));
  t.run(iterations);
  return t.positions();
}

double entropy(const std::vector<float>& p) {
  double h = 0;
  for (float v : p)
    if (v > 0) h -= double(v) * std::log(double(v));
  return h;
}

// P of van der Maaten (2014) written out plainly: dense (n, n), from the
// exact neighbours and each row's Gaussian, symmetrised and normalised.
Mat<double> dense_affinities(const Mat<float>& X, double perplexity, Metric metric) {
  const int n = int(X.rows()), k = std::min(n - 1, int(3 * perplexity));
  KnnGraph g;
  EXPECT_TRUE(exact_neighbours(X, k, metric, &g));
  Mat<double> P = Mat<double>::Zero(n, n);
  std::vector<float> p(static_cast<std::size_t>(k));
  for (int i = 0; i < n; ++i) {
    gaussian_conditionals(&g.distances[std::size_t(i) * std::size_t(k)], k, perplexity, p.data());
    for (int j = 0; j < k; ++j) {
      P(i, g.id(i, j)) += p[std::size_t(j)] / (2.0 * n);
      P(g.id(i, j), i) += p[std::size_t(j)] / (2.0 * n);
    }
  }
  return P;
}

// The exact gradient of KL(alpha P || Q) at y (n, 2) (van der Maaten and Hinton 2008, eq. 5).
Mat<double> exact_gradient(const Mat<double>& P, const std::vector<float>& y, double alpha) {
  const int n = int(P.rows());
  Mat<double> W(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) W(i, j) = i == j ? 0.0 : 1.0 / (1.0 + dist2(y, i, j));
  const double Z = W.sum();
  Mat<double> grad = Mat<double>::Zero(n, 2);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int c = 0; c < 2; ++c)
        grad(i, c) += 4 * (alpha * P(i, j) - W(i, j) / Z) * W(i, j) * (y[2 * std::size_t(i) + std::size_t(c)] - y[2 * std::size_t(j) + std::size_t(c)]);
  return grad;
}

double exact_kl(const Mat<double>& P, const std::vector<float>& y) {
  const int n = int(P.rows());
  double Z = 0, kl = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (i != j) Z += 1.0 / (1.0 + dist2(y, i, j));
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (P(i, j) > 0) kl += P(i, j) * std::log(P(i, j) * Z * (1.0 + dist2(y, i, j)));
  return kl;
}

TEST(GaussianConditionals, EntropyIsLogPerplexity) {
  Rng rng(5);
  std::vector<float> d(90);
  for (float& v : d) v = float(0.5 + rng.uniform());
  std::sort(d.begin(), d.end());
  for (double perplexity : {2.0, 5.0, 30.0, 60.0}) {
    for (float scale : {1e-3f, 1.0f, 1e3f}) {  // the bisection finds any scale of beta
      std::vector<float> ds(d), p(d.size());
      for (float& v : ds) v *= scale;
      const double beta = gaussian_conditionals(ds.data(), int(ds.size()), perplexity, p.data());
      EXPECT_GT(beta, 0);
      EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-5);
      EXPECT_NEAR(entropy(p), std::log(perplexity), 1e-4) << "perplexity " << perplexity << " scale " << scale;
      for (std::size_t j = 1; j < p.size(); ++j) EXPECT_LE(p[j], p[j - 1] * (1 + 1e-6f));  // nearer, likelier
      // A Gaussian in the squared distance: ln(p_j / p_0) = -beta (d_j^2 - d_0^2).
      std::size_t j = p.size() - 1;
      while (p[j] < 1e-20f) --j;  // the farthest not lost to float underflow
      const double d0 = ds[0], dj = ds[j];
      EXPECT_NEAR(std::log(double(p[j]) / p[0]), -beta * (dj * dj - d0 * d0), 1e-3);
    }
  }
}

TEST(GaussianConditionals, PerplexityAboveKIsUniform) {
  const std::vector<float> d = {0.1f, 0.2f, 0.3f, 0.4f};
  std::vector<float> p(4);
  EXPECT_EQ(gaussian_conditionals(d.data(), 4, 30, p.data()), 0.0);
  for (float v : p) EXPECT_FLOAT_EQ(v, 0.25f);
  const std::vector<float> same = {0.5f, 0.5f, 0.5f};  // equal distances: uniform at any width
  gaussian_conditionals(same.data(), 3, 2, p.data());
  for (int j = 0; j < 3; ++j) EXPECT_FLOAT_EQ(p[std::size_t(j)], 1.0f / 3);
}

TEST(Tsne, SeparatesClusters) {
  const Clusters c = gaussian_clusters(10, 100, 30, 11);
  Tsne t(options());
  ASSERT_TRUE(t.set_table(c.X));
  EXPECT_EQ(t.n(), 1000);
  t.run(750);
  EXPECT_EQ(t.iteration(), 750);
  ASSERT_EQ(t.positions().size(), 2000u);
  for (float v : t.positions()) ASSERT_TRUE(std::isfinite(v));
  EXPECT_GE(neighbour_purity(t.positions(), c.label), 0.9);
}

TEST(Tsne, SeparatesClustersByCosine) {
  Clusters c = gaussian_clusters(6, 80, 30, 12);
  TsneOptions o = options();
  o.metric = Metric::Cosine;
  EXPECT_GE(neighbour_purity(layout(c.X, o, 500), c.label), 0.9);
}

TEST(Tsne, SameForASeedOnAnyThreads) {
  const Clusters c = gaussian_clusters(5, 60, 30, 13);
  const std::vector<float> a = layout(c.X, options(1), 300);
  EXPECT_TRUE(same_bits(a, layout(c.X, options(1), 300)));
  EXPECT_TRUE(same_bits(a, layout(c.X, options(2), 300)));
  EXPECT_FALSE(same_bits(a, layout(c.X, options(1, 2), 300)));  // the seed matters
}

TEST(Tsne, RowsNotFiniteStayNaNAndLeaveTheOthersAlone) {
  const Clusters c = gaussian_clusters(5, 60, 30, 14);
  const std::vector<int> bad = {0, 7, 150, 299};
  // Whole numbers: every squared distance is then exact in float whatever
  // the order of its sums, so both tables' neighbour graphs are identical.
  Mat<float> X = (4 * c.X).array().round().matrix();
  X(0, 3) = kNaN;
  X(7, 0) = std::numeric_limits<float>::infinity();
  X.row(150).setConstant(kNaN);
  X(299, 29) = -std::numeric_limits<float>::infinity();
  // The same table without those rows.
  Mat<float> kept(X.rows() - Eigen::Index(bad.size()), X.cols());
  std::vector<int> kept_label;
  for (int i = 0, r = 0; i < X.rows(); ++i)
    if (std::find(bad.begin(), bad.end(), i) == bad.end()) kept.row(r++) = X.row(i), kept_label.push_back(c.label[std::size_t(i)]);

  const std::vector<float> y = layout(X, options(), 400), y_kept = layout(kept, options(), 400);
  ASSERT_EQ(y.size(), 2 * std::size_t(X.rows()));
  std::vector<float> y_others;
  for (int i = 0; i < X.rows(); ++i) {
    const bool is_bad = std::find(bad.begin(), bad.end(), i) != bad.end();
    for (int k = 0; k < 2; ++k) {
      const float v = y[2 * std::size_t(i) + std::size_t(k)];
      EXPECT_EQ(std::isnan(v), is_bad) << "row " << i;
      if (!is_bad) y_others.push_back(v);
    }
  }
  // The finite rows are mapped exactly as if the others were not there.
  EXPECT_TRUE(same_bits(y_others, y_kept));
  EXPECT_GE(neighbour_purity(y_kept, kept_label), 0.9);
}

TEST(Tsne, WarmStartKeepsTheMap) {
  const Clusters c = gaussian_clusters(6, 80, 30, 15);
  Tsne t(options());
  ASSERT_TRUE(t.set_table(c.X));
  t.run(700);
  const std::vector<float> before = t.positions();
  const double kl_before = t.kl_divergence();
  Tsne same = t;  // the same map carrying on without a new table
  same.run(100);

  Mat<float> X = c.X;  // a little more training
  Rng rng(99);
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) X(i, j) += float(0.05 * rng.normal());
  ASSERT_TRUE(t.set_table(X));
  EXPECT_EQ(t.iteration(), 700);  // a warm start counts on
  EXPECT_TRUE(same_bits(t.positions(), before));
  t.run(100);

  // It moves no more than the map would have anyway (the map still grows).
  const double moved = median_move(before, t.positions());
  EXPECT_LT(moved, 0.05 * spread(before));
  EXPECT_LE(moved, median_move(before, same.positions()));
  // Exaggeration again would pull the clusters tight and drive the KL up.
  EXPECT_LT(t.kl_divergence(), 1.05 * kl_before);
  EXPECT_NEAR(spread(t.positions()), spread(before), 0.1 * spread(before));
  EXPECT_GE(neighbour_purity(t.positions(), c.label), 0.9);

  // Another row count: a cold start.
  ASSERT_TRUE(t.set_table(X.topRows(X.rows() - 1)));
  EXPECT_EQ(t.iteration(), 0);
  EXPECT_LT(spread(t.positions()), 1e-3);
}

TEST(Tsne, WarmStartPlacesRowsThatBecameFinite) {
  const Clusters c = gaussian_clusters(4, 60, 30, 16);
  Mat<float> X = c.X;
  X(5, 0) = kNaN;
  X(9, 0) = kNaN;
  Tsne t(options());
  ASSERT_TRUE(t.set_table(X));
  t.run(400);
  EXPECT_TRUE(std::isnan(t.positions()[10]));
  X = c.X;
  X.row(9) = X.row(5);  // two new rows alike: same neighbours, same weights
  ASSERT_TRUE(t.set_table(X));
  EXPECT_EQ(t.iteration(), 400);
  const std::vector<float>& y = t.positions();
  for (int i : {5, 9}) {
    ASSERT_TRUE(std::isfinite(y[2 * std::size_t(i)]) && std::isfinite(y[2 * std::size_t(i) + 1]));
    // Among its own cluster: its nearest point in the map shares its label.
    const int twin = i == 5 ? 9 : 5;
    int nearest = -1;
    for (int j = 0; j < int(c.label.size()); ++j)
      if (j != i && j != twin && (nearest < 0 || dist2(y, i, j) < dist2(y, i, nearest))) nearest = j;
    EXPECT_EQ(c.label[std::size_t(nearest)], c.label[5]);
  }
  EXPECT_GT(dist2(y, 5, 9), 0.0f);  // not one point: they can come apart
  t.run(100);
  EXPECT_GT(dist2(t.positions(), 5, 9), 0.0f);
}

TEST(Tsne, NoFiniteRowsThenSomeIsAColdStart) {
  const Clusters c = gaussian_clusters(3, 40, 30, 24);
  Tsne t(options());
  ASSERT_TRUE(t.set_table(Mat<float>::Constant(120, 30, kNaN)));
  t.run(5);
  for (float v : t.positions()) EXPECT_TRUE(std::isnan(v));
  ASSERT_TRUE(t.set_table(c.X));  // the same n, but nothing to keep
  EXPECT_EQ(t.iteration(), 0);
  t.run(400);
  EXPECT_GE(neighbour_purity(t.positions(), c.label), 0.9);
}

// A table without structure (an untrained model's): exaggerated attraction
// outweighs repulsion at every size, so the layout would shrink without end;
// it keeps the cold start's size instead and grows once exaggeration ends.
TEST(Tsne, UnstructuredTableDoesNotCollapse) {
  Rng rng(21);
  Mat<float> X(1500, 30);
  for (int i = 0; i < X.rows(); ++i)
    for (int j = 0; j < X.cols(); ++j) X(i, j) = float(rng.normal());
  TsneOptions o;
  Tsne t(o);
  ASSERT_TRUE(t.set_table(X));
  t.run(o.exaggeration_iters);
  EXPECT_GE(spread(t.positions()), 0.5e-4) << "held at the cold start's size";
  t.run(500);
  EXPECT_GT(spread(t.positions()), 1.0) << "grown once exaggeration ended";
}

TEST(Tsne, KlDivergenceFalls) {
  const Clusters c = gaussian_clusters(6, 80, 30, 17);
  Tsne t(options());
  ASSERT_TRUE(t.set_table(c.X));
  const double start = t.kl_divergence();
  t.run(300);  // the end of exaggeration
  const double mid = t.kl_divergence();
  t.run(300);
  const double end = t.kl_divergence();
  EXPECT_GT(end, 0);
  EXPECT_LT(mid, start);
  EXPECT_LT(end, 0.9 * mid);
}

// The first step from a cold start is -learning_rate × gain × gradient with
// the gain at 0.8 (no velocity yet), then the map is re-centred: it matches
// the exact gradient of the exaggerated objective. (All points are then
// within 1e-4 of each other, so Barnes-Hut is near exact too; its accuracy
// on a spread map shows in the KL divergence's Z below.)
TEST(Tsne, FirstStepFollowsTheExactGradient) {
  const Clusters c = gaussian_clusters(4, 50, 30, 21);
  for (double theta : {0.0, 0.5}) {
    TsneOptions o = options();
    o.theta = theta;
    Tsne t(o);
    ASSERT_TRUE(t.set_table(c.X));
    const std::vector<float> y0 = t.positions();
    t.run(1);
    const std::vector<float>& y1 = t.positions();
    const Mat<double> grad = exact_gradient(dense_affinities(c.X, 30, Metric::Euclidean), y0, o.exaggeration);
    const double rate = 50;  // max(200 / 12 / 4, 50) (Belkina et al. 2019)
    const int n = int(c.label.size());
    Mat<double> step(n, 2), expected(n, 2);
    for (int i = 0; i < n; ++i)
      for (int k = 0; k < 2; ++k) {
        step(i, k) = double(y1[2 * std::size_t(i) + std::size_t(k)]) - y0[2 * std::size_t(i) + std::size_t(k)];
        expected(i, k) = -rate * 0.8 * grad(i, k);
      }
    step.rowwise() -= step.colwise().mean();  // re-centring moves every point alike
    expected.rowwise() -= expected.colwise().mean();
    EXPECT_LT((step - expected).norm(), 1e-4 * expected.norm()) << "theta " << theta;
  }
}

TEST(Tsne, KlDivergenceIsThePlainSum) {
  const Clusters c = gaussian_clusters(4, 50, 30, 22);
  Tsne t(options());
  ASSERT_TRUE(t.set_table(c.X));
  t.run(300);
  const double plain = exact_kl(dense_affinities(c.X, 30, Metric::Euclidean), t.positions());
  EXPECT_NEAR(t.kl_divergence(), plain, 0.01 * plain);
}

TEST(Tsne, CancelStopsPromptly) {
  const Clusters c = gaussian_clusters(5, 60, 30, 18);
  std::atomic<bool> cancel{true};
  Tsne t(options());
  EXPECT_FALSE(t.set_table(c.X, &cancel));  // nothing adopted
  EXPECT_EQ(t.n(), 0);
  EXPECT_TRUE(t.positions().empty());
  ASSERT_TRUE(t.set_table(c.X));
  t.run(10);
  const std::vector<float> y = t.positions();
  EXPECT_FALSE(t.set_table(c.X.topRows(200), &cancel));  // the previous affinities and map stay
  EXPECT_EQ(t.n(), 300);
  t.run(5, &cancel);
  EXPECT_EQ(t.iteration(), 10);
  EXPECT_TRUE(same_bits(t.positions(), y));

  cancel = false;
  const double seconds = seconds_to_cancel(cancel, std::chrono::milliseconds(50), [&] { t.run(1000000, &cancel); });
  EXPECT_LT(t.iteration(), 1000000);
  EXPECT_LT(seconds, 2.0);
}

TEST(Tsne, PrepareThenAdoptIsSetTable) {
  const Clusters c = gaussian_clusters(4, 50, 30, 19);
  Tsne a(options()), b(options());
  ASSERT_TRUE(a.set_table(c.X));
  a.run(50);
  ASSERT_TRUE(b.prepare(c.X));
  EXPECT_EQ(b.n(), 0);  // nothing in place yet
  b.adopt();
  b.run(50);
  EXPECT_TRUE(same_bits(a.positions(), b.positions()));
  b.adopt();  // nothing prepared: no change
  EXPECT_EQ(b.iteration(), 50);
}

// The live map's use: the next affinities are prepared on one thread while
// the descent runs on another (the sanitizer builds watch for races).
TEST(Tsne, PrepareWhileRunning) {
  const Clusters c = gaussian_clusters(4, 50, 30, 23);
  Tsne t(options(2));
  ASSERT_TRUE(t.set_table(c.X));
  Mat<float> X = c.X;
  X(3, 3) = kNaN;
  bool prepared = false;
  std::thread graph([&] { prepared = t.prepare(X); });
  t.run(100);
  graph.join();
  ASSERT_TRUE(prepared);
  EXPECT_TRUE(std::isfinite(t.positions()[6]));
  t.adopt();
  EXPECT_EQ(t.iteration(), 100);
  EXPECT_TRUE(std::isnan(t.positions()[6]));
  t.run(10);
  EXPECT_EQ(t.iteration(), 110);
}

TEST(Tsne, CopiesDescendApart) {
  const Clusters c = gaussian_clusters(4, 50, 30, 20);
  Tsne a(options());
  ASSERT_TRUE(a.set_table(c.X));
  a.run(20);
  Tsne b = a;
  b.run(20);
  EXPECT_EQ(a.iteration(), 20);
  a.run(20);
  EXPECT_TRUE(same_bits(a.positions(), b.positions()));
}

TEST(Tsne, TinyTables) {
  Tsne t(options());
  ASSERT_TRUE(t.set_table(Mat<float>(0, 3)));
  t.run(5);
  EXPECT_TRUE(t.positions().empty());
  Mat<float> X(3, 2);
  X << 1, 2, kNaN, 0, 3, 4;
  ASSERT_TRUE(t.set_table(X.topRows(1)));  // one row: it stays where it starts
  t.run(5);
  EXPECT_TRUE(std::isfinite(t.positions()[0]));
  ASSERT_TRUE(t.set_table(X));  // one finite row of three, then two
  t.run(5);
  EXPECT_TRUE(std::isnan(t.positions()[2]));
  X(1, 0) = 5;
  ASSERT_TRUE(t.set_table(X));
  t.run(50);
  for (float v : t.positions()) EXPECT_TRUE(std::isfinite(v));
  EXPECT_GT(t.kl_divergence(), -1e-6);
}

}  // namespace
}  // namespace ev
