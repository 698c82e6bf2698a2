// step_arrows.cpp: projecting the tables before the update and drawing scaled arrows.
#include "ui/step_arrows.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/plot.h"

namespace ev::ui {

namespace {

const ImU32 kLookedUp = IM_COL32(255, 236, 120, 235);  // rows this update's batches looked up
const ImU32 kCarried = IM_COL32(230, 150, 90, 200);    // rows Adam moved by its running average alone

// One table's arrows: its rows before (projected) and now (as the view drew them).
struct ArrowSet {
  const TableMoves* table;
  std::vector<float> before;       // (R, 2)
  const std::vector<float>* now;   // (R, 2)
  std::vector<float> len;          // (R) pixel length of each move; 0: not drawn
};

// Pixel lengths of the rows that moved; returns the longest.
float measure(ArrowSet& a) {
  const int R = a.table->rows();
  a.len.assign(std::size_t(R), 0.0f);
  float longest = 0;
  for (int r = 0; r < R; ++r) {
    const std::size_t i = std::size_t(r);
    if (!a.table->in_batch[i] && !a.table->carried[i]) continue;
    const ImVec2 p = plot::ToPixels(a.before[2 * i], a.before[2 * i + 1]);
    const ImVec2 q = plot::ToPixels((*a.now)[2 * i], (*a.now)[2 * i + 1]);
    const float l = std::hypot(q.x - p.x, q.y - p.y);
    if (std::isfinite(l)) a.len[i] = l, longest = std::max(longest, l);
  }
  return longest;
}

// Draws one set's arrows scaled by k; keeps the row nearest the mouse in
// (hover_set, hover_row) when it is nearer than hover_dist.
void draw_set(const ArrowSet& a, int set, float k, ImDrawList* dl, int& hover_set, int& hover_row, float& hover_dist) {
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (int r = 0; r < a.table->rows(); ++r) {
    const std::size_t i = std::size_t(r);
    if (a.len[i] <= 0) continue;
    const ImU32 colour = a.table->in_batch[i] ? kLookedUp : kCarried;
    ImVec2 head = plot::ToPixels((*a.now)[2 * i], (*a.now)[2 * i + 1]);
    const ImVec2 p = plot::ToPixels(a.before[2 * i], a.before[2 * i + 1]);
    const ImVec2 dir((head.x - p.x) * k, (head.y - p.y) * k);  // scaled move, pixels
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
    if (dist < hover_dist) hover_dist = dist, hover_set = set, hover_row = r;
  }
}

void hover_readout(const Snapshot& s, const TableMoves& tm, int r, float k) {
  const std::size_t i = std::size_t(r);
  const std::string what = s.is_position_table(tm.name) ? "position " + std::to_string(r) + " (" + tm.name + ")" : "'" + s.data->vocab.token(r) + "'";
  ImGui::BeginTooltip();
  ImGui::Text("%s moved %.4g in all %d dimensions", what.c_str(), double(tm.movement[i]), int(tm.delta.cols()));
  if (tm.carried[i])
    ImGui::TextUnformatted("not in the batch: Adam moved it by its running average of earlier gradients");
  ImGui::Text("drawn %.3g times longer so it can be seen", double(k));
  ImGui::EndTooltip();
}

}  // namespace

float draw_step_arrows(const Snapshot& s, EmbeddingPanelState& st, ImDrawList* dl) {
  st.token_arrows = st.position_arrows = 0;
  const StepInspection* in = s.inspection.get();
  // Only while the view shows the tables the inspection ended with.
  if (!in || in->steps.empty() || in->tables.empty() || in->steps.back().step + 1 != s.step) return 0;
  const int V = in->tokens().rows();
  if (V != s.spec.vocab || st.xy.size() != std::size_t(V) * 2) return 0;
  std::vector<ArrowSet> sets;
  sets.push_back({&in->tokens(), st.projector.project(in->tokens().before), &st.xy, {}});
  const TableMoves* pos = in->positions();
  if (pos && st.show_positions && st.positions_xy.size() == std::size_t(pos->rows()) * 2)
    sets.push_back({pos, st.projector.project(pos->before), &st.positions_xy, {}});

  // One factor for every arrow, so tokens' and positions' moves compare: the longest ~70 px.
  float longest = 0;
  for (ArrowSet& a : sets) longest = std::max(longest, measure(a));
  if (longest <= 0) return 0;
  const float target = ImGui::GetFontSize() * 4.5f;
  const float k = longest < target ? std::min(1e6f, target / longest) : 1.0f;

  int hover_set = -1, hover_row = -1;
  float hover_dist = 6.0f;
  bool carried = false;
  for (std::size_t j = 0; j < sets.size(); ++j) {
    draw_set(sets[j], int(j), k, dl, hover_set, hover_row, hover_dist);
    int& drawn = j == 0 ? st.token_arrows : st.position_arrows;
    for (int r = 0; r < sets[j].table->rows(); ++r) {
      drawn += sets[j].len[std::size_t(r)] > 0;
      carried |= sets[j].len[std::size_t(r)] > 0 && sets[j].table->carried[std::size_t(r)];
    }
  }
  char note[96];
  std::snprintf(note, sizeof note, "step arrows drawn x%.3g", double(k));
  plot::LegendEntry(note, kLookedUp);  // in the legend, which keeps clear of the points
  if (carried) plot::LegendEntry("moved by Adam's average alone", kCarried);
  if (hover_set >= 0 && ImGui::IsWindowHovered())
    hover_readout(s, *sets[std::size_t(hover_set)].table, hover_row, k);
  return k;
}

}  // namespace ev::ui
