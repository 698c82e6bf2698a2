// vocab.h: the list of tokens a model knows, and how text becomes token ids.
// A token is a string (a character for makemore, a word for Bengio's model), so
// word-level vocabularies plug in without changing anything downstream.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ev {

enum class Tokenizer {
  Char,  // one token per Unicode code point (makemore)
  Word,  // one token per word of prose, lowercased, digit runs apart (Bengio et al. 2003)
};

// Vocabulary size of word data by default: Bengio et al. (2003) kept about
// 17,000 words of their corpora; the rest became one unknown-word token.
constexpr int kDefaultWordVocab = 17000;

const char* tokenizer_name(Tokenizer t);

class Vocab {
 public:
  static constexpr int kBoundary = 0;            // id of the boundary token
  static constexpr const char* kBoundaryText = ".";  // marks the start and end of every item
  static constexpr const char* kUnknownText = "<unk>";  // stands for the words a word vocabulary left out

  Vocab() = default;
  // Token 0 is the boundary; the others are the distinct tokens given, sorted
  // by their UTF-8 bytes (code point order), as makemore does.
  explicit Vocab(std::vector<std::string> tokens);

  int size() const { return int(tokens_.size()); }
  const std::string& token(int id) const { return tokens_[std::size_t(id)]; }
  const std::vector<std::string>& tokens() const { return tokens_; }
  // -1 when the token is unknown.
  int id(std::string_view token) const;

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int> index_;
};

// Splits one item (a line) into token strings with the given tokenizer.
// The text must be valid UTF-8.
std::vector<std::string> tokenize(std::string_view item, Tokenizer t);

// Appends the words of a line of prose to *out: runs of letters of any script
// (Unicode's letters and the marks on them), lowercased, with apostrophes kept
// between two letters ("don't", the typographic U+2019 read as "'"); runs of
// digits as tokens of their own; each CJK ideograph a word of its own (those
// scripts put no spaces between words). Punctuation, white space and ASCII's
// symbols separate words; other symbols (emoji, ©, ½) are held by no word.
void split_words(std::string_view line, std::vector<std::string>* out);
// The same one word at a time: the next word at or after *pos into *word
// (its buffer reused), *pos moved past it; false when no word is left. With
// `lost`, the characters no word holds are appended to it.
bool next_word(std::string_view line, std::size_t* pos, std::string* word, std::string* lost = nullptr);

}  // namespace ev
