// position_path.cpp: numbered points joined in order, drawn with ImGui on the plot.
#include "ui/position_path.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "ui/plot.h"
#include "ui/projector.h"

namespace ev::ui {

void fit_points(const std::vector<float>& xy, double& x0, double& x1, double& y0, double& y1) {
  for (std::size_t i = 0; i < xy.size() / 2; ++i) {
    if (!finite_point(xy, i)) continue;
    x0 = std::min(x0, double(xy[2 * i])), x1 = std::max(x1, double(xy[2 * i]));
    y0 = std::min(y0, double(xy[2 * i + 1])), y1 = std::max(y1, double(xy[2 * i + 1]));
  }
}

void draw_position_path(const std::vector<float>& xy, ImU32 colour, float radius, bool joined, ImDrawList* dl,
                        std::vector<ImVec4>* numbers, std::vector<ImVec4>* squares) {
  const std::size_t n = xy.size() / 2;
  const ImU32 line = (colour & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, 150);
  // The polyline breaks at a point that is not finite rather than jumping over it.
  if (joined)
    for (std::size_t i = 1; i < n; ++i)
      if (finite_point(xy, i - 1) && finite_point(xy, i))
        dl->AddLine(point_pixels(xy, i - 1), point_pixels(xy, i), line, 1.5f);
  // Numbers go right of their square, else left, above or below; where all
  // four would cover an earlier number the square stays unnumbered (its
  // neighbours' numbers count it), so a tight knot of positions stays legible.
  std::vector<ImVec4> taken;  // (x0, y0, x1, y1) of the numbers drawn
  if (squares) squares->clear();
  char num[24];
  for (std::size_t i = 0; i < n; ++i) {
    if (!finite_point(xy, i)) continue;
    const ImVec2 p = point_pixels(xy, i);
    // Squares, so positions never pass for tokens' discs.
    dl->AddRectFilled(ImVec2(p.x - radius, p.y - radius), ImVec2(p.x + radius, p.y + radius), colour);
    if (squares) squares->push_back(ImVec4(p.x - radius, p.y - radius, p.x + radius, p.y + radius));
    plot::Occupy(p);
    std::snprintf(num, sizeof num, "%zu", i);
    const ImVec2 size = ImGui::CalcTextSize(num);
    const float gap = radius + 2;
    const ImVec2 tries[] = {{p.x + gap, p.y - size.y * 0.5f},
                            {p.x - gap - size.x, p.y - size.y * 0.5f},
                            {p.x - size.x * 0.5f, p.y - gap - size.y},
                            {p.x - size.x * 0.5f, p.y + gap}};
    for (const ImVec2& at : tries) {
      const ImVec4 box(at.x, at.y, at.x + size.x, at.y + size.y);
      const bool free = std::none_of(taken.begin(), taken.end(), [&](const ImVec4& t) {
        return box.x < t.z && t.x < box.z && box.y < t.w && t.y < box.w;
      });
      if (!free) continue;
      dl->AddText(at, colour, num);
      taken.push_back(box);
      plot::Occupy(ImVec2(box.z, p.y));
      break;
    }
  }
  if (numbers) *numbers = std::move(taken);
}

}  // namespace ev::ui
