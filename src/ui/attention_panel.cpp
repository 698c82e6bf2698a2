// attention_panel.cpp: the maps come from gpt_attention() on the snapshot's
// read-only copy of the parameters (microgpt's forward pass, one item).
#include "ui/attention_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "core/data/context.h"
#include "core/models/gpt.h"
#include "ui/fit.h"

namespace ev::ui {

namespace {

// One head's map with the tokens along both axes; a tooltip reads a cell.
void draw_map(const TableHeatmap& map, const std::vector<std::string>& labels, const char* caption, float side,
              float label_w) {
  const int n = map.rows;
  const float font = ImGui::GetFontSize();
  ImGui::BeginGroup();
  ImGui::TextUnformatted(caption);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(label_w + side, font + side));
  const float cell = side / float(std::max(1, n));
  const float rect[4] = {p.x + label_w, p.y + font, p.x + label_w + side, p.y + font + side};
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  for (int i = 0; i < n; ++i) {
    const char* t = labels[std::size_t(i)].c_str();
    const ImVec2 ts = ImGui::CalcTextSize(t);
    // Keys across the top, queries down the left.
    dl->AddText(ImVec2(rect[0] + (i + 0.5f) * cell - ts.x * 0.5f, p.y), text, t);
    dl->AddText(ImVec2(rect[0] - ts.x - 4, rect[1] + (i + 0.5f) * cell - ts.y * 0.5f), text, t);
  }
  map.draw(dl, rect, 0.0f);
  if (ImGui::IsMouseHoveringRect(ImVec2(rect[0], rect[1]), ImVec2(rect[2], rect[3]))) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int i = std::clamp(int((m.y - rect[1]) / cell), 0, n - 1), j = std::clamp(int((m.x - rect[0]) / cell), 0, n - 1);
    ImGui::SetTooltip("position %d ('%s') puts %.3f of its attention on position %d ('%s')%s", i,
                      labels[std::size_t(i)].c_str(), double(map.values[std::size_t(i * n + j)]), j,
                      labels[std::size_t(j)].c_str(), j > i ? ": the future, masked" : "");
  }
  ImGui::EndGroup();
}

}  // namespace

void update_attention(const Snapshot& s, AttentionPanelState& st) {
  st.version = s.version;
  st.computed_text = st.text;
  st.error.clear();
  st.labels.clear();
  const ModelSpec& spec = s.model->spec;
  // The item as the model reads it: the boundary, then at most block - 1 tokens.
  const ParsedContext pc = parse_context(st.text, *s.data, std::max(1, spec.block - 1));
  if (!pc.error.empty()) {
    st.error = pc.error;
    st.maps.clear();
    return;
  }
  std::vector<int> item;
  for (int id : pc.ids)
    if (!item.empty() || id != Vocab::kBoundary) item.push_back(id);  // drop parse_context's left padding
  const std::vector<Mat<float>> att = gpt_attention(*s.model, item);  // layers * heads, each (n, n)
  const int n = att.empty() ? 0 : int(att.front().rows());
  for (int i = 0; i < n; ++i) st.labels.push_back(s.data->vocab.token(i == 0 ? Vocab::kBoundary : item[std::size_t(i - 1)]));
  st.maps.resize(att.size());
  const std::vector<std::uint8_t> none(std::size_t(n), 0);
  for (std::size_t k = 0; k < att.size(); ++k) {
    st.maps[k].init_gpu();
    st.maps[k].set(att[k].data(), n, n, none, 1.0f);  // weights: 0 to 1
  }
}

void draw_attention_panel(const Snapshot& s, UiContext& ctx, AttentionPanelState& st) {
  const IdScope id_scope("attention");
  if (!s.traits().attention) {
    wrapped_disabled(ctx, "This model has no attention. Choose the transformer in the controls (model) to see where "
                          "each position looks.");
    return;
  }
  if (ctx.want_model) ctx.want_model();
  if (!s.model || !family(s.model->spec.family).traits.attention || !s.data) {
    ImGui::TextDisabled("Waiting for the model's parameters...");
    return;
  }
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("name");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  ImGui::InputText("##name", st.text, sizeof st.text);
  ctx.record_item("attention name");
  tooltip("The model reads the boundary '.' and then these tokens, one position each.");
  if (st.version != s.version || st.computed_text != st.text) update_attention(s, st);
  if (!st.error.empty()) {
    wrapped_text(ctx, st.error, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
    return;
  }
  const ModelSpec& spec = s.model->spec;
  wrapped_disabled(ctx, "Row i: how position i shares its attention among positions 0..i (each row sums to 1; to "
                        "the right of the diagonal, the future, masked).");
  // Heads side by side as far as the width allows; never smaller than a readable map.
  const float font = ImGui::GetFontSize(), gap = ImGui::GetStyle().ItemSpacing.x;
  float label_w = 0;
  for (const std::string& l : st.labels) label_w = std::max(label_w, ImGui::CalcTextSize(l.c_str()).x);
  label_w += 6;
  const float avail = ImGui::GetContentRegionAvail().x;
  const int per_row = std::clamp(int(avail / (font * 10 + label_w + gap)), 1, std::max(1, spec.heads));
  const float side = std::max(font * 6, (avail - per_row * (label_w + gap)) / float(per_row));
  for (std::size_t k = 0; k < st.maps.size(); ++k) {
    char caption[64];
    std::snprintf(caption, sizeof caption, "layer %d, head %d", int(k) / spec.heads, int(k) % spec.heads);
    if (k % std::size_t(per_row) != 0) ImGui::SameLine();
    draw_map(st.maps[k], st.labels, caption, side, label_w);
  }
  ImGui::Spacing();
  draw_colour_scale(label_w, std::min(avail - label_w, font * 16), 1.0f);
  if (!st.maps.empty() && !st.maps.front().gl_error.empty())
    wrapped_disabled(ctx, "(drawn without the GPU: " + st.maps.front().gl_error + ")");
}

}  // namespace ev::ui
