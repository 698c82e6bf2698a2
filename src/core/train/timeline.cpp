// timeline.cpp: the capture schedule, thinning to the budget, a film's steps.
#include "core/train/timeline.h"

#include <algorithm>
#include <cmath>


namespace ev {

std::size_t TimelineFrame::bytes() const {
  std::size_t b = 0;
  if (tables)
    for (const NamedTable& t : *tables) b += std::size_t(t.values.size()) * sizeof(float);
  return b;
}

bool Timeline::due(std::int64_t step) const {
  if (std::binary_search(extra_.begin(), extra_.end(), step)) return true;
  if (step <= kDenseUntil) return true;
  if (frames_->empty()) return true;
  // Log-spaced from the last scheduled capture: at least a factor kRatio on.
  const std::int64_t last = frames_->back().step;
  return double(step) >= std::ceil(double(last) * kRatio);
}

void Timeline::add(TimelineFrame f) {
  auto next = std::make_shared<TimelineFrames>(*frames_);
  while (!next->empty() && next->back().step >= f.step) {
    bytes_ -= next->back().bytes();
    next->pop_back();
  }
  bytes_ += f.bytes();
  next->push_back(std::move(f));
  frames_ = std::move(next);
  thin();
}

void Timeline::truncate(std::int64_t step) {
  if (frames_->empty() || frames_->back().step <= step) return;
  auto next = std::make_shared<TimelineFrames>(*frames_);
  while (!next->empty() && next->back().step > step) {
    bytes_ -= next->back().bytes();
    next->pop_back();
  }
  frames_ = std::move(next);
}

void Timeline::also_capture(std::vector<std::int64_t> steps) {
  std::sort(steps.begin(), steps.end());
  extra_ = std::move(steps);
}

void Timeline::clear() {
  frames_ = std::make_shared<TimelineFrames>();
  bytes_ = 0;
}

void Timeline::thin() {
  if (bytes_ <= budget_ || frames_->size() <= 2) return;
  auto next = std::make_shared<TimelineFrames>(*frames_);
  auto& f = *next;
  const auto logstep = [&](std::size_t i) { return std::log1p(double(f[i].step)); };
  while (bytes_ > budget_ && f.size() > 2) {
    // The middle frame whose neighbours are closest on a log scale loses least;
    // among equals, the oldest goes.
    std::size_t drop = 1;
    double best = 1e300;
    for (std::size_t i = 1; i + 1 < f.size(); ++i) {
      const double gap = logstep(i + 1) - logstep(i - 1);
      if (gap < best - 1e-12) best = gap, drop = i;
    }
    bytes_ -= f[drop].bytes();
    f.erase(f.begin() + std::ptrdiff_t(drop));
  }
  frames_ = std::move(next);
}

std::vector<std::int64_t> film_steps(std::int64_t last, int n) {
  std::vector<std::int64_t> out;
  if (n <= 0 || last < 0) return out;
  if (last + 1 <= n) {
    for (std::int64_t s = 0; s <= last; ++s) out.push_back(s);
    return out;
  }
  // Steps (e^(a t) - 1) / (e^a - 1) * last for t from 0 to 1: the first frames
  // come e^a times closer together than the last.
  constexpr double a = 4.0;
  const double scale = double(last) / std::expm1(a);
  for (int k = 0; k < n; ++k) {
    const double t = n == 1 ? 1.0 : double(k) / double(n - 1);
    std::int64_t s = std::llround(scale * std::expm1(a * t));
    if (!out.empty()) s = std::max(s, out.back() + 1);
    // Leave room for the frames still to come, each a step apart.
    s = std::min(s, last - std::int64_t(n - 1 - k));
    out.push_back(s);
  }
  out.back() = last;
  return out;
}

int frame_at(const TimelineFrames& f, std::int64_t step) {
  if (f.empty()) return -1;
  auto it = std::upper_bound(f.begin(), f.end(), step, [](std::int64_t s, const TimelineFrame& x) { return s < x.step; });
  return it == f.begin() ? 0 : int(it - f.begin()) - 1;
}

}  // namespace ev
