// gradcheck_test: the analytic gradient of every parameter tensor against
// central finite differences, on a tiny Model<double>. Not a check of speed or
// of float accuracy (pytorch_reference_test covers float).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/models/mlp.h"
#include "core/base/rng.h"

using namespace ev;

namespace {

// V 6, block 3, emb 2, hidden 5: every parameter is cheap to perturb.
ModelSpec tiny_spec(bool direct = false) {
  ModelSpec s;
  s.vocab = 6;
  s.block = 3;
  s.emb = 2;
  s.hidden = 5;
  s.direct = direct;
  return s;
}
const ModelSpec kShape = tiny_spec();
constexpr int kB = 4;

// A batch where some ids repeat (rows of C gather gradient from several
// places) and one target is the boundary token.
const std::vector<std::int32_t> kX = {0, 0, 0,   //
                                      0, 3, 5,   //
                                      3, 5, 3,   //
                                      1, 2, 4};  // (B, block)
const std::vector<std::int32_t> kY = {3, 1, 0, 5};  // (B)

Batch batch(const std::vector<std::int32_t>& X, const std::int32_t* Y) {
  Batch b;
  b.B = kB;
  b.in = 3;
  b.X = X.data();
  b.Y = Y;
  return b;
}

Model<double> tiny_model(std::uint64_t seed, bool direct = false) {
  Model<double> m(tiny_spec(direct));
  mlp_init(m, seed);
  // Shrink W1 (and Wd) so tanh is not saturated and every hidden unit passes gradient.
  m.p("W1") *= 0.5;
  if (direct) m.p("Wd") *= 0.3;
  return m;
}

double loss_at(const Model<double>& m) {
  MlpActivations<double> a;
  return mlp_forward(m, batch(kX, kY.data()), a);
}

// max |analytic - numeric| / max(|analytic|, |numeric|) over one tensor.
struct TensorCheck {
  double rel_err;
  double scale;
};

std::vector<TensorCheck> check_all(Model<double>& m) {
  MlpActivations<double> a;
  mlp_forward(m, batch(kX, kY.data()), a);
  mlp_backward(m, batch(kX, kY.data()), a);
  const std::vector<double> analytic = m.grads;

  const double h = 1e-5;  // central differences: error O(h^2) ~ 1e-10, rounding ~ 1e-16/h ~ 1e-11
  std::vector<double> numeric(m.params.size());
  for (std::size_t i = 0; i < m.params.size(); ++i) {
    const double saved = m.params[i];
    m.params[i] = saved + h;
    const double up = loss_at(m);
    m.params[i] = saved - h;
    const double down = loss_at(m);
    m.params[i] = saved;
    numeric[i] = (up - down) / (2 * h);
  }

  std::vector<TensorCheck> out;
  for (const TensorInfo& t : m.table.tensors()) {
    double diff = 0, scale = 0;
    for (std::size_t i = t.offset; i < t.offset + t.size(); ++i) {
      diff = std::max(diff, std::abs(analytic[i] - numeric[i]));
      scale = std::max({scale, std::abs(analytic[i]), std::abs(numeric[i])});
    }
    out.push_back({scale > 0 ? diff / scale : diff, scale});
  }
  return out;
}

}  // namespace

// With and without Bengio et al.'s direct connections (the tensor Wd).
TEST(GradCheck, EveryTensorMatchesFiniteDifferences) {
  for (bool direct : {false, true})
    for (std::uint64_t seed : {1u, 2u, 3u}) {
      Model<double> m = tiny_model(seed, direct);
      ASSERT_EQ(m.table.size(), direct ? 6 : 5);
      const auto checks = check_all(m);
      for (int t = 0; t < m.table.size(); ++t) {
        const char* name = m.table[t].name.c_str();
        std::printf("  seed %llu %-3s rel err %.3g (largest gradient %.3g)\n", (unsigned long long)seed, name,
                    checks[std::size_t(t)].rel_err, checks[std::size_t(t)].scale);
        EXPECT_GT(checks[std::size_t(t)].scale, 1e-6) << name << ": no gradient at all to check";
        EXPECT_LT(checks[std::size_t(t)].rel_err, 1e-6) << "seed " << seed << " tensor " << name;
      }
    }
}

// Rows of C that no context looks up get exactly zero gradient.
TEST(GradCheck, UnusedEmbeddingRowsGetNoGradient) {
  Model<double> m = tiny_model(4);
  MlpActivations<double> a;
  mlp_forward(m, batch(kX, kY.data()), a);
  mlp_backward(m, batch(kX, kY.data()), a);
  const auto gC = m.g("C");
  // A batch that never looks up ids 2 and 4.
  const std::vector<std::int32_t> X = {0, 1, 3, 5, 5, 1, 3, 0, 0, 1, 1, 1};
  mlp_forward(m, batch(X, kY.data()), a);
  mlp_backward(m, batch(X, kY.data()), a);
  EXPECT_EQ(gC.row(2).squaredNorm(), 0.0);
  EXPECT_EQ(gC.row(4).squaredNorm(), 0.0);
  EXPECT_GT(gC.row(1).squaredNorm(), 0.0);
}

// backward() overwrites the gradients: calling it twice gives the same result,
// not twice the gradient.
TEST(GradCheck, BackwardOverwritesRatherThanAccumulates) {
  Model<double> m = tiny_model(5, true);
  MlpActivations<double> a;
  mlp_forward(m, batch(kX, kY.data()), a);
  mlp_backward(m, batch(kX, kY.data()), a);
  const std::vector<double> first = m.grads;
  mlp_forward(m, batch(kX, kY.data()), a);
  mlp_backward(m, batch(kX, kY.data()), a);
  EXPECT_EQ(m.grads, first);
}

// The loss is the mean cross-entropy: with all parameters zero every token is
// equally likely, so the loss is exactly log(V) and softmax rows sum to one.
TEST(GradCheck, UniformModelHasLossLogV) {
  Model<double> m(kShape);
  MlpActivations<double> a;
  const double loss = mlp_forward(m, batch(kX, kY.data()), a);
  EXPECT_NEAR(loss, std::log(double(kShape.vocab)), 1e-15);
  for (int b = 0; b < kB; ++b) EXPECT_NEAR(a.probs.row(b).sum(), 1.0, 1e-15);
  // Targets null: no loss, but the probabilities are still computed.
  EXPECT_EQ(mlp_forward(m, batch(kX, nullptr), a), 0.0);
  EXPECT_NEAR(a.probs(0, 0), 1.0 / kShape.vocab, 1e-15);
}

// Huge logits must not overflow exp: the softmax subtracts the row maximum.
TEST(GradCheck, LargeLogitsStayFinite) {
  Model<float> m(kShape);
  m.p("b2")(0, 2) = 1000.0f;  // exp(1000) overflows float and double
  MlpActivations<float> a;
  const float loss = mlp_forward(m, batch(kX, kY.data()), a);
  ASSERT_TRUE(std::isfinite(loss));
  EXPECT_NEAR(loss, 1000.0f, 1e-2f);  // no target is 2: each pays the full 1000
  EXPECT_FLOAT_EQ(a.probs(0, 2), 1.0f);
}

// Dropout: with the mask fixed by its seed, the loss is a smooth function of
// the parameters and its gradient matches finite differences; the same seed
// draws the same mask, and the kept units are scaled by 1 / (1 - p).
TEST(GradCheck, DropoutGradientsMatchFiniteDifferences) {
  Model<double> m = tiny_model(6);
  Batch b = batch(kX, kY.data());
  b.dropout = 0.4f;
  b.dropout_seed = 99;
  MlpActivations<double> a;
  mlp_forward(m, b, a);
  const Mat<double> dropped = a.h;
  int zeros = 0;
  for (Eigen::Index i = 0; i < dropped.size(); ++i) zeros += dropped.data()[i] == 0.0;
  EXPECT_GT(zeros, 0);
  EXPECT_LT(zeros, dropped.size());
  mlp_backward(m, b, a);
  const std::vector<double> analytic = m.grads;
  double worst = 0;
  for (std::size_t i = 0; i < m.params.size(); ++i) {
    const double saved = m.params[i], h = 1e-5;
    m.params[i] = saved + h;
    const double up = mlp_forward(m, b, a);
    m.params[i] = saved - h;
    const double down = mlp_forward(m, b, a);
    m.params[i] = saved;
    const double numeric = (up - down) / (2 * h);
    worst = std::max(worst, std::abs(numeric - analytic[i]) / std::max(1e-3, std::abs(numeric)));
  }
  EXPECT_LT(worst, 1e-5);
  // The mask follows the seed; without dropout the units are tanh's, undropped.
  mlp_forward(m, b, a);
  EXPECT_EQ(a.h, dropped);
  Batch plain = batch(kX, kY.data());
  mlp_forward(m, plain, a);
  for (Eigen::Index i = 0; i < dropped.size(); ++i)
    if (dropped.data()[i] != 0.0) {
      EXPECT_NEAR(dropped.data()[i], a.h.data()[i] / (1.0 - double(0.4f)), 1e-12);
    }
}
