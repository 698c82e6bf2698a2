// representations_panel.cpp: index vs one-hot vs embedding, with distance maps.
#include "ui/representations_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/teach.h"
#include "gfx/gl.h"
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
  const int V = s.shape.vocab, d = s.shape.emb;
  ImGui::TextDisabled("THREE WAYS TO GIVE A TOKEN TO A NETWORK");
  const int tok = token_picker(s, ctx);  // clicking a point in the embedding view selects too
  ImGui::SameLine();
  ImGui::TextDisabled("(or click a point in the embedding view)");

  const auto C = s.C();  // (V, d)
  ImGui::PushTextWrapPos(0);
  ImGui::Text("index:     %d", tok);
  ImGui::SameLine();
  ImGui::TextDisabled("  one integer. Is '%s' closer to id %d than to id %d? The numbers cannot say.",
                      vocab.token(tok).c_str(), tok + 1, std::max(0, V - 1));
  std::string oh = "one-hot:   [";
  for (int v = 0; v < V && v < 40; ++v) oh += v == tok ? "1" : "0", oh += v + 1 < std::min(V, 40) ? " " : "";
  oh += V > 40 ? " ...]" : "]";
  ImGui::TextUnformatted(oh.c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("  %d numbers, all tokens equally far apart", V);
  std::string em = "embedding: [";
  char buf[32];
  for (int j = 0; j < d && j < 16; ++j) {
    std::snprintf(buf, sizeof buf, "%s%+.3f", j ? " " : "", double(C(tok, j)));
    em += buf;
  }
  em += d > 16 ? " ...]" : "]";
  ImGui::TextUnformatted(em.c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("  %d learned numbers", d);
  ImGui::PopTextWrapPos();

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
  const float side = std::max(60.0f, std::min((avail - ImGui::GetStyle().ItemSpacing.x) * 0.5f,
                                              ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() * 3));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_map(dl, &st.onehot_map, ImGui::GetCursorScreenPos(), side, 1.5f, "one-hot: all sqrt(2) apart");
  ImGui::SameLine();
  draw_map(dl, &st.embed_map, ImGui::GetCursorScreenPos(), side, st.max_embed_dist, "embedding: similar are close");
  if (V > n) ImGui::TextDisabled("(the first %d of %d tokens)", n, V);
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("white: near, red: far (0 to %.2f). Rows and columns in vocabulary order: . a b c ...",
                      double(st.max_embed_dist));
  ImGui::PopTextWrapPos();
  if (!st.gl_error.empty()) ImGui::TextDisabled("(no heat maps: %s)", st.gl_error.c_str());
  ImGui::PopID();
}

}  // namespace ev::ui
