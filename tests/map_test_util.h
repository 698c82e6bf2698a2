// map_test_util.h: what the t-SNE and UMAP tests share: Gaussian clusters to
// lay out, the checks of a 2-D layout (how many of a point's neighbours share
// its label, how wide the map is, how far its points moved) and the time a
// run takes to stop once another thread sets its cancel flag. Test support
// only, not part of the program.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <thread>
#include <utility>
#include <vector>

#include "core/base/rng.h"
#include "core/models/params.h"  // Mat

namespace ev::testing {

// `clusters` Gaussian clusters of `per` points in d dimensions: centres
// N(0, 1) per coordinate scaled by `apart`, points N(0, 1) about them. Rows
// go cluster by cluster, or interleaved (row i in cluster i % clusters, so
// ids say nothing of clusters); each row's cluster in *label.
inline Mat<float> gaussian_clusters(int clusters, int per, int d, double apart, std::uint64_t seed,
                                    std::vector<int>* label, bool interleaved = false) {
  Rng rng(seed);
  Mat<float> centres(clusters, d);
  for (int c = 0; c < clusters; ++c)
    for (int j = 0; j < d; ++j) centres(c, j) = float(apart * rng.normal());
  Mat<float> X(clusters * per, d);
  label->assign(std::size_t(clusters * per), 0);
  for (int i = 0; i < clusters * per; ++i) {
    const int c = interleaved ? i % clusters : i / per;
    (*label)[std::size_t(i)] = c;
    for (int j = 0; j < d; ++j) X(i, j) = centres(c, j) + float(rng.normal());
  }
  return X;
}

// The squared distance between points a and b of a 2-D layout.
inline float dist2(const std::vector<float>& y, int a, int b) {
  const float dx = y[2 * std::size_t(a)] - y[2 * std::size_t(b)], dy = y[2 * std::size_t(a) + 1] - y[2 * std::size_t(b) + 1];
  return dx * dx + dy * dy;
}

// Share of every finite point's k nearest finite points in the layout that carry its label.
inline double neighbour_purity(const std::vector<float>& y, const std::vector<int>& label, int k = 10) {
  const int n = int(label.size());
  std::vector<std::pair<float, int>> order;
  long long same = 0, total = 0;
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(y[std::size_t(i) * 2])) continue;
    order.clear();
    for (int j = 0; j < n; ++j)
      if (j != i && std::isfinite(y[std::size_t(j) * 2])) order.emplace_back(dist2(y, i, j), j);
    std::partial_sort(order.begin(), order.begin() + k, order.end());
    for (int t = 0; t < k; ++t) same += label[std::size_t(order[std::size_t(t)].second)] == label[std::size_t(i)];
    total += k;
  }
  return double(same) / double(total);
}

// The root mean square distance of the finite points from their mean.
inline double spread(const std::vector<float>& y) {
  double mx = 0, my = 0, ss = 0;
  int n = 0;
  for (std::size_t i = 0; i + 1 < y.size(); i += 2)
    if (std::isfinite(y[i])) mx += y[i], my += y[i + 1], ++n;
  mx /= n, my /= n;
  for (std::size_t i = 0; i + 1 < y.size(); i += 2)
    if (std::isfinite(y[i])) ss += (y[i] - mx) * (y[i] - mx) + (y[i + 1] - my) * (y[i + 1] - my);
  return std::sqrt(ss / n);
}

// The median distance the points moved from one layout to the other.
inline double median_move(const std::vector<float>& from, const std::vector<float>& to) {
  std::vector<double> moved;
  for (std::size_t i = 0; i + 1 < from.size(); i += 2) moved.push_back(std::hypot(to[i] - from[i], to[i + 1] - from[i + 1]));
  std::nth_element(moved.begin(), moved.begin() + std::ptrdiff_t(moved.size() / 2), moved.end());
  return moved[moved.size() / 2];
}

// Calls run() while another thread sets `cancel` after `after`; the seconds run() took.
template <class F>
double seconds_to_cancel(std::atomic<bool>& cancel, std::chrono::milliseconds after, F run) {
  std::thread stopper([&] {
    std::this_thread::sleep_for(after);
    cancel = true;
  });
  const auto t0 = std::chrono::steady_clock::now();
  run();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stopper.join();
  return seconds;
}

}  // namespace ev::testing
