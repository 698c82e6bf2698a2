// vocab.cpp: vocabulary construction and tokenizers.
#include "vocab.h"

#include <algorithm>
#include <set>

#include "text.h"

namespace ev {

const char* tokenizer_name(Tokenizer t) { return t == Tokenizer::Char ? "char" : "word"; }

Vocab::Vocab(std::vector<std::string> tokens) {
  std::set<std::string> distinct(tokens.begin(), tokens.end());
  distinct.erase(kBoundaryText);
  tokens_.reserve(distinct.size() + 1);
  tokens_.emplace_back(kBoundaryText);
  tokens_.insert(tokens_.end(), distinct.begin(), distinct.end());
  index_.reserve(tokens_.size());
  for (int i = 0; i < size(); ++i) index_.emplace(tokens_[std::size_t(i)], i);
}

int Vocab::id(std::string_view token) const {
  auto it = index_.find(std::string(token));
  return it == index_.end() ? -1 : it->second;
}

std::vector<std::string> tokenize(std::string_view item, Tokenizer t) {
  std::vector<std::string> out;
  if (t == Tokenizer::Char) {
    split_utf8(item, &out, nullptr);
    return out;
  }
  split_words(item, &out);
  return out;
}

namespace {
bool is_letter(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
}  // namespace

void split_words(std::string_view line, std::vector<std::string>* out) {
  std::string w;
  for (std::size_t pos = 0; next_word(line, &pos, &w);) out->push_back(w);
}

bool next_word(std::string_view s, std::size_t* pos, std::string* word) {
  constexpr std::string_view kRightQuote = "\xE2\x80\x99";  // U+2019, the typographic apostrophe
  const std::size_t n = s.size();
  auto at = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  std::size_t i = *pos;
  while (i < n && !is_digit(at(i)) && !is_letter(at(i))) ++i;
  word->clear();
  if (i < n && is_digit(at(i))) {
    const std::size_t b = i;
    while (i < n && is_digit(at(i))) ++i;
    word->assign(s.substr(b, i - b));
  } else {
    while (i < n) {
      if (is_letter(at(i))) {
        word->push_back(char(at(i) | 0x20));
        ++i;
      } else if (s[i] == '\'' && i + 1 < n && is_letter(at(i + 1))) {
        word->push_back('\'');
        ++i;
      } else if (s.compare(i, kRightQuote.size(), kRightQuote) == 0 && i + 3 < n && is_letter(at(i + 3))) {
        word->push_back('\'');
        i += 3;
      } else {
        break;
      }
    }
  }
  *pos = i;
  return !word->empty();
}

}  // namespace ev
