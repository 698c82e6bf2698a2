// lanes_test: the small step's products with the batch along the vector
// lanes (src/core/base/lanes.*) against the same sums in double, at every
// edge of their tiles, and the MLP's step at the lecture's kind of sizes
// against the double model's gradients.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "core/base/lanes.h"
#include "core/models/mlp.h"
#include "random_batch.h"

namespace {

std::vector<float> random_floats(std::size_t n, unsigned seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = u(g);
  return v;
}

// Sizes that cross each tile's edges: one row, rows that are not whole tiles,
// the lecture's (200 hidden, 27 outputs, 30 inputs) and batches of 1, 17, 32, 33.
const int kRows[] = {1, 3, 13, 27, 30, 200};
const int kBatches[] = {1, 17, 32, 33};

TEST(Lanes, MulIsTheProductEitherWayRound) {
  for (int R : kRows)
    for (int K : {1, 5, 30, 200})
      for (int B : kBatches)
        for (bool transposed : {false, true})
          for (bool bias : {false, true}) {
            const int Bp = ev::lanes::padded(B);
            ASSERT_EQ(Bp % ev::lanes::padded(1), 0);
            ASSERT_GE(Bp, B);
            const std::vector<float> s = random_floats(std::size_t(R) * std::size_t(K), 1);
            const std::vector<float> X = random_floats(std::size_t(K) * std::size_t(Bp), 2);
            const std::vector<float> b = random_floats(std::size_t(R), 3);
            std::vector<float> Y(std::size_t(R) * std::size_t(Bp), std::numeric_limits<float>::quiet_NaN());
            // S(r, k): s as (R, K), or s as (K, R) read transposed.
            const int rs = transposed ? 1 : K, ks = transposed ? R : 1;
            ev::lanes::mul(R, K, Bp, s.data(), rs, ks, X.data(), Y.data(), bias ? b.data() : nullptr);
            double worst = 0;
            for (int r = 0; r < R; ++r)
              for (int c = 0; c < Bp; ++c) {
                double want = bias ? b[std::size_t(r)] : 0.0;
                for (int k = 0; k < K; ++k)
                  want += double(s[std::size_t(r * rs + k * ks)]) * double(X[std::size_t(k * Bp + c)]);
                worst = std::max(worst, std::abs(want - double(Y[std::size_t(r * Bp + c)])));
              }
            EXPECT_LE(worst, 1e-5 * (K + 1)) << R << " x " << K << " batch " << B << (transposed ? " transposed" : "");
          }
}

TEST(Lanes, OuterSumsTheBatchIntoEachWeight) {
  for (int R : kRows)
    for (int N : {1, 5, 16, 27, 49, 200})
      for (int B : kBatches)
        for (bool accumulate : {false, true}) {
          const int Bp = ev::lanes::padded(B), ldd = ev::lanes::padded(N), ldw = N + 3;
          const std::vector<float> XT = random_floats(std::size_t(R) * std::size_t(Bp), 4);
          std::vector<float> D = random_floats(std::size_t(B) * std::size_t(ldd), 5);
          for (int b = 0; b < B; ++b)
            for (int n = N; n < ldd; ++n) D[std::size_t(b * ldd + n)] = 0;
          const std::vector<float> before = random_floats(std::size_t(R) * std::size_t(ldw), 6);
          std::vector<float> Wt = before;
          const float alpha = -0.3f;
          ev::lanes::outer(R, N, B, Bp, alpha, XT.data(), D.data(), ldd, Wt.data(), ldw, accumulate);
          double worst = 0;
          for (int r = 0; r < R; ++r)
            for (int n = 0; n < ldw; ++n) {
              const std::size_t at = std::size_t(r * ldw + n);
              if (n >= N) {  // past N nothing is written
                EXPECT_EQ(Wt[at], before[at]) << R << " x " << N << " column " << n;
                continue;
              }
              double want = accumulate ? before[at] : 0.0;
              for (int b = 0; b < B; ++b)
                want += double(alpha) * double(XT[std::size_t(r * Bp + b)]) * double(D[std::size_t(b * ldd + n)]);
              worst = std::max(worst, std::abs(want - double(Wt[at])));
            }
          EXPECT_LE(worst, 1e-5 * (B + 1)) << R << " x " << N << " batch " << B;
        }
}

// Each column's sum over the batch, in the batch's order: a bias's gradient,
// the same bits as a plain loop's.
TEST(Lanes, ColumnSumsInOrder) {
  for (int N : {1, 5, 16, 27, 200})
    for (int B : kBatches) {
      const int ldd = ev::lanes::padded(N);
      const std::vector<float> D = random_floats(std::size_t(B) * std::size_t(ldd), 9);
      std::vector<float> sums(std::size_t(N) + 1, -3.0f);
      ev::lanes::column_sums(B, N, D.data(), ldd, sums.data());
      for (int n = 0; n < N; ++n) {
        float want = 0;
        for (int b = 0; b < B; ++b) want += D[std::size_t(b * ldd + n)];
        EXPECT_EQ(sums[std::size_t(n)], want) << N << " columns, batch " << B;
      }
      EXPECT_EQ(sums[std::size_t(N)], -3.0f) << "written past N";
    }
}

TEST(Lanes, TransposeMovesEveryNumberAndNothingElse) {
  for (int R : {1, 15, 16, 27, 200})
    for (int C : {1, 16, 17, 32, 33}) {
      const int ldi = C + 2, ldo = R + 5;
      const std::vector<float> in = random_floats(std::size_t(R) * std::size_t(ldi), 7);
      std::vector<float> out(std::size_t(C) * std::size_t(ldo), -7.0f);
      ev::lanes::transpose(R, C, in.data(), ldi, out.data(), ldo);
      for (int c = 0; c < C; ++c)
        for (int r = 0; r < ldo; ++r)
          ASSERT_EQ(out[std::size_t(c * ldo + r)], r < R ? in[std::size_t(r * ldi + c)] : -7.0f)
              << R << " x " << C << " at " << r << ", " << c;
    }
}

TEST(Lanes, SoftmaxDownTheColumns) {
  for (int V : {1, 2, 27, 100}) {
    const int Bp = ev::lanes::padded(20);
    std::vector<float> logits = random_floats(std::size_t(V) * std::size_t(Bp), 8);
    for (float& x : logits) x *= 40.0f;  // exp of these would overflow unshifted
    std::vector<float> probs(logits.size()), maxes(static_cast<std::size_t>(Bp)), sums(static_cast<std::size_t>(Bp));
    ev::lanes::softmax_columns(V, Bp, logits.data(), probs.data(), maxes.data(), sums.data());
    for (int c = 0; c < Bp; ++c) {
      double m = -1e300, sum = 0;
      for (int v = 0; v < V; ++v) m = std::max(m, double(logits[std::size_t(v * Bp + c)]));
      for (int v = 0; v < V; ++v) sum += std::exp(double(logits[std::size_t(v * Bp + c)]) - m);
      EXPECT_EQ(maxes[std::size_t(c)], float(m));
      EXPECT_NEAR(sums[std::size_t(c)], sum, 1e-6 * sum);
      for (int v = 0; v < V; ++v) {
        const double want = std::exp(double(logits[std::size_t(v * Bp + c)]) - m) / sum;
        EXPECT_NEAR(probs[std::size_t(v * Bp + c)], want, 1e-6) << V << " rows, column " << c;
      }
    }
  }
}

ev::ModelSpec lecture_spec(int V) {
  ev::ModelSpec s;
  s.vocab = V;
  s.block = 3;
  s.emb = 10;
  s.hidden = 200;
  return s;
}


double worst_difference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) { return (a - b).cwiseAbs().maxCoeff(); }

// The step along the lanes against the double model: the loss, the logits
// and probabilities it leaves for the step inspector, the gradients it keeps
// and every parameter after the update (each moved by -lr times the double
// gradient), at batches that fill the lanes and that do not.
struct StepShape {
  int V, emb, hidden, B;
};

TEST(Lanes, LectureStepIsTheDoubleModelsSgdStep) {
  // The lecture's sizes at batches that fill the lanes and that do not, and
  // the edges: two tokens, one hidden unit, one dimension, a batch of one, a
  // large batch, the largest vocabulary the step takes.
  for (const StepShape& z : {StepShape{27, 10, 200, 32}, StepShape{27, 10, 200, 13}, StepShape{27, 10, 200, 40},
                             StepShape{2, 1, 1, 1}, StepShape{3, 2, 17, 1024}, StepShape{255, 4, 33, 7}}) {
    const int B = z.B;
    SCOPED_TRACE("V " + std::to_string(z.V) + ", emb " + std::to_string(z.emb) + ", hidden " +
                 std::to_string(z.hidden) + ", batch " + std::to_string(B));
    ev::ModelSpec spec = lecture_spec(z.V);
    spec.emb = z.emb;
    spec.hidden = z.hidden;
    ev::Model<float> mf(spec);
    ev::mlp_init(mf, 5);
    mf.p("W1") *= 0.2f;  // tanh away from saturation, where gradients are informative
    ev::Model<double> md = ev::cast_model<double>(mf);
    const testdata::RandomBatch cx(B, z.V, unsigned(B), std::min(4, z.V));
    ev::MlpActivations<double> ad;
    const double ld = ev::mlp_forward(md, cx.b, ad);
    ev::mlp_backward(md, cx.b, ad);
    ev::MlpActivations<float> af;
    bool updated = false;
    const float lr = 0.1f;
    const float lf = ev::mlp_sgd_train_step(mf, cx.b, af, lr, nullptr, &updated);
    ASSERT_TRUE(updated);
    EXPECT_NEAR(lf, ld, 1e-5 * ld);
    EXPECT_LE(worst_difference(af.logits.cast<double>(), ad.logits), 1e-4);
    EXPECT_LE(worst_difference(af.probs.cast<double>(), ad.probs), 1e-5);
    for (const char* name : {"C", "W1", "b1", "W2", "b2"}) {
      const Eigen::MatrixXd want = md.p(name) - double(lr) * md.g(name);
      EXPECT_LE(worst_difference(mf.p(name).cast<double>(), want), 2e-6) << name;
      if (std::string(name) != "W2") {  // W2 is updated without forming its gradient
        EXPECT_LE(worst_difference(mf.g(name).cast<double>(), md.g(name)), 2e-6) << name;
      }
    }
  }
}

// A frozen table keeps its bits; a non-finite loss or gradient changes nothing.
TEST(Lanes, LectureStepFrozenAndNotFinite) {
  ev::Model<float> m(lecture_spec(27));
  ev::mlp_init(m, 6);
  const testdata::RandomBatch cx(32, 27, 9, 4);
  ev::MlpActivations<float> a;
  bool updated = false;
  const ev::Model<float> start = m;
  ev::mlp_sgd_train_step(m, cx.b, a, 0.1f, &m.table[ev::kMlpC], &updated);
  ASSERT_TRUE(updated);
  EXPECT_TRUE(m.p("C") == start.p("C"));
  EXPECT_FALSE(m.p("W1") == start.p("W1"));
  ev::Model<float> bad = start;
  bad.p("W2")(3, 4) = std::numeric_limits<float>::infinity();
  const ev::Model<float> bad_start = bad;
  ev::mlp_sgd_train_step(bad, cx.b, a, 0.1f, nullptr, &updated);
  EXPECT_FALSE(updated);
  EXPECT_EQ(bad.params, bad_start.params);
}

}  // namespace
