// loss_history.h: the training-loss curve with bounded memory. Each point is
// the mean loss of `stride` consecutive steps; when the buffer fills, adjacent
// points merge and the stride doubles, so ten million steps take no more memory
// than a few thousand.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace ev {

struct LossPoint {
  std::int64_t step;  // the first step the point covers
  float loss;         // mean training loss over the steps it covers
};

class LossHistory {
 public:
  explicit LossHistory(std::size_t capacity = 1 << 15) : capacity_(capacity & ~std::size_t(1)), generation_(next_generation()) {}

  void add(std::int64_t step, float loss);
  void clear();
  // Drops every point from `step` on (used when a checkpoint is restored).
  void truncate(std::int64_t step);

  const std::vector<LossPoint>& points() const { return points_; }
  std::int64_t stride() const { return stride_; }
  std::size_t capacity() const { return capacity_; }

  // Validation losses, recorded at intervals (few, so never downsampled).
  std::vector<LossPoint> val;
  // Beside each validation loss, the table's neighbour shares, one curve per
  // probe (structure.h; the trainer's probes() in order): `loss` holds the share.
  std::vector<std::vector<LossPoint>> shares;

  // Internal state made public for session files: the partial bucket.
  struct Pending {
    std::int64_t step = 0;
    double sum = 0;
    std::int64_t count = 0;
  };
  const Pending& pending() const { return pending_; }
  void restore(std::vector<LossPoint> points, std::int64_t stride, Pending pending, std::vector<LossPoint> val);

  // Changes whenever points already recorded change (a merge, clear, truncate
  // or restore); between changes the curves only grow at their ends. Unique
  // across all histories, so a replaced history never looks like the old one.
  std::uint64_t generation() const { return generation_; }

 private:
  std::size_t capacity_;
  std::int64_t stride_ = 1;
  std::vector<LossPoint> points_;
  Pending pending_;
  std::uint64_t generation_;
  static std::uint64_t next_generation();
};

// A curve shared with readers on other threads without copying it: one writer
// appends, readers read the first n points, n taken when the log was handed
// over (in a snapshot, published with release/acquire). Points below any n
// handed out never change, so readers need no lock.
class LossLog {
 public:
  explicit LossLog(std::size_t capacity) : capacity_(capacity), points_(new LossPoint[capacity]) {}
  std::size_t capacity() const { return capacity_; }
  const LossPoint* data() const { return points_.get(); }
  void set(std::size_t i, LossPoint p) { points_[i] = p; }  // writer only, past every n handed out

 private:
  std::size_t capacity_;
  std::unique_ptr<LossPoint[]> points_;
};

// What a reader holds: the first `n` points of a shared log. Reads like a const vector.
struct LossSpan {
  std::shared_ptr<const LossLog> log;
  std::size_t n = 0;
  std::size_t size() const { return n; }
  bool empty() const { return n == 0; }
  const LossPoint& operator[](std::size_t i) const { return log->data()[i]; }
  const LossPoint& back() const { return log->data()[n - 1]; }
  const LossPoint* begin() const { return n ? log->data() : nullptr; }
  const LossPoint* end() const { return n ? log->data() + n : nullptr; }
  std::vector<LossPoint> to_vector() const { return std::vector<LossPoint>(begin(), end()); }
};

// The writer's side: keeps a shared log equal to a growing vector of points,
// copying only what was appended since the last sync. A rewrite (another
// generation) or a full log starts a new log; readers keep the old one alive.
class LossMirror {
 public:
  LossSpan sync(const std::vector<LossPoint>& points, std::uint64_t generation);

 private:
  std::shared_ptr<LossLog> log_;
  std::size_t n_ = 0;
  std::uint64_t generation_ = ~std::uint64_t(0);
};

}  // namespace ev
