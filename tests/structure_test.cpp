// structure_test: the neighbour shares (core/structure.h): a random table
// scores near the chance rate, a table whose rows follow their labels scores
// near 1, and the probes a data set supports.
#include <gtest/gtest.h>

#include "core/base/rng.h"
#include "core/train/structure.h"
#include "core/train/trainer.h"

using namespace ev;

namespace {

// 600 tokens in 3 labels; candidates all, queries the first 300.
NeighbourProbe three_labels() {
  NeighbourProbe p;
  p.name = "test";
  for (int i = 0; i < 600; ++i) {
    p.label.push_back(i % 3);
    p.candidates.push_back(i);
    if (i < 300) p.queries.push_back(i);
  }
  return p;
}

}  // namespace

TEST(Structure, RandomVectorsScoreChanceAndLabelledOnesScoreHigh) {
  NeighbourProbe p = three_labels();
  Mat<float> table(600, 16);
  Rng rng(3);
  for (Eigen::Index i = 0; i < table.size(); ++i) table.data()[i] = float(rng.normal());
  const double random = neighbour_share(ConstMatMap<float>(table.data(), 600, 16), p);
  EXPECT_NEAR(random, 199.0 / 599.0, 0.05);  // chance: the other tokens of one's label
  // Rows pulled towards one direction per label: neighbours share it.
  for (int i = 0; i < 600; ++i) table(i, i % 3) += 4.0f;
  EXPECT_GT(neighbour_share(ConstMatMap<float>(table.data(), 600, 16), p), 0.95);
}

TEST(Structure, ATokenIsNotItsOwnNeighbour) {
  NeighbourProbe p;
  p.k = 1;
  p.label = {0, 0, 1, 1};
  p.queries = p.candidates = {0, 1, 2, 3};
  // Tokens 0 and 2 point one way, 1 and 3 another: each one's nearest other token has the other label.
  Mat<float> t(4, 2);
  t << 1, 0, 0, 1, 1, 0.01f, 0.01f, 1;
  EXPECT_EQ(neighbour_share(ConstMatMap<float>(t.data(), 4, 2), p), 0.0);
  t << 1, 0, 1, 0.01f, 0, 1, 0.01f, 1;
  EXPECT_EQ(neighbour_share(ConstMatMap<float>(t.data(), 4, 2), p), 1.0);
}

TEST(Structure, CharactersAreProbedByVowels) {
  std::vector<std::string> names;
  for (const char* n : {"anna", "bob", "emma", "olivia", "liam", "noah", "ava", "mia", "zoe", "luke", "jack", "ivy",
                        "quinn", "xander", "wyatt", "finn", "grace", "hazel", "ruby", "theo"})
    names.push_back(n);
  const Dataset d = make_dataset(names, Tokenizer::Char, 1, "names");
  const std::vector<NeighbourProbe> probes = structure_probes(d);
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].name, "vowels");
  EXPECT_GE(probes[0].queries.size(), 20u);
  EXPECT_GT(probes[0].chance, 0.5);  // most letters are consonants
  EXPECT_LT(probes[0].chance, 0.8);
  EXPECT_EQ(share_column(probes[0].name), "share_vowels");
}

TEST(Structure, WordsAreProbedByGroups) {
  std::vector<std::string> lines;
  for (const auto& g : probe_word_groups())
    for (int i = 0; i < 4; ++i) {
      std::string line = "the";
      for (const char* w : g.words) line += std::string(" ") + w;
      lines.push_back(line);
    }
  const Dataset d = make_dataset(lines, Tokenizer::Word, 1, "groups", 1000);
  const std::vector<NeighbourProbe> probes = structure_probes(d);
  ASSERT_FALSE(probes.empty());
  const NeighbourProbe& groups = probes.back();
  EXPECT_EQ(groups.name, "word groups");
  EXPECT_EQ(groups.queries.size(), 60u);
  EXPECT_NEAR(groups.chance, 9.0 / 59.0, 1e-12);
  // A trainer records one share per probe with each validation loss.
  TrainConfig c;
  c.emb = 4, c.hidden = 8;
  Trainer t(std::make_shared<const Dataset>(d), c);
  t.record_val();
  t.record_val();
  ASSERT_EQ(t.history().shares.size(), probes.size());
  EXPECT_EQ(t.history().shares.back().size(), 2u);
}
