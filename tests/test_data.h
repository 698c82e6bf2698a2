// test_data.h: a small synthetic data set the teaching tests share, so they
// run without the names file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/dataset.h"
#include "core/models/model.h"
#include "core/rng.h"
#include "core/snapshot.h"

namespace ev::testdata {

// `n` short pseudo-names built from syllables, fixed by `seed`.
inline std::vector<std::string> synthetic_names(int n, std::uint64_t seed = 7) {
  static const char* syllables[] = {"an", "na", "el", "li", "mo", "ra", "sa", "ta", "ke", "vi", "jo", "ha"};
  Rng rng(seed);
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string s;
    const int parts = 1 + int(rng.below(3));
    for (int p = 0; p < parts; ++p) s += syllables[rng.below(12)];
    out.push_back(s);
  }
  return out;
}

inline std::shared_ptr<const Dataset> synthetic_dataset(int n = 200, std::uint64_t seed = 7) {
  return std::make_shared<const Dataset>(make_dataset(synthetic_names(n), Tokenizer::Char, seed, "synthetic names"));
}

// An MLP spec of the given sizes.
inline ModelSpec mlp_spec(int vocab, int block, int emb, int hidden) {
  ModelSpec s;
  s.vocab = vocab;
  s.block = block;
  s.emb = emb;
  s.hidden = hidden;
  return s;
}

// A small MLP run's hyperparameters, the others at their defaults.
inline TrainConfig mlp_config(int block, int emb, int hidden, int batch, std::uint64_t seed = 42) {
  TrainConfig c;
  c.block = block;
  c.emb = emb;
  c.hidden = hidden;
  c.batch = batch;
  c.seed = seed;
  return c;
}

// Gives a hand-made snapshot a model, as a run's snapshot has one: its spec,
// table, a copy of its parameters and its embedding tables.
inline void set_model(Snapshot& s, const Model<float>& m) {
  s.spec = m.spec;
  s.table = m.table;
  auto tables = std::make_shared<std::vector<NamedTable>>();
  for (const TensorInfo& t : m.table.tensors())
    if (t.embedding) tables->push_back({t.name, Mat<float>(m.p(t.name))});
  s.embeddings = tables;
  auto copy = std::make_shared<Model<float>>(m);
  copy->grads.clear();
  s.model = copy;
  s.model_step = s.step;
}

// The token table of a hand-made snapshot, writable (the tests own it).
inline Mat<float>& table_of(Snapshot& s) { return const_cast<Mat<float>&>(s.C()); }

// The commands that change a model's size.
inline ModelSpec resized(ModelSpec s, int block, int emb, int hidden) {
  s.block = block;
  s.emb = emb;
  s.hidden = hidden;
  return s;
}

}  // namespace ev::testdata
