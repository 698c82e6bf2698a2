// dataset.h: a training corpus as token ids, its 80/10/10 split, and the
// (context -> next token) examples a model of a given block size trains on.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/vocab.h"
#include "core/data/wordnet.h"  // WordClass

namespace ev {

enum class Split { Train, Val, Test };
const char* split_name(Split s);

struct Dataset {
  std::string source;                  // file path, or a description of built-in data
  Tokenizer tokenizer = Tokenizer::Char;  // how lines became tokens
  Vocab vocab;                         // token 0 is the boundary '.'
  std::vector<std::vector<int>> items; // every item as token ids, in shuffled order
  std::size_t n_train = 0;             // items[0, n_train) are the training split
  std::size_t n_val = 0;               // the next n_val are validation, the rest test
  std::uint64_t checksum = 0;          // FNV-1a of the items' text, to recognise the data again
  std::uint64_t split_seed = 0;        // the seed the items were shuffled and split with
  std::size_t boundary_chars = 0;      // '.' tokens in the text, read as the boundary token
  std::size_t n_tokens = 0;            // tokens in all items, boundaries not counted
  int max_vocab = 0;                   // word data: the vocabulary's size limit (0: characters, no limit)
  std::vector<std::uint32_t> counts;   // (V) each token's occurrences in the training split
  std::size_t train_tokens = 0;        // running tokens of the training split, boundaries not counted
  std::size_t train_unknown = 0;       // of which the vocabulary left out (read as <unk>)
  std::size_t train_types = 0;         // distinct tokens of the training split before any were left out
  std::vector<WordClass> classes;      // (V) word data from WordNet: each word's parts of speech; else empty
  std::size_t lossy_lines = 0;         // word data: lines with characters no word holds (emoji, ©, ½)
  std::size_t first_lossy_line = 0;    // the first of them (1-based; 0: none)
  std::string lost_sample;             // what that line lost, up to a few characters
  std::size_t wordless_lines = 0;      // word data: lines without a word, left out
  std::size_t first_wordless_line = 0; // the first of them (1-based; 0: none)

  // Share of the training split's running tokens the vocabulary covers (1 for characters).
  double coverage() const { return train_tokens ? 1.0 - double(train_unknown) / double(train_tokens) : 1.0; }

  std::size_t n_test() const { return items.size() - n_train - n_val; }
  // Items of one split: [begin, end) indices into `items`.
  std::pair<std::size_t, std::size_t> range(Split s) const;
};

// Bytes a data set holds in memory: its token ids, one small vector per item
// (with the slack of growing the list of them) and its vocabulary. Counted in
// the memory estimate (config.h) and checked while a file is read.
double dataset_bytes(std::size_t items, std::size_t tokens, std::size_t vocab, std::size_t vocab_text_bytes);
double dataset_bytes(const Dataset& d);

// A one-line note when the text holds '.' tokens, which are read as the
// boundary token (makemore's convention), when lines lost characters no word
// holds or held no word at all, and when the validation split is too small
// for its loss to mean much; "" when none of these.
constexpr std::size_t kFewValidationItems = 20;
std::string boundary_note(const Dataset& d);

// Builds a data set from item texts: tokenizes, shuffles with `seed`, splits
// 80/10/10 and builds the vocabulary. Characters: every distinct one, sorted.
// Words: the boundary, <unk> and the max_vocab - 2 words most frequent in the
// training split (ties by their bytes), sorted; other words become <unk>.
// Throws ev::Error when there are fewer than 10 items (each split needs at
// least one) or, for words, when max_vocab is under 3.
Dataset make_dataset(const std::vector<std::string>& items, Tokenizer tokenizer, std::uint64_t seed,
                     std::string source, int max_vocab = kDefaultWordVocab);

// Reads a UTF-8 text file with one item per line (see text.h for the rules),
// as a stream: pipes work, and only token ids are kept. Refuses (ev::Error)
// as soon as the data alone would need more memory than Limits::kMaxBytes.
Dataset load_dataset(const std::string& path, Tokenizer tokenizer, std::uint64_t seed,
                     int max_vocab = kDefaultWordVocab);

// The default data: the system word list lowercased, letters a-z only, duplicates removed.
constexpr const char* kDefaultWordList = "/usr/share/dict/words";
std::vector<std::string> default_words(const std::string& path = kDefaultWordList);

// The rows a model trains on: inputs X (N, in) and targets Y (N, out), token
// ids, row-major; a target of -1 is padding. The MLP's rows are its (context
// -> next token) pairs: every position of every item of a split, with the
// `block` previous tokens as context, padded with the boundary token (out = 1).
struct Examples {
  int in = 0;   // ids per input row
  int out = 1;  // targets per row
  std::vector<std::int32_t> X;  // (N, in)
  std::vector<std::int32_t> Y;  // (N, out)
  std::size_t size() const { return out > 0 ? Y.size() / std::size_t(out) : 0; }
  const std::int32_t* context(std::size_t i) const { return X.data() + i * std::size_t(in); }
  const std::int32_t* targets(std::size_t i) const { return Y.data() + i * std::size_t(out); }
  // The first n rows (all, when there are fewer).
  Examples head(std::size_t n) const {
    n = std::min(n, size());
    return {in, out, std::vector<std::int32_t>(X.begin(), X.begin() + std::ptrdiff_t(n * std::size_t(in))),
            std::vector<std::int32_t>(Y.begin(), Y.begin() + std::ptrdiff_t(n * std::size_t(out)))};
  }
};

Examples build_examples(const Dataset& data, Split split, int block);

// Appends one item's examples: contexts of its tokens and of the closing boundary.
void append_examples(const std::vector<int>& item, int block, Examples* out);

// FNV-1a 64-bit hash, used for data checksums.
std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h = 0xcbf29ce484222325ull);

}  // namespace ev
