// token_picker.cpp: a combo over the vocabulary (the first 4096 tokens of large ones).
#include "ui/token_picker.h"

#include <imgui.h>

#include <algorithm>

namespace ev::ui {

int token_picker(const Snapshot& s, UiContext& ctx) {
  const Vocab& vocab = s.data->vocab;
  const int V = s.spec.vocab;
  int tok = ctx.selected_token >= 0 && ctx.selected_token < V ? ctx.selected_token : std::min(1, V - 1);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::BeginCombo("token", vocab.token(tok).c_str())) {
    for (int v = 0; v < V && v < 4096; ++v)
      if (ImGui::Selectable(vocab.token(v).c_str(), v == tok)) ctx.selected_token = tok = v;
    ImGui::EndCombo();
  }
  return tok;
}

}  // namespace ev::ui
