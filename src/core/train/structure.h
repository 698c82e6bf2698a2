// structure.h: whether an embedding table means anything, as a number. For a
// set of query tokens, the share of each one's k nearest neighbours (cosine
// over all dimensions, among a set of candidates) that carry its label:
// a random table scores the chance rate, a table that has learned scores
// above it. The labels come from the data, never from the model:
//   words: the part of speech (WordNet), and a probe of word groups
//          (animals, colours, numbers, body parts, kin, materials);
//   characters: vowels against consonants.
// Bengio et al. (2003) promise that similar words get similar vectors; these
// say how far a table has got.
#pragma once

#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/models/params.h"

namespace ev {

struct NeighbourProbe {
  std::string name;                 // "part of speech", "word groups", "vowels"
  std::vector<int> queries;         // token ids whose neighbours are read
  std::vector<int> candidates;      // token ids a neighbour may be (queries among them)
  std::vector<int> label;           // (V) each token's label, -1 for none
  int k = 5;                        // neighbours per query
  double chance = 0;                // the share a table of random vectors scores on average
  bool empty() const { return queries.empty(); }
};

// The probes a data set supports, in order: for words, parts of speech (the
// 1,000 most frequent words with one part of speech, their neighbours among
// the 5,000 most frequent such words) and the word groups (those of the 60
// words the vocabulary holds, neighbours among each other); for characters,
// vowels and consonants (the letters a-z the vocabulary holds). Probes with
// too few tokens to mean anything are left out.
std::vector<NeighbourProbe> structure_probes(const Dataset& data);

// The share of the queries' k nearest candidates (cosine, the query itself
// excluded) that share its label; table is (V, d).
double neighbour_share(const ConstMatMap<float>& table, const NeighbourProbe& probe);

// A probe's column in a loss CSV: "share_" and its name, spaces as '_'.
std::string share_column(const std::string& probe_name);

// The word groups of the probe, for people: each group's name and its words.
struct WordGroup {
  const char* name;
  std::vector<const char*> words;
};
const std::vector<WordGroup>& probe_word_groups();

}  // namespace ev
