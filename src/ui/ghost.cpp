// ghost.cpp: projecting the pinned table and drawing it under the shown one.
#include "ui/ghost.h"

#include <algorithm>
#include <cmath>

#include "core/base/hash.h"
#include "ui/fit.h"
#include "ui/gpu_draw.h"
#include "ui/plot.h"

namespace ev::ui {

namespace {

constexpr ImU32 kGhostLine = IM_COL32(225, 225, 235, 90);  // faint, under the labels
constexpr std::uint32_t kGhostAlpha = 80;                  // of 255: the pinned points' opacity

std::uint32_t faint(ImU32 colour) { return (colour & 0x00FFFFFFu) | (kGhostAlpha << 24); }

// The tokens that get a line: all of a small vocabulary; of a large one the
// labelled tokens and the searched word with its neighbours.
std::vector<int> line_tokens(const EmbeddingPanelState& st, const UiContext& ctx, int V) {
  std::vector<int> out;
  if (V <= kGhostAllLinesUpTo) {
    out.resize(std::size_t(V));
    for (int i = 0; i < V; ++i) out[std::size_t(i)] = i;
    return out;
  }
  out = st.labelled;
  if (st.search.token >= 0) out.push_back(st.search.token);
  for (const Neighbour& nb : st.search.near) out.push_back(nb.id);
  if (ctx.selected_token >= 0) out.push_back(ctx.selected_token);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  out.erase(std::remove_if(out.begin(), out.end(), [V](int t) { return t < 0 || t >= V; }), out.end());
  return out;
}

}  // namespace

std::string ghost_label(std::int64_t pinned, std::int64_t shown) {
  return "ghost: step " + with_commas(pinned) + " -> " + with_commas(shown);
}

void update_ghost(EmbeddingPanelState& st, int V) {
  GhostState& g = st.ghost;
  const bool pinned = g.tables && !g.tables->empty() && g.tables->front().values.rows() >= V && V > 0;
  if (!pinned) {
    if (!g.xy.empty()) g.layer.clear();  // a later pin must not show this one's picture
    g.xy.clear();
    g.xy_of = nullptr;
    return;
  }
  if (g.xy_of == g.tables.get() && g.xy_projection == st.projections && g.xy.size() == std::size_t(V) * 2) return;
  const Mat<float>& C = g.tables->front().values;  // (rows >= V, d)
  if (C.cols() != st.spec.emb) {
    g.xy.clear();  // another model's table: nothing to compare
  } else {
    g.xy = st.projector.project(C.rows() == V ? C : Mat<float>(C.topRows(V)));  // NaN under a map
  }
  g.xy_of = g.tables.get();
  g.xy_projection = st.projections;
  ++g.xy_made;
}

void draw_ghost_points(EmbeddingPanelState& st, float radius, ImDrawList* dl) {
  GhostState& g = st.ghost;
  g.points = 0;
  const std::size_t n = g.xy.size() / 2;
  const bool layered = int(n) >= st.layer_from && g.layer.ready();
  if (n == 0 || n != st.classes.size() || (!layered && !g.renderer.ready())) return;
  const bool moved = g.layer_made != g.xy_made || !layered;
  if (moved) {
    g.layer_made = g.xy_made;
    g.instances.clear();
    for (std::size_t i = 0; i < n; ++i)
      if (finite_point(g.xy, i)) g.instances.push_back({g.xy[2 * i], g.xy[2 * i + 1], faint(class_colour(st.classes[i])), radius});
  }
  g.points = int(g.instances.size());
  gfx::DataToPixels map;
  plot::LinearMap(map.scale, map.offset);
  if (layered) {
    const ImVec2 pmin = plot::PlotMin(), pmax = plot::PlotMax();
    const float rect[4] = {pmin.x, pmin.y, pmax.x, pmax.y};
    g.layer.set(g.instances.data(), g.instances.size(), moved, map, rect);
    gfx::PointLayer* l = &g.layer;
    add_gpu_draw(dl, [l](const gfx::ScreenSpace& ss) { l->draw(ss); }, [l] { return l->version(); });
    return;
  }
  g.renderer.upload(g.instances.data(), g.instances.size());
  gfx::PointRenderer* r = &g.renderer;
  add_gpu_draw(dl, [r, map](const gfx::ScreenSpace& ss) { r->draw(ss, map); },
               [r, map] { return hash_value(r->version(), map); });
}

void draw_ghost_lines(EmbeddingPanelState& st, const UiContext& ctx, std::int64_t shown_step, ImDrawList* dl) {
  GhostState& g = st.ghost;
  g.lines = 0;
  g.label.clear();
  if (!g.tables) return;
  g.label = ghost_label(g.step, shown_step);
  if (is_map(st.projector.used)) g.label += " (under PCA or two dims)";
  plot::LegendEntry(g.label.c_str(), faint(IM_COL32(225, 225, 235, 255)));
  const int V = int(st.xy.size() / 2);
  if (g.xy.size() != st.xy.size()) return;
  for (int t : line_tokens(st, ctx, V)) {
    const std::size_t i = std::size_t(t);
    if (!finite_point(g.xy, i) || !finite_point(st.xy, i)) continue;
    dl->AddLine(point_pixels(g.xy, i), point_pixels(st.xy, i), kGhostLine, 1.0f);
    ++g.lines;
  }
}

}  // namespace ev::ui
