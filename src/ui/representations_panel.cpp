// representations_panel.cpp: index vs one-hot vs embedding, with distance maps.
#include "ui/representations_panel.h"

#include <imgui.h>

#include <algorithm>

#include "core/teach.h"
#include "ui/fit.h"
#include "ui/token_picker.h"

namespace ev::ui {

namespace {
constexpr int kMaxMapTokens = 512;  // distance maps of larger vocabularies show the first 512 tokens

// A distance map under its caption, on the GPU only (a rectangle per cell
// would be far too many for ImGui at 512 tokens).
void draw_map(const TableHeatmap& map, float side, const char* caption) {
  ImGui::BeginGroup();
  ImGui::TextUnformatted(caption);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(side, side));
  const float rect[4] = {p.x, p.y, p.x + side, p.y + side};
  map.draw(ImGui::GetWindowDrawList(), rect, 0.0f, false);
  ImGui::EndGroup();
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
  // Two maps side by side, as wide as the tab allows (it scrolls), never tiny.
  const float side = std::max(ImGui::GetFontSize() * 8, (avail - ImGui::GetStyle().ItemSpacing.x) * 0.5f);
  wrapped_text(ctx, "Distances between every two tokens' codes:");
  draw_map(st.onehot_map, side, "one-hot");
  same_line_if_fits(side);
  draw_map(st.embed_map, side, "embedding");
  if (V > n) {
    std::snprintf(buf, sizeof buf, "(the first %d of %d tokens)", n, V);
    wrapped_disabled(ctx, buf);
  }
  std::snprintf(buf, sizeof buf,
                "Row i, column j: the distance from token i to token j, rows and columns in vocabulary order "
                "(. a b c ...). White: near, red: far (0 to %.2f). One-hot codes are all sqrt(2) apart; learned "
                "ones put similar tokens close.",
                double(st.embed_map.max_abs));
  wrapped_disabled(ctx, buf);
  const std::string& gl_error = st.onehot_map.gl_error.empty() ? st.embed_map.gl_error : st.onehot_map.gl_error;
  if (!gl_error.empty()) wrapped_disabled(ctx, "(no heat maps: " + gl_error + ")");
  ImGui::PopID();
}

}  // namespace ev::ui
