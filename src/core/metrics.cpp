// metrics.cpp: one forward pass per chunk of rows, every score read from its probabilities.
#include "metrics.h"

#include <algorithm>
#include <cmath>

#include "error.h"
#include "trainer.h"  // forward_chunks

namespace ev {

NextTokenScores score_next_tokens(const Model<float>& m, const Examples& ex, const std::vector<double>* other,
                                  int threads) {
  NextTokenScores s;
  if (other && (ex.out != 1 || other->size() != ex.size()))
    throw Error("the mixture needs one probability per target of a one-target-per-row model");
  struct Sums {
    double n = 0, nll = 0, top1 = 0, top5 = 0, mix = 0;
  };
  std::vector<Sums> sums(static_cast<std::size_t>(std::max(1, threads)));
  forward_chunks(m, ex, threads, [&](int t, Net& net, const Model<float>& model, const Batch& batch, std::size_t first) {
    net.forward(model, batch);
    // (B*per, V): a family may compute fewer positions per row than the targets
    // hold (the transformer stops after the batch's last target).
    const Mat<float>& P = net.probs();
    const Eigen::Index per = P.rows() / batch.B;
    Sums& a = sums[std::size_t(t)];
    for (Eigen::Index r = 0; r < P.rows(); ++r) {
      const std::int32_t y = batch.Y[(r / per) * batch.out + r % per];
      if (y < 0) continue;
      const float py = P(r, y);
      int above = 0;  // tokens more probable than the target, counted up to five
      for (Eigen::Index v = 0; v < P.cols() && above < 5; ++v) above += P(r, v) > py;
      a.n += 1;
      a.nll -= std::log(std::max(double(py), 1e-300));
      a.top1 += above == 0;
      a.top5 += above < 5;
      if (other) a.mix -= std::log(0.5 * double(py) + 0.5 * (*other)[first + std::size_t(r)]);
    }
  });
  Sums all;
  for (const Sums& a : sums) {
    all.n += a.n;
    all.nll += a.nll;
    all.top1 += a.top1;
    all.top5 += a.top5;
    all.mix += a.mix;
  }
  if (all.n == 0) return s;
  s.n = std::size_t(all.n);
  s.loss = all.nll / all.n;
  s.perplexity = std::exp(s.loss);
  s.top1 = all.top1 / all.n;
  s.top5 = all.top5 / all.n;
  if (other) {
    s.mixture_loss = all.mix / all.n;
    s.mixture_perplexity = std::exp(s.mixture_loss);
  }
  return s;
}

}  // namespace ev
