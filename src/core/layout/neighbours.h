// neighbours.h: every row's k nearest rows of a table, exactly, for the
// neighbour maps (t-SNE, UMAP) and the view's "true neighbours". At 17,000
// rows × 30 dimensions the exact search is a sequence of row-block matrix
// products (about a second on two cores), so no approximate index is needed.
#pragma once

#include <atomic>
#include <vector>

#include "core/models/params.h"

namespace ev {

enum class Metric {
  Cosine,     // 1 - cos(a, b): direction only, as word vectors are compared
  Euclidean,  // |a - b|
};

// (n, k) neighbour ids and distances, nearest first. A row that is not finite,
// or has fewer than k others to choose from, has -1 ids (distance +inf) at the end.
struct KnnGraph {
  int n = 0, k = 0;
  Metric metric = Metric::Cosine;
  std::vector<int> ids;          // (n, k)
  std::vector<float> distances;  // (n, k)
  int id(int i, int j) const { return ids[std::size_t(i) * std::size_t(k) + std::size_t(j)]; }
  float distance(int i, int j) const { return distances[std::size_t(i) * std::size_t(k) + std::size_t(j)]; }
};

// The k nearest other rows of each row of X (n, d), by `metric`; ties go to
// the lower id, so the result is the same on any number of threads. Rows that
// are not finite neither have nor are neighbours; a zero row under Cosine is at
// distance 1 from everything. Returns false (graph unfinished) if *cancel
// became true.
bool exact_neighbours(const Mat<float>& X, int k, Metric metric, KnnGraph* out, int threads = 1,
                      const std::atomic<bool>* cancel = nullptr);

}  // namespace ev
