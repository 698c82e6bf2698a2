// colour_map.h: the diverging colour map of every heat map: blue for
// negative, near-white for zero, red for positive, symmetric around zero so
// the sign of every entry is readable (the end colours of Moreland's
// cool-warm map). The shader (heatmap.frag) gets the same three colours as
// uniforms; drawing without the GPU calls diverging() cell by cell.
#pragma once

#include <cmath>

namespace ev::gfx {

struct Rgb {
  float r, g, b;
};

inline constexpr Rgb kDivergingNegative{0.230f, 0.299f, 0.754f};
inline constexpr Rgb kDivergingZero{0.945f, 0.945f, 0.945f};
inline constexpr Rgb kDivergingPositive{0.706f, 0.016f, 0.150f};

// t in [-1, 1]: -1 full blue, 0 near-white, +1 full red.
inline Rgb diverging(float t) {
  const Rgb& mid = kDivergingZero;
  const Rgb& end = t < 0 ? kDivergingNegative : kDivergingPositive;
  const float a = std::fabs(t);
  return {mid.r + (end.r - mid.r) * a, mid.g + (end.g - mid.g) * a, mid.b + (end.b - mid.b) * a};
}

}  // namespace ev::gfx
