// loss_history.h: the training-loss curve with bounded memory. Each point is
// the mean loss of `stride` consecutive steps; when the buffer fills, adjacent
// points merge and the stride doubles, so ten million steps take no more memory
// than a few thousand.
#pragma once

#include <cstdint>
#include <vector>

namespace ev {

struct LossPoint {
  std::int64_t step;  // the first step the point covers
  float loss;         // mean training loss over the steps it covers
};

class LossHistory {
 public:
  explicit LossHistory(std::size_t capacity = 1 << 15) : capacity_(capacity & ~std::size_t(1)) {}

  void add(std::int64_t step, float loss);
  void clear();
  // Drops every point from `step` on (used when a checkpoint is restored).
  void truncate(std::int64_t step);

  const std::vector<LossPoint>& points() const { return points_; }
  std::int64_t stride() const { return stride_; }
  std::size_t capacity() const { return capacity_; }

  // Validation losses, recorded at intervals (few, so never downsampled).
  std::vector<LossPoint> val;

  // Internal state made public for session files: the partial bucket.
  struct Pending {
    std::int64_t step = 0;
    double sum = 0;
    std::int64_t count = 0;
  };
  const Pending& pending() const { return pending_; }
  void restore(std::vector<LossPoint> points, std::int64_t stride, Pending pending, std::vector<LossPoint> val);

 private:
  std::size_t capacity_;
  std::int64_t stride_ = 1;
  std::vector<LossPoint> points_;
  Pending pending_;
};

}  // namespace ev
