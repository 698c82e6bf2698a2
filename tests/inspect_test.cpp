// inspect_test: the step inspector's record matches what SGD did: rows of C in
// the batch move by exactly -lr * dC, all other rows by exactly zero.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/inspect.h"
#include "test_data.h"

using namespace ev;

namespace {

TrainConfig config(int batch) {
  TrainConfig c = testdata::small_config(3, 12, batch);
  c.block = 3;
  c.lr = 0.05;
  c.seed = 3;
  return c;
}

}  // namespace

TEST(Inspect, OneStepMovesExactlyTheBatchRows) {
  auto data = testdata::synthetic_dataset();
  Trainer t(data, config(2));  // 2 examples: at most 6 context tokens, so some rows stay put
  for (int i = 0; i < 7; ++i) t.step();
  const float lr = float(t.lr());
  const StepInspection s = inspect_steps(t, 1);
  ASSERT_EQ(s.steps.size(), 1u);
  ASSERT_FALSE(s.diverged);
  const int V = data->vocab.size(), d = 3;
  ASSERT_EQ(s.delta.rows(), V);
  ASSERT_GT(int(s.unmoved.size()), 0) << "the test needs tokens outside the batch";
  ASSERT_GT(s.moved_count(), 0);

  std::vector<bool> in_context(std::size_t(V), false);
  for (const auto& e : s.steps[0].batch)
    for (int id : e.context) in_context[std::size_t(id)] = true;
  EXPECT_EQ(s.in_batch, in_context);

  for (int v = 0; v < V; ++v) {
    for (int j = 0; j < d; ++j) {
      const float g = s.grad_C(v, j), before = s.C_before(v, j);
      if (!in_context[std::size_t(v)]) {
        // The lookup's gradient is sparse: exactly zero, so exactly no movement.
        EXPECT_EQ(g, 0.0f) << "row " << v;
        EXPECT_EQ(s.delta(v, j), 0.0f) << "row " << v;
        EXPECT_EQ(s.C_after(v, j), before);
      } else {
        // The update is C -= lr * dC; the arrow is that step, to the float. The
        // compiler may fuse the multiply and subtract (FMA) or not: either is exact.
        volatile float step = lr * g;
        const float separate = before - step, fused = std::fma(-lr, g, before);
        EXPECT_TRUE(s.C_after(v, j) == separate || s.C_after(v, j) == fused)
            << "row " << v << " col " << j << ": " << s.C_after(v, j) << " vs " << separate;
        EXPECT_NE(g, 0.0f) << "row " << v;
        // As a difference, -lr*dC up to one rounding of the subtraction.
        EXPECT_NEAR(s.delta(v, j), -step, 1e-7f * std::abs(before) + 1e-12f);
      }
    }
    EXPECT_EQ(s.movement[std::size_t(v)] == 0.0f, !in_context[std::size_t(v)]) << "row " << v;
  }
  for (int v : s.unmoved) EXPECT_FALSE(in_context[std::size_t(v)]);
}

TEST(Inspect, RecordsTheBatchAndItsLoss) {
  auto data = testdata::synthetic_dataset();
  Trainer t(data, config(16));
  const Model<float> before = t.model();
  const StepInspection s = inspect_steps(t, 1);
  const InspectedStep& st = s.steps[0];
  EXPECT_EQ(st.step, 0);
  EXPECT_EQ(st.batch.size(), 16u);
  double mean = 0;
  for (const auto& e : st.batch) {
    // Scored by the parameters before the update.
    const std::vector<float> p = next_token_probs(before, e.context);
    EXPECT_NEAR(e.prob, p[std::size_t(e.target)], 1e-6);
    EXPECT_NEAR(e.loss, -std::log(double(e.prob)), 1e-4);
    mean += e.loss;
  }
  EXPECT_NEAR(st.loss_before, mean / 16, 1e-4);
  EXPECT_EQ(s.loss_before, st.loss_before);
  EXPECT_EQ(s.loss_after, st.loss_after);
  // A small step down the gradient lowers the loss on the batch it was taken on.
  EXPECT_LT(st.loss_after, st.loss_before);
}

TEST(Inspect, NStepsEqualPlainSteps) {
  auto data = testdata::synthetic_dataset();
  Trainer a(data, config(4)), b(data, config(4));
  const StepInspection s = inspect_steps(a, 5);
  for (int i = 0; i < 5; ++i) b.step();
  ASSERT_EQ(s.steps.size(), 5u);
  EXPECT_EQ(a.model().params, b.model().params);
  EXPECT_EQ(a.step_count(), 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.steps[std::size_t(i)].step, i);
  // The arrows sum the five updates.
  const Mat<float> C = b.model().p("C");
  EXPECT_EQ(s.C_after, C);
  EXPECT_TRUE((s.delta - (s.C_after - s.C_before)).isZero(0));
  // A token in no context of any of the five batches did not move at all.
  for (int v : s.unmoved) EXPECT_EQ(s.movement[std::size_t(v)], 0.0f);
}

TEST(Inspect, RejectsBadCounts) {
  auto data = testdata::synthetic_dataset();
  Trainer t(data, config(4));
  EXPECT_THROW(inspect_steps(t, 0), Error);
  EXPECT_THROW(inspect_steps(t, kMaxInspectSteps + 1), Error);
  EXPECT_EQ(t.step_count(), 0);
}

TEST(Inspect, StopsAtDivergence) {
  auto data = testdata::synthetic_dataset();
  Trainer t(data, config(4));
  t.mutable_model().p("W2").setConstant(3e38f);  // logits overflow: the first loss is not finite
  const StepInspection s = inspect_steps(t, 3);
  EXPECT_TRUE(s.diverged);
  EXPECT_TRUE(s.steps.empty());
  EXPECT_EQ(t.step_count(), 0);
  EXPECT_TRUE(s.grad_C.allFinite());
  EXPECT_EQ(s.moved_count(), 0);
}
