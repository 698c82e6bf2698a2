// neighbours_panel.cpp: two ranked lists from core/teach.h's nearest().
#include "ui/neighbours_panel.h"

#include <imgui.h>

#include "core/teach/teach.h"
#include "ui/token_picker.h"
#include "ui/fit.h"

namespace ev::ui {

void draw_neighbours_panel(const Snapshot& s, UiContext& ctx, NeighboursPanelState& st) {
  ImGui::PushID("neighbours");
  const Vocab& vocab = s.data->vocab;
  const int V = s.spec.vocab;
  const int tok = token_picker(s, ctx);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  ImGui::SliderInt("k", &st.k, 1, std::max(1, std::min(32, V - 1)));
  tooltip("How many neighbours to list.");
  const auto C = s.C();  // (V, d)
  const auto cos = nearest(C, tok, st.k, Metric::Cosine);
  const auto euc = nearest(C, tok, st.k, Metric::Euclidean);
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchSame;
  if (ImGui::BeginTable("nn", 4, flags)) {
    ImGui::TableSetupColumn("by cosine");
    ImGui::TableSetupColumn("similarity");
    ImGui::TableSetupColumn("by distance");
    ImGui::TableSetupColumn("distance");
    ImGui::TableHeadersRow();
    for (std::size_t i = 0; i < std::max(cos.size(), euc.size()); ++i) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      if (i < cos.size() && ImGui::Selectable(vocab.token(cos[i].id).c_str(), false)) ctx.selected_token = cos[i].id;
      ImGui::TableNextColumn();
      if (i < cos.size()) ImGui::Text("%+.3f", cos[i].value);
      ImGui::TableNextColumn();
      if (i < euc.size() && ImGui::Selectable((vocab.token(euc[i].id) + "##e").c_str(), false))
        ctx.selected_token = euc[i].id;
      ImGui::TableNextColumn();
      if (i < euc.size()) ImGui::Text("%.3f", euc[i].value);
    }
    ImGui::EndTable();
  }
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("Cosine compares directions only; distance also counts length. Click a token to follow it.");
  ImGui::PopTextWrapPos();
  ImGui::PopID();
}

}  // namespace ev::ui
