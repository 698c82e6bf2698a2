// representations_panel.cpp: index vs one-hot vs embedding, with distance maps.
#include "ui/representations_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/teach.h"
#include "gfx/gl.h"
#include "ui/fit.h"
#include "ui/gpu_draw.h"
#include "ui/token_picker.h"

namespace ev::ui {

namespace {
constexpr int kMaxMapTokens = 512;  // distance maps of larger vocabularies show the first 512 tokens

void draw_map(ImDrawList* dl, gfx::Heatmap* hm, ImVec2 at, float side, float max_abs, const char* caption) {
  ImGui::BeginGroup();
  ImGui::TextUnformatted(caption);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(side, side));
  if (hm->ready() && hm->rows() > 0) {
    const std::array<float, 4> r4 = {p.x, p.y, p.x + side, p.y + side};
    add_gpu_draw(dl, [hm, r4, max_abs](const gfx::ScreenSpace& ss) { hm->draw(ss, r4.data(), max_abs, 0.0f); });
  }
  ImGui::EndGroup();
  (void)at;
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
  char buf[160];
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
  if (st.gl_error.empty() && !st.onehot_map.ready()) {
    if (!gfx::gl_ready()) st.gl_error = "OpenGL is not loaded";
    else try {
        st.onehot_map.init();
        st.embed_map.init();
      } catch (const Error& e) {
        st.gl_error = e.what();
      }
  }
  const double now = ImGui::GetTime();
  if (st.onehot_map.ready() && st.uploaded_version != s.version && (V <= 64 || now - st.last_upload > 0.25)) {
    const std::vector<std::uint8_t> none(std::size_t(n), 0);
    if (st.uploaded_vocab != n) {
      const Mat<float> D1 = onehot_distances(n);  // (n, n)
      st.onehot_map.upload(D1.data(), n, n, none);
      st.uploaded_vocab = n;
    }
    const Mat<float> D2 = embedding_distances(C.topRows(n));  // (n, n)
    float mx = 0;
    for (Eigen::Index i = 0; i < D2.size(); ++i)
      if (std::isfinite(D2.data()[i])) mx = std::max(mx, D2.data()[i]);
    st.max_embed_dist = mx > 0 ? mx : 1;
    st.embed_map.upload(D2.data(), n, n, none);
    st.uploaded_version = s.version;
    st.last_upload = now;
  }
  ImGui::Spacing();
  const float avail = ImGui::GetContentRegionAvail().x;
  // Two maps side by side, as wide as the tab allows (it scrolls), never tiny.
  const float side = std::max(ImGui::GetFontSize() * 8, (avail - ImGui::GetStyle().ItemSpacing.x) * 0.5f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  wrapped_text(ctx, "Distances between every two tokens' codes:");
  draw_map(dl, &st.onehot_map, ImGui::GetCursorScreenPos(), side, 1.5f, "one-hot");
  same_line_if_fits(side);
  draw_map(dl, &st.embed_map, ImGui::GetCursorScreenPos(), side, st.max_embed_dist, "embedding");
  if (V > n) {
    std::snprintf(buf, sizeof buf, "(the first %d of %d tokens)", n, V);
    wrapped_disabled(ctx, buf);
  }
  std::snprintf(buf, sizeof buf,
                "Row i, column j: the distance from token i to token j, rows and columns in vocabulary order "
                "(. a b c ...). White: near, red: far (0 to %.2f). One-hot codes are all sqrt(2) apart; learned "
                "ones put similar tokens close.",
                double(st.max_embed_dist));
  wrapped_disabled(ctx, buf);
  if (!st.gl_error.empty()) wrapped_disabled(ctx, "(no heat maps: " + st.gl_error + ")");
  ImGui::PopID();
}

}  // namespace ev::ui
