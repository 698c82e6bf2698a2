// pca.h: principal components of the embedding table, for the 2-D view.
// Successive calls keep their basis aligned with the previous one (no sign
// flips, no swapped components), so an animated projection does not jump.
#pragma once

#include <vector>

#include "core/models/model.h"

namespace ev {

struct Pca {
  Mat<double> components;         // (k, d): one unit-length principal axis per row, largest first
  std::vector<double> explained;  // (k) fraction of the total variance along each axis
  Vec<double> mean;               // (d) the mean row of the table
  // Projects rows of X (n, d) onto the components: (n, k).
  Mat<double> project(const Mat<double>& X) const;
};

// Top-k principal components of the rows of X (n, d), k <= d. When `previous`
// has the same shape, each new axis is matched to the previous axis it is most
// parallel to and its sign chosen to agree with it.
Pca pca(const Mat<double>& X, int k, const Pca* previous = nullptr);

}  // namespace ev
