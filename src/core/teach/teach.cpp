// teach.cpp: neighbours, distance matrices, model facts, the toy lesson, presets.
#include "core/teach/teach.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/base/error.h"
#include "core/teach/onehot.h"

namespace ev {

std::vector<Neighbour> nearest(const TableRef& C, int id, int k, Metric metric) {
  const int V = int(C.rows());
  if (id < 0 || id >= V)
    throw Error("token id " + std::to_string(id) + " is out of range; the vocabulary has " + std::to_string(V) +
                " tokens");
  const Eigen::RowVectorXd q = C.row(id).cast<double>();  // (d)
  const double qn = q.norm();
  std::vector<Neighbour> all;
  all.reserve(std::size_t(V));
  for (int v = 0; v < V; ++v) {
    if (v == id) continue;
    const Eigen::RowVectorXd r = C.row(v).cast<double>();  // (d)
    double value;
    if (metric == Metric::Euclidean) {
      value = (r - q).norm();
    } else {
      const double den = qn * r.norm();
      value = den > 0 ? r.dot(q) / den : 0.0;
    }
    all.push_back({v, value});
  }
  auto closer = [metric](const Neighbour& a, const Neighbour& b) {
    if (a.value != b.value) return metric == Metric::Euclidean ? a.value < b.value : a.value > b.value;
    return a.id < b.id;
  };
  const std::size_t n = std::min(all.size(), std::size_t(std::max(k, 0)));
  std::partial_sort(all.begin(), all.begin() + std::ptrdiff_t(n), all.end(), closer);
  all.resize(n);
  return all;
}

Mat<float> onehot_distances(int vocab) {
  Mat<float> D = Mat<float>::Constant(vocab, vocab, float(std::sqrt(2.0)));  // (V, V)
  D.diagonal().setZero();
  return D;
}

Mat<float> embedding_distances(const TableRef& C) {
  const Mat<double> X = C.cast<double>();  // (V, d)
  const Eigen::Index V = X.rows();
  Mat<float> D(V, V);  // (V, V)
  for (Eigen::Index i = 0; i < V; ++i) {
    D(i, i) = 0.0f;
    for (Eigen::Index j = i + 1; j < V; ++j) D(i, j) = D(j, i) = float((X.row(i) - X.row(j)).norm());
  }
  return D;
}

double ngram_table_log10(double vocab, int tokens) { return double(tokens) * std::log10(vocab); }

ToyLesson toy_lesson() {
  ToyLesson L;
  const Dataset d = toy_lesson_dataset(0);
  L.tokens = d.vocab.tokens();  // . @ a b c
  L.C.resize(5, 2);  // (5, 2) row i = token id i
  L.C << -0.20f, 0.40f,  // '.'
      0.10f, -0.20f,     // '@'
      0.00f, 0.30f,      // 'a'
      -0.40f, 0.20f,     // 'b'
      0.50f, -0.10f;     // 'c'
  L.context_ids = {d.vocab.id("@"), d.vocab.id("a"), d.vocab.id("b")};  // [1, 2, 3]
  L.rows = embed_by_lookup(L.context_ids, L.C);            // (3, 2) C[[1, 2, 3]]
  L.onehot = onehot(L.context_ids, 5);                      // (3, 5)
  L.rows_by_matmul = embed_by_matmul(L.context_ids, L.C);  // (3, 2) = (3, 5)(5, 2)
  // .view(-1): row-major storage makes the concatenation a reshape.
  L.concat = Eigen::Map<const Vec<float>>(L.rows.data(), 6);                     // (6)
  L.concat_by_matmul = Eigen::Map<const Vec<float>>(L.rows_by_matmul.data(), 6);  // (6)
  return L;
}

bool load_toy_lesson_table(Model<float>& m) {
  if (m.spec.vocab != 5 || m.spec.emb != 2) return false;
  // The token table, whatever the family calls it; a table of the lesson's shape.
  const std::vector<std::string> tables = family(m.spec.family).embeddings(m.spec);
  if (tables.empty() || m.p(tables.front()).rows() != 5 || m.p(tables.front()).cols() != 2) return false;
  m.p(tables.front()) = toy_lesson().C;  // (5, 2)
  return true;
}

std::vector<Preset> presets() {
  std::vector<Preset> out;
  {
    Preset p{"2-D embeddings", TrainConfig{}, 30000, false, ""};
    p.config.emb = 2;
    p.config.hidden = 100;
    p.config.lr_decay_step = 20000;
    p.what_to_watch =
        "Each token is a point in the plane: what you see is C itself, no projection. Watch tokens that behave "
        "alike drift together (on names, the vowels a e i o u form a group) and the boundary '.' move away from "
        "the letters.";
    out.push_back(p);
  }
  {
    Preset p{"the lecture run", TrainConfig{}, 200000, false, ""};
    p.config.emb = 10;
    p.config.hidden = 200;
    p.config.lr = 0.1;
    p.config.lr_decay_step = 100000;
    p.config.lr_decay = 0.1;
    p.what_to_watch =
        "The makemore lecture's run: 10-D embeddings, 200 hidden neurons, 200k steps, learning rate 0.1 then "
        "0.01 from step 100k. Watch the loss fall fast, flatten, then step down again when the rate drops; the "
        "gap between training and validation loss shows whether the model only memorises.";
    out.push_back(p);
  }
  {
    Preset p{"toy lesson", TrainConfig{}, 3000, true, ""};
    p.config.emb = 2;
    p.config.hidden = 16;
    p.config.batch = 16;
    p.config.lr = 0.3;
    p.config.lr_decay_step = 2000;
    p.what_to_watch =
        "Five tokens, two numbers each. First follow one lookup: the context @ a b becomes ids, rows of C and one "
        "6-vector, and one-hot times C gives the same numbers. Then press Step: only the rows of tokens in the "
        "batch move. With training, a, b and c separate, because each is followed by a different letter.";
    out.push_back(p);
  }
  {
    Preset p{"words", TrainConfig{}, 6000, false, ""};
    p.word_data = true;
    p.config.val_every = 1;  // any period: the word defaults set theirs
    apply_defaults(p.config, true, [](const char*) { return false; });
    p.config.lr_linear_steps = p.steps;
    p.what_to_watch =
        "Bengio et al.'s word model on WordNet's glosses, 17,000 words of 30 numbers each, in about five minutes. "
        "Each word is a point coloured by its part of speech. Watch the curve under the loss: the share of each "
        "word's nearest neighbours that share its part of speech, and of words like dog, red or three that share "
        "their group, climbing far above its dashed chance line. Search a word (red, dog, father) to see who its "
        "neighbours have become.";
    out.push_back(p);
  }
  return out;
}

}  // namespace ev
