// context.cpp: tokenised with the data set's own tokenizer, so a context
// reads the way the training items were read.
#include "core/data/context.h"

#include <algorithm>
#include <exception>

namespace ev {

ParsedContext parse_context(const std::string& text, const Dataset& data, int block) {
  ParsedContext out;
  std::vector<std::string> toks;
  try {
    toks = tokenize(text, data.tokenizer);
  } catch (const std::exception& e) {
    out.error = std::string("cannot read the context: ") + e.what();
    return out;
  }
  std::vector<int> ids;
  for (const std::string& t : toks) {
    const int id = data.vocab.id(t);
    if (id < 0) {
      out.error = "'" + t + "' is not in the vocabulary";
      return out;
    }
    ids.push_back(id);
  }
  // The last `block` tokens, padded with the boundary on the left.
  out.ids.assign(std::size_t(std::max(0, block)), Vocab::kBoundary);
  const std::size_t take = std::min(ids.size(), out.ids.size());
  std::copy(ids.end() - std::ptrdiff_t(take), ids.end(), out.ids.end() - std::ptrdiff_t(take));
  return out;
}

}  // namespace ev
