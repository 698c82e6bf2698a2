// ngram_test: the Kneser-Ney trigram against probabilities worked out by hand,
// its distributions summing to 1, and the next-token scores (metrics.h).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/train/metrics.h"
#include "core/models/ngram.h"
#include "core/base/rng.h"
#include "core/train/trainer.h"
#include "test_data.h"

namespace ev {
namespace {

// Tokens: 0 the boundary, 1 a, 2 b, 3 c, 4 never seen. Items "a b", "a c", "b",
// framed as (0 0 a) (0 a b) (a b 0), (0 0 a) (0 a c) (a c 0), (0 0 b) (0 b 0).
//   trigram counts: (0 0 a) 2, the six others 1        -> D3 = 6 / (6 + 2) = 3/4
//   continuation counts N1+(. v w), distinct u:
//     (0 a) 1, (0 b) 1, (a b) 1, (a c) 1, (b 0) 2, (c 0) 1 -> D2 = 5 / (5 + 2) = 5/7
//   N1+(. w), distinct v: 0: 2, a: 1, b: 2, c: 1 of 6 bigram types -> D1 = 2 / (2 + 4) = 1/3
//   P1(w) = (max(N1+(. w) - 1/3, 0) + 1/3 * 4 / 5) / 6
KneserNey tiny() { return KneserNey({{1, 2}, {1, 3}, {2}}, 5); }

TEST(KneserNey, DiscountsFromCountOfCounts) {
  const KneserNey kn = tiny();
  EXPECT_DOUBLE_EQ(kn.discounts()[0], 1.0 / 3);
  EXPECT_DOUBLE_EQ(kn.discounts()[1], 5.0 / 7);
  EXPECT_DOUBLE_EQ(kn.discounts()[2], 3.0 / 4);
  EXPECT_EQ(kn.distinct_trigrams(), 7u);
}

TEST(KneserNey, ProbabilitiesWorkedOutByHand) {
  const KneserNey kn = tiny();
  // P1(c) = (1 - 1/3 + 4/15) / 6 = 7/45
  // P2(c | a) = (max(1 - 5/7, 0) + 5/7 * 2 * 7/45) / 2 = 16/63   (N1+(. a .) = 2, N1+(a .) = 2)
  // P3(c | 0 a) = (1 - 3/4 + 3/4 * 2 * 16/63) / 2 = 53/168          (c(0 a .) = 2, N1+(0 a .) = 2)
  EXPECT_NEAR(kn.prob(0, 1, 3), 53.0 / 168, 1e-12);
  // P1(0) = (2 - 1/3 + 4/15) / 6 = 29/90
  // P2(0 | b) = (2 - 5/7 + 5/7 * 1 * 29/90) / 2 = 191/252         (N1+(. b .) = 2, N1+(b .) = 1)
  // P3(0 | a b) = (1 - 3/4 + 3/4 * 1 * 191/252) / 1 = 275/336
  EXPECT_NEAR(kn.prob(1, 2, 0), 275.0 / 336, 1e-12);
  // An unseen context backs off: P(4 | c c) = P2(4 | c) = 5/7 * 1 * P1(4) / 1, P1(4) = (4/15) / 6 = 2/45.
  EXPECT_NEAR(kn.prob(3, 3, 4), 2.0 / 63, 1e-12);
  // A context whose middle word never precedes anything falls to P1: token 4 was never seen at all.
  EXPECT_NEAR(kn.prob(4, 4, 2), (2 - 1.0 / 3 + 4.0 / 15) / 6, 1e-12);
}

double total(const KneserNey& kn, int u, int v) {
  double s = 0;
  for (int w = 0; w < kn.vocab(); ++w) s += kn.prob(u, v, w);
  return s;
}

TEST(KneserNey, DistributionsSumToOne) {
  const KneserNey kn = tiny();
  for (int u = 0; u < 5; ++u)
    for (int v = 0; v < 5; ++v) EXPECT_NEAR(total(kn, u, v), 1.0, 1e-12) << u << " " << v;
  // A larger random corpus, with words unseen in it.
  Rng rng(3);
  std::vector<std::vector<int>> items(200);
  for (auto& it : items)
    for (std::uint64_t i = 0, n = 1 + rng.below(12); i < n; ++i) it.push_back(1 + int(rng.below(25)));
  const KneserNey big(items, 30);
  for (int u = 0; u < 30; u += 3)
    for (int v = 0; v < 30; ++v) EXPECT_NEAR(total(big, u, v), 1.0, 1e-9) << u << " " << v;
}

std::vector<std::string> lines() {
  std::vector<std::string> out;
  Rng rng(8);
  const char* words[] = {"the", "a", "cat", "dog", "sat", "ran", "on", "mat", "fast", "and"};
  for (int i = 0; i < 60; ++i) {
    std::string l;
    for (std::uint64_t j = 0, n = 2 + rng.below(6); j < n; ++j) l += std::string(words[rng.below(10)]) + " ";
    out.push_back(l);
  }
  return out;
}

TEST(KneserNey, TargetsInTheOrderOfTheExamples) {
  const auto d = std::make_shared<const Dataset>(make_dataset(lines(), Tokenizer::Word, 2, "lines", 8));
  const KneserNey kn(*d);
  const Examples ex = build_examples(*d, Split::Val, 2);
  const std::vector<double> p = kn.target_probs(*d, Split::Val);
  ASSERT_EQ(p.size(), ex.size());
  double nll = 0;
  for (std::size_t i = 0; i < ex.size(); ++i) {
    EXPECT_DOUBLE_EQ(p[i], kn.prob(ex.context(i)[0], ex.context(i)[1], ex.Y[i])) << i;
    nll -= std::log(p[i]);
  }
  EXPECT_NEAR(kn.perplexity(*d, Split::Val), std::exp(nll / double(p.size())), 1e-9);
}

TEST(Metrics, ScoresAgreeWithTheLossAndRanks) {
  const auto d = std::make_shared<const Dataset>(make_dataset(lines(), Tokenizer::Word, 2, "lines", 8));
  Trainer t(d, testdata::mlp_config(2, 3, 8, 8));
  for (int i = 0; i < 50; ++i) t.step();
  const Examples& ex = t.examples(Split::Val);
  const NextTokenScores s = score_next_tokens(t.model(), ex, nullptr, 2);
  EXPECT_EQ(s.n, ex.size());
  EXPECT_NEAR(s.loss, t.evaluate(Split::Val), 1e-5);
  EXPECT_NEAR(s.perplexity, std::exp(s.loss), 1e-9);
  // Top-1 by hand from the probabilities.
  double top1 = 0;
  for (std::size_t i = 0; i < ex.size(); ++i) {
    const std::vector<int> ctx(ex.context(i), ex.context(i) + 2);
    const std::vector<float> p = next_token_probs(t.model(), ctx);
    int above = 0;
    for (float q : p) above += q > p[std::size_t(ex.Y[i])];
    top1 += above == 0;
  }
  EXPECT_DOUBLE_EQ(s.top1, top1 / double(ex.size()));
  EXPECT_GE(s.top5, s.top1);
  EXPECT_LE(s.top5, 1.0);
  // Mixed with itself the network is unchanged; with a certain model the loss is at most ln 2.
  std::vector<double> own, sure(ex.size(), 1.0);
  for (std::size_t i = 0; i < ex.size(); ++i)
    own.push_back(next_token_probs(t.model(), std::vector<int>(ex.context(i), ex.context(i) + 2))[std::size_t(ex.Y[i])]);
  EXPECT_NEAR(score_next_tokens(t.model(), ex, &own).mixture_loss, s.loss, 1e-5);
  const NextTokenScores m = score_next_tokens(t.model(), ex, &sure);
  EXPECT_LE(m.mixture_loss, std::log(2.0) + 1e-12);
  EXPECT_NEAR(m.mixture_perplexity, std::exp(m.mixture_loss), 1e-9);
}

}  // namespace
}  // namespace ev
