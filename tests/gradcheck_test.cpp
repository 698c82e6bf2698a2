// gradcheck_test: the analytic gradient of every parameter tensor against
// central finite differences, on a tiny Model<double>. Not a check of speed or
// of float accuracy (pytorch_reference_test covers float).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/model.h"
#include "core/rng.h"

using namespace ev;

namespace {

const ModelShape kShape{6, 3, 2, 5};  // V, block, emb, hidden: every parameter is cheap to perturb
constexpr int kB = 4;

// A batch where some ids repeat (rows of C gather gradient from several
// places) and one target is the boundary token.
const std::vector<std::int32_t> kX = {0, 0, 0,   //
                                      0, 3, 5,   //
                                      3, 5, 3,   //
                                      1, 2, 4};  // (B, block)
const std::vector<std::int32_t> kY = {3, 1, 0, 5};  // (B)

Model<double> tiny_model(std::uint64_t seed) {
  Model<double> m(kShape);
  init_normal(m, seed);
  // Shrink W1 so tanh is not saturated and every hidden unit passes gradient.
  auto P = m.p();
  P.W1 *= 0.5;
  return m;
}

double loss_at(const Model<double>& m) {
  Activations<double> a;
  return forward(m, kX.data(), kY.data(), kB, a);
}

// max |analytic - numeric| / max(|analytic|, |numeric|) over one tensor.
struct TensorCheck {
  double rel_err;
  double scale;
};

std::vector<TensorCheck> check_all(Model<double>& m) {
  Activations<double> a;
  forward(m, kX.data(), kY.data(), kB, a);
  backward(m, kX.data(), kY.data(), kB, a);
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

  const ModelShape& s = m.shape;
  const std::size_t offs[6] = {s.off_C(), s.off_W1(), s.off_b1(), s.off_W2(), s.off_b2(), s.count()};
  std::vector<TensorCheck> out;
  for (int t = 0; t < 5; ++t) {
    double diff = 0, scale = 0;
    for (std::size_t i = offs[t]; i < offs[t + 1]; ++i) {
      diff = std::max(diff, std::abs(analytic[i] - numeric[i]));
      scale = std::max({scale, std::abs(analytic[i]), std::abs(numeric[i])});
    }
    out.push_back({scale > 0 ? diff / scale : diff, scale});
  }
  return out;
}

}  // namespace

TEST(GradCheck, EveryTensorMatchesFiniteDifferences) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    Model<double> m = tiny_model(seed);
    const auto checks = check_all(m);
    for (int t = 0; t < 5; ++t) {
      std::printf("  seed %llu %-3s rel err %.3g (largest gradient %.3g)\n", (unsigned long long)seed,
                  kTensorNames[t], checks[std::size_t(t)].rel_err, checks[std::size_t(t)].scale);
      EXPECT_GT(checks[std::size_t(t)].scale, 1e-6) << kTensorNames[t] << ": no gradient at all to check";
      EXPECT_LT(checks[std::size_t(t)].rel_err, 1e-6) << "seed " << seed << " tensor " << kTensorNames[t];
    }
  }
}

// Rows of C that no context looks up get exactly zero gradient.
TEST(GradCheck, UnusedEmbeddingRowsGetNoGradient) {
  Model<double> m = tiny_model(4);
  Activations<double> a;
  forward(m, kX.data(), kY.data(), kB, a);
  backward(m, kX.data(), kY.data(), kB, a);
  const auto G = m.g();
  // A batch that never looks up ids 2 and 4.
  const std::vector<std::int32_t> X = {0, 1, 3, 5, 5, 1, 3, 0, 0, 1, 1, 1};
  forward(m, X.data(), kY.data(), kB, a);
  backward(m, X.data(), kY.data(), kB, a);
  EXPECT_EQ(G.C.row(2).squaredNorm(), 0.0);
  EXPECT_EQ(G.C.row(4).squaredNorm(), 0.0);
  EXPECT_GT(G.C.row(1).squaredNorm(), 0.0);
}

// backward() overwrites the gradients: calling it twice gives the same result,
// not twice the gradient.
TEST(GradCheck, BackwardOverwritesRatherThanAccumulates) {
  Model<double> m = tiny_model(5);
  Activations<double> a;
  forward(m, kX.data(), kY.data(), kB, a);
  backward(m, kX.data(), kY.data(), kB, a);
  const std::vector<double> first = m.grads;
  forward(m, kX.data(), kY.data(), kB, a);
  backward(m, kX.data(), kY.data(), kB, a);
  EXPECT_EQ(m.grads, first);
}

// The loss is the mean cross-entropy: with all parameters zero every token is
// equally likely, so the loss is exactly log(V) and softmax rows sum to one.
TEST(GradCheck, UniformModelHasLossLogV) {
  Model<double> m(kShape);
  Activations<double> a;
  const double loss = forward(m, kX.data(), kY.data(), kB, a);
  EXPECT_NEAR(loss, std::log(double(kShape.vocab)), 1e-15);
  for (int b = 0; b < kB; ++b) EXPECT_NEAR(a.probs.row(b).sum(), 1.0, 1e-15);
  // Targets null: no loss, but the probabilities are still computed.
  EXPECT_EQ(forward(m, kX.data(), nullptr, kB, a), 0.0);
  EXPECT_NEAR(a.probs(0, 0), 1.0 / kShape.vocab, 1e-15);
}

// Huge logits must not overflow exp: the softmax subtracts the row maximum.
TEST(GradCheck, LargeLogitsStayFinite) {
  Model<float> m(kShape);
  auto P = m.p();
  P.b2(2) = 1000.0f;  // exp(1000) overflows float and double
  Activations<float> a;
  const float loss = forward(m, kX.data(), kY.data(), kB, a);
  ASSERT_TRUE(std::isfinite(loss));
  EXPECT_NEAR(loss, 1000.0f, 1e-2f);  // no target is 2: each pays the full 1000
  EXPECT_FLOAT_EQ(a.probs(0, 2), 1.0f);
}
