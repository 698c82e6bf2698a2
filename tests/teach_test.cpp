// teach_test: neighbours, distance matrices, model facts, the toy
// lesson and the presets.
#include <gtest/gtest.h>

#include <filesystem>

#include <cmath>

#include "core/data/data.h"
#include "core/models/ngram.h"
#include "core/base/error.h"
#include "core/teach/teach.h"
#include "core/train/trainer.h"
#include "test_data.h"

using namespace ev;

TEST(Teach, NearestByCosineAndEuclid) {
  Mat<float> C(5, 2);
  C << 1, 0,   // 0
      10, 1,   // 1: same direction as 0, far away
      0.9f, 0.5f,  // 2: near 0, a different direction
      -1, 0,   // 3: opposite
      0, 0;    // 4: zero row
  const auto cos = nearest(C, 0, 3, Metric::Cosine);
  ASSERT_EQ(cos.size(), 3u);
  EXPECT_EQ(cos[0].id, 1);
  EXPECT_EQ(cos[1].id, 2);
  EXPECT_EQ(cos[2].id, 4);  // cosine 0 with a zero row
  EXPECT_NEAR(cos[0].value, 10 / std::sqrt(101.0), 1e-12);
  const auto euc = nearest(C, 0, 10, Metric::Euclidean);
  ASSERT_EQ(euc.size(), 4u);  // k is capped at V - 1; the token itself is excluded
  EXPECT_EQ(euc[0].id, 2);
  EXPECT_EQ(euc[1].id, 4);
  EXPECT_EQ(euc[2].id, 3);
  EXPECT_EQ(euc[3].id, 1);
  EXPECT_NEAR(euc[2].value, 2.0, 1e-12);
  EXPECT_THROW(nearest(C, 5, 1, Metric::Cosine), Error);
  EXPECT_TRUE(nearest(C, 0, 0, Metric::Cosine).empty());
}

TEST(Teach, OneHotCodesAreAllEquallyFar) {
  const Mat<float> D = onehot_distances(6);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) EXPECT_EQ(D(i, j), i == j ? 0.0f : float(std::sqrt(2.0)));
}

TEST(Teach, EmbeddingDistancesComeFromC) {
  const ToyLesson L = toy_lesson();
  const Mat<float> D = embedding_distances(L.C);
  ASSERT_EQ(D.rows(), 5);
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) {
      EXPECT_EQ(D(i, j), D(j, i));
      EXPECT_NEAR(D(i, j), (L.C.row(i) - L.C.row(j)).norm(), 1e-6);
    }
  EXPECT_NEAR(D(1, 4), std::hypot(0.4, 0.1), 1e-6);  // '@' to 'c'
}

TEST(Teach, ParameterCountsByTensor) {
  const ParamTable t = param_table(testdata::mlp_spec(27, 3, 10, 200));
  ASSERT_EQ(t.size(), 5);
  EXPECT_EQ(t[0].name, "C");
  EXPECT_TRUE(t[0].embedding);
  EXPECT_EQ(t[0].size(), 270u);    // 27 x 10
  EXPECT_EQ(t[1].size(), 6000u);   // 30 x 200
  EXPECT_EQ(t[2].size(), 200u);
  EXPECT_EQ(t[3].size(), 5400u);   // 200 x 27
  EXPECT_EQ(t[4].size(), 27u);
  std::size_t sum = 0;
  for (const auto& x : t.tensors()) {
    EXPECT_EQ(x.offset, sum) << x.name << ": the tensors follow one another";
    sum += x.size();
  }
  EXPECT_EQ(sum, t.count());
  EXPECT_EQ(sum, 11897u);  // the lecture's model
  // Bengio et al.'s direct connections add one (block*d, V) tensor at the end.
  ModelSpec direct = testdata::mlp_spec(27, 3, 10, 200);
  direct.direct = true;
  const ParamTable d = param_table(direct);
  ASSERT_EQ(d.size(), 6);
  EXPECT_EQ(d.at("Wd").size(), 30u * 27u);
  EXPECT_EQ(d.count(), 11897u + 810u);
}

TEST(Teach, NgramTablesOfBengioAndTheOed) {
  // Bengio et al. (2003): 10 words over 100,000: 10^50.
  EXPECT_EQ(ngram_table_log10(kBengioVocab, kBengioWords), 50.0);
  // The OED's 291,500 entries, 10 in a row: 291500^10 is about 10^55.
  const double e = ngram_table_log10(kOedEntries, kBengioWords);
  EXPECT_NEAR(e, 54.646, 1e-3);
  EXPECT_EQ(std::lround(e), 55);
  // makemore's context of 3 characters plus the next: 27^4 = 531441 entries.
  EXPECT_NEAR(std::pow(10.0, ngram_table_log10(27, 3 + 1)), 531441.0, 1e-6);
}

TEST(Teach, ToyLessonIsNumberedAsTheLiveModel) {
  const ToyLesson L = toy_lesson();
  // The live model's vocabulary of the lesson's data, in its order.
  EXPECT_EQ(L.tokens, toy_lesson_dataset(7).vocab.tokens());
  EXPECT_EQ(L.tokens, (std::vector<std::string>{".", "@", "a", "b", "c"}));
  const float table[5][2] = {{-0.20f, 0.40f}, {0.10f, -0.20f}, {0.00f, 0.30f}, {-0.40f, 0.20f}, {0.50f, -0.10f}};
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 2; ++j) EXPECT_EQ(L.C(i, j), table[i][j]);
  EXPECT_EQ(L.context_ids, (std::vector<int>{1, 2, 3}));
  // C[3] for 'b', the context's third row.
  EXPECT_EQ(L.rows(2, 0), -0.40f);
  EXPECT_EQ(L.rows(2, 1), 0.20f);
  // The concatenated 6-vector, both ways, to the bit.
  const float expect[6] = {0.10f, -0.20f, 0.00f, 0.30f, -0.40f, 0.20f};
  ASSERT_EQ(L.concat.size(), 6);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(L.concat(i), expect[i]);
    EXPECT_EQ(L.concat_by_matmul(i), expect[i]);
  }
  EXPECT_EQ(L.onehot.rows(), 3);
  EXPECT_EQ(L.onehot.row(1), (Vec<float>(5) << 0, 0, 1, 0, 0).finished());
  EXPECT_EQ(L.rows, L.rows_by_matmul);
}

// The lesson's table goes into a model of its shape, and into no other.
TEST(Teach, ToyLessonTableLoadsIntoTheModel) {
  const Dataset d = toy_lesson_dataset(3);
  TrainConfig c;
  c.emb = 2;
  c.hidden = 8;
  Model<float> m(testdata::mlp_spec(d.vocab.size(), c.block, 2, 8));
  init_model(m, 3);
  const std::vector<float> before = m.params;
  ASSERT_TRUE(load_toy_lesson_table(m));
  EXPECT_EQ(Mat<float>(m.p("C")), toy_lesson().C);
  EXPECT_TRUE(std::equal(before.begin() + 10, before.end(), m.params.begin() + 10));  // only C changed
  Model<float> other(testdata::mlp_spec(d.vocab.size(), c.block, 3, 8));
  init_model(other, 3);
  const std::vector<float> kept = other.params;
  EXPECT_FALSE(load_toy_lesson_table(other));
  EXPECT_EQ(other.params, kept);
}

TEST(Teach, ToyLessonDataTrains) {
  const auto items = toy_lesson_items();
  EXPECT_GE(items.size(), 10u);
  for (const auto& it : items) {
    EXPECT_EQ(it[0], '@');
    EXPECT_EQ(it.back(), 'c');
  }
  auto data = std::make_shared<const Dataset>(toy_lesson_dataset(1));
  EXPECT_EQ(data->vocab.tokens(), (std::vector<std::string>{".", "@", "a", "b", "c"}));
  EXPECT_EQ(data->source, kToyLessonSource);

  const Preset p = presets()[2];
  ASSERT_TRUE(p.toy_data);
  Trainer t(data, p.config);
  const double start = t.evaluate(Split::Train);
  for (std::int64_t i = 0; i < p.steps; ++i) ASSERT_TRUE(t.step().finite);
  const double end = t.evaluate(Split::Train);
  // '.' -> '@', a -> b and b -> c are certain; only '@' -> ? and c -> ? are not.
  EXPECT_LT(end, 0.5 * start) << "start " << start << " end " << end;
  // The model learned the rule: after "@ab" comes 'c', almost surely.
  const auto probs = next_token_probs(t.model(), {data->vocab.id("@"), data->vocab.id("a"), data->vocab.id("b")});
  EXPECT_GT(probs[std::size_t(data->vocab.id("c"))], 0.8f);
}

TEST(Teach, Presets) {
  const auto ps = presets();
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_EQ(ps[0].name, "2-D embeddings");
  EXPECT_EQ(ps[0].config.emb, 2);
  EXPECT_EQ(ps[0].config.hidden, 100);
  EXPECT_EQ(ps[1].name, "the lecture run");
  EXPECT_EQ(ps[1].config.emb, 10);
  EXPECT_EQ(ps[1].config.hidden, 200);
  EXPECT_EQ(ps[1].steps, 200000);
  EXPECT_EQ(ps[1].config.lr_decay_step, 100000);
  EXPECT_EQ(ps[2].name, "toy lesson");
  EXPECT_EQ(ps[2].config.emb, 2);
  // The word lesson: the word defaults, on words, its rate run down over its steps.
  EXPECT_EQ(ps[3].name, "words");
  EXPECT_TRUE(ps[3].word_data);
  EXPECT_FALSE(ps[3].toy_data);
  EXPECT_EQ(ps[3].config.softmax, "classes");
  EXPECT_EQ(ps[3].config.optimizer, "sparse-adam");
  EXPECT_EQ(ps[3].config.lr_linear_steps, ps[3].steps);
  EXPECT_GT(ps[3].config.val_every, 0);
  EXPECT_LE(ps[3].config.val_every, ps[3].steps / 10);  // a curve of neighbour shares, not a point
  for (const auto& p : ps) {
    EXPECT_FALSE(p.what_to_watch.empty());
    EXPECT_NO_THROW(validate(p.config, 27, 100000)) << p.name;
  }
}

// The makemore lecture's landmark: a counting bigram model on names scores
// about 2.45 nats (the lecture: 2.454 over the whole data set).
TEST(Teach, BigramLossOfNamesIsTheLecturesLandmark) {
  EV_SKIP_WITHOUT_NAMES();
  const Dataset d = *testdata::names_dataset();
  const double train = bigram_loss(d, Split::Train), val = bigram_loss(d, Split::Val);
  EXPECT_NEAR(train, 2.454, 0.02);
  EXPECT_GE(val, train - 0.02);  // counted on the training split: no better elsewhere
  EXPECT_LT(val, std::log(27.0));
}

// A word-level vocabulary: counts are sparse, so 60,000 tokens (a dense
// table would be 3.6 billion cells) cost only the pairs seen. The training
// split's text repeats one cycle, so after its first pass every pair is
// certain to the counts: the loss sits far below a uniform guess.
TEST(Teach, BigramLossOfALargeVocabularyIsCountedSparsely) {
  auto word = [](int i) {  // letters only: a, b, ..., z, ba, bb, ...
    std::string w;
    do w.insert(w.begin(), char('a' + i % 26)), i /= 26;
    while (i > 0);
    return w;
  };
  std::vector<std::string> items;
  for (int rep = 0; rep < 2; ++rep)
    for (int i = 0; i < 60000; i += 3) items.push_back(word(i) + " " + word(i + 1) + " " + word(i + 2));
  const Dataset d = make_dataset(items, Tokenizer::Word, 1, "words", 70000);
  ASSERT_GT(d.vocab.size(), 50000);
  const double train = bigram_loss(d, Split::Train);
  EXPECT_TRUE(std::isfinite(train));
  EXPECT_GT(train, 0.0);
  EXPECT_LT(train, std::log(double(d.vocab.size())));
}
