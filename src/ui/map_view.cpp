// map_view.cpp: see map_view.h.
#include "ui/map_view.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/fit.h"

namespace ev::ui {
namespace {

// One number for "this run, as it is now": a reset, new data, a loaded
// session or a lesson restarts the run and the map.
std::uint64_t source_of(const Snapshot& s) { return (s.run_id << 32) ^ s.restarts; }

}  // namespace

bool update_map(const Snapshot& s, MapKind kind, MapViewState& mv, std::vector<float>* xy) {
  const int V = s.spec.vocab;
  mv.settings.kind = kind;
  const std::uint64_t source = source_of(s);
  if (mv.map && (mv.map->settings() != mv.settings || mv.source != source)) stop_map(mv);
  if (!mv.map) {
    mv.map = std::make_unique<LiveMap>(mv.settings);
    mv.source = source;
    mv.offered_version = ~0ull;
    ++mv.started;
  }
  if (s.version != mv.offered_version && s.embeddings && !s.embeddings->empty()) {
    // The snapshot's table, shared: the map holds it while it works, no copy.
    std::shared_ptr<const Mat<float>> table(s.embeddings, &s.embeddings->front().values);
    mv.map->offer(std::move(table), V, s.step, source);
    mv.offered_version = s.version;
    mv.offered_step = s.step;
  }
  std::shared_ptr<const MapFrame> f = mv.map->latest();
  const bool fresh = f != mv.frame;
  mv.frame = f;
  const std::size_t want = std::size_t(std::max(V, 0)) * 2;
  if (f->xy.size() == want) {
    if (fresh || xy->size() != want) *xy = f->xy;
    return fresh;
  }
  // No layout yet: nothing drawn (filled once, not every frame while waiting).
  const bool was = xy->size() != want || std::any_of(xy->begin(), xy->end(), [](float v) { return std::isfinite(v); });
  if (was) xy->assign(want, std::nanf(""));
  return was || fresh;
}

void stop_map(MapViewState& mv) {
  mv.map.reset();
  mv.frame.reset();
  mv.offered_version = ~0ull;
  mv.offered_step = -1;
}

bool map_controls(MapViewState& mv, MapKind kind) {
  bool changed = false;
  const float font = ImGui::GetFontSize(), gap = ImGui::GetStyle().ItemInnerSpacing.x;
  if (kind == MapKind::Tsne) {
    same_line_if_fits(font * 6 + gap + ImGui::CalcTextSize("perplexity").x);
    ImGui::SetNextItemWidth(font * 6);
    ImGui::SliderFloat("perplexity", &mv.perplexity_edit, 2, 100, "%.0f", ImGuiSliderFlags_Logarithmic);
    if (!ImGui::IsItemActive() && std::round(mv.perplexity_edit) != mv.settings.perplexity) {
      mv.settings.perplexity = std::round(mv.perplexity_edit);
      changed = true;
    }
    tooltip("How many neighbours each point keeps close: small values show tight local groups, large ones more "
            "of the overall shape. A new map starts when you let go.");
  } else {
    same_line_if_fits(font * 6 + gap + ImGui::CalcTextSize("neighbours").x);
    ImGui::SetNextItemWidth(font * 6);
    ImGui::SliderInt("neighbours", &mv.neighbours_edit, 2, 100);
    if (!ImGui::IsItemActive() && mv.neighbours_edit != mv.settings.neighbours) {
      mv.settings.neighbours = mv.neighbours_edit;
      changed = true;
    }
    tooltip("The size of each point's neighbourhood: small values keep local detail, large ones the big picture. "
            "A new map starts when you let go.");
  }
  const char* metrics[] = {"cosine", "Euclidean"};
  int m = int(mv.settings.metric);
  same_line_if_fits(font * 6 + gap + ImGui::CalcTextSize("distance").x);
  ImGui::SetNextItemWidth(font * 6);
  if (ImGui::Combo("distance", &m, metrics, 2)) {
    mv.settings.metric = Metric(m);
    changed = true;
  }
  tooltip("How near two rows are: cosine compares directions only (as word vectors usually are), Euclidean also "
          "lengths.");
  return changed;
}

std::string map_caption(const MapViewState& mv, bool scrubbed) {
  if (!mv.frame) return "";
  const MapFrame& f = *mv.frame;
  std::string out = map_name(f.settings.kind);
  if (f.table_step < 0) return out;
  out += " of step " + with_commas(f.table_step) + ", " + with_commas(f.iterations) +
         (f.settings.kind == MapKind::Tsne ? " iterations" : " epochs");
  if (f.settled) out += " (settled)";
  else if (!f.stage.empty()) out += "; " + f.stage;
  if (scrubbed && mv.offered_step >= 0 && mv.offered_step != f.table_step) out += "; laying out step " + with_commas(mv.offered_step);
  return out;
}

std::string map_waiting_text(const MapViewState& mv) {
  if (!mv.frame || !mv.frame->xy.empty()) return "";
  const MapFrame& f = *mv.frame;
  return std::string(map_name(f.settings.kind)) + ": " + (f.stage.empty() ? "laying out" : f.stage) + "...";
}

std::vector<int> map_neighbours(const std::vector<float>& xy, int i, int k) {
  const int n = int(xy.size() / 2);
  std::vector<std::pair<float, int>> d;
  if (i < 0 || i >= n || !std::isfinite(xy[2 * std::size_t(i)])) return {};
  d.reserve(std::size_t(n));
  const float x = xy[2 * std::size_t(i)], y = xy[2 * std::size_t(i) + 1];
  for (int j = 0; j < n; ++j) {
    const float dx = xy[2 * std::size_t(j)] - x, dy = xy[2 * std::size_t(j) + 1] - y;
    if (j != i && std::isfinite(dx) && std::isfinite(dy)) d.push_back({dx * dx + dy * dy, j});
  }
  k = std::min<int>(k, int(d.size()));
  std::partial_sort(d.begin(), d.begin() + k, d.end());
  std::vector<int> out;
  for (int j = 0; j < k; ++j) out.push_back(d[std::size_t(j)].second);
  return out;
}

}  // namespace ev::ui
