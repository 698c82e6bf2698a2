// loss_history.cpp: downsampling by pairwise merging.
#include "core/train/loss_history.h"

#include <algorithm>
#include <atomic>

namespace ev {

std::uint64_t LossHistory::next_generation() {
  static std::atomic<std::uint64_t> counter{0};
  return ++counter;
}

void LossHistory::add(std::int64_t step, float loss) {
  if (pending_.count == 0) pending_.step = step;
  pending_.sum += loss;
  if (++pending_.count < stride_) return;
  points_.push_back({pending_.step, float(pending_.sum / double(pending_.count))});
  pending_ = {};
  if (points_.size() < capacity_) return;
  // Full: merge neighbours. Every point covers `stride_` steps, so a plain mean is exact.
  for (std::size_t i = 0; i < points_.size() / 2; ++i)
    points_[i] = {points_[2 * i].step, 0.5f * (points_[2 * i].loss + points_[2 * i + 1].loss)};
  points_.resize(points_.size() / 2);
  stride_ *= 2;
  generation_ = next_generation();
}

void LossHistory::clear() {
  points_.clear();
  val.clear();
  shares.clear();
  pending_ = {};
  stride_ = 1;
  generation_ = next_generation();
}

void LossHistory::truncate(std::int64_t step) {
  auto before = [step](const LossPoint& p) { return p.step < step; };
  points_.erase(std::partition_point(points_.begin(), points_.end(), before), points_.end());
  val.erase(std::partition_point(val.begin(), val.end(), before), val.end());
  for (auto& s : shares) s.erase(std::partition_point(s.begin(), s.end(), before), s.end());
  pending_ = {};
  // Realign so the next point starts at `step`: drop a point that covers it partially.
  if (!points_.empty() && points_.back().step + stride_ > step) points_.pop_back();
  generation_ = next_generation();
}

void LossHistory::restore(std::vector<LossPoint> points, std::int64_t stride, Pending pending,
                          std::vector<LossPoint> v) {
  points_ = std::move(points);
  stride_ = stride;
  pending_ = pending;
  val = std::move(v);
  generation_ = next_generation();
}

LossSpan LossMirror::sync(const std::vector<LossPoint>& points, std::uint64_t generation) {
  if (generation != generation_ || points.size() < n_ || !log_ || points.size() > log_->capacity()) {
    // A new log with room to grow: appends stay copies of the new points only.
    log_ = std::make_shared<LossLog>(std::max<std::size_t>(1024, 2 * points.size()));
    n_ = 0;
    generation_ = generation;
  }
  for (; n_ < points.size(); ++n_) log_->set(n_, points[n_]);
  return {log_, n_};
}

}  // namespace ev
