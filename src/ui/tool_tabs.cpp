// tool_tabs.cpp: the table of tool tabs.
#include "ui/tool_tabs.h"

#include <imgui.h>

#include <iterator>
#include <string>

#include "ui/facts_panel.h"
#include "ui/fit.h"
#include "ui/inspector_panel.h"
#include "ui/lessons_panel.h"

namespace ev::ui {

namespace {
const ToolTab kTabs[] = {
    {"One-hot", false, [](const Snapshot& s, UiContext& c, ToolStates& t) { draw_onehot_panel(s, c, t.onehot); }},
    {"Step", true, [](const Snapshot& s, UiContext& c, ToolStates&) { draw_inspector_panel(s, c); }},
    {"Codes", false,
     [](const Snapshot& s, UiContext& c, ToolStates& t) { draw_representations_panel(s, c, t.representations); }},
    {"Samples", false, [](const Snapshot& s, UiContext& c, ToolStates& t) { draw_sampling_panel(s, c, t.sampling); }},
    {"Nearest", false,
     [](const Snapshot& s, UiContext& c, ToolStates& t) { draw_neighbours_panel(s, c, t.neighbours); }},
    {"What+where", false,
     [](const Snapshot& s, UiContext& c, ToolStates& t) { draw_what_where_panel(s, c, t.what_where); }},
    {"Attention", false, [](const Snapshot& s, UiContext& c, ToolStates& t) { draw_attention_panel(s, c, t.attention); }},
    {"Model", false, [](const Snapshot& s, UiContext& c, ToolStates&) { draw_facts_panel(s, c); }},
    {"Lessons", false, [](const Snapshot& s, UiContext& c, ToolStates&) { draw_lessons_panel(s, c); }},
};
}  // namespace

const ToolTab* tool_tabs() { return kTabs; }
std::size_t tool_tab_count() { return std::size(kTabs); }

bool tab_button(UiContext& ctx, const char* name, bool selected, bool first) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float w = ImGui::CalcTextSize(name).x + 2 * style.FramePadding.x;
  if (!first) {
    ImGui::SameLine(0, style.ItemInnerSpacing.x);
    if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
  }
  ImGui::PushStyleColor(ImGuiCol_Button, style.Colors[selected ? ImGuiCol_TabActive : ImGuiCol_Tab]);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, style.Colors[ImGuiCol_TabHovered]);
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, style.Colors[ImGuiCol_TabActive]);
  const bool clicked = ImGui::Button(name);
  ImGui::PopStyleColor(3);
  ctx.record_item(std::string("tab ") + name);
  check_label_fits(ctx, name);
  return clicked;
}

}  // namespace ev::ui
