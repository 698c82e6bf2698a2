// gpt_test: the transformer's analytic gradient of every tensor against
// central finite differences on a tiny Model<double> (two heads, two layers,
// padded items), and how it frames the data: whole items with the boundary
// before and after, cut at block, padded with -1 targets.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/models/sample.h"
#include "core/models/gpt.h"
#include "core/train/trainer.h"

using namespace ev;

namespace {

// V 5, block 4, emb 4 (2 heads of 2), 2 layers.
ModelSpec tiny_spec() {
  ModelSpec s;
  s.family = "gpt";
  s.vocab = 5;
  s.block = 4;
  s.emb = 4;
  s.heads = 2;
  s.layers = 2;
  return s;
}
constexpr int kB = 3;
constexpr int kT = 4;

// Ids repeat (rows of wte gather gradient from several places); the first
// item fills the block, the others end early (padding: X the boundary, Y -1).
const std::vector<std::int32_t> kX = {0, 3, 3, 1,   //
                                      0, 2, 0, 0,   //
                                      0, 4, 1, 0};  // (B, T)
const std::vector<std::int32_t> kY = {3, 3, 1, 2,     //
                                      2, 0, -1, -1,   //
                                      4, 1, 0, -1};   // (B, T)

Batch batch(const std::int32_t* Y) {
  Batch b;
  b.B = kB;
  b.in = b.out = kT;
  b.X = kX.data();
  b.Y = Y;
  return b;
}

Model<double> tiny_model(std::uint64_t seed) {
  Model<double> m(tiny_spec());
  gpt_init(m, seed);
  // Larger than microgpt's 0.08 so the attention is far from uniform and
  // every path carries gradient of a size the differences resolve.
  for (auto& v : m.params) v *= 6.0;
  return m;
}

double loss_at(const Model<double>& m, const std::vector<std::int32_t>& Y) {
  GptActivations<double> a;
  return gpt_forward(m, batch(Y.data()), a);
}

}  // namespace

TEST(GptGradCheck, EveryTensorMatchesFiniteDifferences) {
  for (std::uint64_t seed : {1u, 2u}) {
    Model<double> m = tiny_model(seed);
    ASSERT_EQ(m.table.size(), 2 + 6 * 2 + 1);
    GptActivations<double> a;
    gpt_forward(m, batch(kY.data()), a);
    gpt_backward(m, batch(kY.data()), a);
    const std::vector<double> analytic = m.grads;
    const double h = 1e-5;
    for (const TensorInfo& t : m.table.tensors()) {
      double diff = 0, scale = 0;
      for (std::size_t i = t.offset; i < t.offset + t.size(); ++i) {
        const double saved = m.params[i];
        m.params[i] = saved + h;
        const double up = loss_at(m, kY);
        m.params[i] = saved - h;
        const double down = loss_at(m, kY);
        m.params[i] = saved;
        const double numeric = (up - down) / (2 * h);
        diff = std::max(diff, std::abs(analytic[i] - numeric));
        scale = std::max({scale, std::abs(analytic[i]), std::abs(numeric)});
      }
      EXPECT_GT(scale, 1e-4) << t.name << ": no gradient at all to check";
      EXPECT_LT(diff / scale, 1e-6) << "seed " << seed << " tensor " << t.name;
    }
  }
}

// Padding changes nothing: the loss is the mean over the real targets, and
// the positions after an item's end (whatever their ids) get no gradient.
TEST(GptGradCheck, PaddingHasNoEffect) {
  Model<double> m = tiny_model(3);
  GptActivations<double> a;
  const double loss = gpt_forward(m, batch(kY.data()), a);
  gpt_backward(m, batch(kY.data()), a);
  const std::vector<double> grads = m.grads;
  std::vector<std::int32_t> X2 = kX;
  X2[6] = X2[7] = 4;  // other ids at item 1's padded positions
  X2[11] = 2;
  Batch b2 = batch(kY.data());
  b2.X = X2.data();
  EXPECT_DOUBLE_EQ(gpt_forward(m, b2, a), loss);
  gpt_backward(m, b2, a);
  for (std::size_t i = 0; i < grads.size(); ++i) ASSERT_NEAR(m.grads[i], grads[i], 1e-15) << i;

  // The mean over the 9 real targets: the same as summing each item's own
  // loss times its number of targets.
  double sum = 0;
  int count = 0;
  for (int b = 0; b < kB; ++b) {
    Batch one;
    one.B = 1;
    one.in = one.out = kT;
    one.X = kX.data() + b * kT;
    one.Y = kY.data() + b * kT;
    const int n = int(std::count_if(one.Y, one.Y + kT, [](std::int32_t y) { return y >= 0; }));
    sum += gpt_forward(m, one, a) * n;
    count += n;
  }
  EXPECT_NEAR(loss, sum / count, 1e-12);
}

// Without targets every position is computed, and the prediction at a
// position does not depend on later ids (causal attention).
TEST(GptGradCheck, AttentionIsCausal) {
  Model<double> m = tiny_model(4);
  GptActivations<double> a;
  Batch b = batch(nullptr);
  gpt_forward(m, b, a);
  ASSERT_EQ(a.logits.rows(), kB * kT);
  const Mat<double> before = a.logits;
  std::vector<std::int32_t> X2 = kX;
  X2[3] = 2;  // the last position of item 0
  b.X = X2.data();
  gpt_forward(m, b, a);
  for (int t = 0; t < kT - 1; ++t) EXPECT_EQ(a.logits.row(t), before.row(t)) << t;
  EXPECT_NE(a.logits.row(kT - 1), before.row(kT - 1));
  // The attention weights: rows sum to one, nothing above the diagonal.
  const auto& att = a.layers[0].att;  // (B*H*T, T)
  for (int r = 0; r < att.rows(); ++r) {
    EXPECT_NEAR(att.row(r).sum(), 1.0, 1e-12);
    for (int j = r % kT + 1; j < kT; ++j) EXPECT_EQ(att(r, j), 0.0);
  }
}

TEST(GptFamily, FramesWholeItems) {
  Dataset d = make_dataset({"ab", "abcdefghij", "c", "dd", "e", "f", "g", "h", "i", "j", "k", "l"}, Tokenizer::Char,
                           1, "test");
  ModelSpec s = tiny_spec();
  s.vocab = d.vocab.size();
  s.block = 8;
  const Examples ex = family("gpt").examples(d, Split::Train, s);
  ASSERT_EQ(ex.in, 8);
  ASSERT_EQ(ex.out, 8);
  std::size_t n_items = d.range(Split::Train).second - d.range(Split::Train).first;
  ASSERT_EQ(ex.size(), n_items);
  for (std::size_t i = 0; i < ex.size(); ++i) {
    const std::vector<int>& item = d.items[d.range(Split::Train).first + i];
    const int n = std::min(8, int(item.size()) + 1);
    EXPECT_EQ(ex.context(i)[0], Vocab::kBoundary);
    for (int t = 0; t < 8; ++t) {
      const int want_y = t < int(item.size()) ? item[std::size_t(t)] : t == int(item.size()) ? Vocab::kBoundary : -1;
      EXPECT_EQ(ex.targets(i)[t], t < n ? want_y : -1) << i << " " << t;
      if (t > 0) {
        EXPECT_EQ(ex.context(i)[t], t < n ? item[std::size_t(t) - 1] : Vocab::kBoundary);
      }
    }
  }
}

// A float model trains (the loss falls) and samples, with block 8 and 16.
TEST(GptFamily, TrainsAndSamples) {
  std::vector<std::string> names;
  for (const char* n : {"emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "harper", "evelyn", "abigail",
                        "emily", "ella", "elizabeth", "camila", "luna", "sofia", "avery", "mila", "aria", "scarlett"})
    names.push_back(n);
  auto data = std::make_shared<Dataset>(make_dataset(names, Tokenizer::Char, 1, "names"));
  for (int block : {8, 16}) {
    TrainConfig c;
    c.family = "gpt";
    c.block = block;
    c.emb = 16;
    c.batch = 8;
    c.lr = 0.01;
    c.optimizer = "adam";
    c.lr_linear_steps = 300;
    Trainer t(data, c);
    const double before = t.evaluate(Split::Train);
    for (int i = 0; i < 300; ++i) ASSERT_TRUE(t.step().finite);
    EXPECT_LT(t.evaluate(Split::Train), before - 0.5) << block;
    Rng rng(3);
    const std::vector<int> s = sample_item(t.model(), rng, 1.0, 40);
    for (int id : s) EXPECT_TRUE(id > 0 && id < data->vocab.size());
  }
}

// The attention a view draws for a typed item: per layer and head an (n, n)
// map for the boundary and the item, the same weights the padded batch's
// forward computed for those positions.
TEST(GptFamily, AttentionOfAnItem) {
  Model<double> md = tiny_model(5);
  Model<float> m = cast_model<float>(md);
  const std::vector<int> item = {3, 3};  // item 0 of the batch is the boundary, 3, 3, 1
  const std::vector<Mat<float>> maps = gpt_attention(m, item);
  ASSERT_EQ(maps.size(), std::size_t(2 * 2));
  GptActivations<float> a;
  gpt_forward(m, batch(nullptr), a);
  for (int l = 0; l < 2; ++l)
    for (int h = 0; h < 2; ++h) {
      const Mat<float>& map = maps[std::size_t(l * 2 + h)];
      ASSERT_EQ(map.rows(), 3);
      ASSERT_EQ(map.cols(), 3);
      const Mat<float> full = a.attention(m.spec, 0, l, h);  // (T, T) of item 0
      for (int i = 0; i < 3; ++i) {
        EXPECT_NEAR(map.row(i).sum(), 1.0f, 1e-5f);
        for (int j = 0; j < 3; ++j) EXPECT_NEAR(map(i, j), full(i, j), 1e-6f) << l << h << i << j;
      }
    }
}

// The flops of a step follow the rows' lengths: the transformer computes a
// batch only up to its longest row, so a block far past the items costs
// about what a block that just holds them does.
TEST(Gpt, StepFlopsFollowTheRowsNotTheBlock) {
  std::vector<std::string> items;
  for (int i = 0; i < 40; ++i) items.push_back(std::string(std::size_t(3 + i % 4), char('a' + i % 5)));  // 3 to 6 long
  const Dataset d = make_dataset(items, Tokenizer::Char, 1, "short");
  TrainConfig c = family_defaults("gpt");
  c.block = 7;  // the longest item and its closing boundary
  const ModelSpec tight = c.spec(d.vocab.size());
  const double at7 = mean_step_flops(tight, family(tight.family).examples(d, Split::Train, tight), 8);
  c.block = 64;
  const ModelSpec wide = c.spec(d.vocab.size());
  const double at64 = mean_step_flops(wide, family(wide.family).examples(d, Split::Train, wide), 8);
  EXPECT_GT(at7, 0.0);
  EXPECT_NEAR(at64 / at7, 1.0, 0.01) << "the count follows the block, not the rows";
  EXPECT_LT(at64, 0.2 * family("gpt").step_flops(wide, 8));
}
