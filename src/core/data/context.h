// context.h: a typed context turned into the ids a model reads: the last
// `block` tokens of the text, padded on the left with the boundary token as
// makemore does (Karpathy's makemore lecture 2: every name starts from a
// context of '.'). Used wherever a person types a context (the one-hot view,
// sampling's next-token readout).
#pragma once

#include <string>
#include <vector>

#include "core/data/dataset.h"

namespace ev {

struct ParsedContext {
  std::vector<int> ids;  // (block)
  std::string error;     // one line when a token is not in the vocabulary or the text is not valid UTF-8
};

ParsedContext parse_context(const std::string& text, const Dataset& data, int block);

}  // namespace ev
