// vocab.cpp: vocabulary construction and tokenizers.
#include "core/data/vocab.h"

#include <algorithm>
#include <set>

#include "core/base/text.h"
#include "core/base/unicode.h"

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

void split_words(std::string_view line, std::vector<std::string>* out) {
  std::string w;
  for (std::size_t pos = 0; next_word(line, &pos, &w);) out->push_back(w);
}

bool next_word(std::string_view s, std::size_t* pos, std::string* word, std::string* lost) {
  constexpr char32_t kRightQuote = 0x2019;  // the typographic apostrophe
  const std::size_t n = s.size();
  std::size_t i = *pos, len = 0;
  word->clear();
  // To the first letter or digit; what no word holds is noted on the way.
  char32_t c = 0;
  CharClass k = CharClass::Separator;
  for (; i < n; i += len) {
    c = decode_utf8(s, i, &len);
    k = char_class(c);
    if (k == CharClass::Letter || k == CharClass::Digit) break;
    if (k == CharClass::Other && lost) lost->append(s.substr(i, len));
  }
  if (i >= n) {
    *pos = n;
    return false;
  }
  if (k == CharClass::Digit) {  // a run of digits of one script or another, as written
    const std::size_t b = i;
    while (i < n && char_class(decode_utf8(s, i, &len)) == CharClass::Digit) i += len;
    word->assign(s.substr(b, i - b));
  } else if (is_ideograph(c)) {  // written without spaces: each ideograph is a word
    append_utf8(word, c);
    i += len;
  } else {
    while (i < n) {
      c = decode_utf8(s, i, &len);
      k = char_class(c);
      if (k == CharClass::Letter && !is_ideograph(c)) {
        append_utf8(word, to_lower(c));
      } else if (k == CharClass::Ignored) {
        // a joiner inside a word: left out, the word goes on
      } else if (c == '\'' || c == kRightQuote) {
        std::size_t next = 0;
        const bool letter_next = i + len < n && char_class(decode_utf8(s, i + len, &next)) == CharClass::Letter;
        if (!letter_next) break;
        word->push_back('\'');
      } else {
        break;
      }
      i += len;
    }
  }
  *pos = i;
  return true;
}

}  // namespace ev
