// sample.h: drawing new items from a trained model, the makemore lectures'
// "sample from the model": feed the boundary token, draw the next token from
// the softmax, feed it back, until the boundary comes out again.
#pragma once

#include <vector>

#include "core/base/rng.h"
#include "core/models/model.h"

namespace ev {

// Samples one new item: starts from the boundary token and draws tokens from
// softmax(logits / temperature) until the boundary (or max_len).
std::vector<int> sample_item(const Model<float>& m, Rng& rng, double temperature, int max_len = 64);

}  // namespace ev
