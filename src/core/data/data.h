// data.h: what a run trains on, described apart from the run: where the text
// comes from, how it becomes tokens, and the seed of its split. Kept in
// sessions, so a resumed run splits its data exactly as the original did
// whatever its initialisation seed has become since. Several runs share one
// loaded data set (a shared_ptr to an immutable Dataset).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/data/dataset.h"

namespace ev {

struct DataSpec {
  std::string source;                     // a file path, or a built-in data set's name (below)
  Tokenizer tokenizer = Tokenizer::Char;  // how its lines become tokens
  std::uint64_t split_seed = 42;          // shuffles the items before the 80/10/10 split
  int max_vocab = kDefaultWordVocab;      // word data: the vocabulary's size, <unk> and the boundary included
};

// The built-in data sets, named by their source:
// the system word list (kDefaultWordList), lowercased, a-z only, no duplicates;
std::string default_words_source();
// the glosses of WordNet 3.0 (wordnet.h), one per item, the default prose;
std::string wordnet_source();
// and the toy lesson's four-token text (teach.h, kToyLessonSource).

// The default data: the system word list, character tokens.
DataSpec default_data(std::uint64_t split_seed = 42);
// The default word data: WordNet's glosses, word tokens, kDefaultWordVocab of them.
DataSpec default_word_data(std::uint64_t split_seed = 42);

// Loads what a spec describes: a built-in data set by its name, else the file.
// Word data get their WordNet classes when WordNet is installed (required for
// WordNet's own glosses). Throws ev::Error with one line naming the problem.
std::shared_ptr<const Dataset> load_data(const DataSpec& spec);

// The spec that loads `d` again.
DataSpec spec_of(const Dataset& d);

// ---- the toy lesson's data ------------------------------------------------

// The tiny data set the toy lesson trains on: items over @ a b c written by a
// fixed rule (each starts with '@'; a is followed by b, b by c, c by a or the
// end), so there is structure for 2-D embeddings to find.
std::vector<std::string> toy_lesson_items();
constexpr const char* kToyLessonSource = "built-in toy lesson (@ a b c)";
// toy_lesson_items() as a Dataset (char tokens), shuffled and split with `seed`.
Dataset toy_lesson_dataset(std::uint64_t seed);

}  // namespace ev
