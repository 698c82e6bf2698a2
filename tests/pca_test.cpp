// pca_test: principal axes and explained variance on data with known answers,
// and the basis staying aligned from call to call (no sign flips, no swapped
// axes when two eigenvalues cross), which the animated 2-D view relies on.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "core/layout/pca.h"
#include "core/base/rng.h"

using namespace ev;

namespace {

constexpr double kPi = 3.141592653589793;

// n points evenly spaced on an ellipse with semi-axes a (along angle phi) and
// b (perpendicular), centred at (cx, cy), in the first two of d dimensions.
Mat<double> ellipse(int n, double a, double b, double phi, int d = 2, double cx = 0, double cy = 0) {
  Mat<double> X = Mat<double>::Zero(n, d);
  const double c = std::cos(phi), s = std::sin(phi);
  for (int i = 0; i < n; ++i) {
    const double t = 2 * kPi * i / n, u = a * std::cos(t), v = b * std::sin(t);
    X(i, 0) = cx + c * u - s * v;
    X(i, 1) = cy + s * u + c * v;
  }
  return X;
}

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

void expect_orthonormal(const Mat<double>& comps) {
  const Mat<double> gram = comps * comps.transpose();
  EXPECT_LE((gram - Mat<double>::Identity(comps.rows(), comps.rows())).cwiseAbs().maxCoeff(), 1e-9);
}

}  // namespace

TEST(Pca, PointsOnALine) {
  const Vec<double> dir = (Vec<double>(3) << 1, 2, 2).finished() / 3.0;  // unit length
  const Vec<double> origin = (Vec<double>(3) << 5, -1, 0.5).finished();
  Mat<double> X(20, 3);
  for (int i = 0; i < 20; ++i) X.row(i) = origin + (i - 7.0) * dir;
  const Pca p = pca(X, 2);
  ASSERT_EQ(p.components.rows(), 2);
  ASSERT_EQ(p.components.cols(), 3);
  EXPECT_NEAR(std::abs(p.components.row(0).dot(dir)), 1.0, 1e-12);
  EXPECT_NEAR(p.explained[0], 1.0, 1e-12);
  EXPECT_NEAR(p.explained[1], 0.0, 1e-12);
  EXPECT_LE((p.mean - (origin + 2.5 * dir)).cwiseAbs().maxCoeff(), 1e-12);  // mean of i-7 over 0..19 is 2.5
  expect_orthonormal(p.components);
}

TEST(Pca, EllipseAxesAndExplainedVariance) {
  const double phi = 0.4;
  const Pca p = pca(ellipse(360, 3, 1, phi, 2, 10, -4), 2);
  // Variance along the axes is a^2/2 and b^2/2: fractions 9/10 and 1/10.
  EXPECT_NEAR(p.explained[0], 0.9, 1e-12);
  EXPECT_NEAR(p.explained[1], 0.1, 1e-12);
  EXPECT_NEAR(std::abs(p.components(0, 0) * std::cos(phi) + p.components(0, 1) * std::sin(phi)), 1.0, 1e-12);
  EXPECT_NEAR(p.mean(0), 10.0, 1e-12);
  EXPECT_NEAR(p.mean(1), -4.0, 1e-12);
  expect_orthonormal(p.components);
  // Projected coordinates are centred, uncorrelated, with the axes' variances.
  const Mat<double> Y = p.project(ellipse(360, 3, 1, phi, 2, 10, -4));  // (n, 2)
  const Mat<double> cov = (Y.transpose() * Y) / double(Y.rows() - 1);
  EXPECT_NEAR(Y.col(0).mean(), 0.0, 1e-12);
  EXPECT_NEAR(cov(0, 0), 4.5 * 360 / 359, 1e-9);
  EXPECT_NEAR(cov(1, 1), 0.5 * 360 / 359, 1e-9);
  EXPECT_NEAR(cov(0, 1), 0.0, 1e-9);
}

TEST(Pca, ExplainedSumsToAtMostOne) {
  Rng rng(3);
  Mat<double> X(27, 10);
  for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = rng.normal() * (1 + i % 10);
  for (int k = 1; k <= 10; ++k) {
    const Pca p = pca(X, k);
    ASSERT_EQ(p.explained.size(), std::size_t(k));
    EXPECT_LE(sum(p.explained), 1.0 + 1e-12) << k;
    for (int i = 1; i < k; ++i) EXPECT_GE(p.explained[std::size_t(i - 1)], p.explained[std::size_t(i)]);
    for (double e : p.explained) EXPECT_GE(e, 0.0);
    if (k == 10) {
      EXPECT_NEAR(sum(p.explained), 1.0, 1e-12);
    }
  }
  // Degenerate tables do not produce NaN.
  const Pca flat = pca(Mat<double>::Constant(5, 3, 2.0), 2);
  for (double e : flat.explained) EXPECT_EQ(e, 0.0);
  EXPECT_TRUE(flat.components.allFinite());
}

// A table that drifts a little between calls, as C does between frames: each
// new axis stays parallel to the previous one with the same sign.
TEST(Pca, SuccessiveCallsKeepSigns) {
  Rng rng(5);
  Mat<double> X(27, 10);
  for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = rng.normal() * (1 + (i % 10) * 0.5);
  Pca prev = pca(X, 2);
  int flips_without_alignment = 0;
  for (int call = 0; call < 200; ++call) {
    for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] += 0.01 * rng.normal();
    const Pca next = pca(X, 2, &prev);
    const Pca raw = pca(X, 2);
    for (int j = 0; j < 2; ++j) {
      const double dot = next.components.row(j).dot(prev.components.row(j));
      EXPECT_GT(dot, 0.9) << "call " << call << " axis " << j;
      flips_without_alignment += raw.components.row(j).dot(prev.components.row(j)) < 0;
    }
    expect_orthonormal(next.components);
    EXPECT_LE(sum(next.explained), 1.0 + 1e-12);
    prev = next;
  }
  std::printf("  an unaligned PCA flipped an axis %d times in 200 calls\n", flips_without_alignment);
}

// An ellipse whose axes trade lengths while it slowly turns: the two
// eigenvalues cross. The aligned basis follows each physical axis through
// the crossing instead of swapping them, and explained[] follows its axis.
TEST(Pca, EigenvalueCrossingDoesNotSwapAxes) {
  const int steps = 40;
  Pca prev;
  double sign0 = 0;  // the first call has no previous basis: its sign is Eigen's choice
  int swapped_without_alignment = 0;
  for (int i = 0; i < steps; ++i) {
    const double a = 3.0 - 2.0 * (i + 0.5) / steps;  // 2.95 -> 1.05: never equal to b
    const double b = 1.0 + 2.0 * (i + 0.5) / steps;  // 1.05 -> 2.95
    const double phi = 0.01 * i;
    const Mat<double> X = ellipse(360, a, b, phi);
    const Pca p = pca(X, 2, i ? &prev : nullptr);
    const Pca raw = pca(X, 2);
    // Axis 0 stays the a axis (direction phi), axis 1 the b axis.
    const double along_a = p.components(0, 0) * std::cos(phi) + p.components(0, 1) * std::sin(phi);
    if (i == 0) sign0 = along_a < 0 ? -1 : 1;
    EXPECT_GT(sign0 * along_a, 1 - 1e-9) << "step " << i << " (a " << a << ", b " << b << ")";
    EXPECT_NEAR(p.explained[0], a * a / (a * a + b * b), 1e-9) << i;
    EXPECT_NEAR(p.explained[1], b * b / (a * a + b * b), 1e-9) << i;
    if (i) {
      EXPECT_GT(p.components.row(0).dot(prev.components.row(0)), 0.99) << i;
      EXPECT_GT(p.components.row(1).dot(prev.components.row(1)), 0.99) << i;
      swapped_without_alignment +=
          std::abs(raw.components.row(0).dot(prev.components.row(0))) < 0.5;
    }
    prev = p;
  }
  // The test is meaningful only if plain PCA does swap: after the crossing its
  // first axis is the b axis (half of the steps).
  EXPECT_EQ(swapped_without_alignment, steps / 2);
}

TEST(Pca, KIsClampedToTheDimension) {
  const Pca p = pca(ellipse(12, 2, 1, 0.0), 5);
  EXPECT_EQ(p.components.rows(), 2);
  EXPECT_EQ(p.explained.size(), 2u);
}

// Whatever sign the previous basis had, the new one takes it.
TEST(Pca, SignFollowsThePreviousBasis) {
  const Mat<double> X = ellipse(90, 3, 1, 0.7);
  const Pca raw = pca(X, 2);
  Pca flipped = raw;
  flipped.components.row(0) *= -1;
  const Pca p = pca(X, 2, &flipped);
  EXPECT_LE((p.components.row(0) + raw.components.row(0)).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LE((p.components.row(1) - raw.components.row(1)).cwiseAbs().maxCoeff(), 1e-12);
  // A previous basis with its rows swapped gets the axes in its order.
  Pca swapped = raw;
  swapped.components.row(0) = raw.components.row(1);
  swapped.components.row(1) = raw.components.row(0);
  const Pca q = pca(X, 2, &swapped);
  EXPECT_LE((q.components - swapped.components).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_NEAR(q.explained[0], 0.1, 1e-12);
  EXPECT_NEAR(q.explained[1], 0.9, 1e-12);
}
