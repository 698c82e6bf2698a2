// structure_plot.cpp: the neighbour-share curves under the loss.
#include "ui/structure_plot.h"

#include <algorithm>
#include <cstdio>

namespace ev::ui {

namespace {

const ImU32 kShareColours[] = {IM_COL32(90, 200, 170, 255), IM_COL32(240, 200, 80, 255), IM_COL32(200, 130, 240, 255)};

ImU32 share_colour(std::size_t i) { return kShareColours[i % (sizeof kShareColours / sizeof kShareColours[0])]; }

// The chance rate of curve i: a dashed line in its colour, faint.
void chance_line(double y, ImU32 colour) {
  const ImVec2 a = plot::PlotMin(), b = plot::PlotMax();
  const float py = plot::ToPixels(0, y).y;
  if (!(py >= a.y && py <= b.y)) return;
  const ImU32 faint = (colour & 0x00FFFFFFu) | (0x90u << 24);
  for (float x = a.x; x < b.x; x += 10) plot::DrawList()->AddLine(ImVec2(x, py), ImVec2(std::min(x + 5, b.x), py), faint, 1.0f);
}

// Where the plot is too short for a legend: each curve's name and latest
// share at its right end, in its colour, labels pushed apart when they meet.
void end_labels(const Snapshot& s) {
  const ImVec2 a = plot::PlotMin(), b = plot::PlotMax();
  float taken_until = -1e9f;
  for (std::size_t i = 0; i < s.shares.size(); ++i) {
    const Snapshot::ShareCurve& c = s.shares[i];
    if (c.points.empty()) continue;
    char text[96];
    std::snprintf(text, sizeof text, "%s %.2f", c.name.c_str(), double(c.points.back().loss));
    const ImVec2 ts = ImGui::CalcTextSize(text);
    float y = plot::ToPixels(double(c.points.back().step), double(c.points.back().loss)).y - ts.y * 0.5f;
    y = std::clamp(y, a.y, std::max(a.y, b.y - ts.y));
    if (y < taken_until) y = taken_until;
    taken_until = y + ts.y;
    plot::DrawList()->AddText(ImVec2(a.x + 4, y), share_colour(i), text);
  }
}

void hover_readout(const Snapshot& s) {
  plot::Point2 m{};
  if (!plot::IsHovered(&m)) return;
  ImGui::BeginTooltip();
  for (const Snapshot::ShareCurve& c : s.shares) {
    if (c.points.empty()) continue;
    auto it = std::min_element(c.points.begin(), c.points.end(), [&](const LossPoint& a, const LossPoint& b) {
      return std::abs(double(a.step) - m.x) < std::abs(double(b.step) - m.x);
    });
    ImGui::Text("%s: %.3f at step %lld (chance %.3f)", c.name.c_str(), double(it->loss), (long long)it->step, c.chance);
  }
  ImGui::TextDisabled("Share of each token's nearest neighbours (cosine) that share its label.");
  ImGui::EndTooltip();
}

}  // namespace

float structure_plot_height(const Snapshot& s, float room) {
  const float font = ImGui::GetFontSize();
  const float h = std::min(9.0f * font, 0.32f * room);
  return s.shares.empty() || h < 4.5f * font ? 0.0f : h;
}

void draw_structure_plot(const Snapshot& s, StructurePlotState& st, float height, double x_max) {
  if (s.shares.empty() || height <= 0) return;
  // Below eight lines the legend would cover the curves: labels at their ends instead.
  const bool compact = height < 8.0f * ImGui::GetFontSize();
  st.plot.show_legend = !compact;
  if (!plot::BeginPlot("##structure", st.plot, ImVec2(-1, height))) return;
  plot::SetupAxes("step", "neighbours alike", plot::kAxisNone, plot::kAxisNone);
  // The loss plot's steps above, so a step is at the same x in both.
  double xmax = std::max(1.0, x_max);
  for (const auto& c : s.shares)
    if (!c.points.empty()) xmax = std::max(xmax, double(c.points.back().step));
  plot::SetupFit(0, xmax, 0, 1);
  for (std::size_t i = 0; i < s.shares.size(); ++i) {
    const Snapshot::ShareCurve& c = s.shares[i];
    chance_line(c.chance, share_colour(i));
    char label[96];
    std::snprintf(label, sizeof label, "%s (chance %.2f)", c.name.c_str(), c.chance);
    if (c.points.empty()) {
      plot::LegendEntry(label, share_colour(i));
      continue;
    }
    const plot::Series v = plot::make_series(&c.points[0].step, &c.points[0].loss, c.points.size(), sizeof(LossPoint));
    plot::PlotLine(label, v, share_colour(i), 2.0f);
    plot::PlotScatter(nullptr, v, share_colour(i), 3.0f);
  }
  if (compact) end_labels(s);
  hover_readout(s);
  plot::EndPlot();
}

}  // namespace ev::ui
