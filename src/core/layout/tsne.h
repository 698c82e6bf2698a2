// tsne.h: t-distributed stochastic neighbour embedding (van der Maaten and
// Hinton 2008) with the Barnes-Hut approximation of its repulsive forces
// (van der Maaten 2014), for maps of every row of an embedding table.
//
// Built to run live beside training: set_table() refreshes the input
// affinities from a newer table while keeping the current layout (a warm
// start: no early exaggeration after the first), and run() continues the
// descent from where it was, so points move instead of jumping.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/layout/neighbours.h"
#include "core/models/params.h"

namespace ev {

struct TsneOptions {
  double perplexity = 30;       // the effective number of neighbours each point's Gaussian spans
  Metric metric = Metric::Cosine;
  double theta = 0.5;           // Barnes-Hut: a cell seen at an angle below theta counts as one point
  double learning_rate = 0;     // 0: automatic, max(n / exaggeration / 4, 50) (Belkina et al. 2019)
  double exaggeration = 12;     // P is multiplied by this for the first exaggeration_iters of a cold start
  int exaggeration_iters = 250;
  std::uint64_t seed = 1;       // the cold start's random layout
  int threads = 1;              // neighbour search and gradient
};

class Tsne {
 public:
  explicit Tsne(const TsneOptions& o = {});

  Tsne(const Tsne& o);  // a deep copy: the two then descend independently
  Tsne& operator=(const Tsne& o);
  Tsne(Tsne&& o) noexcept;
  Tsne& operator=(Tsne&& o) noexcept;
  ~Tsne();

  // Input affinities from the rows of X (n, d): each row's 3 × perplexity
  // nearest neighbours (neighbours.h), its Gaussian's width found by bisection
  // to the perplexity, symmetrised and normalised. With the same n as the
  // current layout the layout is kept (warm start); otherwise a cold start from
  // N(0, 1e-4) with early exaggeration. Rows that are not finite stay NaN.
  // Returns false if *cancel became true (the previous affinities are kept).
  //
  // A warm start zeroes the velocities and resets the gains to 1, so the
  // layout eases toward the new affinities, and starts no exaggeration of its
  // own (a cold start's schedule, if not yet over, runs on). A row that has
  // just become finite starts at the mean of its neighbours' positions
  // (weighted by p_ij, give or take 1e-4). A layout with no finite row to
  // keep starts cold whatever n.
  bool set_table(const Mat<float>& X, const std::atomic<bool>* cancel = nullptr);

  // set_table() in two moves, for affinities found on one thread while another
  // runs the descent: prepare() builds the next affinities aside, touching
  // nothing that run() uses; adopt() then puts them in place as set_table()
  // would (a warm or a cold start by the row count). The caller orders them:
  // adopt only after prepare returned true, never both at once. adopt()
  // without prepared affinities does nothing.
  bool prepare(const Mat<float>& X, const std::atomic<bool>* cancel = nullptr);
  void adopt();

  // Runs `iterations` steps of gradient descent with momentum (0.5 during
  // exaggeration, then 0.8) and per-coordinate gains. Stops early if *cancel.
  void run(int iterations, const std::atomic<bool>* cancel = nullptr);

  int n() const { return n_; }
  int iteration() const { return iteration_; }  // steps since the cold start
  const std::vector<float>& positions() const { return y_; }  // (n, 2), NaN for rows not finite
  const TsneOptions& options() const { return opt_; }
  // The KL divergence of the map from the affinities (exact over the
  // neighbour pairs, Barnes-Hut for the normalisation): for tests and logs.
  double kl_divergence() const;

 private:
  TsneOptions opt_;
  int n_ = 0, iteration_ = 0;
  std::vector<float> y_;
  // The finite rows' state: sparse P in CSR form, their positions, velocities,
  // gains, and the quadtree's buffers (reused from iteration to iteration).
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<Impl> prepared_;  // affinities from prepare(), waiting for adopt()
};

// The conditional affinities p_{j|i} of one row from its distances to its
// k neighbours: p_j = exp(-beta d_j^2) / sum, with the precision beta found by
// bisection so that the entropy -sum p_j ln p_j equals ln(perplexity) (within
// 1e-5). Both metrics square the distance in the exponent: for cosine the
// distance 1 - cos is squared too (for unit vectors |a - b|^4 / 4: a kernel
// with a flatter top and a faster fall than the Euclidean one; scikit-learn
// would use 1 - cos unsquared). Each row's beta is fitted to the perplexity
// either way. A perplexity of k or more gives the uniform distribution
// (beta = 0). Writes p (k) and returns beta.
double gaussian_conditionals(const float* distances, int k, double perplexity, float* p);

}  // namespace ev
