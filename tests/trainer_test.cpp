// trainer_test: the SGD loop's contracts. Reproducible from a seed, the
// learning-rate schedule, non-finite steps that change nothing, checkpoints,
// the bounded loss history, and evaluation (direct and multi-threaded).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/models/sample.h"
#include "core/base/error.h"
#include "core/train/metrics.h"  // score_next_tokens
#include "core/base/rng.h"
#include "core/train/trainer.h"
#include "test_data.h"

using namespace ev;

namespace {

// Pseudo-names from a few syllables: enough structure to learn, no file needed.
std::shared_ptr<const Dataset> synthetic(int n, std::uint64_t seed = 9) {
  static const char* syl[] = {"an", "bo", "ce", "di", "el", "fa", "gu", "ha", "io", "ju", "ka", "lo", "mi", "ny"};
  Rng rng(seed);
  std::vector<std::string> items;
  for (int i = 0; i < n; ++i) {
    std::string s;
    for (int p = 0, parts = 1 + int(rng.below(3)); p < parts; ++p) s += syl[rng.below(14)];
    items.push_back(s);
  }
  return std::make_shared<const Dataset>(make_dataset(items, Tokenizer::Char, seed, "synthetic"));
}

using testdata::small_config;

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Mean cross-entropy computed the slow, obvious way in double: one example at
// a time, no Eigen products, no shared code with forward().
double direct_loss(const Model<float>& m, const Examples& ex) {
  const ModelSpec& s = m.spec;
  const int in = s.block * s.emb;
  const auto C = m.p("C"), W1 = m.p("W1"), b1 = m.p("b1"), W2 = m.p("W2"), b2 = m.p("b2");
  double total = 0;
  std::vector<double> x(static_cast<std::size_t>(in)), h(std::size_t(s.hidden)), z(std::size_t(s.vocab));
  for (std::size_t i = 0; i < ex.size(); ++i) {
    for (int j = 0; j < s.block; ++j)
      for (int e = 0; e < s.emb; ++e) x[std::size_t(j * s.emb + e)] = C(ex.context(i)[j], e);
    for (int u = 0; u < s.hidden; ++u) {
      double a = b1(0, u);
      for (int r = 0; r < in; ++r) a += x[std::size_t(r)] * W1(r, u);
      h[std::size_t(u)] = std::tanh(a);
    }
    double mx = -1e300;
    for (int v = 0; v < s.vocab; ++v) {
      double a = b2(0, v);
      for (int u = 0; u < s.hidden; ++u) a += h[std::size_t(u)] * W2(u, v);
      z[std::size_t(v)] = a;
      mx = std::max(mx, a);
    }
    double se = 0;
    for (double a : z) se += std::exp(a - mx);
    total += std::log(se) + mx - z[std::size_t(ex.Y[i])];
  }
  return total / double(ex.size());
}

}  // namespace

TEST(Trainer, SameSeedGivesBitIdenticalParameters) {
  auto data = synthetic(200);
  Trainer a(data, small_config()), b(data, small_config());
  for (int i = 0; i < 200; ++i) {
    const StepResult ra = a.step(), rb = b.step();
    ASSERT_TRUE(ra.finite);
    ASSERT_EQ(ra.loss, rb.loss) << "step " << i;
  }
  EXPECT_TRUE(same_bits(a.model().params, b.model().params));
  EXPECT_EQ(a.step_count(), 200);

  // reset() starts the same run over.
  a.reset();
  EXPECT_EQ(a.step_count(), 0);
  for (int i = 0; i < 200; ++i) a.step();
  EXPECT_TRUE(same_bits(a.model().params, b.model().params));

  // A different seed is a different run.
  TrainConfig other = small_config();
  other.seed = 43;
  Trainer c(data, other);
  for (int i = 0; i < 200; ++i) c.step();
  EXPECT_FALSE(same_bits(a.model().params, c.model().params));
}

TEST(Trainer, TrainingLowersTheLoss) {
  auto data = synthetic(300);
  Trainer t(data, small_config());
  const double before = t.evaluate(Split::Train);
  for (int i = 0; i < 1500; ++i) ASSERT_TRUE(t.step().finite);
  EXPECT_LT(t.evaluate(Split::Train), 0.5 * before);
}

TEST(Trainer, LearningRateSchedule) {
  TrainConfig c = small_config();
  c.lr = 0.1;
  c.lr_decay_step = 5;
  c.lr_decay = 0.1;
  EXPECT_EQ(c.lr_at(0), 0.1);
  EXPECT_EQ(c.lr_at(4), 0.1);
  EXPECT_DOUBLE_EQ(c.lr_at(5), 0.01);
  EXPECT_DOUBLE_EQ(c.lr_at(1000000), 0.01);

  // The update of step i uses lr_at(i): params_after = params_before - lr * grads.
  Trainer t(synthetic(200), c);
  // The gradients are worked out again, apart, on a copy of the parameters
  // before the step (the step fuses some updates and keeps no such gradient).
  for (int i = 0; i < 7; ++i) {
    Model<float> copy = t.model();
    const std::vector<float>& before = copy.params;
    const double lr = t.lr();
    EXPECT_DOUBLE_EQ(lr, i < 5 ? 0.1 : 0.01) << i;
    ASSERT_TRUE(t.step().finite);
    const auto net = family(copy.spec.family).make_net(copy.spec);
    net->forward(copy, t.last_batch_ids());
    net->backward(copy, t.last_batch_ids());
    const auto& after = t.model().params;
    const auto& g = copy.grads;
    float worst = 0;
    for (std::size_t j = 0; j < after.size(); ++j)
      worst = std::max(worst, std::abs(after[j] - (before[j] - float(lr) * g[j])));
    EXPECT_LE(worst, 1e-6f) << "step " << i;
  }

  t.set_lr(0.5);
  EXPECT_DOUBLE_EQ(t.lr(), 0.05);  // past the decay step
  t.set_lr_decay(100, 0.1);
  EXPECT_DOUBLE_EQ(t.lr(), 0.5);
  EXPECT_THROW(t.set_lr(-1), Error);
  EXPECT_THROW(t.set_lr(std::numeric_limits<double>::quiet_NaN()), Error);
  EXPECT_DOUBLE_EQ(t.lr(), 0.5);  // a refused change changes nothing
}

// A step whose loss is not finite leaves parameters, step count, history and
// the batch generator as they were, so the next good step is the same one.
TEST(Trainer, NonFiniteStepChangesNothing) {
  auto data = synthetic(200);
  Trainer t(data, small_config());
  for (int i = 0; i < 10; ++i) t.step();
  const std::vector<float> good = t.model().params;
  const auto points = t.mutable_history().points();
  const auto pending = t.history().pending();

  // An infinite output bias makes every logit row non-finite.
  Model<float>& m = t.mutable_model();
  const std::size_t b2 = m.table.at("b2").offset;
  m.params[b2] = std::numeric_limits<float>::infinity();
  const std::vector<float> poisoned = m.params;
  for (int i = 0; i < 3; ++i) {
    const StepResult r = t.step();
    EXPECT_FALSE(r.finite);
    EXPECT_FALSE(std::isfinite(r.loss));
  }
  EXPECT_TRUE(same_bits(t.model().params, poisoned));
  EXPECT_EQ(t.step_count(), 10);
  EXPECT_EQ(t.history().points().size(), points.size());
  EXPECT_EQ(t.history().pending().count, pending.count);

  // Undo the poison: the run continues exactly as a run that never saw it.
  m.params = good;
  Trainer ref(data, small_config());
  for (int i = 0; i < 15; ++i) ref.step();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(t.step().finite);
  EXPECT_TRUE(same_bits(t.model().params, ref.model().params));
}

// With a huge learning rate the parameters explode; whatever each step's loss
// is, parameters stay finite (a non-finite step is refused, not applied).
TEST(Trainer, HugeLearningRateNeverWritesNonFiniteParameters) {
  TrainConfig c = small_config();
  c.lr = 1e6;
  Trainer t(synthetic(200), c);
  int refused = 0;
  float worst = 0;
  for (int i = 0; i < 200; ++i) {
    const std::int64_t before = t.step_count();
    const StepResult r = t.step();
    if (!r.finite) {
      ++refused;
      EXPECT_EQ(t.step_count(), before);
    } else {
      worst = std::max(worst, r.loss);
    }
  }
  const Eigen::Map<const Eigen::ArrayXf> p(t.model().params.data(), Eigen::Index(t.model().params.size()));
  EXPECT_TRUE(p.allFinite());
  EXPECT_GT(worst, 1e4f);  // it did diverge
  std::printf("  lr 1e6: %d of 200 steps refused as non-finite, largest finite loss %.3g\n", refused, worst);
}

TEST(Trainer, RestoreCheckpoint) {
  auto data = synthetic(200);
  Trainer t(data, small_config());
  const std::int64_t every = Trainer::kCheckpointEvery;
  for (std::int64_t i = 0; i < every; ++i) t.step();
  const std::vector<float> at_checkpoint = t.model().params;
  EXPECT_EQ(t.checkpoint_step(), every);
  for (int i = 0; i < 100; ++i) t.step();
  const std::vector<float> later = t.model().params;

  t.restore_checkpoint();
  EXPECT_EQ(t.step_count(), every);
  EXPECT_TRUE(same_bits(t.model().params, at_checkpoint));
  for (const auto& p : t.history().points()) EXPECT_LT(p.step, every);
  // The batch generator went back too: the same 100 steps again.
  for (int i = 0; i < 100; ++i) t.step();
  EXPECT_TRUE(same_bits(t.model().params, later));
  // Before the first checkpoint, the checkpoint is the initial state.
  Trainer fresh(data, small_config());
  const std::vector<float> init = fresh.model().params;
  for (int i = 0; i < 20; ++i) fresh.step();
  fresh.restore_checkpoint();
  EXPECT_EQ(fresh.step_count(), 0);
  EXPECT_TRUE(same_bits(fresh.model().params, init));
  EXPECT_TRUE(fresh.history().points().empty());
}

TEST(Trainer, LossHistoryStaysBoundedAndKeepsTheMean) {
  LossHistory h(64);
  double total = 0;
  const std::int64_t n = 1000000;
  for (std::int64_t i = 0; i < n; ++i) {
    const float loss = 3.0f - 2.0f * float(i) / float(n) + ((i % 2) ? 0.25f : -0.25f);
    total += loss;
    h.add(i, loss);
    ASSERT_LT(h.points().size(), h.capacity());
  }
  const auto& pts = h.points();
  ASSERT_FALSE(pts.empty());
  EXPECT_EQ(h.stride() & (h.stride() - 1), 0) << "stride is a power of two";
  // Points are evenly spaced, each covering `stride` steps, and with the
  // pending bucket they cover every step added.
  for (std::size_t i = 0; i < pts.size(); ++i) EXPECT_EQ(pts[i].step, std::int64_t(i) * h.stride());
  EXPECT_EQ(std::int64_t(pts.size()) * h.stride() + h.pending().count, n);
  double covered = h.pending().sum;
  for (const auto& p : pts) covered += double(p.loss) * double(h.stride());
  EXPECT_NEAR(covered / double(n), total / double(n), 1e-5);
  // The curve's shape survives: first points near 3, last near 1.
  EXPECT_NEAR(pts.front().loss, 3.0, 0.05);
  EXPECT_NEAR(pts.back().loss, 1.0, 0.05);

  LossHistory big;  // the default capacity
  for (std::int64_t i = 0; i < n; ++i) big.add(i, 1.5f);
  EXPECT_LE(big.points().size(), big.capacity());
  for (const auto& p : big.points()) EXPECT_EQ(p.loss, 1.5f);

  h.truncate(pts[10].step + 1);  // drops the point that covers the cut partially
  EXPECT_EQ(h.points().size(), 10u);
  h.clear();
  EXPECT_TRUE(h.points().empty());
  EXPECT_EQ(h.stride(), 1);
}

TEST(Trainer, EvaluateMatchesADirectComputation) {
  auto data = synthetic(300);
  Trainer t(data, small_config());
  for (int i = 0; i < 300; ++i) t.step();
  for (Split s : {Split::Train, Split::Val, Split::Test}) {
    const double ours = t.evaluate(s);
    const double direct = direct_loss(t.model(), t.examples(s));
    EXPECT_NEAR(ours, direct, 1e-5 * direct) << split_name(s);
  }
  t.record_val();
  ASSERT_EQ(t.history().val.size(), 1u);
  EXPECT_EQ(t.history().val[0].step, 300);
  EXPECT_FLOAT_EQ(t.history().val[0].loss, float(t.evaluate(Split::Val)));
}

TEST(Trainer, MultiThreadedEvaluateEqualsSingleThreaded) {
  auto data = synthetic(4000);  // > 4096 examples per split: several chunks
  Trainer t(data, small_config());
  for (int i = 0; i < 100; ++i) t.step();
  ASSERT_GT(t.examples(Split::Train).size(), 3u * 4096u);
  const double one = t.evaluate(Split::Train, 1);
  for (int threads : {2, 3, 8}) EXPECT_NEAR(t.evaluate(Split::Train, threads), one, 1e-12 * one) << threads;
  EXPECT_EQ(t.evaluate(Split::Val, 4), t.evaluate(Split::Val, 1));  // one chunk: the same sum
}

// The word step at a vocabulary where the kernels run, with weight decay and
// dropout, on two threads: the same parameters, to the bit, as on one.
TEST(Trainer, WordStepsOnTwoThreadsAreTheSameAsOnOne) {
  std::vector<std::string> lines;  // the 676 two-letter words, each at least once, eight a line
  Rng rng(3);
  for (int i = 0; i < 3000; ++i) {
    std::string line;
    for (int w = 0; w < 8; ++w) {
      const int id = i < 90 ? (i * 8 + w) % 676 : int(rng.below(676));
      line += std::string(1, char('a' + id % 26)) + char('a' + id / 26 % 26) + (w < 7 ? " " : "");
    }
    lines.push_back(line);
  }
  const auto data = std::make_shared<const Dataset>(make_dataset(lines, Tokenizer::Word, 1, "words"));
  ASSERT_GE(data->vocab.size(), 600);
  TrainConfig c = small_config(8, 100, 32);
  c.init = "scaled";
  c.weight_decay = 0.01;
  c.dropout = 0.3;
  c.lr = 0.5;
  std::vector<std::vector<float>> params;
  for (const int threads : {1, 2}) {
    Trainer t(data, c);
    t.set_step_threads(threads);
    if (threads == 1) params.push_back(t.model().params);
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(t.step().finite);
    params.push_back(t.model().params);
  }
  EXPECT_FALSE(same_bits(params[0], params[1]));
  EXPECT_TRUE(same_bits(params[1], params[2]));
}

TEST(Trainer, RefusesBadConfigurations) {
  auto data = synthetic(50);
  TrainConfig c = small_config();
  c.emb = 0;
  EXPECT_THROW({ Trainer t(data, c); }, Error);
  c = small_config();
  c.emb = 1024;
  c.hidden = 65536;
  c.block = 64;
  try {
    Trainer t(data, c);
    FAIL() << "an 8+ GiB model was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("GiB"), std::string::npos) << e.what();
  }
}

TEST(Trainer, SamplingStopsAtTheBoundary) {
  Trainer t(synthetic(200), small_config());
  for (int i = 0; i < 500; ++i) t.step();
  Rng rng(1);
  for (int i = 0; i < 20; ++i) {
    const auto item = sample_item(t.model(), rng, 1.0, 30);
    EXPECT_LE(item.size(), 30u);
    for (int id : item) {
      EXPECT_GT(id, 0);
      EXPECT_LT(id, t.data().vocab.size());
    }
  }
  const auto p = next_token_probs(t.model(), {1, 2, 3, 4, 5});
  ASSERT_EQ(p.size(), std::size_t(t.data().vocab.size()));
  double s = 0;
  for (float v : p) s += v;
  EXPECT_NEAR(s, 1.0, 1e-5);
}

// A model whose outputs are all equal ranks no target first: a tie is a miss,
// for top-1 and top-5 alike, and so is a target whose output is not finite,
// in both ways of scoring (the validation curve's and the final scores').
TEST(Trainer, TiesAndNonFiniteOutputsAreMisses) {
  for (const char* family : {"mlp", "gpt"}) {
    TrainConfig cfg = small_config();
    cfg.family = family;
    Trainer t(synthetic(60), cfg);
    const Examples& val = t.examples(Split::Val);
    for (const float value : {0.0f, std::numeric_limits<float>::quiet_NaN()}) {
      std::fill(t.mutable_model().params.begin(), t.mutable_model().params.end(), value);
      const NextTokenScores s = score_next_tokens(t.model(), val);
      EXPECT_GT(s.ranked, 0u) << family;
      EXPECT_EQ(s.top1, 0.0) << family << " params " << value;
      EXPECT_EQ(s.top5, 0.0) << family << " params " << value;
      double top1 = -1;
      mean_loss(t.model(), val, 2, &top1);
      EXPECT_EQ(top1, 0.0) << family << " params " << value;
    }
  }
}
