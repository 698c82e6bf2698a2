// tool_tabs.cpp: the table of tool tabs.
#include "ui/tool_tabs.h"

#include <imgui.h>

#include <iterator>

#include "ui/facts_panel.h"
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

float tool_tabs_width() {
  const ImGuiStyle& st = ImGui::GetStyle();
  float w = 2 * st.WindowPadding.x;
  for (const ToolTab& t : kTabs) w += ImGui::CalcTextSize(t.name).x + 2 * st.FramePadding.x + st.ItemInnerSpacing.x;
  return w + ImGui::GetFontSize();  // room for a scroll bar
}

}  // namespace ev::ui
