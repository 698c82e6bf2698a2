// trails.cpp: recording the running averages and drawing them as fading lines.
#include "ui/trails.h"

#include <algorithm>
#include <cmath>

#include "ui/plot.h"

namespace ev::ui {

namespace {
constexpr float kFollow = 0.35f;  // how far a trail's running average moves toward each new position
}

void Trails::record(const std::vector<float>& xy, double now) {
  if (now - last_time < interval_s) return;
  if (mean.size() != xy.size() || ring.empty()) mean = xy;
  for (std::size_t i = 0; i < xy.size(); ++i) {
    float& m = mean[i];
    m = std::isfinite(m) && std::isfinite(xy[i]) ? m + kFollow * (xy[i] - m) : xy[i];
  }
  if (ring.empty() || ring.back() != mean) {
    ring.push_back(mean);
    if (int(ring.size()) > std::max(1, length)) ring.erase(ring.begin());
  }
  last_time = now;
}

void Trails::draw(ImDrawList* dl, std::size_t i, const std::vector<float>& xy, ImU32 colour) const {
  const std::size_t K = ring.size();
  if (K < 2) return;
  const ImU32 base = colour & ~IM_COL32_A_MASK;
  // Each trail is simplified to within half a pixel first: a token that has
  // settled leaves a segment or two instead of thirty.
  auto flush = [&] {
    plot::simplify_polyline(&run_, 0.5f, &kept_);
    for (std::size_t k = 1; k < run_.size(); ++k) {
      const float f = float(age_[std::size_t(kept_[k])]) / float(K);  // 1 for the newest
      const int alpha = std::min(255, int(210.0f * f * f));
      dl->AddLine(run_[k - 1], run_[k], base | (ImU32(alpha) << IM_COL32_A_SHIFT), 1.0f);
    }
    run_.clear();
    age_.clear();
  };
  // The recorded running averages, then the point itself (the averaged trail
  // lags behind it).
  for (std::size_t k = 0; k <= K; ++k) {
    const std::vector<float>& at = k < K ? ring[k] : xy;
    const float x = at[2 * i], y = at[2 * i + 1];
    if (!std::isfinite(x) || !std::isfinite(y)) {
      flush();
      continue;
    }
    run_.push_back(plot::ToPixels(x, y));
    age_.push_back(int(std::min(k + 1, K)));
  }
  flush();
}

}  // namespace ev::ui
