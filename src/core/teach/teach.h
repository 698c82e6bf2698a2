// teach.h: small pure functions behind the teaching panels: nearest
// neighbours, distance matrices (one-hot versus learned), parameter counts,
// the size of the n-gram table a neural model replaces, the built-in toy
// lesson (the embedding lookup of Karpathy's makemore lecture 2, worked by
// hand on five tokens) and the lesson presets.
// Everything takes plain tables (a Snapshot's C(), a Model's p("C")) so a panel
// can call it on the frame's snapshot. Not for: drawing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/data.h"
#include "core/train/config.h"
#include "core/data/dataset.h"
#include "core/layout/neighbours.h"
#include "core/models/model.h"

namespace ev {

// ---- nearest neighbours ----------------------------------------------------

// Metric (layout/neighbours.h): Cosine compares by cosine similarity here
// (larger is closer), Euclidean by distance (smaller is closer).

struct Neighbour {
  int id;        // token id (a row of C)
  double value;  // cosine similarity or Euclidean distance to the query row
};

// The k rows of C closest to row `id` (itself excluded), closest first; ties
// go to the smaller id. A zero row has cosine 0 with everything.
std::vector<Neighbour> nearest(const TableRef& C, int id, int k, Metric metric);

// ---- distance matrices -----------------------------------------------------

// (V, V) Euclidean distances between one-hot codes: 0 on the diagonal, sqrt(2)
// everywhere else: every token is equally far from every other.
Mat<float> onehot_distances(int vocab);

// (V, V) Euclidean distances between the rows of C, computed in double.
Mat<float> embedding_distances(const TableRef& C);

// ---- model facts -----------------------------------------------------------

// log10 of the number of entries in a table of every sequence of `tokens`
// tokens over a vocabulary of `vocab`: tokens * log10(vocab). A model with a
// context of `block` needs tokens = block + 1 (the context and the next token).
double ngram_table_log10(double vocab, int tokens);

// Bengio et al. (2003), section 1: a joint distribution of 10 consecutive
// words over a vocabulary of 100,000 has 100000^10 - 1 = 10^50 - 1 free
// parameters.
constexpr double kBengioVocab = 100000;
constexpr int kBengioWords = 10;
// The Oxford English Dictionary (2nd edition, 1989) has 291,500 entries: a
// table of every 10 of them in a row would have 291500^10, about 10^55, cells.
constexpr double kOedEntries = 291500;

// ---- the toy lesson --------------------------------------------------------

// An embedding lookup small enough to follow by hand, numbered as the live
// model numbers it (ev::Vocab: the boundary '.' first, the rest sorted), so the
// numbers shown are the numbers the app trains from (see toy_lesson_table).
struct ToyLesson {
  std::vector<std::string> tokens;  // the vocabulary of toy_lesson_dataset(): . @ a b c
  Mat<float> C;                     // (5, 2) the lesson's table, row i = token id i
  std::vector<int> context_ids;     // the context @ a b as ids: [1, 2, 3]
  Mat<float> rows;                  // (3, 2) C[[1, 2, 3]], by index lookup
  Mat<float> onehot;                // (3, 5) the context as one-hot rows
  Mat<float> rows_by_matmul;        // (3, 2) onehot * C: the same numbers
  Vec<float> concat;                // (6) the rows concatenated: the MLP's input
  Vec<float> concat_by_matmul;      // (6) the same from the one-hot path
};
ToyLesson toy_lesson();

// Copies the lesson's C into a model of the lesson's shape (vocabulary 5,
// d = 2), so a run of the toy lesson starts from the table the lesson shows.
// Returns false (and changes nothing) for any other shape.
bool load_toy_lesson_table(Model<float>& m);

// ---- presets ---------------------------------------------------------------

struct Preset {
  std::string name;           // shown on the button
  TrainConfig config;         // the hyperparameters it sets
  std::int64_t steps;         // how long the lesson runs
  bool toy_data;              // train on toy_lesson_dataset() instead of the current data
  std::string what_to_watch;  // one short paragraph for the learner
  bool word_data = false;     // train on words (WordNet's glosses unless the current data is words already)
};

// "2-D embeddings", "the lecture run", "toy lesson", "words", in that order.
std::vector<Preset> presets();

}  // namespace ev
