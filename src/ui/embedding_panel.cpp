// embedding_panel.cpp: the embedding view's frame: controls, points, hover
// and legend; projection (projector.h), trails (trails.h) and labels
// (labels.h) are units of their own. Work that depends only on the table is
// done once per snapshot version; per frame there is only the drawing.
#include "ui/embedding_panel.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/teach/teach.h"
#include "ui/fit.h"
#include "ui/ghost.h"
#include "ui/gpu_draw.h"
#include "ui/labels.h"
#include "ui/position_path.h"
#include "ui/preparing.h"
#include "ui/step_arrows.h"

namespace ev::ui {

namespace {

constexpr int kTrailsUpTo = 2000;       // above this, only the selected/hovered token leaves a trail
constexpr int kNeighbours = 5;
constexpr ImU32 kPositionColour = IM_COL32(110, 210, 140, 255);  // wpe's path, apart from the token classes

const char* class_name(TokenClass c) {
  switch (c) {
    case TokenClass::Boundary: return "boundary";
    case TokenClass::Vowel: return "vowel";
    case TokenClass::Consonant: return "consonant";
    case TokenClass::Noun: return "noun";
    case TokenClass::Verb: return "verb";
    case TokenClass::Adjective: return "adjective";
    case TokenClass::Adverb: return "adverb";
    case TokenClass::Several: return "several";
    case TokenClass::Other:
    case TokenClass::kCount: break;
  }
  return "other";
}

std::string vector_text(const float* row, int d) {
  std::string out;
  char buf[32];
  for (int j = 0; j < d; ++j) {
    std::snprintf(buf, sizeof buf, "%s%8.4f", j % 8 == 0 ? (j ? "\n  " : "  ") : " ", double(row[j]));
    out += buf;
  }
  return out;
}

}  // namespace

ImU32 class_colour(TokenClass c) {
  switch (c) {
    case TokenClass::Boundary: return IM_COL32(235, 87, 87, 255);
    case TokenClass::Vowel: return IM_COL32(242, 171, 57, 255);
    case TokenClass::Consonant: return IM_COL32(86, 156, 235, 255);
    case TokenClass::Noun: return IM_COL32(86, 156, 235, 255);
    case TokenClass::Verb: return IM_COL32(242, 171, 57, 255);
    case TokenClass::Adjective: return IM_COL32(106, 200, 120, 255);
    case TokenClass::Adverb: return IM_COL32(200, 120, 230, 255);
    case TokenClass::Several: return IM_COL32(80, 210, 210, 255);
    case TokenClass::Other:
    case TokenClass::kCount: break;
  }
  return IM_COL32(165, 165, 175, 255);
}

TokenClass classify_token(const std::string& token, int id) {
  if (id == Vocab::kBoundary || token == Vocab::kBoundaryText) return TokenClass::Boundary;
  if (token.size() != 1) return TokenClass::Other;
  const char c = char(std::tolower(static_cast<unsigned char>(token[0])));
  if (c < 'a' || c > 'z') return TokenClass::Other;
  return std::string_view("aeiou").find(c) != std::string_view::npos ? TokenClass::Vowel : TokenClass::Consonant;
}

TokenClass classify_word(WordClass c, int id) {
  if (id == Vocab::kBoundary) return TokenClass::Boundary;
  switch (c) {
    case WordClass::Noun: return TokenClass::Noun;
    case WordClass::Verb: return TokenClass::Verb;
    case WordClass::Adjective: return TokenClass::Adjective;
    case WordClass::Adverb: return TokenClass::Adverb;
    case WordClass::Several: return TokenClass::Several;
    case WordClass::None: break;
  }
  return TokenClass::Other;
}

void update_projection(const Snapshot& s, EmbeddingPanelState& st) {
  const int V = s.spec.vocab, d = s.spec.emb;
  // A new run (reset, new data, a loaded session, a lesson) starts new trails:
  // none drawn from where the old run's points were.
  const bool reset = s.spec != st.spec || (s.step < st.step && !st.replay) || s.restarts != st.run;
  st.run = s.restarts;
  st.version = s.version;
  st.step = s.step;
  if (V <= 0 || d <= 0 || s.C().rows() < s.spec.vocab) {
    st.xy.clear();
    ++st.projections, ++st.layer_positions;
    st.holding = false;
    return;
  }
  const Projection asked = Projector::resolve(st.projection, d);
  // A film's frames are drawn at once, with no time for a map to lay each out: PCA.
  const Projection use = st.film && is_map(asked) ? Projector::resolve(Projection::Pca, d) : asked;
  st.dim_x = std::clamp(st.dim_x, 0, d - 1);
  st.dim_y = std::clamp(st.dim_y, 0, d - 1);
  if (reset || use != st.projector.used) {
    st.trails.clear();
    st.layer.clear();
    st.projector.pca.reset();
    st.plot.auto_fit = st.plot.refit = true;
  }
  st.spec = s.spec;
  if (is_map(use)) {
    st.projector.fit(s.C(), use, st.dim_x, st.dim_y, &st.xy);
    const bool first = !st.map.frame || st.map.frame->xy.empty();
    if (update_map(s, use == Projection::Tsne ? MapKind::Tsne : MapKind::Umap, st.map, &st.next_xy)) {
      ++st.layer_positions;
      // Through the layer, a layout after the first waits for its picture (see take_held_layout).
      st.next_finite = 0;
      for (std::size_t i = 0; i < st.next_xy.size() / 2; ++i) st.next_finite += finite_point(st.next_xy, i);
      const bool hold = !first && st.next_finite > 0 && st.layer.ready() && V >= st.layer_from &&
                        st.xy.size() == st.next_xy.size();
      if (hold && !st.holding) st.holding_since = ImGui::GetTime(), st.holding_frames = 0;
      st.holding = hold;
      if (!hold) {
        st.xy = st.next_xy;
        ++st.projections;
      }
      if (first) st.plot.auto_fit = st.plot.refit = true;  // the first layout: fit it
    }
    st.projector.x_label = elide(map_caption(st.map, st.replay), ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 3);
    st.projector.y_label = "";
    st.positions_xy.clear();
    return;
  }
  if (st.map.map) stop_map(st.map);
  ++st.projections, ++st.layer_positions;
  st.holding = false;
  const Mat<float>& C = s.C();  // (rows >= V, d)
  const bool held = st.replay && use == Projection::Pca && st.projector.pca && st.projector.pca->components.cols() == d;
  if (held) st.xy = st.projector.project(C.rows() == V ? C : Mat<float>(C.topRows(V)));
  else if (C.rows() == V) st.projector.fit(C, use, st.dim_x, st.dim_y, &st.xy);
  else st.projector.fit(C.topRows(V), use, st.dim_x, st.dim_y, &st.xy);
  const Mat<float>& wpe = s.positions();  // (block, d), or none
  if (wpe.rows() > 0 && wpe.cols() == d) st.positions_xy = st.projector.project(wpe);
  else st.positions_xy.clear();
}

namespace {

// The controls row; true when the projection settings changed.
bool controls_row(UiContext& ctx, EmbeddingPanelState& st, int d, bool has_positions) {
  bool changed = false;
  const char* names[] = {"auto", "PCA", "two dims", "t-SNE", "UMAP"};
  int mode = int(st.projection);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  if (ImGui::Combo("projection", &mode, names, 5)) {
    st.projection = Projection(mode);
    changed = true;
  }
  tooltip("auto: C itself when d = 2, else PCA. PCA: the two directions of largest spread. two dims: any two "
          "columns of C. t-SNE and UMAP: maps that keep each row's nearest neighbours near, laid out while "
          "training goes on (their axes mean nothing; distances between far groups little).");
  if (is_map(st.projection))
    changed |= map_controls(st.map, st.projection == Projection::Tsne ? MapKind::Tsne : MapKind::Umap);
  const float font = ImGui::GetFontSize(), gap = ImGui::GetStyle().ItemInnerSpacing.x;
  const float box = ImGui::GetFrameHeight() + gap;
  if (st.projection == Projection::Dims && d >= 2) {
    same_line_if_fits(font * 5 + gap + ImGui::CalcTextSize("x dim").x);
    ImGui::SetNextItemWidth(font * 5);
    changed |= ImGui::SliderInt("x dim", &st.dim_x, 0, d - 1);
    tooltip("The column of C drawn across.");
    same_line_if_fits(font * 5 + gap + ImGui::CalcTextSize("y dim").x);
    ImGui::SetNextItemWidth(font * 5);
    changed |= ImGui::SliderInt("y dim", &st.dim_y, 0, d - 1);
    tooltip("The column of C drawn up.");
  }
  same_line_if_fits(box + ImGui::CalcTextSize("labels").x);
  ImGui::Checkbox("labels", &st.show_labels);
  tooltip("Each point's token.");
  same_line_if_fits(box + ImGui::CalcTextSize("trails").x);
  if (ImGui::Checkbox("trails", &st.show_trails) && !st.show_trails) st.trails.clear();
  tooltip("Faint lines where each token was over the last few seconds.");
  if (has_positions) {
    same_line_if_fits(box + ImGui::CalcTextSize("positions").x);
    if (ImGui::Checkbox("positions", &st.show_positions)) st.plot.auto_fit = st.plot.refit = true;
    tooltip("The transformer's position table wpe in the same projection: position 0, 1, 2, ... as numbered "
            "squares joined in order. Neighbouring positions that learn neighbouring vectors make a smooth path.");
  }
  same_line_if_fits(box + ImGui::CalcTextSize("equal axes").x);
  if (ImGui::Checkbox("equal axes", &st.plot.equal_aspect)) st.plot.auto_fit = st.plot.refit = true;
  tooltip("One unit as long across as up, so distances look as they are.");
  same_line_if_fits(ImGui::CalcTextSize("fit").x + 2 * ImGui::GetStyle().FramePadding.x);
  if (button(ctx, "fit")) st.plot.auto_fit = st.plot.refit = true;
  tooltip("Fit all the points in view again (or double-click the plot).");
  return changed;
}

// The GPU renderers, created on first use; st.gl_error says why not.
void init_gpu(EmbeddingPanelState& st) {
  if (!st.gl_error.empty() || st.points.ready()) return;
  if (!gfx::gl_ready()) {
    st.gl_error = "OpenGL is not loaded";
    return;
  }
  try {
    st.points.init();
    st.layer.init();
    st.label_layer.init();
    st.ghost.renderer.init();
    st.ghost.layer.init();
  } catch (const Error& e) {
    st.gl_error = e.what();
  }
}

// Token classes depend on the vocabulary only: worked out once per data set.
void update_classes(const Snapshot& s, EmbeddingPanelState& st) {
  const std::size_t n = std::size_t(s.spec.vocab);
  if (st.classes_of == s.data && st.classes.size() == n) return;
  const Dataset& data = *s.data;
  st.classes.resize(n);
  for (bool& p : st.classes_present) p = false;
  st.word_classes = data.classes.size() == n;
  for (std::size_t i = 0; i < n; ++i) {
    st.classes[i] = st.word_classes ? classify_word(data.classes[i], int(i)) : classify_token(data.vocab.token(int(i)), int(i));
    st.classes_present[int(st.classes[i])] = true;
  }
  // Words are labelled from the most frequent down (the vocabulary itself is
  // in byte order): the first labels to find room are the words seen most.
  st.label_order.clear();
  if (data.tokenizer == Tokenizer::Word) {
    std::vector<std::int64_t> count(n, 0);
    for (std::size_t k = 0; k < data.n_train; ++k)
      for (int t : data.items[k])
        if (t >= 0 && std::size_t(t) < n) ++count[std::size_t(t)];
    st.label_order.resize(n);
    for (std::size_t i = 0; i < n; ++i) st.label_order[i] = int(i);
    std::stable_sort(st.label_order.begin(), st.label_order.end(),
                     [&](int a, int b) { return count[std::size_t(a)] > count[std::size_t(b)]; });
  }
  st.classes_of = s.data;  // held, so its address cannot come back as another data set's
}

// The nearest point within a few pixels of the mouse (-1: none); hovering and
// clicking tell the other views.
int hover_point(const EmbeddingPanelState& st, UiContext& ctx, float radius) {
  plot::Point2 mouse{};
  if (!plot::IsHovered(&mouse)) return -1;
  int hovered = -1;
  const ImVec2 m = ImGui::GetIO().MousePos;
  float best = (radius + 4) * (radius + 4);
  for (std::size_t i = 0; i < st.xy.size() / 2; ++i) {
    if (!finite_point(st.xy, i)) continue;
    const ImVec2 p = point_pixels(st.xy, i);
    const float dd = (p.x - m.x) * (p.x - m.x) + (p.y - m.y) * (p.y - m.y);
    if (dd < best) best = dd, hovered = int(i);
  }
  if (hovered >= 0) ctx.hovered_token = hovered;
  if (plot::WasClicked()) ctx.selected_token = hovered;
  return hovered;
}

// The points: one instanced draw on the GPU (a large vocabulary through the
// cached layer, the boundary, selected and hovered tokens on top of it); ImGui
// circles if GL is unavailable. Returns whether the layer drew the bulk.
bool draw_points(EmbeddingPanelState& st, const UiContext& ctx, int hovered, float radius, ImDrawList* dl) {
  const std::size_t n = st.xy.size() / 2;
  const std::vector<TokenClass>& cls = st.classes;
  st.instances.clear();
  st.instances.reserve(n);
  // Drawn in order: the boundary token and the selected/hovered ones last, on top.
  auto on_top = [&](std::size_t i) {
    return cls[i] == TokenClass::Boundary || int(i) == ctx.selected_token || int(i) == hovered;
  };
  const bool layered = int(n) >= st.layer_from && st.layer.ready();
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t i = 0; i < n; ++i) {
      if (!finite_point(st.xy, i) || on_top(i) != (pass == 1)) continue;  // never draw NaN/inf
      if (layered && pass == 0) continue;  // in the layer
      const bool big = int(i) == ctx.selected_token || int(i) == hovered;
      st.instances.push_back({st.xy[2 * i], st.xy[2 * i + 1], class_colour(cls[i]), big ? radius * 1.5f : radius});
    }
  gfx::DataToPixels map;
  plot::LinearMap(map.scale, map.offset);
  st.last_map = map;
  if (layered) {
    // Every point goes into the layer, in index order; new positions only when
    // the projection changed.
    const bool moved = st.layer_projection != st.layer_positions;
    if (moved) {
      // A held layout goes to the layer first (the rest of the view follows it).
      const std::vector<float>& xy = st.holding ? st.next_xy : st.xy;
      if (st.holding) st.layer_xy = st.next_xy;
      st.layer_projection = st.layer_positions;
      st.layer_instances.clear();
      st.layer_instances.reserve(n);
      for (std::size_t i = 0; i < n && xy.size() == 2 * n; ++i)
        if (finite_point(xy, i)) st.layer_instances.push_back({xy[2 * i], xy[2 * i + 1], class_colour(cls[i]), radius});
    }
    const ImVec2 pmin = plot::PlotMin(), pmax = plot::PlotMax();
    const float rect[4] = {pmin.x, pmin.y, pmax.x, pmax.y};
    st.layer.set(st.layer_instances.data(), st.layer_instances.size(), moved, map, rect);
    gfx::PointLayer* l = &st.layer;
    add_gpu_draw(dl, [l](const gfx::ScreenSpace& ss) { l->draw(ss); }, [l] { return l->version(); });
  }
  if (st.points.ready()) {
    st.points.upload(st.instances.data(), st.instances.size());
    gfx::PointRenderer* r = &st.points;
    add_gpu_draw(dl, [r, map](const gfx::ScreenSpace& ss) { r->draw(ss, map); },
                 [r, map] { return hash_value(r->version(), map); });
  } else {
    for (const gfx::PointInstance& p : st.instances)
      dl->AddCircleFilled(plot::ToPixels(p.x, p.y), p.radius, p.rgba, 12);
  }
  return layered;
}

// The legend: the token classes that occur.
void legend(const EmbeddingPanelState& st, int V) {
  const bool* present = st.classes_present;
  if (present[int(TokenClass::Boundary)]) plot::LegendEntry("boundary '.'", class_colour(TokenClass::Boundary));
  for (TokenClass c : {TokenClass::Noun, TokenClass::Verb, TokenClass::Adjective, TokenClass::Adverb, TokenClass::Several})
    if (present[int(c)]) plot::LegendEntry(class_name(c), class_colour(c));
  if (st.word_classes) {
    if (present[int(TokenClass::Other)]) plot::LegendEntry("none", class_colour(TokenClass::Other));
    return;
  }
  if (present[int(TokenClass::Vowel)]) plot::LegendEntry("vowel", class_colour(TokenClass::Vowel));
  if (present[int(TokenClass::Consonant)]) plot::LegendEntry("consonant", class_colour(TokenClass::Consonant));
  if (present[int(TokenClass::Other)]) plot::LegendEntry(V > kAllLabelsUpTo ? "token" : "other", class_colour(TokenClass::Other));
}

// A map before its first layout says what it is doing, in the middle of the plot.
void waiting_text(const EmbeddingPanelState& st, ImDrawList* dl) {
  if (!is_map(st.projector.used)) return;
  const std::string text = map_waiting_text(st.map);
  if (text.empty()) return;
  const ImVec2 a = plot::PlotMin(), b = plot::PlotMax(), size = ImGui::CalcTextSize(text.c_str());
  dl->AddText(ImVec2((a.x + b.x - size.x) / 2, (a.y + b.y - size.y) / 2), ImGui::GetColorU32(ImGuiCol_TextDisabled),
              text.c_str());
}

// Hover readout: the full vector and the nearest neighbours in all d
// dimensions; under a map, beside them the nearest in the map.
void hover_tooltip(const Snapshot& s, EmbeddingPanelState& st, int hovered) {
  const int V = s.spec.vocab, d = s.spec.emb;
  const Vocab& vocab = s.data->vocab;
  const Mat<float>& C = s.C();  // (V, d)
  const bool map = is_map(st.projector.used);
  const bool cosine = map && st.map.settings.metric == Metric::Cosine;
  EmbeddingPanelState::HoverNeighbours& h = st.hover;
  const double now = ImGui::GetTime();
  const bool other =
      h.token != hovered || h.cosine != cosine || h.map != map || h.run != s.run_id || h.restarts != s.restarts;
  const bool newer = h.step != s.step || h.projections != st.projections;
  if (other || (newer && now - h.at >= 0.25)) {
    h = {hovered, cosine, map, s.run_id, s.restarts, s.step, st.projections, now, {}, {}};
    h.near = nearest(C.topRows(V), hovered, kNeighbours, cosine ? Metric::Cosine : Metric::Euclidean);
    if (map) h.in_map = map_neighbours(st.xy, hovered, kNeighbours);
  }
  ImGui::BeginTooltip();
  ImGui::Text("'%s'  id %d  (%s)", vocab.token(hovered).c_str(), hovered, class_name(st.classes[std::size_t(hovered)]));
  ImGui::Text("C[%d] =\n%s", hovered, vector_text(C.row(hovered).data(), d).c_str());
  ImGui::Separator();
  ImGui::BeginGroup();
  ImGui::Text("nearest (%s, %d dims):", cosine ? "cosine" : "Euclidean", d);
  for (const Neighbour& nb : h.near)
    ImGui::Text("  '%s'  %.4f", vocab.token(nb.id).c_str(), nb.value);
  ImGui::EndGroup();
  if (map) {
    ImGui::SameLine(0, ImGui::GetFontSize() * 2);
    ImGui::BeginGroup();
    ImGui::Text("nearest in the map:");
    for (int j : h.in_map) ImGui::Text("  '%s'", vocab.token(j).c_str());
    ImGui::EndGroup();
  }
  ImGui::EndTooltip();
}

// Trails, fading from old to new: every token's, or in a large vocabulary
// only the selected and hovered ones.
void draw_trails(EmbeddingPanelState& st, const UiContext& ctx, int hovered, ImDrawList* dl) {
  const int V = int(st.xy.size() / 2);
  const std::size_t n = std::size_t(V);
  if (st.show_trails) {
    auto trail_of = [&](std::size_t i) { st.trails.draw(dl, i, st.xy, class_colour(st.classes[i])); };
    if (V <= kTrailsUpTo) {
      for (std::size_t i = 0; i < n; ++i) trail_of(i);
    } else {
      if (ctx.selected_token >= 0 && ctx.selected_token < V) trail_of(std::size_t(ctx.selected_token));
      if (hovered >= 0) trail_of(std::size_t(hovered));
    }
  }
}

// The tokens' labels where they fit, the selected, hovered and searched ones first.
void draw_labels(EmbeddingPanelState& st, const UiContext& ctx, const Vocab* vocab, int hovered, float radius,
                 ImDrawList* dl) {
  const int V = int(st.xy.size() / 2);
  st.labels_drawn = 0;
  st.labelled.clear();
  st.label_boxes.clear();
  if (st.show_labels) {
    PointLabels pl;
    pl.xy = &st.xy;
    pl.vocab = vocab;
    pl.radius = radius;
    pl.selected = ctx.selected_token;
    pl.hovered = hovered;
    pl.points_claim = V <= kTrailsUpTo;
    std::vector<int> searched;  // the searched word's ringed neighbours are labelled too
    if (st.search.token >= 0)
      for (const Neighbour& nb : st.search.near) searched.push_back(nb.id);
    pl.also = &searched;
    pl.drawn = &st.labelled;
    pl.boxes = &st.label_boxes;
    pl.keep_off = &st.position_squares;  // empty unless the positions are drawn
    pl.avoid = &st.position_numbers;
    if (st.label_order.size() == std::size_t(V)) pl.order = &st.label_order;
    if (!st.film) pl.layer = &st.label_layer;  // a film's frames have an ImGui context (and atlas) of their own
    st.labels_drawn = draw_point_labels(dl, pl);
  }
}

}  // namespace

// A held layout is shown in the frame the layer's picture of it appears: the
// pass under way with it ends in this frame's slice, or it has not gone to
// the layer yet and one slice draws it all. At most kHoldAtMost seconds and
// kHoldFramesAtMost frames, should the layer fall behind or not be drawn.
constexpr double kHoldAtMost = 0.3;
constexpr int kHoldFramesAtMost = 30;
static void take_held_layout(EmbeddingPanelState& st, double now) {
  if (!st.holding) return;
  const bool newest_waits = st.layer_projection != st.layer_positions;  // not given to the layer yet
  const bool given = !st.layer_xy.empty() && st.layer_xy.size() == st.xy.size();
  if ((newest_waits && st.layer.shows_new_this_frame(st.next_finite)) ||
      (++st.holding_frames > kHoldFramesAtMost && now - st.holding_since > kHoldAtMost)) {
    st.xy = st.next_xy;  // drawn by the layer in this frame's pass (or late)
    ++st.projections;
    st.holding = false;
  } else if (given && st.layer.shows_latest_this_frame()) {
    st.xy = st.layer_xy;
    ++st.projections;
    st.holding = newest_waits;  // a newer layout still waits for the layer
    st.holding_since = now;
    st.holding_frames = 0;
  }
  if (!st.holding) st.layer_xy.clear();
}

// The view's bounds: every finite point (a held layout's too), the position
// path when it is shown, and a pinned step's ghost, so no part of a
// comparison falls off the plot.
static void fit_view(const EmbeddingPanelState& st, bool positions, double& x0, double& x1, double& y0, double& y1) {
  x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  fit_points(st.xy, x0, x1, y0, y1);
  if (st.holding) fit_points(st.next_xy, x0, x1, y0, y1);  // the layer draws it under this frame's limits
  if (positions) fit_points(st.positions_xy, x0, x1, y0, y1);
  fit_points(st.ghost.xy, x0, x1, y0, y1);
  if (x0 > x1) x0 = -1, x1 = 1, y0 = -1, y1 = 1;
}

void draw_embedding_panel(const Snapshot& s, UiContext& ctx, EmbeddingPanelState& st) {
  const IdScope id_scope("embedding");
  if (draw_preparing(s, ctx, "Embeddings")) return;
  const int V = s.spec.vocab, d = s.spec.emb;
  const Vocab* vocab = s.data ? &s.data->vocab : nullptr;
  const bool changed = !st.film && controls_row(ctx, st, d, s.traits().position_table);
  if (!vocab || V <= 0 || d <= 0 || s.C().rows() < s.spec.vocab || vocab->size() < V) {
    ImGui::TextDisabled("No embedding table yet.");
    return;
  }
  if (s.data->tokenizer == Tokenizer::Word && !st.film) draw_word_search(s, ctx, st.search);
  // Re-project when the table changed. A large table (word level) costs
  // milliseconds per PCA, so while training it is re-projected at 10 Hz. A
  // map is laid out on threads of its own: each frame takes its newest positions.
  const double now = ImGui::GetTime();
  const bool large = double(V) * double(d) > 2e5;
  if (changed || st.spec != s.spec || (is_map(Projector::resolve(st.projection, d)) && !st.film) ||
      (s.version != st.version && (!large || now - st.last_projection_time >= 0.1))) {
    update_projection(s, st);
    st.last_projection_time = now;
  }
  take_held_layout(st, now);
  const std::size_t n = std::size_t(V);
  if (st.xy.size() != 2 * n) return;
  if (st.show_trails) st.trails.record(st.xy, now);

  const bool positions = st.show_positions && !st.positions_xy.empty();
  update_ghost(st, V);
  double x0, x1, y0, y1;
  fit_view(st, positions, x0, x1, y0, y1);

  init_gpu(st);
  if (!st.gl_error.empty()) ImGui::TextDisabled("Points drawn without the GPU: %s", st.gl_error.c_str());

  centre_on_word(st.search, st.xy, st.plot);
  const float plot_h = std::max(1.0f, ImGui::GetContentRegionAvail().y - st.reserve_below);
  if (!plot::BeginPlot("##embedding", st.plot, ImVec2(-1, plot_h))) return;
  plot::SetupAxes(st.projector.x_label.c_str(), st.projector.y_label.c_str());
  plot::SetupFit(x0, x1, y0, y1);
  ImDrawList* dl = plot::DrawList();
  // Smaller discs for large vocabularies: less overdraw, and a cloud of
  // 100,000 points stays readable as a density.
  const float radius = std::max(2.0f, ImGui::GetFontSize() * (V > 20000 ? 0.15f : V > 2000 ? 0.22f : 0.32f));
  update_classes(s, st);
  const int hovered = hover_point(st, ctx, radius);

  draw_trails(st, ctx, hovered, dl);

  draw_ghost_points(st, radius, dl);
  draw_points(st, ctx, hovered, radius, dl);
  draw_ghost_lines(st, ctx, s.step, dl);

  st.position_numbers.clear();
  st.position_squares.clear();
  if (positions)
    draw_position_path(st.positions_xy, kPositionColour, radius * 0.8f, true, dl, &st.position_numbers,
                       &st.position_squares);

  // Rings around the selected and hovered tokens.
  for (int t : {ctx.selected_token, hovered}) {
    if (t < 0 || t >= V || !finite_point(st.xy, std::size_t(t))) continue;
    dl->AddCircle(point_pixels(st.xy, std::size_t(t)), radius * 1.5f + 3, ImGui::GetColorU32(ImGuiCol_Text), 24, 2.0f);
  }
  draw_neighbour_rings(st.search, st.xy, radius, dl);

  draw_labels(st, ctx, vocab, hovered, radius, dl);

  // The step inspector's arrows, when the last Step's record matches this table.
  draw_step_arrows(s, st, dl);
  legend(st, V);
  if (positions) plot::LegendEntry("position (wpe)", kPositionColour);
  waiting_text(st, dl);
  plot::EndPlot();
  if (hovered >= 0) hover_tooltip(s, st, hovered);
}

}  // namespace ev::ui
