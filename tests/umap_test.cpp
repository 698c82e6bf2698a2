// umap_test: UMAP's pieces against their definitions (the memberships'
// bisection, the fitted curve's least squares) and the whole map on separated
// Gaussian clusters: clusters stay together, a seed gives one answer, rows
// that are not finite stay NaN without disturbing the rest, a warm start
// barely moves a settled map, a graph prepared on another thread while the
// descent runs is adopted as set_table() would, and cancelling stops promptly.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <thread>
#include <vector>

#include "core/layout/umap.h"
#include "core/base/rng.h"
#include "map_test_util.h"

using namespace ev;

namespace {

using ev::testing::gaussian_clusters;
using ev::testing::median_move;
using ev::testing::neighbour_purity;
using ev::testing::seconds_to_cancel;
using ev::testing::spread;

// Fraction of points nearer their own cluster's centroid in the layout than
// half the distance to the nearest other centroid: clusters apart, not
// merely ordered.
double separated_fraction(const std::vector<float>& y, const std::vector<int>& label, int clusters) {
  std::vector<double> cx(std::size_t(clusters), 0), cy(std::size_t(clusters), 0), count(std::size_t(clusters), 0);
  for (std::size_t i = 0; i < label.size(); ++i) {
    const std::size_t c = std::size_t(label[i]);
    cx[c] += y[i * 2], cy[c] += y[i * 2 + 1], count[c] += 1;
  }
  for (std::size_t c = 0; c < cx.size(); ++c) cx[c] /= count[c], cy[c] /= count[c];
  int apart = 0;
  for (std::size_t i = 0; i < label.size(); ++i) {
    double own = 0, other = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < cx.size(); ++c) {
      const double d = std::hypot(y[i * 2] - cx[c], y[i * 2 + 1] - cy[c]);
      if (int(c) == label[i]) own = d;
      else other = std::min(other, d);
    }
    apart += own < 0.5 * other;
  }
  return double(apart) / double(label.size());
}

// Squared error of the curve against its target on the fitting grid.
double curve_error(double min_dist, double a, double b) {
  double cost = 0;
  for (int i = 1; i <= 300; ++i) {
    const double d = 3.0 * i / 300, t = d < min_dist ? 1.0 : std::exp(-(d - min_dist));
    const double r = 1 / (1 + a * std::pow(d, 2 * b)) - t;
    cost += r * r;
  }
  return cost;
}

UmapOptions small_options() {
  UmapOptions o;
  o.metric = Metric::Euclidean;
  o.seed = 7;
  return o;
}

// A map of X after `epochs` of the descent.
std::unique_ptr<Umap> laid_out(const Mat<float>& X, int epochs) {
  auto u = std::make_unique<Umap>(small_options());
  EXPECT_TRUE(u->set_table(X));
  u->run(epochs);
  return u;
}

}  // namespace

TEST(Umap, MembershipsSumToLog2K) {
  const float d[8] = {0.0f, 0.25f, 0.3f, 0.42f, 0.5f, 0.9f, 1.7f, std::numeric_limits<float>::infinity()};
  float w[8];
  const UmapRow row = umap_memberships(d, 8, w);
  EXPECT_FLOAT_EQ(row.rho, 0.25f);  // the first positive distance
  double sum = 0, direct = 0;
  for (int j = 0; j < 8; ++j) {
    sum += w[j];
    if (std::isfinite(d[j])) direct += std::exp(-std::max(0.0, d[j] - row.rho) / row.sigma);
  }
  EXPECT_NEAR(sum, 3.0, 1e-5);  // log2(8)
  EXPECT_NEAR(direct, 3.0, 1e-5);
  EXPECT_EQ(w[0], 1.0f);
  EXPECT_EQ(w[1], 1.0f);
  EXPECT_EQ(w[7], 0.0f);  // missing neighbour
  for (int j = 2; j < 7; ++j) EXPECT_LT(w[j], w[j - 1]);
}

TEST(Umap, MembershipsOfAnotherRow) {
  Rng rng(3);
  std::vector<float> d(15);
  for (float& x : d) x = float(0.2 + rng.uniform());
  std::sort(d.begin(), d.end());
  std::vector<float> w(15);
  const UmapRow row = umap_memberships(d.data(), 15, w.data());
  double sum = 0;
  for (float x : w) sum += x;
  EXPECT_NEAR(sum, std::log2(15.0), 1e-5);
  EXPECT_GT(row.sigma, 0);
}

TEST(Umap, CurveFitMinDistTenth) {
  double a, b;
  umap_fit_curve(0.1, &a, &b);
  EXPECT_NEAR(a, 1.577, 0.01);
  EXPECT_NEAR(b, 0.895, 0.005);
  EXPECT_EQ(Umap().a(), a);
  EXPECT_EQ(Umap().b(), b);
}

TEST(Umap, CurveFitIsALeastSquaresMinimum) {
  for (double min_dist : {0.1, 0.5, 0.01}) {
    double a, b;
    umap_fit_curve(min_dist, &a, &b);
    const double best = curve_error(min_dist, a, b);
    EXPECT_LT(best / 300, 1e-3) << "min_dist " << min_dist;  // a close fit
    for (double step : {1e-3, -1e-3}) {
      EXPECT_GT(curve_error(min_dist, a * (1 + step), b), best) << "min_dist " << min_dist;
      EXPECT_GT(curve_error(min_dist, a, b * (1 + step)), best) << "min_dist " << min_dist;
      EXPECT_GT(curve_error(min_dist, a * (1 + step), b * (1 + step)), best) << "min_dist " << min_dist;
      EXPECT_GT(curve_error(min_dist, a * (1 + step), b * (1 - step)), best) << "min_dist " << min_dist;
    }
  }
  double a, b;
  umap_fit_curve(0.5, &a, &b);
  EXPECT_NEAR(a, 0.583, 0.01);
  EXPECT_NEAR(b, 1.334, 0.01);
}

TEST(Umap, SeparatesClusters) {
  // Close enough that no two axes separate them (the PCA start mixes them),
  // far enough apart in 30 dimensions that each point's neighbours are its own.
  std::vector<int> label;
  const Mat<float> X = gaussian_clusters(10, 100, 30, 1.0, 11, &label);
  for (Metric metric : {Metric::Euclidean, Metric::Cosine}) {
    SCOPED_TRACE(metric == Metric::Cosine ? "cosine" : "euclidean");
    UmapOptions o = small_options();
    o.metric = metric;
    Umap u(o);
    ASSERT_TRUE(u.set_table(X));
    EXPECT_EQ(u.n(), 1000);
    EXPECT_LT(neighbour_purity(u.positions(), label, 10), 0.75);
    u.run(200);
    EXPECT_EQ(u.epoch(), 200);
    EXPECT_GE(neighbour_purity(u.positions(), label, 10), 0.9);
    EXPECT_GE(separated_fraction(u.positions(), label, 10), 0.9);
    EXPECT_GT(spread(u.positions()), 2.0);  // repulsion keeps the map from collapsing
  }
}

TEST(Umap, ColdStartIsThePcaSquare) {
  std::vector<int> label;
  const Mat<float> X = gaussian_clusters(4, 50, 10, 3.0, 5, &label);
  Umap u(small_options());
  ASSERT_TRUE(u.set_table(X));
  float largest = 0;
  for (float v : u.positions()) largest = std::max(largest, std::abs(v));
  EXPECT_FLOAT_EQ(largest, 10.0f);
  EXPECT_EQ(u.epoch(), 0);
}

TEST(Umap, DeterministicForASeed) {
  std::vector<int> label;
  const Mat<float> X = gaussian_clusters(5, 80, 20, 3.0, 2, &label);
  auto layout = [&](std::uint64_t seed, int threads) {
    UmapOptions o = small_options();
    o.seed = seed;
    o.threads = threads;
    Umap u(o);
    EXPECT_TRUE(u.set_table(X));
    u.run(60);
    return u.positions();
  };
  const std::vector<float> first = layout(7, 1);
  EXPECT_EQ(first, layout(7, 1));
  EXPECT_EQ(first, layout(7, 2));
  EXPECT_NE(first, layout(8, 1));
}

TEST(Umap, RowsNotFiniteStayNaN) {
  std::vector<int> label;
  Mat<float> X = gaussian_clusters(6, 60, 20, 3.0, 4, &label);
  const double clean_frac = neighbour_purity(laid_out(X, 100)->positions(), label, 10);

  const std::vector<int> bad = {0, 17, 200, 359};
  X(0, 3) = std::numeric_limits<float>::quiet_NaN();
  X(17, 0) = std::numeric_limits<float>::infinity();
  X.row(200).setConstant(std::numeric_limits<float>::quiet_NaN());
  X(359, 19) = -std::numeric_limits<float>::infinity();
  const auto u = laid_out(X, 100);
  const std::vector<float>& y = u->positions();
  for (int i = 0; i < int(label.size()); ++i) {
    const bool is_bad = std::find(bad.begin(), bad.end(), i) != bad.end();
    EXPECT_EQ(std::isnan(y[std::size_t(i) * 2]), is_bad) << i;
    EXPECT_EQ(std::isnan(y[std::size_t(i) * 2 + 1]), is_bad) << i;
  }
  EXPECT_GE(neighbour_purity(y, label, 10), std::min(0.9, clean_frac - 0.02));
}

TEST(Umap, WarmStartKeepsTheMap) {
  std::vector<int> label;
  Mat<float> X = gaussian_clusters(8, 60, 20, 3.0, 9, &label);
  const auto u = laid_out(X, 200);
  const std::vector<float> before = u->positions();
  Rng rng(21);
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) X(i, j) += float(0.05 * rng.normal());
  ASSERT_TRUE(u->set_table(X));
  EXPECT_EQ(u->positions(), before);  // kept until the descent runs
  u->run(20);
  EXPECT_EQ(u->epoch(), 220);
  // Points jitter within their clusters at the warm rate; a cold start would
  // move them by about the spread itself.
  EXPECT_LT(median_move(before, u->positions()), 0.1 * spread(before));
  EXPECT_GE(neighbour_purity(u->positions(), label, 10), 0.9);

  // A different number of rows is a cold start.
  ASSERT_TRUE(u->set_table(X.topRows(300)));
  EXPECT_EQ(u->n(), 300);
  EXPECT_EQ(u->epoch(), 0);
}

TEST(Umap, WarmStartPlacesRowsThatBecomeFinite) {
  std::vector<int> label;
  Mat<float> X = gaussian_clusters(4, 50, 10, 3.0, 6, &label);
  const Mat<float> clean = X;
  X.row(10).setConstant(std::numeric_limits<float>::quiet_NaN());
  Umap u(small_options());
  ASSERT_TRUE(u.set_table(X));
  u.run(50);
  EXPECT_TRUE(std::isnan(u.positions()[20]));
  ASSERT_TRUE(u.set_table(clean));
  EXPECT_TRUE(std::isfinite(u.positions()[20]) && std::isfinite(u.positions()[21]));
  u.run(50);
  EXPECT_GE(neighbour_purity(u.positions(), label, 10), 0.9);
}

TEST(Umap, CancelStopsPromptly) {
  std::vector<int> label;
  const Mat<float> X = gaussian_clusters(10, 100, 30, 3.0, 11, &label);
  Umap u(small_options());
  std::atomic<bool> cancel{true};
  EXPECT_FALSE(u.set_table(X, &cancel));  // nothing kept, nothing built
  EXPECT_EQ(u.n(), 0);
  cancel = false;
  ASSERT_TRUE(u.set_table(X, &cancel));
  u.run(5, &cancel);
  EXPECT_EQ(u.epoch(), 5);

  const double seconds = seconds_to_cancel(cancel, std::chrono::milliseconds(100), [&] { u.run(1000000, &cancel); });
  EXPECT_LT(seconds, 3.0);
  EXPECT_LT(u.epoch(), 1000000);
  const int stopped_at = u.epoch();
  u.run(10, &cancel);  // still cancelled: returns at once
  EXPECT_EQ(u.epoch(), stopped_at);
  EXPECT_FALSE(u.set_table(X, &cancel));  // the previous graph and layout stay
  EXPECT_EQ(u.epoch(), stopped_at);
}

TEST(Umap, PrepareAsideWhileRunning) {
  std::vector<int> label;
  Mat<float> X = gaussian_clusters(6, 60, 20, 3.0, 8, &label);
  Umap u(small_options()), same(small_options());
  ASSERT_TRUE(u.set_table(X));
  ASSERT_TRUE(same.prepare(X));
  same.adopt();
  EXPECT_EQ(u.positions(), same.positions());  // set_table is prepare then adopt

  Mat<float> newer = X;
  Rng rng(5);
  for (Eigen::Index i = 0; i < X.rows(); ++i) newer(i, 0) += float(0.05 * rng.normal());
  std::thread graph([&] { EXPECT_TRUE(u.prepare(newer)); });  // the descent goes on meanwhile
  u.run(100);
  graph.join();
  const std::vector<float> before = u.positions();
  u.adopt();
  EXPECT_EQ(u.positions(), before);  // a warm start keeps the layout
  EXPECT_EQ(u.epoch(), 100);
  u.adopt();  // nothing prepared: nothing happens
  u.run(100);
  EXPECT_EQ(u.iteration(), 200);
  EXPECT_GE(neighbour_purity(u.positions(), label, 10), 0.9);
}
