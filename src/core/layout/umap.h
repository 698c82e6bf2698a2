// umap.h: uniform manifold approximation and projection (McInnes, Healy and
// Melville 2018) of the rows of a table into two dimensions.
//
// Built to run live beside training like Tsne: set_table() rebuilds the fuzzy
// neighbour graph from a newer table and keeps the current layout (warm
// start); run() continues the stochastic descent from where it was.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/layout/neighbours.h"
#include "core/models/params.h"

namespace ev {

struct UmapOptions {
  int neighbours = 15;         // size of each point's local neighbourhood: small keeps detail, large the big picture
  double min_dist = 0.1;       // how tightly points may pack in the map
  Metric metric = Metric::Cosine;  // the input space's distance
  int negative_samples = 5;    // repelling samples per attracting edge sample
  double learning_rate = 1.0;  // the first epoch's step; falls linearly over a cold start's epochs
  int epochs = 200;            // a cold start's schedule; warm epochs after it use learning_rate × warm_rate
  double warm_rate = 0.1;      // the step after the cold schedule, as a fraction of learning_rate
  std::uint64_t seed = 1;      // the cold start's jitter and the repelling samples
  int threads = 1;             // neighbour search and memberships (the descent is sequential)
};

class Umap {
 public:
  explicit Umap(const UmapOptions& o = {});

  // The fuzzy simplicial set of the rows of X (n, d): each row's k nearest
  // neighbours (neighbours.h), rho and sigma per row by bisection so the
  // memberships sum to log2(k), symmetrised by fuzzy union. With the same n as
  // the current layout the layout is kept; otherwise a cold start from the
  // table's two principal axes scaled to [-10, 10]. A warm start keeps the
  // epoch count, so an unfinished cold schedule carries on; a row that has
  // become finite starts at the mean of its neighbours. Rows that are not
  // finite stay NaN. Returns false if *cancel became true (the previous graph
  // and layout are kept).
  bool set_table(const Mat<float>& X, const std::atomic<bool>* cancel = nullptr);

  // set_table() in two moves, for a graph found on one thread while another
  // runs the descent: prepare() builds the next graph (and a cold start's
  // positions) aside, touching nothing that run() or adopt() use; adopt()
  // then puts it in place as set_table() would. The caller orders them: adopt
  // only after prepare returned true, never both at once. adopt() without a
  // prepared graph does nothing.
  bool prepare(const Mat<float>& X, const std::atomic<bool>* cancel = nullptr);
  void adopt();

  // Runs `epochs` epochs of the edge-sampling descent (each edge sampled in
  // proportion to its weight, negative_samples repelling samples each).
  // Returns at the next few thousand edges once *cancel is true; the epoch
  // in progress then does not count.
  void run(int epochs, const std::atomic<bool>* cancel = nullptr);

  int n() const { return n_; }
  int epoch() const { return epoch_; }          // epochs since the cold start
  int iteration() const { return epoch_; }      // the same, by Tsne's name
  const std::vector<float>& positions() const { return y_; }  // (n, 2), NaN for rows not finite
  const UmapOptions& options() const { return opt_; }
  double a() const { return a_; }  // the map's curve 1 / (1 + a d^(2b)), fitted to min_dist
  double b() const { return b_; }

 private:
  UmapOptions opt_;
  int n_ = 0, epoch_ = 0;
  double a_ = 0, b_ = 0;
  std::vector<float> y_;
  struct Impl;  // the edge list, its sampling schedule, the random stream, a prepared graph
  std::shared_ptr<Impl> impl_;

  void warm_start();
  float learning_rate() const;
};

// Pieces of the method, public for the tests.

// One row's fuzzy memberships (McInnes et al. 2018, SmoothKNNDist): from its k
// neighbour distances, nearest first (+inf for a missing neighbour), rho is the
// first positive distance and sigma is found by bisection so that
// sum_j exp(-max(0, d_j - rho) / sigma) = log2(k); writes those terms to
// weights (k), 0 for a missing neighbour.
struct UmapRow {
  double rho = 0, sigma = 1;
};
UmapRow umap_memberships(const float* distances, int k, float* weights);

// The a and b of the map's curve 1 / (1 + a d^(2b)) that fit, by least squares
// on d in (0, 3], the target 1 for d < min_dist and exp(-(d - min_dist)) beyond.
void umap_fit_curve(double min_dist, double* a, double* b);

}  // namespace ev
