// preparing.cpp: the centred line of a view whose run is not made yet.
#include "ui/preparing.h"

#include <imgui.h>

#include <algorithm>

#include "ui/fit.h"

namespace ev::ui {

std::string preparing_text(const Snapshot& s) {
  if (s.failed) return "The run could not be made: " + s.message;
  return "Preparing: " + s.preparing + "...";
}

bool draw_preparing(const Snapshot& s, UiContext& ctx, const char* view) {
  if (s.ready()) return false;
  const ImVec2 at = ImGui::GetCursorScreenPos(), avail = ImGui::GetContentRegionAvail();
  // Lines broken at spaces to the view's width, the block centred both ways.
  const std::vector<std::string> lines = wrap_lines(preparing_text(s), std::max(avail.x, 1.0f));
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const float top = at.y + std::max(0.0f, (avail.y - line_h * float(lines.size())) * 0.5f);
  const ImVec4 colour = s.failed ? ImVec4(1.0f, 0.45f, 0.4f, 1.0f) : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const float w = ImGui::CalcTextSize(lines[i].c_str()).x;
    ImGui::SetCursorScreenPos(ImVec2(at.x + std::max(0.0f, (avail.x - w) * 0.5f), top + line_h * float(i)));
    ImGui::TextColored(colour, "%s", lines[i].c_str());
    if (i == 0) ctx.record_item(std::string("preparing ") + view);
  }
  return true;
}

}  // namespace ev::ui
