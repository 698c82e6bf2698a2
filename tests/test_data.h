// test_data.h: the set-up tests share: small synthetic data sets (so tests
// run without the names file), model specs and hand-made snapshots.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/train/config.h"
#include "core/data/dataset.h"
#include "core/models/model.h"
#include "core/base/rng.h"
#include "core/live/snapshot.h"

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

// synthetic_names() as a data file's text, one a line.
inline std::string synthetic_names_text(int n, std::uint64_t seed = 7) {
  std::string text;
  for (const std::string& w : synthetic_names(n, seed)) text += w + "\n";
  return text;
}

inline std::shared_ptr<const Dataset> synthetic_dataset(int n = 200, std::uint64_t seed = 7) {
  return std::make_shared<const Dataset>(make_dataset(synthetic_names(n), Tokenizer::Char, seed, "synthetic names"));
}

// A few names whose vocabulary is the whole alphabet (27 tokens with '.').
inline std::shared_ptr<const Dataset> alphabet_dataset() {
  std::vector<std::string> items;
  for (const char* w : {"abcdefghijklm", "nopqrstuvwxyz", "emma", "olivia", "ava", "isabella", "sophia", "mia",
                        "charlotte", "amelia", "harper", "evelyn"})
    items.push_back(w);
  return std::make_shared<const Dataset>(make_dataset(items, Tokenizer::Char, 1, "test"));
}

// The makemore names data set beside the project (tests/CMakeLists.txt sets
// EMBEDVIZ_NAMES): tests that need it skip cleanly where it is absent.
#ifdef EMBEDVIZ_NAMES
inline const char* names_path() { return EMBEDVIZ_NAMES; }
inline bool have_names() { return std::filesystem::exists(names_path()); }
// The names data split with `split_seed`; nullptr when the file is absent.
inline std::shared_ptr<const Dataset> names_dataset(std::uint64_t split_seed = 42) {
  if (!have_names()) return nullptr;
  return std::make_shared<const Dataset>(load_dataset(names_path(), Tokenizer::Char, split_seed));
}
// In a test body: skips the test when the names data is absent.
#define EV_SKIP_WITHOUT_NAMES() \
  if (!::ev::testdata::have_names()) GTEST_SKIP() << "no names data at " << ::ev::testdata::names_path()
#endif

// A model small enough to train in milliseconds: emb 4, hidden 16, batch 8
// unless given (everything else the defaults).
inline TrainConfig small_config(int emb = 4, int hidden = 16, int batch = 8) {
  TrainConfig c;
  c.emb = emb;
  c.hidden = hidden;
  c.batch = batch;
  return c;
}

// A batch over the rows X (B x block) and targets Y (B), which must outlive it.
inline Batch batch_of(const std::vector<std::int32_t>& X, const std::vector<std::int32_t>& Y, int block) {
  Batch b;
  b.B = int(Y.size());
  b.in = block;
  b.X = X.data();
  b.Y = Y.data();
  return b;
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
