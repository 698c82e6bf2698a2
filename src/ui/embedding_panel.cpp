// embedding_panel.cpp: projection, trails, labels and hover for the embedding
// view. Work that depends only on the table is done once per snapshot
// version; per frame there is only the drawing.
#include "ui/embedding_panel.h"
#include "ui/step_arrows.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string_view>

#include "core/error.h"
#include "ui/gpu_draw.h"
#include "ui/fit.h"

namespace ev::ui {

namespace {

constexpr int kAllLabelsUpTo = 64;      // vocabularies this small label every point
constexpr int kLabelTries = 4000;       // larger ones try this many visible points per frame,
constexpr int kMaxLabels = 150;         // and show at most this many labels
constexpr int kTrailsUpTo = 2000;       // above this, only the selected/hovered token leaves a trail
constexpr int kNeighbours = 5;
constexpr float kTrailFollow = 0.35f;   // how far a trail's running average moves toward each new position

ImU32 class_colour(TokenClass c) {
  switch (c) {
    case TokenClass::Boundary: return IM_COL32(235, 87, 87, 255);
    case TokenClass::Vowel: return IM_COL32(242, 171, 57, 255);
    case TokenClass::Consonant: return IM_COL32(86, 156, 235, 255);
    case TokenClass::Other: break;
  }
  return IM_COL32(165, 165, 175, 255);
}

const char* class_name(TokenClass c) {
  switch (c) {
    case TokenClass::Boundary: return "boundary";
    case TokenClass::Vowel: return "vowel";
    case TokenClass::Consonant: return "consonant";
    case TokenClass::Other: break;
  }
  return "other";
}

bool finite2(float x, float y) { return std::isfinite(x) && std::isfinite(y); }


std::string vector_text(const float* row, int d) {
  std::string out;
  char buf[32];
  for (int j = 0; j < d; ++j) {
    std::snprintf(buf, sizeof buf, "%s%8.4f", j % 8 == 0 ? (j ? "\n  " : "  ") : " ", double(row[j]));
    out += buf;
  }
  return out;
}

// Label placement for large vocabularies: a coarse occupancy grid of the plot
// rectangle; a label is drawn only where it overlaps no earlier one.
struct LabelGrid {
  float x0, y0, cell;
  int cols, rows;
  std::vector<std::uint8_t> used;
  LabelGrid(ImVec2 mn, ImVec2 mx, float c)
      : x0(mn.x), y0(mn.y), cell(c), cols(std::max(1, int((mx.x - mn.x) / c) + 1)),
        rows(std::max(1, int((mx.y - mn.y) / c) + 1)), used(std::size_t(cols) * std::size_t(rows), 0) {}
  bool claim(ImVec2 a, ImVec2 b) {
    const int c0 = std::clamp(int((a.x - x0) / cell), 0, cols - 1), c1 = std::clamp(int((b.x - x0) / cell), 0, cols - 1);
    const int r0 = std::clamp(int((a.y - y0) / cell), 0, rows - 1), r1 = std::clamp(int((b.y - y0) / cell), 0, rows - 1);
    for (int r = r0; r <= r1; ++r)
      for (int c = c0; c <= c1; ++c)
        if (used[std::size_t(r) * std::size_t(cols) + std::size_t(c)]) return false;
    for (int r = r0; r <= r1; ++r)
      for (int c = c0; c <= c1; ++c) used[std::size_t(r) * std::size_t(cols) + std::size_t(c)] = 1;
    return true;
  }
};

void draw_label(ImDrawList* dl, ImVec2 p, const char* text, ImU32 colour, bool one_shadow) {
  // A dark shadow keeps light text readable over points and grid lines (one
  // for crowded views: each copy of the text costs the renderer again).
  const ImU32 shadow = IM_COL32(0, 0, 0, 200);
  dl->AddText(ImVec2(p.x + 1, p.y + 1), shadow, text);
  if (!one_shadow) dl->AddText(ImVec2(p.x - 1, p.y + 1), shadow, text);
  dl->AddText(p, colour, text);
}

}  // namespace

TokenClass classify_token(const std::string& token, int id) {
  if (id == Vocab::kBoundary || token == Vocab::kBoundaryText) return TokenClass::Boundary;
  if (token.size() != 1) return TokenClass::Other;
  const char c = char(std::tolower(static_cast<unsigned char>(token[0])));
  if (c < 'a' || c > 'z') return TokenClass::Other;
  return std::string_view("aeiou").find(c) != std::string_view::npos ? TokenClass::Vowel : TokenClass::Consonant;
}

void update_projection(const Snapshot& s, EmbeddingPanelState& st) {
  const int V = s.spec.vocab, d = s.spec.emb;
  // A new run (reset, new data, a loaded session, a lesson) starts new trails:
  // none drawn from where the old run's points were.
  const bool reset = s.spec != st.spec || s.step < st.step || s.restarts != st.run;
  st.run = s.restarts;
  st.version = s.version;
  st.step = s.step;
  ++st.projections;
  if (V <= 0 || d <= 0 || s.C().rows() < s.spec.vocab) {
    st.xy.clear();
    return;
  }
  Projection use = st.projection;
  if (use == Projection::Auto && d > 2) use = Projection::Pca;
  if ((use == Projection::Dims || use == Projection::Pca) && d < 2) use = Projection::Auto;  // one column: plot it
  st.dim_x = std::clamp(st.dim_x, 0, d - 1);
  st.dim_y = std::clamp(st.dim_y, 0, d - 1);
  if (reset || use != st.used) {
    st.trails.clear();
    st.layer.clear();
    st.pca.reset();
    st.plot.auto_fit = true;
  }
  st.spec = s.spec;
  st.used = use;

  const auto C = s.C();  // (V, d)
  st.xy.assign(std::size_t(V) * 2, std::numeric_limits<float>::quiet_NaN());
  char buf[96];
  if (use == Projection::Auto || use == Projection::Dims) {
    const int cx = use == Projection::Auto ? 0 : st.dim_x;
    const int cy = use == Projection::Auto ? (d > 1 ? 1 : -1) : st.dim_y;
    for (int i = 0; i < V; ++i) {
      st.xy[2 * std::size_t(i)] = C(i, cx);
      st.xy[2 * std::size_t(i) + 1] = cy >= 0 ? C(i, cy) : 0.0f;  // d = 1: a line
    }
    std::snprintf(buf, sizeof buf, "C[:, %d]", cx);
    st.x_label = buf;
    if (cy >= 0) std::snprintf(buf, sizeof buf, "C[:, %d]", cy);
    else std::snprintf(buf, sizeof buf, "(d = 1: one axis only)");
    st.y_label = buf;
    return;
  }
  // PCA over the finite rows only; rows with NaN/inf stay NaN and are not drawn.
  std::vector<int> rows;
  rows.reserve(std::size_t(V));
  for (int i = 0; i < V; ++i)
    if (C.row(i).allFinite()) rows.push_back(i);
  Mat<double> X(Eigen::Index(rows.size()), d);  // (n, d)
  for (std::size_t r = 0; r < rows.size(); ++r) X.row(Eigen::Index(r)) = C.row(rows[r]).cast<double>();
  if (rows.size() < 2) {
    st.x_label = "PC1";
    st.y_label = "PC2";
    return;
  }
  Pca p = pca(X, 2, st.pca.get());
  const Mat<double> P = p.project(X);  // (n, 2)
  for (std::size_t r = 0; r < rows.size(); ++r) {
    st.xy[2 * std::size_t(rows[r])] = float(P(Eigen::Index(r), 0));
    st.xy[2 * std::size_t(rows[r]) + 1] = float(P(Eigen::Index(r), 1));
  }
  std::snprintf(buf, sizeof buf, "PC1 (%.1f%% of variance)", 100.0 * (p.explained.size() > 0 ? p.explained[0] : 0));
  st.x_label = buf;
  std::snprintf(buf, sizeof buf, "PC2 (%.1f%% of variance)", 100.0 * (p.explained.size() > 1 ? p.explained[1] : 0));
  st.y_label = buf;
  st.pca = std::make_unique<Pca>(std::move(p));
}

void draw_embedding_panel(const Snapshot& s, UiContext& ctx, EmbeddingPanelState& st) {
  // Own ID scope, so two views can share one window without clashing widget IDs.
  struct IdScope {
    IdScope() { ImGui::PushID("embedding"); }
    ~IdScope() { ImGui::PopID(); }
  } id_scope;
  const int V = s.spec.vocab, d = s.spec.emb;
  const Vocab* vocab = s.data ? &s.data->vocab : nullptr;

  // Controls row.
  bool changed = false;
  {
    const char* names[] = {"auto", "PCA", "two dims"};
    int mode = int(st.projection);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    if (ImGui::Combo("projection", &mode, names, 3)) {
      st.projection = Projection(mode);
      changed = true;
    }
    tooltip("auto: C itself when d = 2, else PCA. PCA: the two directions of largest spread. two dims: any two "
            "columns of C.");
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
    same_line_if_fits(box + ImGui::CalcTextSize("equal axes").x);
    if (ImGui::Checkbox("equal axes", &st.plot.equal_aspect)) st.plot.auto_fit = true;
    tooltip("One unit as long across as up, so distances look as they are.");
    same_line_if_fits(ImGui::CalcTextSize("fit").x + 2 * ImGui::GetStyle().FramePadding.x);
    if (button(ctx, "fit")) st.plot.auto_fit = true;
    tooltip("Fit all the points in view again (or double-click the plot).");
  }
  if (!vocab || V <= 0 || d <= 0 || s.C().rows() < s.spec.vocab || vocab->size() < V) {
    ImGui::TextDisabled("No embedding table yet.");
    return;
  }
  // Re-project when the table changed. A large table (word level) costs
  // milliseconds per PCA, so while training it is re-projected at 10 Hz.
  const double now = ImGui::GetTime();
  const bool large = double(V) * double(d) > 2e5;
  if (changed || st.spec != s.spec ||
      (s.version != st.version && (!large || now - st.last_projection_time >= 0.1))) {
    update_projection(s, st);
    st.last_projection_time = now;
  }
  const std::size_t n = std::size_t(V);
  if (st.xy.size() != 2 * n) return;

  // Trails: a ring of recent positions, recorded at a fixed pace in wall time
  // so they look the same at any training speed. Each recorded position is a
  // running average, so a trail shows where a token drifts rather than the
  // step-to-step jitter of stochastic gradient descent.
  if (st.show_trails && now - st.last_trail_time >= st.trail_interval_s) {
    if (st.trail_mean.size() != st.xy.size() || st.trails.empty()) st.trail_mean = st.xy;
    for (std::size_t i = 0; i < st.xy.size(); ++i) {
      float& m = st.trail_mean[i];
      m = std::isfinite(m) && std::isfinite(st.xy[i]) ? m + kTrailFollow * (st.xy[i] - m) : st.xy[i];
    }
    if (st.trails.empty() || st.trails.back() != st.trail_mean) {
      st.trails.push_back(st.trail_mean);
      if (int(st.trails.size()) > std::max(1, st.trail_length)) st.trails.erase(st.trails.begin());
    }
    st.last_trail_time = now;
  }

  // Fit to the finite points.
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (std::size_t i = 0; i < n; ++i) {
    const float x = st.xy[2 * i], y = st.xy[2 * i + 1];
    if (!finite2(x, y)) continue;
    x0 = std::min(x0, double(x)), x1 = std::max(x1, double(x));
    y0 = std::min(y0, double(y)), y1 = std::max(y1, double(y));
  }
  if (x0 > x1) x0 = -1, x1 = 1, y0 = -1, y1 = 1;

  if (st.gl_error.empty() && !st.points.ready()) {
    if (!gfx::gl_ready()) {
      st.gl_error = "OpenGL is not loaded";
    } else {
      try {
        st.points.init();
        st.layer.init();
      } catch (const Error& e) {
        st.gl_error = e.what();
      }
    }
  }
  if (!st.gl_error.empty()) ImGui::TextDisabled("Points drawn without the GPU: %s", st.gl_error.c_str());

  if (!plot::BeginPlot("##embedding", st.plot)) return;
  plot::SetupAxes(st.x_label.c_str(), st.y_label.c_str());
  plot::SetupFit(x0, x1, y0, y1);
  ImDrawList* dl = plot::DrawList();
  const ImVec2 pmin = plot::PlotMin(), pmax = plot::PlotMax();
  // Smaller discs for large vocabularies: less overdraw, and a cloud of
  // 100,000 points stays readable as a density.
  const float radius = std::max(2.0f, ImGui::GetFontSize() * (V > 20000 ? 0.15f : V > 2000 ? 0.22f : 0.32f));

  // Token classes depend on the vocabulary only: worked out once per data set.
  if (st.classes_of != s.data || st.classes.size() != n) {
    st.classes.resize(n);
    for (int k = 0; k < 4; ++k) st.classes_present[k] = false;
    for (std::size_t i = 0; i < n; ++i) {
      st.classes[i] = classify_token(vocab->token(int(i)), int(i));
      st.classes_present[int(st.classes[i])] = true;
    }
    st.classes_of = s.data;  // held, so its address cannot come back as another data set's
  }
  const std::vector<TokenClass>& cls = st.classes;
  const bool* present = st.classes_present;

  // Hover: the nearest point within a few pixels of the mouse.
  int hovered = -1;
  plot::Point2 mouse{};
  if (plot::IsHovered(&mouse)) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    float best = (radius + 4) * (radius + 4);
    for (std::size_t i = 0; i < n; ++i) {
      if (!finite2(st.xy[2 * i], st.xy[2 * i + 1])) continue;
      const ImVec2 p = plot::ToPixels(st.xy[2 * i], st.xy[2 * i + 1]);
      const float dd = (p.x - m.x) * (p.x - m.x) + (p.y - m.y) * (p.y - m.y);
      if (dd < best) best = dd, hovered = int(i);
    }
    if (hovered >= 0) ctx.hovered_token = hovered;
    if (plot::WasClicked()) ctx.selected_token = hovered;
  }

  // Trails, fading from old to new.
  if (st.show_trails && st.trails.size() >= 2) {
    const std::size_t K = st.trails.size();
    // Each trail is simplified to within half a pixel first: a token that has
    // settled leaves a segment or two instead of thirty.
    std::vector<ImVec2> run;
    std::vector<int> age, kept;
    auto flush = [&](ImU32 base) {
      plot::simplify_polyline(&run, 0.5f, &kept);
      for (std::size_t k = 1; k < run.size(); ++k) {
        const float f = float(age[std::size_t(kept[k])]) / float(K);  // 1 for the newest
        const int alpha = std::min(255, int(210.0f * f * f));
        dl->AddLine(run[k - 1], run[k], base | (ImU32(alpha) << IM_COL32_A_SHIFT), 1.0f);
      }
      run.clear();
      age.clear();
    };
    auto trail_of = [&](std::size_t i) {
      const ImU32 base = class_colour(cls[i]) & ~IM_COL32_A_MASK;
      // The recorded running averages, then the point itself (the averaged
      // trail lags behind it); a non-finite position breaks the trail.
      for (std::size_t k = 0; k <= K; ++k) {
        const float x = k < K ? st.trails[k][2 * i] : st.xy[2 * i], y = k < K ? st.trails[k][2 * i + 1] : st.xy[2 * i + 1];
        if (!finite2(x, y)) {
          flush(base);
          continue;
        }
        run.push_back(plot::ToPixels(x, y));
        age.push_back(int(std::min(k + 1, K)));
      }
      flush(base);
    };
    if (V <= kTrailsUpTo) {
      for (std::size_t i = 0; i < n; ++i) trail_of(i);
    } else {
      if (ctx.selected_token >= 0 && ctx.selected_token < V) trail_of(std::size_t(ctx.selected_token));
      if (hovered >= 0) trail_of(std::size_t(hovered));
    }
  }

  // Points: one instanced draw on the GPU; ImGui circles if GL is unavailable.
  st.instances.clear();
  st.instances.reserve(n);
  // Drawn in order: the boundary token and the selected/hovered ones last, on top.
  auto on_top = [&](std::size_t i) {
    return cls[i] == TokenClass::Boundary || int(i) == ctx.selected_token || int(i) == hovered;
  };
  const bool layered = V >= st.layer_from && st.layer.ready();
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t i = 0; i < n; ++i) {
      const float x = st.xy[2 * i], y = st.xy[2 * i + 1];
      if (!finite2(x, y) || on_top(i) != (pass == 1)) continue;  // never draw NaN/inf
      if (layered && pass == 0) continue;  // in the layer
      const bool big = int(i) == ctx.selected_token || int(i) == hovered;
      st.instances.push_back({x, y, class_colour(cls[i]), big ? radius * 1.5f : radius});
    }
  gfx::DataToPixels map;
  plot::LinearMap(map.scale, map.offset);
  st.last_map = map;
  if (layered) {
    // Every point goes into the layer, in index order; new positions only when
    // the projection changed.
    const bool moved = st.layer_projection != st.projections;
    if (moved) {
      st.layer_projection = st.projections;
      st.layer_instances.clear();
      st.layer_instances.reserve(n);
      for (std::size_t i = 0; i < n; ++i)
        if (finite2(st.xy[2 * i], st.xy[2 * i + 1]))
          st.layer_instances.push_back({st.xy[2 * i], st.xy[2 * i + 1], class_colour(cls[i]), radius});
    }
    const float rect[4] = {pmin.x, pmin.y, pmax.x, pmax.y};
    st.layer.set(st.layer_instances.data(), st.layer_instances.size(), moved, map, rect);
    gfx::PointLayer* l = &st.layer;
    add_gpu_draw(dl, [l](const gfx::ScreenSpace& ss) { l->draw(ss); });
  }
  if (st.points.ready()) {
    st.points.upload(st.instances.data(), st.instances.size());
    gfx::PointRenderer* r = &st.points;
    add_gpu_draw(dl, [r, map](const gfx::ScreenSpace& ss) { r->draw(ss, map); });
  } else {
    for (const gfx::PointInstance& p : st.instances)
      dl->AddCircleFilled(plot::ToPixels(p.x, p.y), p.radius, p.rgba, 12);
  }
  // The legend keeps clear of the points and of their labels (to their right).
  if (!layered)
    for (const gfx::PointInstance& p : st.instances) {
      const ImVec2 at = plot::ToPixels(p.x, p.y);
      plot::Occupy(at);
      plot::Occupy(ImVec2(at.x + ImGui::GetFontSize(), at.y));
    }

  // Rings around the selected and hovered tokens.
  for (int t : {ctx.selected_token, hovered}) {
    if (t < 0 || t >= V || !finite2(st.xy[2 * std::size_t(t)], st.xy[2 * std::size_t(t) + 1])) continue;
    dl->AddCircle(plot::ToPixels(st.xy[2 * std::size_t(t)], st.xy[2 * std::size_t(t) + 1]), radius * 1.5f + 3,
                  ImGui::GetColorU32(ImGuiCol_Text), 24, 2.0f);
  }

  // Labels: all of them for small vocabularies; for large ones only those that
  // do not overlap an earlier label (zooming in reveals more).
  st.labels_drawn = 0;
  if (st.show_labels) {
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    const float line = ImGui::GetTextLineHeight();
    LabelGrid grid(pmin, pmax, std::max(3.0f, line * 0.25f));
    int tries = 0;
    auto label = [&](std::size_t i, bool force) {
      const float x = st.xy[2 * i], y = st.xy[2 * i + 1];
      if (!finite2(x, y)) return;
      const ImVec2 p = plot::ToPixels(x, y);
      if (p.x < pmin.x - line || p.x > pmax.x || p.y < pmin.y - line || p.y > pmax.y + line) return;
      ++tries;
      const std::string& tok = vocab->token(int(i));
      const ImVec2 size = ImGui::CalcTextSize(tok.c_str());
      // Right of the point if free, else left, above or below; small
      // vocabularies label every point even when all four are taken.
      const float gap = radius + 2;
      const ImVec2 spots[4] = {ImVec2(p.x + gap, p.y - size.y * 0.5f), ImVec2(p.x - gap - size.x, p.y - size.y * 0.5f),
                               ImVec2(p.x - size.x * 0.5f, p.y - gap - size.y), ImVec2(p.x - size.x * 0.5f, p.y + gap)};
      int chosen = -1;
      for (int k = 0; k < 4 && chosen < 0; ++k)
        if (grid.claim(spots[k], ImVec2(spots[k].x + size.x - 1, spots[k].y + size.y - 1))) chosen = k;
      if (chosen < 0) {
        if (!force && V > kAllLabelsUpTo) return;
        chosen = 0;
      }
      draw_label(dl, spots[chosen], tok.c_str(), text, V > kAllLabelsUpTo);
      ++st.labels_drawn;
    };
    // Points first claim their own cells, so labels do not cover other points.
    if (V <= kTrailsUpTo) {
      for (std::size_t i = 0; i < n; ++i) {
        if (!finite2(st.xy[2 * i], st.xy[2 * i + 1])) continue;
        const ImVec2 p = plot::ToPixels(st.xy[2 * i], st.xy[2 * i + 1]);
        grid.claim(ImVec2(p.x - radius * 0.5f, p.y - radius * 0.5f), ImVec2(p.x + radius * 0.5f, p.y + radius * 0.5f));
      }
    }
    if (ctx.selected_token >= 0 && ctx.selected_token < V) label(std::size_t(ctx.selected_token), true);
    if (hovered >= 0) label(std::size_t(hovered), true);
    // A large vocabulary: the first visible tokens (in vocabulary order) that
    // find room, within a budget per frame; zooming in brings others into view.
    const bool budget = V > kAllLabelsUpTo;
    for (std::size_t i = 0; i < n && !(budget && (tries >= kLabelTries || st.labels_drawn >= kMaxLabels)); ++i)
      if (int(i) != ctx.selected_token && int(i) != hovered) label(i, false);
  }

  // The step inspector's arrows, when the last Step's record matches this table.
  draw_step_arrows(s, st, dl);

  // Legend: the token classes that occur.
  if (present[int(TokenClass::Boundary)]) plot::LegendEntry("boundary '.'", class_colour(TokenClass::Boundary));
  if (present[int(TokenClass::Vowel)]) plot::LegendEntry("vowel", class_colour(TokenClass::Vowel));
  if (present[int(TokenClass::Consonant)]) plot::LegendEntry("consonant", class_colour(TokenClass::Consonant));
  if (present[int(TokenClass::Other)]) plot::LegendEntry(V > kAllLabelsUpTo ? "token" : "other", class_colour(TokenClass::Other));
  plot::EndPlot();

  // Hover readout: the full vector and the nearest neighbours in all d dimensions.
  if (hovered >= 0) {
    const auto C = s.C();  // (V, d)
    ImGui::BeginTooltip();
    ImGui::Text("'%s'  id %d  (%s)", vocab->token(hovered).c_str(), hovered, class_name(cls[std::size_t(hovered)]));
    ImGui::Text("C[%d] =\n%s", hovered, vector_text(C.row(hovered).data(), d).c_str());
    std::vector<std::pair<double, int>> near;
    near.reserve(n);
    for (int j = 0; j < V; ++j) {
      if (j == hovered) continue;
      const double dist = double((C.row(j) - C.row(hovered)).norm());
      if (std::isfinite(dist)) near.push_back({dist, j});
    }
    const std::size_t k = std::min<std::size_t>(kNeighbours, near.size());
    std::partial_sort(near.begin(), near.begin() + std::ptrdiff_t(k), near.end());
    ImGui::Separator();
    ImGui::Text("nearest (Euclidean, %d dims):", d);
    for (std::size_t i = 0; i < k; ++i)
      ImGui::Text("  '%s'  %.4f", vocab->token(near[i].second).c_str(), near[i].first);
    ImGui::EndTooltip();
  }
}

}  // namespace ev::ui
