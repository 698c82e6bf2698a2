// onehot_test: the identity the product teaches. onehot(ids) * C is C[ids],
// the gradient into C is the same along both paths, and the model's own
// backward (a scatter-add) computes onehot(X)^T * demb.
#include <gtest/gtest.h>

#include "core/models/mlp.h"
#include "core/teach/onehot.h"
#include "core/base/rng.h"
#include "test_data.h"

using namespace ev;

namespace {

Mat<float> random_matrix(int rows, int cols, std::uint64_t seed) {
  Rng rng(seed);
  Mat<float> m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = float(rng.normal());
  return m;
}

}  // namespace

TEST(OneHot, RowsHaveASingleOne) {
  const Mat<float> O = onehot({2, 0, 2, 4}, 5);  // (4, 5)
  ASSERT_EQ(O.rows(), 4);
  ASSERT_EQ(O.cols(), 5);
  for (int r = 0; r < 4; ++r) EXPECT_EQ(O.row(r).sum(), 1.0f);
  EXPECT_EQ(O(0, 2), 1.0f);
  EXPECT_EQ(O(1, 0), 1.0f);
  EXPECT_EQ(O(3, 4), 1.0f);
}

// Exactly equal, not nearly: each output is 1*c plus zeros, which rounding cannot touch.
TEST(OneHot, MatmulEqualsLookupExactly) {
  const Mat<float> C = random_matrix(27, 10, 1);  // (V, d)
  const std::vector<int> ids = {0, 5, 5, 26, 13, 0, 1, 5, 9};
  const Mat<float> a = embed_by_matmul(ids, C), b = embed_by_lookup(ids, C);
  ASSERT_EQ(a.rows(), Eigen::Index(ids.size()));
  ASSERT_EQ(a.cols(), 10);
  EXPECT_TRUE(a == b);
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_TRUE(b.row(Eigen::Index(i)) == C.row(ids[i]));
}

TEST(OneHot, GradientsAgreeAlongBothPaths) {
  const int V = 27, d = 10;
  // Distinct ids: each row of dC is one row of dE plus zeros, exactly.
  const std::vector<int> distinct = {3, 0, 26, 7};
  const Mat<float> dE1 = random_matrix(4, d, 2);
  EXPECT_TRUE(grad_by_matmul(distinct, dE1, V) == grad_by_lookup(distinct, dE1, V));

  // Repeated ids: rows are summed, possibly in a different order by the product.
  const std::vector<int> repeated = {5, 5, 1, 5, 26, 1, 0, 5};
  const Mat<float> dE2 = random_matrix(8, d, 3);
  const Mat<float> g1 = grad_by_matmul(repeated, dE2, V), g2 = grad_by_lookup(repeated, dE2, V);
  ASSERT_EQ(g1.rows(), V);
  EXPECT_LE((g1 - g2).cwiseAbs().maxCoeff(), 1e-6f * dE2.cwiseAbs().maxCoeff());
  EXPECT_EQ(g2.row(2).squaredNorm(), 0.0f);  // never looked up: no gradient
  const Mat<float> row5 = dE2.row(0) + dE2.row(1) + dE2.row(3) + dE2.row(7);
  EXPECT_LE((g2.row(5) - row5).cwiseAbs().maxCoeff(), 1e-6f);
}

TEST(OneHot, CostOfEachPath) {
  const EmbedCost c = embed_cost(32 * 3, 27, 10);
  EXPECT_EQ(c.multiply_adds, 96.0 * 27 * 10);
  EXPECT_EQ(c.copies, 96.0 * 10);
}

// The trained model's lookup forward and scatter-add backward are the one-hot
// product and its transpose.
TEST(OneHot, ModelEmbeddingAndGradientAreTheOneHotProduct) {
  const ModelSpec s = testdata::mlp_spec(27, 3, 4, 16);
  Model<float> m(s);
  mlp_init(m, 11);
  const int B = 8;
  Rng rng(12);
  std::vector<std::int32_t> X(std::size_t(B * s.block)), Y(static_cast<std::size_t>(B));
  for (auto& x : X) x = std::int32_t(rng.below(6));  // few distinct ids: many repeats
  for (auto& y : Y) y = std::int32_t(rng.below(27));
  MlpActivations<float> a;
  Batch batch;
  batch.B = B;
  batch.in = s.block;
  batch.X = X.data();
  batch.Y = Y.data();
  mlp_forward(m, batch, a);
  mlp_backward(m, batch, a);

  // The B*block looked-up rows, one per context position.
  const std::vector<int> ids(X.begin(), X.end());
  Mat<float> C = m.p("C");                                                           // (V, d)
  const Mat<float> E = Eigen::Map<const Mat<float>>(a.emb.data(), B * s.block, s.emb);    // (B*block, d)
  const Mat<float> dE = Eigen::Map<const Mat<float>>(a.demb.data(), B * s.block, s.emb);  // (B*block, d)
  EXPECT_TRUE(E == embed_by_matmul(ids, C));

  const Mat<float> dC = m.g("C");                     // (V, d)
  const Mat<float> expected = grad_by_matmul(ids, dE, s.vocab);  // (V, d) = (V, B*block)(B*block, d)
  const float scale = expected.cwiseAbs().maxCoeff();
  ASSERT_GT(scale, 0.0f);
  EXPECT_LE((dC - expected).cwiseAbs().maxCoeff(), 1e-6f * scale);
  for (int v = 6; v < s.vocab; ++v) EXPECT_EQ(dC.row(v).squaredNorm(), 0.0f) << v;
}
