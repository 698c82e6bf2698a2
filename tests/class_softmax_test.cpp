// class_softmax_test: the MLP's class-factored softmax (class_softmax.h):
// its gradients against finite differences and against PyTorch's autograd
// (tests/class_softmax_reference.py wrote the fixture), its distribution
// exact and normalised, the frequency binning, and a trainer that learns with it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/base/error.h"
#include "core/train/metrics.h"
#include "core/models/mlp.h"
#include "core/base/rng.h"
#include "core/train/trainer.h"
#include "test_data.h"

using namespace ev;

namespace {

ModelSpec class_spec(int V, int K) {
  ModelSpec s;
  s.vocab = V;
  s.block = 3;
  s.emb = 2;
  s.hidden = 5;
  s.softmax = "classes";
  s.classes = K;
  return s;
}

using testdata::batch_of;

// A tiny model with classes binned by skewed counts: one-word classes, and one of several words.
Model<double> tiny_model(std::uint64_t seed) {
  ModelSpec s = class_spec(9, 3);
  s.word_classes = frequency_classes({50, 1, 2, 30, 3, 4, 1, 2, 5}, 3);
  Model<double> m(s);
  mlp_init(m, seed);
  for (const char* name : {"Wo", "Wc", "bo", "bc"}) m.p(name).setRandom();  // away from the scaled start's zeros
  m.p("W1") *= 0.5;
  return m;
}

const std::vector<std::int32_t> kX = {0, 0, 0, 0, 3, 5, 3, 5, 3, 1, 2, 4, 8, 8, 7};  // (5, 3)
const std::vector<std::int32_t> kY = {3, 1, 0, 5, 8};                               // (5)

}  // namespace

TEST(ClassSoftmax, FrequencyBinsHoldEqualSharesOfTheCounts) {
  // Zipf's counts over 1,000 words: each of 30 classes holds about 1/30 of them.
  std::vector<double> counts(1000);
  for (std::size_t i = 0; i < counts.size(); ++i) counts[(i * 7919) % counts.size()] = 1000.0 / double(i + 1);
  const auto cl = frequency_classes(counts, 30);
  ASSERT_EQ(cl->K, 30);
  ASSERT_EQ(cl->start.size(), 31u);
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  std::vector<double> share(30, 0.0);
  std::vector<int> seen(1000, 0);
  for (int c = 0; c < 30; ++c) {
    ASSERT_LT(cl->start[std::size_t(c)], cl->start[std::size_t(c) + 1]) << "class " << c << " is empty";
    for (int i = cl->start[std::size_t(c)]; i < cl->start[std::size_t(c) + 1]; ++i) {
      const int w = cl->members[std::size_t(i)];
      ++seen[std::size_t(w)];
      EXPECT_EQ(cl->of[std::size_t(w)], c);
      EXPECT_EQ(cl->members[std::size_t(cl->start[std::size_t(c)] + cl->at[std::size_t(w)])], w);
      share[std::size_t(c)] += counts[std::size_t(w)] / total;
    }
  }
  for (int n : seen) EXPECT_EQ(n, 1);
  // The most frequent words are alone in their classes (a word's count is
  // not split); a class of several words never holds much more than 1/30;
  // past the head, each class holds near 1/30.
  EXPECT_EQ(cl->start[1] - cl->start[0], 1);
  for (int c = 0; c < 30; ++c)
    if (cl->start[std::size_t(c) + 1] - cl->start[std::size_t(c)] > 1) {
      EXPECT_LT(share[std::size_t(c)], 1.5 / 30) << c;
    }
  for (int c = 20; c < 29; ++c) EXPECT_NEAR(share[std::size_t(c)], 1.0 / 30, 0.01) << "class " << c;
  // The same counts give the same classes.
  EXPECT_EQ(frequency_classes(counts, 30)->members, cl->members);
}

TEST(ClassSoftmax, EveryCountOfClassesIsValid) {
  for (int K : {1, 2, 8, 9}) {
    const auto cl = frequency_classes({9, 0, 0, 0, 0, 0, 0, 0, 1}, K);  // one word holds 90%
    ASSERT_EQ(cl->start.size(), std::size_t(K) + 1);
    for (int c = 0; c < K; ++c) EXPECT_LT(cl->start[std::size_t(c)], cl->start[std::size_t(c) + 1]) << K;
    EXPECT_EQ(cl->start.back(), 9);
    const auto ids = id_classes(9, K);
    for (int c = 0; c < K; ++c) EXPECT_LT(ids->start[std::size_t(c)], ids->start[std::size_t(c) + 1]) << K;
  }
  EXPECT_THROW(frequency_classes({1, 2}, 3), Error);
  EXPECT_THROW(id_classes(4, 0), Error);
  ModelSpec s = class_spec(9, 10);
  EXPECT_THROW(check_softmax(s), Error);
  s.classes = 3;
  s.direct = true;
  EXPECT_THROW(check_softmax(s), Error);
}

TEST(ClassSoftmax, EveryTensorMatchesFiniteDifferences) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    Model<double> m = tiny_model(seed);
    ASSERT_EQ(m.table.size(), 7);
    const Batch b = batch_of(kX, kY, 3);
    MlpActivations<double> a;
    mlp_forward(m, b, a);
    mlp_backward(m, b, a);
    const std::vector<double> analytic = m.grads;
    for (const TensorInfo& t : m.table.tensors()) {
      double diff = 0, scale = 0;
      for (std::size_t i = t.offset; i < t.offset + t.size(); ++i) {
        const double saved = m.params[i], h = 1e-5;
        m.params[i] = saved + h;
        const double up = mlp_forward(m, b, a);
        m.params[i] = saved - h;
        const double down = mlp_forward(m, b, a);
        m.params[i] = saved;
        const double numeric = (up - down) / (2 * h);
        diff = std::max(diff, std::abs(analytic[i] - numeric));
        scale = std::max({scale, std::abs(analytic[i]), std::abs(numeric)});
      }
      EXPECT_GT(scale, 1e-6) << t.name << ": no gradient to check";
      EXPECT_LT(diff / scale, 1e-6) << "seed " << seed << " tensor " << t.name;
    }
  }
}

TEST(ClassSoftmax, TheDistributionIsExactAndNormalised) {
  Model<double> m = tiny_model(7);
  MlpActivations<double> a;
  Batch b = batch_of(kX, kY, 3);
  const double loss = mlp_forward(m, b, a);  // b.full: every token's probability too
  double mean = 0;
  for (int r = 0; r < b.B; ++r) {
    EXPECT_NEAR(a.probs.row(r).sum(), 1.0, 1e-12);
    EXPECT_NEAR(std::exp(a.logits(r, kY[std::size_t(r)])), a.probs(r, kY[std::size_t(r)]), 1e-15);
    mean -= a.logits(r, kY[std::size_t(r)]) / b.B;
  }
  EXPECT_NEAR(loss, mean, 1e-12);
  // Without the whole distribution: the same loss, and the same per-row losses.
  b.full = false;
  EXPECT_NEAR(mlp_forward(m, b, a), loss, 1e-15);
  for (int r = 0; r < b.B; ++r) EXPECT_NEAR(a.cls.loss[std::size_t(r)], -std::log(a.probs(r, kY[std::size_t(r)])), 1e-12);
  // No targets: the distribution alone.
  b.Y = nullptr;
  b.full = true;
  EXPECT_EQ(mlp_forward(m, b, a), 0.0);
  EXPECT_NEAR(a.probs.row(0).sum(), 1.0, 1e-12);
}

// The hand-written class-factored output against PyTorch's autograd, in double and in float.
TEST(ClassSoftmax, MatchesPyTorch) {
  std::ifstream f(std::string(EMBEDVIZ_TEST_DIR) + "/fixtures/mlp_classes_reference.json");
  ASSERT_TRUE(f) << "tests/fixtures/mlp_classes_reference.json is missing";
  const nlohmann::json j = nlohmann::json::parse(f);
  const auto& shape = j.at("shape");
  ModelSpec s;
  s.vocab = shape.at("vocab");
  s.block = shape.at("block");
  s.emb = shape.at("emb");
  s.hidden = shape.at("hidden");
  s.softmax = "classes";
  s.classes = shape.at("classes");
  EXPECT_EQ(id_classes(s.vocab, s.classes)->start, j.at("class_starts").get<std::vector<std::int32_t>>());
  Model<double> m(s);
  std::vector<double> ref_grads;
  for (const TensorInfo& t : m.table.tensors()) {
    const auto p = j.at("params").at(t.name).get<std::vector<double>>();
    ASSERT_EQ(p.size(), t.size()) << t.name;
    std::copy(p.begin(), p.end(), m.params.begin() + std::ptrdiff_t(t.offset));
    const auto g = j.at("grads").at(t.name).get<std::vector<double>>();
    ref_grads.insert(ref_grads.end(), g.begin(), g.end());
  }
  std::vector<std::int32_t> X, Y;
  for (double v : j.at("X").get<std::vector<double>>()) X.push_back(std::int32_t(v));
  for (double v : j.at("Y").get<std::vector<double>>()) Y.push_back(std::int32_t(v));
  const Batch b = batch_of(X, Y, s.block);
  const auto logp = j.at("log_probs").get<std::vector<double>>();

  MlpActivations<double> a;
  EXPECT_NEAR(mlp_forward(m, b, a), j.at("loss").get<double>(), 1e-12);
  for (int r = 0; r < b.B; ++r)
    for (int v = 0; v < s.vocab; ++v) EXPECT_NEAR(a.logits(r, v), logp[std::size_t(r * s.vocab + v)], 1e-12);
  mlp_backward(m, b, a);
  for (std::size_t i = 0; i < ref_grads.size(); ++i) EXPECT_NEAR(m.grads[i], ref_grads[i], 1e-12) << i;

  Model<float> mf = cast_model<float>(m);
  MlpActivations<float> af;
  EXPECT_NEAR(mlp_forward(mf, b, af), j.at("loss").get<double>(), 1e-5);
  mlp_backward(mf, b, af);
  double worst = 0, scale = 0;
  for (std::size_t i = 0; i < ref_grads.size(); ++i) {
    worst = std::max(worst, std::abs(double(mf.grads[i]) - ref_grads[i]));
    scale = std::max(scale, std::abs(ref_grads[i]));
  }
  EXPECT_LT(worst / scale, 1e-5);
}

// A word-sized run learns with it, its classes binned by the data's counts,
// and its validation loss is the full distribution's.
TEST(ClassSoftmax, TrainerLearnsAndScoresExactly) {
  std::vector<std::string> lines;
  const char* words[] = {"the cat sat on the mat", "a dog ran in the park", "the dog sat on a log",
                         "a cat ran on the mat", "the bird sang in a tree"};
  for (int i = 0; i < 400; ++i) lines.push_back(words[i % 5]);
  auto data = std::make_shared<const Dataset>(make_dataset(lines, Tokenizer::Word, 1, "test", 100));
  TrainConfig c;
  c.block = 3, c.emb = 8, c.hidden = 32, c.batch = 32;
  c.softmax = "classes";
  c.optimizer = "adam";
  c.lr = 0.01;
  c.init = "small";
  Trainer t(data, c);
  ASSERT_NE(t.model().spec.word_classes, nullptr);
  EXPECT_EQ(t.model().spec.word_classes->K, default_class_count(data->vocab.size()));
  const double before = t.evaluate(Split::Val);
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(t.step().finite);
  const double after = t.evaluate(Split::Val);
  EXPECT_LT(after, 0.5 * before);
  const NextTokenScores s = score_next_tokens(t.model(), t.examples(Split::Val), nullptr, 2);
  EXPECT_NEAR(s.loss, after, 1e-4);
  EXPECT_EQ(s.ranked, std::min(kRankedRows, t.examples(Split::Val).size()));
  EXPECT_GT(s.top1, 0.3);
}

// Rows and ranges of words on two threads: the same numbers as on one, to the bit.
TEST(ClassSoftmax, TwoThreadsGiveTheSameNumbers) {
  ModelSpec s = class_spec(300, 17);
  s.hidden = 24;
  std::vector<double> counts(300);
  for (int i = 0; i < 300; ++i) counts[std::size_t(i)] = 1000.0 / (1 + (i * 37) % 300);
  s.word_classes = frequency_classes(counts, 17);
  Model<float> m(s);
  mlp_init(m, 5);
  m.p("Wo").setRandom();
  Rng rng(8);
  std::vector<std::int32_t> X(64 * 3), Y(64);
  for (auto& x : X) x = std::int32_t(rng.below(300));
  for (auto& y : Y) y = std::int32_t(rng.below(300));
  Batch b = batch_of(X, Y, 3);
  b.full = false;
  std::vector<float> grads[2];
  float losses[2];
  for (int threads : {1, 2}) {
    MlpActivations<float> a;
    a.threads = threads;
    losses[threads - 1] = mlp_forward(m, b, a);
    mlp_backward(m, b, a);
    grads[threads - 1] = m.grads;
  }
  EXPECT_EQ(losses[0], losses[1]);
  EXPECT_EQ(grads[0], grads[1]);
}
