// representations_panel.cpp: index vs one-hot vs embedding, with distance maps.
#include "ui/representations_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/teach/teach.h"
#include "ui/fit.h"
#include "ui/token_picker.h"

namespace ev::ui {

namespace {
constexpr int kMaxMapTokens = 512;  // distance maps of larger vocabularies show the first 512 tokens

// Where a map's tokens are labelled: at most a font height, down to 70% of
// it; every token where its cell has room, else every k-th.
struct MapLabels {
  float size;  // font size, pixels
  int every;   // label every k-th token
};
MapLabels map_labels(float cell) {
  const float font = ImGui::GetFontSize();
  const float size = std::clamp(cell * 0.95f, font * 0.7f, font);
  return {size, std::max(1, int(std::ceil(size / cell - 0.05f)))};
}

// The width of a map's row labels at the full font size: its longest token's
// (cut at 3 font heights).
float label_width(const Vocab& vocab, int n) {
  float w = 0;
  for (int i = 0; i < n; ++i) w = std::max(w, ImGui::CalcTextSize(vocab.token(i).c_str()).x);
  return std::min(w, ImGui::GetFontSize() * 3);
}

// A distance map under its caption, on the GPU only (a rectangle per cell
// would be far too many for ImGui at 512 tokens), with its tokens along the
// rows (left) and the columns (top), never two labels over each other; hover
// a cell for its two tokens and their distance. Returns the row labels drawn.
int draw_map(const TableHeatmap& map, const Vocab& vocab, int n, float side, const char* caption, UiContext& ctx) {
  const float line = ImGui::GetTextLineHeight(), pad = ImGui::GetStyle().ItemInnerSpacing.x;
  const float font = ImGui::GetFontSize();
  // The labels' column is measured at the full font size, so it holds them at any size.
  const float label_w = label_width(vocab, n);
  const float cells = side - label_w - pad;  // the map's own side, right of the row labels
  const float cell = cells / float(std::max(1, n));
  const MapLabels rows_at = map_labels(cell);
  ImGui::BeginGroup();
  ImGui::TextUnformatted(caption);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(side, cells + line));
  const ImVec2 m0(p.x + label_w + pad, p.y + line);
  const float rect[4] = {m0.x, m0.y, m0.x + cells, m0.y + cells};
  ImDrawList* dl = ImGui::GetWindowDrawList();
  map.draw(dl, rect, 0.0f, false);
  const float scale = rows_at.size / font;
  const int col_every = std::max(1, int(std::ceil((label_w * scale + 2) / cell)));
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  int labelled = 0;
  for (int i = 0; i < n; ++i) {
    const std::string name = elide(vocab.token(i), label_w);
    const float w = ImGui::CalcTextSize(name.c_str()).x * scale, mid = (float(i) + 0.5f) * cell;
    if (i % rows_at.every == 0) {
      dl->AddText(ImGui::GetFont(), rows_at.size, ImVec2(m0.x - pad - w, m0.y + mid - rows_at.size * 0.5f), text,
                  name.c_str());
      ++labelled;
    }
    if (i % col_every == 0)
      dl->AddText(ImGui::GetFont(), rows_at.size, ImVec2(m0.x + mid - w * 0.5f, m0.y - rows_at.size - 1), text,
                  name.c_str());
  }
  ImGui::EndGroup();
  if (ImGui::IsMouseHoveringRect(ImVec2(rect[0], rect[1]), ImVec2(rect[2], rect[3])) && n > 0 &&
      map.values.size() == std::size_t(n) * std::size_t(n)) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int i = std::clamp(int((m.y - rect[1]) / cell), 0, n - 1), j = std::clamp(int((m.x - rect[0]) / cell), 0, n - 1);
    ctx.hovered_token = i;
    ImGui::SetTooltip("'%s' to '%s': %.3f", vocab.token(i).c_str(), vocab.token(j).c_str(),
                      double(map.values[std::size_t(i) * std::size_t(n) + std::size_t(j)]));
  }
  ctx.item_rects[std::string("codes map ") + caption] = {rect[0], rect[1], rect[2], rect[3]};
  return labelled;
}
}  // namespace

void draw_representations_panel(const Snapshot& s, UiContext& ctx, RepresentationsPanelState& st) {
  ImGui::PushID("representations");
  const Vocab& vocab = s.data->vocab;
  const int V = s.spec.vocab, d = s.spec.emb;
  ImGui::TextDisabled("THREE WAYS TO GIVE A TOKEN TO A NETWORK");
  const int tok = token_picker(s, ctx);  // clicking a point in the embedding view selects too
  tooltip("The token to show three ways. Clicking a point in the embedding view picks it too.");

  const auto C = s.C();  // (V, d)
  char buf[512];
  std::snprintf(buf, sizeof buf, "index: %d", tok);
  wrapped_text(ctx, buf);
  std::snprintf(buf, sizeof buf, "One integer. Is '%s' closer to id %d than to id %d? The numbers cannot say.",
                vocab.token(tok).c_str(), tok + 1, std::max(0, V - 1));
  wrapped_disabled(ctx, buf);
  std::string oh = "one-hot: [";
  for (int v = 0; v < V && v < 40; ++v) oh += v == tok ? "1" : "0", oh += v + 1 < std::min(V, 40) ? " " : "";
  oh += V > 40 ? " ...]" : "]";
  wrapped_text(ctx, oh);
  std::snprintf(buf, sizeof buf, "%d numbers, all tokens equally far apart.", V);
  wrapped_disabled(ctx, buf);
  std::string em = "embedding: [";
  for (int j = 0; j < d && j < 16; ++j) {
    std::snprintf(buf, sizeof buf, "%s%+.3f", j ? " " : "", double(C(tok, j)));
    em += buf;
  }
  em += d > 16 ? " ...]" : "]";
  wrapped_text(ctx, em);
  std::snprintf(buf, sizeof buf, "%d learned numbers: similar tokens get similar rows.", d);
  wrapped_disabled(ctx, buf);

  // Distance maps: refreshed when the table changes (large ones at most 4 times a second).
  const int n = std::min(V, kMaxMapTokens);
  const bool gpu = st.onehot_map.init_gpu() && st.embed_map.init_gpu();
  const double now = ImGui::GetTime();
  if (gpu && st.uploaded_version != s.version && (V <= 64 || now - st.last_upload > 0.25)) {
    const std::vector<std::uint8_t> none(std::size_t(n), 0);
    if (st.uploaded_vocab != n) {
      const Mat<float> D1 = onehot_distances(n);  // (n, n)
      st.onehot_map.set(D1.data(), n, n, none, 1.5f);  // every two one-hot codes are sqrt(2) apart
      st.uploaded_vocab = n;
    }
    const Mat<float> D2 = embedding_distances(C.topRows(n));  // (n, n)
    st.embed_map.set(D2.data(), n, n, none);  // the scale: the largest distance
    st.uploaded_version = s.version;
    st.last_upload = now;
  }
  ImGui::Spacing();
  const float avail = ImGui::GetContentRegionAvail().x;
  // Two maps side by side, as wide as the tab allows (it scrolls), never
  // tiny; one above the other where that labels every token and side by side would not.
  const float font = ImGui::GetFontSize(), least = font * 0.7f;
  const float label_w = label_width(vocab, n) + ImGui::GetStyle().ItemInnerSpacing.x;
  const float half = std::max(font * 8, (avail - ImGui::GetStyle().ItemSpacing.x) * 0.5f);
  const bool stack = (half - label_w) / float(n) < least && (avail - label_w) / float(n) >= least;
  const float side = stack ? std::min(avail, label_w + float(n) * font * 1.2f) : half;
  wrapped_text(ctx, "Distances between every two tokens' codes (hover a cell for its two tokens):");
  st.map_labels = draw_map(st.onehot_map, vocab, n, side, "one-hot", ctx);
  if (!stack) same_line_if_fits(side);
  draw_map(st.embed_map, vocab, n, side, "embedding", ctx);
  if (V > n) {
    std::snprintf(buf, sizeof buf, "(the first %d of %d tokens)", n, V);
    wrapped_disabled(ctx, buf);
  }
  std::snprintf(buf, sizeof buf,
                "Row i, column j: the distance from token i to token j, rows and columns in vocabulary order, "
                "as labelled. White: near, red: far (0 to %.2f). One-hot codes are all sqrt(2) apart; learned "
                "ones put similar tokens close.",
                double(st.embed_map.max_abs));
  wrapped_disabled(ctx, buf);
  const std::string& gl_error = st.onehot_map.gl_error.empty() ? st.embed_map.gl_error : st.onehot_map.gl_error;
  if (!gl_error.empty()) wrapped_disabled(ctx, "(no heat maps: " + gl_error + ")");
  ImGui::PopID();
}

}  // namespace ev::ui
