// map_engines.cpp: t-SNE and UMAP behind the live map's engine interface, and
// a map computed once, start to end (the command line's export).
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/layout/live_map.h"
#include "core/layout/tsne.h"
#include "core/layout/umap.h"
#include "core/layout/pca.h"

namespace ev {
namespace {

constexpr int kTsneIterations = 1000;  // a cold start's course (van der Maaten 2014 runs 1,000)
constexpr int kTsneWarm = 300;         // after a newer table's graph: enough to take it in, then rest

TsneOptions tsne_options(const MapSettings& s, int threads) {
  TsneOptions o;
  o.perplexity = s.perplexity;
  o.metric = s.metric;
  o.seed = s.seed;
  o.threads = threads;
  return o;
}

UmapOptions umap_options(const MapSettings& s, int threads) {
  UmapOptions o;
  o.neighbours = s.neighbours;
  o.metric = s.metric;
  o.seed = s.seed;
  o.threads = threads;
  return o;
}

// Each method prepares its next input aside and adopts it in one move.
template <class Method>
class Engine : public MapEngine {
 public:
  Engine(Method m, int cold, int warm) : m_(std::move(m)), cold_(cold), warm_(warm) {}
  bool prepare(const Mat<float>& X, const std::atomic<bool>* cancel) override { return m_.prepare(X, cancel); }
  void adopt() override { m_.adopt(); }
  void run(int iterations, const std::atomic<bool>* cancel) override { m_.run(iterations, cancel); }
  const std::vector<float>& positions() const override { return m_.positions(); }
  int iteration() const override { return m_.iteration(); }
  int settle_after(bool cold) const override { return cold ? cold_ : warm_; }

 private:
  Method m_;
  int cold_, warm_;
};

}  // namespace

std::unique_ptr<MapEngine> make_map_engine(const MapSettings& s, int threads) {
  if (s.kind == MapKind::Tsne)
    return std::make_unique<Engine<Tsne>>(Tsne(tsne_options(s, threads)), kTsneIterations, kTsneWarm);
  const UmapOptions o = umap_options(s, threads);
  return std::make_unique<Engine<Umap>>(Umap(o), o.epochs, std::max(1, o.epochs / 4));
}

std::vector<float> map_once(const Mat<float>& X, const MapSettings& s, int threads,
                            const std::function<void(int, int)>& progress) {
  std::unique_ptr<MapEngine> e = make_map_engine(s, threads);
  e->prepare(X, nullptr);
  e->adopt();
  const int total = e->settle_after(true), chunk = std::max(1, total / 100);
  for (int done = 0; done < total;) {
    const int k = std::min(chunk, total - done);
    e->run(k, nullptr);
    done += k;
    if (progress) progress(done, total);
  }
  return e->positions();
}

std::vector<float> pca_positions(const Mat<float>& X) {
  const Eigen::Index n = X.rows();
  std::vector<float> xy(std::size_t(n) * 2, std::numeric_limits<float>::quiet_NaN());
  std::vector<Eigen::Index> rows;
  for (Eigen::Index i = 0; i < n; ++i)
    if (X.row(i).allFinite()) rows.push_back(i);
  if (rows.size() < 2 || X.cols() < 1) return xy;
  Mat<double> F(Eigen::Index(rows.size()), X.cols());  // (finite rows, d)
  for (std::size_t r = 0; r < rows.size(); ++r) F.row(Eigen::Index(r)) = X.row(rows[r]).cast<double>();
  const Pca p = pca(F, std::min<int>(2, int(X.cols())));
  const Mat<double> P = p.project(F);  // (finite rows, k)
  for (std::size_t r = 0; r < rows.size(); ++r) {
    xy[2 * std::size_t(rows[r])] = float(P(Eigen::Index(r), 0));
    xy[2 * std::size_t(rows[r]) + 1] = P.cols() > 1 ? float(P(Eigen::Index(r), 1)) : 0.0f;
  }
  return xy;
}

}  // namespace ev
