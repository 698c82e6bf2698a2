// neighbours_test.cpp: the exact neighbour search against a plain double
// precision search, on both metrics, with rows that are not finite, zero rows,
// duplicates, and more threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/layout/neighbours.h"
#include "core/base/rng.h"

namespace ev {
namespace {

Mat<float> random_table(int n, int d, std::uint64_t seed) {
  Rng rng(seed);
  Mat<float> X(n, d);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) X(i, j) = float(rng.normal());
  return X;
}

double plain_distance(const Mat<float>& X, int a, int b, Metric m) {
  const Eigen::VectorXd x = X.row(a).cast<double>().transpose(), y = X.row(b).cast<double>().transpose();
  if (m == Metric::Euclidean) return (x - y).norm();
  if (x.norm() == 0 || y.norm() == 0) return 1.0;
  return 1.0 - x.dot(y) / (x.norm() * y.norm());
}

// Every row's neighbours are the k smallest plain distances (up to float
// rounding: a listed neighbour is never farther than the true k-th by more).
void expect_exact(const Mat<float>& X, const KnnGraph& g, Metric m) {
  const int n = int(X.rows());
  for (int i = 0; i < n; ++i) {
    if (!X.row(i).allFinite()) continue;
    std::vector<double> all;
    for (int j = 0; j < n; ++j) {
      if (j != i && X.row(j).allFinite()) all.push_back(plain_distance(X, i, j, m));
    }
    std::sort(all.begin(), all.end());
    for (int j = 0; j < g.k; ++j) {
      ASSERT_GE(g.id(i, j), 0) << "row " << i;
      ASSERT_NE(g.id(i, j), i);
      EXPECT_NEAR(g.distance(i, j), all[std::size_t(j)], 1e-4) << "row " << i << " rank " << j;
      EXPECT_NEAR(g.distance(i, j), plain_distance(X, i, g.id(i, j), m), 1e-4);
      if (j > 0) {
        EXPECT_LE(g.distance(i, j - 1), g.distance(i, j));
      }
    }
  }
}

TEST(Neighbours, ExactOnBothMetrics) {
  const Mat<float> X = random_table(700, 12, 3);  // more than two blocks of queries
  for (Metric m : {Metric::Cosine, Metric::Euclidean}) {
    KnnGraph g;
    ASSERT_TRUE(exact_neighbours(X, 8, m, &g));
    EXPECT_EQ(g.n, 700);
    EXPECT_EQ(g.k, 8);
    expect_exact(X, g, m);
  }
}

TEST(Neighbours, ThreadsGiveTheSameGraph) {
  const Mat<float> X = random_table(1000, 7, 5);
  KnnGraph one, two;
  ASSERT_TRUE(exact_neighbours(X, 10, Metric::Cosine, &one, 1));
  ASSERT_TRUE(exact_neighbours(X, 10, Metric::Cosine, &two, 2));
  EXPECT_EQ(one.ids, two.ids);
  EXPECT_EQ(one.distances, two.distances);
}

TEST(Neighbours, RowsNotFiniteAreLeftOut) {
  Mat<float> X = random_table(50, 4, 7);
  X(3, 1) = std::numeric_limits<float>::quiet_NaN();
  X(9, 0) = std::numeric_limits<float>::infinity();
  KnnGraph g;
  ASSERT_TRUE(exact_neighbours(X, 5, Metric::Euclidean, &g));
  for (int j = 0; j < 5; ++j) {
    EXPECT_EQ(g.id(3, j), -1);
    EXPECT_EQ(g.id(9, j), -1);
  }
  for (int i = 0; i < 50; ++i)
    for (int j = 0; j < 5; ++j) {
      EXPECT_NE(g.id(i, j), 3);
      EXPECT_NE(g.id(i, j), 9);
    }
  expect_exact(X, g, Metric::Euclidean);
}

TEST(Neighbours, TiesGoToTheLowerIdAndShortTablesPad) {
  Mat<float> X = Mat<float>::Zero(4, 2);
  X.row(0) << 1, 0;
  X.row(1) << 2, 0;  // same direction as rows 0 and 3: cosine distance 0 to both
  X.row(3) << 5, 0;
  // row 2 is zero: distance 1 from everything under Cosine
  KnnGraph g;
  ASSERT_TRUE(exact_neighbours(X, 5, Metric::Cosine, &g));
  EXPECT_EQ(g.id(1, 0), 0);
  EXPECT_EQ(g.id(1, 1), 3);
  EXPECT_EQ(g.id(1, 2), 2);
  EXPECT_FLOAT_EQ(g.distance(1, 2), 1.0f);
  EXPECT_EQ(g.id(1, 3), -1);  // only three others
  EXPECT_TRUE(std::isinf(g.distance(1, 4)));
  EXPECT_EQ(g.id(2, 0), 0);   // all at distance 1: by id
}

TEST(Neighbours, CancelLeavesTheGraphAlone) {
  const Mat<float> X = random_table(2000, 8, 13);
  KnnGraph g;
  g.n = 7;
  std::atomic<bool> cancel{true};
  EXPECT_FALSE(exact_neighbours(X, 5, Metric::Cosine, &g, 2, &cancel));
  EXPECT_EQ(g.n, 7);
}

}  // namespace
}  // namespace ev
