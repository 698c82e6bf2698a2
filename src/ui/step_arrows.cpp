// step_arrows.cpp: projecting C before the update and drawing scaled arrows.
#include "ui/step_arrows.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/plot.h"

namespace ev::ui {

float draw_step_arrows(const Snapshot& s, const EmbeddingPanelState& st, ImDrawList* dl) {
  const StepInspection* in = s.inspection.get();
  // Only while the view shows the table the inspection ended with.
  if (!in || in->steps.empty() || in->steps.back().step + 1 != s.step) return 0;
  const int V = int(in->C_before.rows());
  if (V != s.spec.vocab || st.xy.size() != std::size_t(V) * 2) return 0;
  const std::vector<float> before = st.projector.project(in->C_before);  // (V, 2) in the view's projection

  // Pixel length of each move, and a factor that makes the longest ~70 px.
  std::vector<float> len(std::size_t(V), 0.0f);
  float longest = 0;
  for (int v = 0; v < V; ++v) {
    if (!in->in_batch[std::size_t(v)]) continue;
    const ImVec2 a = plot::ToPixels(before[2 * std::size_t(v)], before[2 * std::size_t(v) + 1]);
    const ImVec2 b = plot::ToPixels(st.xy[2 * std::size_t(v)], st.xy[2 * std::size_t(v) + 1]);
    const float l = std::hypot(b.x - a.x, b.y - a.y);
    if (std::isfinite(l)) len[std::size_t(v)] = l, longest = std::max(longest, l);
  }
  if (longest <= 0) return 0;
  const float target = ImGui::GetFontSize() * 4.5f;
  const float k = longest < target ? std::min(1e6f, target / longest) : 1.0f;

  const ImU32 colour = IM_COL32(255, 236, 120, 235);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int hovered = -1;
  float hover_dist = 6.0f;
  for (int v = 0; v < V; ++v) {
    if (len[std::size_t(v)] <= 0) continue;
    ImVec2 head = plot::ToPixels(st.xy[2 * std::size_t(v)], st.xy[2 * std::size_t(v) + 1]);
    const ImVec2 a = plot::ToPixels(before[2 * std::size_t(v)], before[2 * std::size_t(v) + 1]);
    const ImVec2 dir((head.x - a.x) * k, (head.y - a.y) * k);  // scaled move, pixels
    const ImVec2 tail(head.x - dir.x, head.y - dir.y);
    const float l = std::hypot(dir.x, dir.y);
    if (l > 1) {
      const ImVec2 u(dir.x / l, dir.y / l);
      // The tip stops at the edge of the point it reaches, so the point stays in sight.
      const float gap = std::min(l * 0.5f, ImGui::GetFontSize() * 0.32f + 2);
      head = ImVec2(head.x - u.x * gap, head.y - u.y * gap);
      dl->AddLine(tail, head, colour, 2.0f);
      const float hs = std::min(9.0f, l * 0.5f);
      dl->AddTriangleFilled(head, ImVec2(head.x - u.x * hs - u.y * hs * 0.5f, head.y - u.y * hs + u.x * hs * 0.5f),
                            ImVec2(head.x - u.x * hs + u.y * hs * 0.5f, head.y - u.y * hs - u.x * hs * 0.5f), colour);
    }
    // Distance from the mouse to the segment, for the hover readout.
    const float vx = head.x - tail.x, vy = head.y - tail.y;
    const float t = std::clamp(((mouse.x - tail.x) * vx + (mouse.y - tail.y) * vy) / std::max(1e-6f, vx * vx + vy * vy), 0.0f, 1.0f);
    const float dist = std::hypot(mouse.x - (tail.x + t * vx), mouse.y - (tail.y + t * vy));
    if (dist < hover_dist) hover_dist = dist, hovered = v;
  }
  char note[96];
  std::snprintf(note, sizeof note, "step arrows drawn x%.3g", double(k));
  plot::LegendEntry(note, colour);  // in the legend, which keeps clear of the points
  if (hovered >= 0 && ImGui::IsWindowHovered()) {
    ImGui::BeginTooltip();
    ImGui::Text("'%s' moved %.4g in all %d dimensions (-lr x gradient)", s.data->vocab.token(hovered).c_str(),
                double(in->movement[std::size_t(hovered)]), int(in->delta.cols()));
    ImGui::Text("drawn %.3g times longer so it can be seen", double(k));
    ImGui::EndTooltip();
  }
  return k;
}

}  // namespace ev::ui
