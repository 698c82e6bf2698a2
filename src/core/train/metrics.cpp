// metrics.cpp: one forward pass per chunk of rows, every score read from its probabilities.
#include "core/train/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/base/error.h"
#include "core/train/trainer.h"  // forward_chunks

namespace ev {

namespace {

struct Sums {
  double n = 0, ranked = 0, nll = 0, top1 = 0, top5 = 0, mix = 0;
};

// One target the model gives probability py (row `row` of the split).
void add_target(Sums& a, double py, const std::vector<double>* other, std::size_t row) {
  a.n += 1;
  a.nll -= std::log(std::max(py, 1e-300));
  if (other) a.mix -= std::log(0.5 * py + 0.5 * (*other)[row]);
}

// The ranks of the targets of P's rows: a token at least as probable as the
// target ranks above it, so equal outputs (or a target's that is not finite)
// rank nothing first.
void add_ranks(Sums& a, const Mat<float>& P, const Batch& batch) {
  const Eigen::Index per = P.rows() / batch.B;
  for (Eigen::Index r = 0; r < P.rows(); ++r) {
    const std::int32_t y = batch.Y[(r / per) * batch.out + r % per];
    if (y < 0) continue;
    const float py = P(r, y);
    int above = std::isfinite(py) ? 0 : 5;  // tokens at least as probable as the target, counted up to five
    for (Eigen::Index v = 0; v < P.cols() && above < 5; ++v) above += v != y && !(P(r, v) < py);
    a.ranked += 1;
    a.top1 += above == 0;
    a.top5 += above < 5;
  }
}

}  // namespace

NextTokenScores score_next_tokens(const Model<float>& m, const Examples& ex, const std::vector<double>* other,
                                  int threads) {
  NextTokenScores s;
  if (other && (ex.out != 1 || other->size() != ex.size()))
    throw Error("the mixture needs one probability per target of a one-target-per-row model");
  std::vector<Sums> sums(static_cast<std::size_t>(std::max(1, threads)));
  forward_chunks(m, ex, threads, [&](int t, Net& net, const Model<float>& model, const Batch& batch, std::size_t first) {
    Sums& a = sums[std::size_t(t)];
    Batch b = batch;
    b.full = false;
    net.forward(model, b);
    if (const std::vector<float>* losses = net.target_losses()) {
      // Factored: every row's loss, and the rank of the first kRankedRows.
      for (int r = 0; r < b.B; ++r) add_target(a, std::exp(-double((*losses)[std::size_t(r)])), other, first + std::size_t(r));
      if (first >= kRankedRows) return;
      b.B = int(std::min<std::size_t>(std::size_t(b.B), kRankedRows - first));
      b.full = true;
      net.forward(model, b);
      add_ranks(a, net.probs(), b);
      return;
    }
    // (B*per, V): a family may compute fewer positions per row than the targets
    // hold (the transformer stops after the batch's last target).
    const Mat<float>& P = net.probs();
    const Eigen::Index per = P.rows() / batch.B;
    for (Eigen::Index r = 0; r < P.rows(); ++r) {
      const std::int32_t y = batch.Y[(r / per) * batch.out + r % per];
      if (y >= 0) add_target(a, P(r, y), other, first + std::size_t(r));
    }
    add_ranks(a, P, batch);
  });
  Sums all;
  for (const Sums& a : sums) {
    all.n += a.n;
    all.ranked += a.ranked;
    all.nll += a.nll;
    all.top1 += a.top1;
    all.top5 += a.top5;
    all.mix += a.mix;
  }
  if (all.n == 0) return s;
  s.n = std::size_t(all.n);
  s.loss = all.nll / all.n;
  s.perplexity = std::exp(s.loss);
  s.ranked = std::size_t(all.ranked);
  s.top1 = all.ranked > 0 ? all.top1 / all.ranked : 0.0;
  s.top5 = all.ranked > 0 ? all.top5 / all.ranked : 0.0;
  if (other) {
    s.mixture_loss = all.mix / all.n;
    s.mixture_perplexity = std::exp(s.mixture_loss);
  }
  return s;
}

std::string perplexity_text(double perplexity) {
  char buf[32];
  std::snprintf(buf, sizeof buf, std::fabs(perplexity) < 1e5 ? "%.2f" : "%.3g", perplexity);
  return buf;
}

}  // namespace ev
