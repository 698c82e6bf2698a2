// what_where_panel.cpp: the sums are projected with a fit of wte itself (as
// the embedding view's, with its own axes), so the path sits among the tokens.
#include "ui/what_where_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "ui/fit.h"
#include "ui/position_path.h"
#include "ui/token_picker.h"

namespace ev::ui {

namespace {

constexpr int kShownCols = 16;  // numbers shown per vector before "..."
const ImU32 kTokenColour = IM_COL32(242, 171, 57, 255);
const ImU32 kSumColour = IM_COL32(110, 210, 140, 255);  // the embedding view's colour for positions

std::string row_text(const char* name, const float* row, int d) {
  return std::string(name) + " = " + numbers_text(row, d, kShownCols);
}

// The three vectors of token t at position p, one wrapped line each.
void numbers(const Snapshot& s, UiContext& ctx, int t, int p) {
  const Mat<float>& wte = s.C();                 // (V, d)
  const Mat<float>& wpe = s.positions();         // (block, d)
  const int d = int(wte.cols());
  const Vec<float> sum = wte.row(t) + wpe.row(p);  // (d): what enters the first block at position p
  const std::string tok = s.data->vocab.token(t);
  char name[96];
  std::snprintf(name, sizeof name, "what  wte['%s']", tok.c_str());
  wrapped_text(ctx, row_text(name, wte.row(t).data(), d), ImVec4(0.95f, 0.67f, 0.22f, 1));
  std::snprintf(name, sizeof name, "where wpe[%d]", p);
  wrapped_text(ctx, row_text(name, wpe.row(p).data(), d));
  std::snprintf(name, sizeof name, "sum   x[%d]", p);
  wrapped_text(ctx, row_text(name, sum.data(), d), ImVec4(0.43f, 0.82f, 0.55f, 1));
}

void plot_sums(const Snapshot& s, WhatWherePanelState& st, int t) {
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  const std::vector<float> own(st.tokens_xy.begin() + 2 * t, st.tokens_xy.begin() + 2 * t + 2);
  fit_points(own, x0, x1, y0, y1);
  fit_points(st.sums_xy, x0, x1, y0, y1);
  if (x0 > x1) x0 = -1, x1 = 1, y0 = -1, y1 = 1;
  // Never squeezed flat below the numbers: the tab scrolls instead.
  const float h = std::max(ImGui::GetContentRegionAvail().y, ImGui::GetFontSize() * 16);
  if (!plot::BeginPlot("##whatwhere", st.plot, ImVec2(-1, h))) return;
  plot::SetupAxes(st.projector.x_label.c_str(), st.projector.y_label.c_str());
  plot::SetupFit(x0, x1, y0, y1);
  ImDrawList* dl = plot::DrawList();
  const float r = ImGui::GetFontSize() * 0.3f;
  // Every token faintly, for scale: the path's spread against theirs.
  for (std::size_t i = 0; i < st.tokens_xy.size() / 2; ++i)
    if (finite_point(st.tokens_xy, i)) dl->AddCircleFilled(point_pixels(st.tokens_xy, i), r * 0.6f, IM_COL32(130, 130, 140, 90));
  draw_position_path(st.sums_xy, kSumColour, r * 0.8f, true, dl);
  if (finite_point(st.sums_xy, std::size_t(st.position)))
    dl->AddCircle(point_pixels(st.sums_xy, std::size_t(st.position)), r * 2.2f, ImGui::GetColorU32(ImGuiCol_Text), 20, 2.0f);
  if (finite_point(own, 0)) {
    const ImVec2 at = point_pixels(own, 0);
    dl->AddCircleFilled(at, r * 1.4f, kTokenColour);
    const std::string label = "'" + s.data->vocab.token(t) + "'";
    dl->AddText(ImVec2(at.x + r * 1.4f + 3, at.y - ImGui::GetFontSize() * 0.5f), kTokenColour, label.c_str());
    plot::Occupy(at);
  }
  plot::EndPlot();
}

}  // namespace

void update_what_where(const Snapshot& s, int token, WhatWherePanelState& st) {
  st.version = s.version;
  st.token = token;
  const Mat<float>& wte = s.C();                 // (V, d)
  const Mat<float>& wpe = s.positions();         // (block, d)
  const int V = s.spec.vocab, d = int(wte.cols());
  const Projection use = Projector::resolve(Projection::Auto, d);
  if (wte.rows() >= V) st.projector.fit(wte.topRows(V), use, 0, 1, &st.tokens_xy);
  Mat<float> sums = wpe;                         // (block, d)
  sums.rowwise() += wte.row(token);
  st.sums_xy = st.projector.project(sums);
}

void draw_what_where_panel(const Snapshot& s, UiContext& ctx, WhatWherePanelState& st) {
  const IdScope id_scope("whatwhere");
  const Mat<float>& wpe = s.positions();
  if (!s.data || wpe.rows() == 0 || s.C().rows() < s.spec.vocab || s.spec.vocab <= 0) {
    wrapped_disabled(ctx, "This model has no position table. Choose the transformer in the controls (model): it adds "
                          "to each token's vector (what) the vector of its position (where).");
    return;
  }
  const int t = token_picker(s, ctx);
  ImGui::SameLine();
  const int block = int(wpe.rows());
  st.position = std::clamp(st.position, 0, block - 1);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  ImGui::SliderInt("position", &st.position, 0, block - 1);
  ctx.record_item("what+where position");
  tooltip("The position whose vectors are shown as numbers (ringed on the path).");
  if (st.version != s.version || st.token != t) update_what_where(s, t, st);
  wrapped_disabled(ctx, "The transformer's input at position p is wte[token] + wpe[p]: what the token is plus where "
                        "it stands. Orange: the token's own point; green: the token at positions 0, 1, 2, ...");
  numbers(s, ctx, t, st.position);
  plot_sums(s, st, t);
}

}  // namespace ev::ui
