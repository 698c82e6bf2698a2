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
  std::size_t i = 0;
  while (i < item.size()) {
    while (i < item.size() && (item[i] == ' ' || item[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < item.size() && item[j] != ' ' && item[j] != '\t') ++j;
    if (j > i) out.emplace_back(item.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace ev
