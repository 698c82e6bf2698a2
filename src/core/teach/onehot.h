// onehot.h: the product's central identity. Multiplying one-hot rows by the
// embedding table C is the same as looking up rows of C by index, and the
// gradient that flows into C is the same along both paths.
#pragma once

#include <vector>

#include "core/models/model.h"

namespace ev {

// (n, V) rows with a single 1 at each id.
Mat<float> onehot(const std::vector<int>& ids, int vocab);

// Path 1: onehot(ids) * C, a (n, V)(V, d) matrix product.
Mat<float> embed_by_matmul(const std::vector<int>& ids, const Mat<float>& C);

// Path 2: C[ids], copying rows.
Mat<float> embed_by_lookup(const std::vector<int>& ids, const Mat<float>& C);

// Gradient into C given the upstream gradient dE (n, d) of the embeddings:
// by the matmul rule, onehot(ids)^T dE ...
Mat<float> grad_by_matmul(const std::vector<int>& ids, const Mat<float>& dE, int vocab);
// ... and by scatter-add of dE's rows into the looked-up rows.
Mat<float> grad_by_lookup(const std::vector<int>& ids, const Mat<float>& dE, int vocab);

// The work each path does, for the UI's cost comparison.
struct EmbedCost {
  double multiply_adds;  // n * V * d for the product
  double copies;         // n * d for the lookup
};
EmbedCost embed_cost(int n, int vocab, int d);

}  // namespace ev
