// inspect_test: the step inspector's record matches what the optimizer did.
// SGD: rows of C (a transformer's wte and wpe) that the batch looked up move
// by exactly -lr * grad, all other rows by exactly zero; Adam also moves the
// rows whose running average is not zero.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/base/error.h"
#include "core/train/inspect.h"
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
  ASSERT_EQ(s.tokens().delta.rows(), V);
  ASSERT_GT(int(s.tokens().unmoved.size()), 0) << "the test needs tokens outside the batch";
  ASSERT_GT(s.tokens().moved_count(), 0);

  std::vector<bool> in_context(std::size_t(V), false);
  for (const auto& e : s.steps[0].batch)
    for (int id : e.context) in_context[std::size_t(id)] = true;
  EXPECT_EQ(s.tokens().in_batch, in_context);

  for (int v = 0; v < V; ++v) {
    for (int j = 0; j < d; ++j) {
      const float g = s.tokens().grad(v, j), before = s.tokens().before(v, j);
      if (!in_context[std::size_t(v)]) {
        // The lookup's gradient is sparse: exactly zero, so exactly no movement.
        EXPECT_EQ(g, 0.0f) << "row " << v;
        EXPECT_EQ(s.tokens().delta(v, j), 0.0f) << "row " << v;
        EXPECT_EQ(s.tokens().after(v, j), before);
      } else {
        // The update is C -= lr * dC; the arrow is that step, to the float. The
        // compiler may fuse the multiply and subtract (FMA) or not: either is exact.
        volatile float step = lr * g;
        const float separate = before - step, fused = std::fma(-lr, g, before);
        EXPECT_TRUE(s.tokens().after(v, j) == separate || s.tokens().after(v, j) == fused)
            << "row " << v << " col " << j << ": " << s.tokens().after(v, j) << " vs " << separate;
        EXPECT_NE(g, 0.0f) << "row " << v;
        // As a difference, -lr*dC up to one rounding of the subtraction.
        EXPECT_NEAR(s.tokens().delta(v, j), -step, 1e-7f * std::abs(before) + 1e-12f);
      }
    }
    EXPECT_EQ(s.tokens().movement[std::size_t(v)] == 0.0f, !in_context[std::size_t(v)]) << "row " << v;
  }
  for (int v : s.tokens().unmoved) EXPECT_FALSE(in_context[std::size_t(v)]);
}

// With the token table frozen, a step moves no row of it: the record says so
// (no row moved, no gradient arrows) while the rest of the model learns.
TEST(Inspect, AFrozenTableMovesNoRow) {
  auto data = testdata::synthetic_dataset();
  TrainConfig cfg = config(8);
  cfg.freeze_embeddings = true;
  Trainer t(data, cfg);
  for (int i = 0; i < 3; ++i) t.step();
  const StepInspection s = inspect_steps(t, 1);
  ASSERT_EQ(s.steps.size(), 1u);
  EXPECT_TRUE(s.tokens().frozen);
  EXPECT_EQ(s.tokens().moved_count(), 0);
  EXPECT_EQ(s.tokens().before, s.tokens().after);
  EXPECT_EQ(s.tokens().grad.cwiseAbs().maxCoeff(), 0.0f);
  EXPECT_NE(s.steps[0].loss_before, s.steps[0].loss_after) << "the rest of the model should still learn";
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
  EXPECT_NEAR(s.loss_before, st.loss_before, 1e-5 * st.loss_before);  // the step's forward and an evaluation's
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
  EXPECT_EQ(s.tokens().after, C);
  EXPECT_TRUE((s.tokens().delta - (s.tokens().after - s.tokens().before)).isZero(0));
  // A token in no context of any of the five batches did not move at all.
  for (int v : s.tokens().unmoved) EXPECT_EQ(s.tokens().movement[std::size_t(v)], 0.0f);
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
  EXPECT_TRUE(s.tokens().grad.allFinite());
  EXPECT_EQ(s.tokens().moved_count(), 0);
}

// ---- the transformer: whole items, wte and wpe ----

namespace {

// microgpt's shape, small: positions past the longest synthetic name (6
// letters and 2 boundaries) are never trained.
TrainConfig gpt_config(const std::string& optimizer, int batch) {
  TrainConfig c = family_defaults("gpt");
  c.block = 12;
  c.emb = 8;
  c.heads = 2;
  c.batch = batch;
  c.optimizer = optimizer;
  c.lr = optimizer == "sgd" ? 0.05 : 0.01;
  c.seed = 11;
  return c;
}

// The rows an inspected step's items looked up: every token read at a trained
// position (not the last, which is only predicted), and those positions.
void lookups(const InspectedStep& st, int V, int T, std::vector<bool>& tokens, std::vector<bool>& positions) {
  tokens.assign(std::size_t(V), false);
  positions.assign(std::size_t(T), false);
  for (const InspectedItem& it : st.items)
    for (int t = 0; t < it.positions(); ++t) {
      tokens[std::size_t(it.tokens[std::size_t(t)])] = true;
      positions[std::size_t(t)] = true;
    }
}

// Every number of `after` is before - lr * grad, fused or not, for the rows
// looked up; every other row is exactly as it was.
void expect_sgd_rows(const TableMoves& tm, const std::vector<bool>& looked_up, float lr) {
  ASSERT_EQ(tm.rows(), int(looked_up.size())) << tm.name;
  for (int r = 0; r < tm.rows(); ++r) {
    EXPECT_EQ(tm.in_batch[std::size_t(r)], looked_up[std::size_t(r)]) << tm.name << " row " << r;
    EXPECT_FALSE(tm.carried[std::size_t(r)]) << "SGD keeps no running average: " << tm.name << " row " << r;
    for (int j = 0; j < tm.before.cols(); ++j) {
      const float g = tm.grad(r, j), before = tm.before(r, j);
      if (!looked_up[std::size_t(r)]) {
        EXPECT_EQ(g, 0.0f) << tm.name << " row " << r;
        EXPECT_EQ(tm.after(r, j), before) << tm.name << " row " << r;
      } else {
        volatile float step = lr * g;
        const float separate = before - step, fused = std::fma(-lr, g, before);
        EXPECT_TRUE(tm.after(r, j) == separate || tm.after(r, j) == fused)
            << tm.name << " row " << r << " col " << j << ": " << tm.after(r, j) << " vs " << separate;
      }
    }
    EXPECT_EQ(tm.movement[std::size_t(r)] > 0.0f, bool(looked_up[std::size_t(r)])) << tm.name << " row " << r;
  }
  for (int r : tm.unmoved) EXPECT_FALSE(looked_up[std::size_t(r)]);
  EXPECT_EQ(int(tm.unmoved.size()), tm.rows() - int(std::count(looked_up.begin(), looked_up.end(), true)));
}

}  // namespace

TEST(InspectGpt, SgdMovesExactlyTheTokensAndPositionsOfTheBatch) {
  auto data = testdata::synthetic_dataset();
  Trainer t(data, gpt_config("sgd", 2));  // 2 items: some letters and the late positions stay put
  for (int i = 0; i < 5; ++i) t.step();
  const Model<float> before = t.model();
  const float lr = float(t.lr());
  const StepInspection s = inspect_steps(t, 1);
  ASSERT_EQ(s.steps.size(), 1u);
  ASSERT_FALSE(s.diverged);
  EXPECT_EQ(s.optimizer, "sgd");
  ASSERT_EQ(s.tables.size(), 2u);
  ASSERT_NE(s.positions(), nullptr);
  EXPECT_EQ(s.tokens().name, "wte");
  EXPECT_EQ(s.positions()->name, "wpe");
  // Before and after are the parameter tables before and after the step.
  EXPECT_EQ(s.tokens().before, Mat<float>(before.p("wte")));
  EXPECT_EQ(s.tokens().after, Mat<float>(t.model().p("wte")));
  EXPECT_EQ(s.positions()->before, Mat<float>(before.p("wpe")));
  EXPECT_EQ(s.positions()->after, Mat<float>(t.model().p("wpe")));
  EXPECT_TRUE((s.positions()->delta - (s.positions()->after - s.positions()->before)).isZero(0));

  const InspectedStep& st = s.steps[0];
  EXPECT_TRUE(st.batch.empty()) << "a transformer's batch is items, not contexts";
  ASSERT_EQ(st.items.size(), 2u);
  const int V = data->vocab.size(), T = 12;
  std::vector<bool> tokens, positions;
  lookups(st, V, T, tokens, positions);
  int longest = 0;
  for (const InspectedItem& it : st.items) longest = std::max(longest, it.positions());
  EXPECT_EQ(st.positions, longest);
  ASSERT_LT(std::count(tokens.begin(), tokens.end(), true), V) << "the test needs letters outside the batch";
  ASSERT_LT(longest, T) << "the test needs positions no item reaches";
  expect_sgd_rows(s.tokens(), tokens, lr);
  expect_sgd_rows(*s.positions(), positions, lr);
  for (int p = 0; p < T; ++p) EXPECT_EQ(positions[std::size_t(p)], p < longest) << "position " << p;
}

TEST(InspectGpt, ItemsAreWholeNamesScoredAtEveryPosition) {
  auto data = testdata::synthetic_dataset();
  Trainer t(data, gpt_config("sgd", 8));
  const Model<float> before = t.model();
  const StepInspection s = inspect_steps(t, 1);
  const InspectedStep& st = s.steps[0];
  ASSERT_EQ(st.items.size(), 8u);
  double sum = 0;
  int count = 0;
  for (const InspectedItem& it : st.items) {
    // The boundary, a training name, the boundary.
    ASSERT_GE(it.tokens.size(), 3u);
    EXPECT_EQ(it.tokens.front(), Vocab::kBoundary);
    EXPECT_EQ(it.tokens.back(), Vocab::kBoundary);
    EXPECT_EQ(it.positions(), int(it.tokens.size()) - 1);
    std::string name;
    for (std::size_t i = 1; i + 1 < it.tokens.size(); ++i) name += data->vocab.token(it.tokens[i]);
    const auto [b, e] = data->range(Split::Train);
    EXPECT_NE(std::find(data->items.begin() + long(b), data->items.begin() + long(e),
                        std::vector<int>(it.tokens.begin() + 1, it.tokens.end() - 1)),
              data->items.begin() + long(e))
        << name << " is not a training item";
    // Each position scored by the parameters before the update.
    for (int p = 0; p < it.positions(); ++p) {
      const std::vector<int> context(it.tokens.begin() + 1, it.tokens.begin() + p + 1);
      const std::vector<float> probs = next_token_probs(before, context);
      EXPECT_NEAR(it.prob[std::size_t(p)], probs[std::size_t(it.tokens[std::size_t(p) + 1])], 1e-5) << name << " at " << p;
      EXPECT_NEAR(it.loss[std::size_t(p)], -std::log(double(it.prob[std::size_t(p)])), 1e-4);
      sum += it.loss[std::size_t(p)];
      ++count;
    }
  }
  // The step's loss is the mean over every position trained.
  EXPECT_NEAR(st.loss_before, sum / count, 1e-4);
  EXPECT_LT(st.loss_after, st.loss_before);
}

// Adam moves a row whose gradient is zero when its running average is not:
// the rows of earlier batches move on. The record lists them as carried, and
// only rows that no batch ever reached stay exactly still.
TEST(InspectGpt, AdamAlsoMovesRowsWithARunningAverage) {
  auto data = testdata::synthetic_dataset();
  Trainer t(data, gpt_config("adam", 2));
  for (int i = 0; i < 4; ++i) t.step();
  // Adam's first moments before the step, read independently of the record.
  const std::vector<float> state = t.optimizer_state();
  const Model<float> before = t.model();
  ASSERT_EQ(state.size(), 2 * before.params.size());
  auto momentum = [&](const std::string& name, int r) {
    const TensorInfo& info = before.table.at(name);
    for (int j = 0; j < info.cols; ++j)
      if (state[info.offset + std::size_t(r * info.cols + j)] != 0.0f) return true;
    return false;
  };
  const StepInspection s = inspect_steps(t, 1);
  ASSERT_EQ(s.steps.size(), 1u);
  EXPECT_EQ(s.optimizer, "adam");
  std::vector<bool> tokens, positions;
  lookups(s.steps[0], data->vocab.size(), 12, tokens, positions);
  int carried = 0;
  for (const TableMoves* tm : {&s.tokens(), s.positions()}) {
    const std::vector<bool>& looked_up = tm == &s.tokens() ? tokens : positions;
    for (int r = 0; r < tm->rows(); ++r) {
      const bool was_moving = momentum(tm->name, r);
      EXPECT_EQ(tm->in_batch[std::size_t(r)], looked_up[std::size_t(r)]) << tm->name << " row " << r;
      EXPECT_EQ(tm->carried[std::size_t(r)], !looked_up[std::size_t(r)] && was_moving) << tm->name << " row " << r;
      // A row moves exactly when it was looked up or had a running average.
      const bool moved = tm->movement[std::size_t(r)] > 0.0f;
      EXPECT_EQ(moved, looked_up[std::size_t(r)] || was_moving) << tm->name << " row " << r;
      EXPECT_EQ(tm->after.row(r) == tm->before.row(r), !moved) << tm->name << " row " << r;
      carried += tm->carried[std::size_t(r)];
    }
    for (int r : tm->unmoved) {
      EXPECT_FALSE(looked_up[std::size_t(r)]);
      EXPECT_FALSE(momentum(tm->name, r));
    }
    EXPECT_EQ(tm->moved_count() + int(tm->unmoved.size()), tm->rows());
  }
  EXPECT_GT(carried, 0) << "the test needs rows of earlier batches outside this one";
  // Positions no item has ever reached have no average: they never moved.
  EXPECT_FALSE(s.positions()->unmoved.empty());
  EXPECT_EQ(s.positions()->after.row(11), s.positions()->before.row(11));
}
