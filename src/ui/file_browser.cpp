// file_browser.cpp: a modal dialog: places and recent files on the left, the
// folder's entries on the right, the path field, the type and the buttons below.
#include "ui/file_browser.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace ev::ui {

namespace fs = std::filesystem;

namespace {

constexpr ImGuiSelectableFlags kPick = ImGuiSelectableFlags_DontClosePopups | ImGuiSelectableFlags_AllowDoubleClick;

void set_name(FileBrowserState& st, const std::string& name) {
  std::snprintf(st.name, sizeof st.name, "%s", name.c_str());
}

void go_to(FileBrowserState& st, const std::string& dir) {
  st.dir = dir;
  st.listed = false;
  st.problem.clear();
}

std::string human_size(std::uintmax_t bytes) {
  char buf[32];
  if (bytes < 1024) std::snprintf(buf, sizeof buf, "%ju B", bytes);
  else if (bytes < 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f KB", double(bytes) / 1024);
  else std::snprintf(buf, sizeof buf, "%.1f MB", double(bytes) / (1024 * 1024));
  return buf;
}

// The end of `text` that fits in `width` pixels, led by an ellipsis when cut.
std::string fit_left(const std::string& text, float width) {
  if (ImGui::CalcTextSize(text.c_str()).x <= width) return text;
  for (std::size_t i = 1; i < text.size(); ++i) {
    if ((text[i] & 0xC0) == 0x80) continue;  // not inside a UTF-8 sequence
    const std::string s = "\u2026" + text.substr(i);
    if (ImGui::CalcTextSize(s.c_str()).x <= width) return s;
  }
  return "\u2026";
}

// Decides what the path field names. Returns true when it is a choice; a typed
// folder (in Open and Save) is opened instead, and a refusal sets st.problem.
bool try_choose(FileBrowserState& st) {
  std::string typed = st.name;
  while (!typed.empty() && typed.back() == ' ') typed.pop_back();
  if (typed.empty() && st.mode != BrowseMode::Folder) {
    st.problem = "Choose a file, or type its name.";
    return false;
  }
  std::string target = typed.empty() ? st.dir : resolve_path(typed, st.dir);
  std::error_code ec;
  const bool is_dir = fs::is_directory(target, ec);
  if (is_dir && st.mode != BrowseMode::Folder) {
    go_to(st, target);
    set_name(st, "");
    st.focus_path = true;  // a typed folder: keep typing in it
    return false;
  }
  if (st.mode == BrowseMode::Open && !fs::exists(target, ec)) {
    st.problem = "There is no file " + target + ".";
    return false;
  }
  if (st.mode == BrowseMode::Folder && !is_dir && fs::exists(target, ec)) {
    st.problem = target + " is a file, not a folder.";
    return false;
  }
  const FileFilter& f = st.filters[std::size_t(st.filter)];
  if (st.mode == BrowseMode::Save && !f.extensions.empty() && fs::path(target).extension().empty())
    target += f.extensions.front();
  st.chosen = target;
  st.problem.clear();
  return true;
}

// Up, and the folder shown.
void draw_location(FileBrowserState& st, UiContext& ctx) {
  if (ImGui::Button("Up")) go_to(st, parent_dir(st.dir));
  ctx.record_item("browser up");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The folder above this one");
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(fit_left(st.dir, ImGui::GetContentRegionAvail().x).c_str());
}

// Places and recent files. Returns true when a recent file was double-clicked and chosen.
bool draw_places(FileBrowserState& st, UiContext& ctx) {
  ImGui::TextDisabled("Places");
  for (const Place& p : st.places) {
    if (ImGui::Selectable(p.label.c_str(), p.dir == st.dir, ImGuiSelectableFlags_DontClosePopups)) go_to(st, p.dir);
    ctx.record_item("browser place " + p.label);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", p.dir.c_str());
  }
  ImGui::Spacing();
  ImGui::TextDisabled(st.recent.empty() ? "No recent files" : "Recent");
  bool chosen = false;
  for (const std::string& r : st.recent) {
    const fs::path p(r);
    const std::string label = p.filename().string() + "##" + r;
    if (ImGui::Selectable(label.c_str(), false, kPick)) {
      go_to(st, p.parent_path().string());
      set_name(st, p.filename().string());
      if (ImGui::IsMouseDoubleClicked(0)) chosen = try_choose(st);
    }
    ctx.record_item("browser recent " + r);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r.c_str());
  }
  return chosen;
}

// The folder's entries: a click opens a folder or picks a file, a double-click
// on a file chooses it. Returns true when a file was chosen.
bool draw_entries(FileBrowserState& st, UiContext& ctx) {
  if (!st.listed) {
    std::string error;
    st.entries = list_dir(st.dir, st.filters[std::size_t(st.filter)], st.hidden, &error);
    if (st.mode == BrowseMode::Folder)
      st.entries.erase(std::remove_if(st.entries.begin(), st.entries.end(), [](const DirEntry& e) { return !e.is_dir; }),
                       st.entries.end());
    st.problem = error;
    st.listed = true;
  }
  if (st.entries.empty()) ImGui::TextDisabled(st.mode == BrowseMode::Folder ? "No folders here" : "Nothing of this type here");
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
  if (st.entries.empty() || !ImGui::BeginTable("entries", 2, flags)) return false;
  ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("Size");
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableHeadersRow();
  bool chosen = false;
  std::string open_dir;  // navigating is deferred until the listing is drawn
  for (const DirEntry& e : st.entries) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const std::string label = e.is_dir ? e.name + "/" : e.name;
    if (ImGui::Selectable(label.c_str(), !e.is_dir && e.name == st.name, kPick | ImGuiSelectableFlags_SpanAllColumns)) {
      if (e.is_dir) {
        open_dir = (fs::path(st.dir) / e.name).string();
      } else {
        set_name(st, e.name);
        if (ImGui::IsMouseDoubleClicked(0)) chosen = try_choose(st);
      }
    }
    ctx.record_item("browser entry " + e.name);
    ImGui::TableNextColumn();
    if (!e.is_dir) ImGui::TextDisabled("%s", human_size(e.size).c_str());
  }
  ImGui::EndTable();
  if (!open_dir.empty()) go_to(st, open_dir);
  return chosen;
}

// The path field, the type, hidden files, OK and Cancel. Returns true when a path was chosen.
bool draw_footer(FileBrowserState& st, UiContext& ctx) {
  const float font = ImGui::GetFontSize();
  const float combo_w = font * 14;
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - combo_w - ImGui::GetStyle().ItemSpacing.x);
  if (ImGui::IsWindowAppearing() || st.focus_path) ImGui::SetKeyboardFocusHere();
  st.focus_path = false;
  bool ok = ImGui::InputTextWithHint("##path", "a name in this folder, or a whole path", st.name, sizeof st.name,
                            ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_AutoSelectAll);
  ctx.record_item("browser path");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A name in this folder, or a whole path (~ is your home folder). Enter accepts.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(combo_w);
  if (ImGui::BeginCombo("##type", st.filters[std::size_t(st.filter)].label.c_str())) {
    for (std::size_t i = 0; i < st.filters.size(); ++i) {
      if (ImGui::Selectable(st.filters[i].label.c_str(), int(i) == st.filter)) {
        st.filter = int(i);
        st.listed = false;
      }
      ctx.record_item("browser type " + st.filters[i].label);
    }
    ImGui::EndCombo();
  }
  ctx.record_item("browser type");
  const char* ok_label = st.mode == BrowseMode::Open ? "Open" : st.mode == BrowseMode::Save ? "Save" : "Export here";
  ok = ImGui::Button(ok_label, ImVec2(font * 7, 0)) || ok;
  ctx.record_item("browser ok");
  ImGui::SameLine();
  const bool cancel = ImGui::Button("Cancel", ImVec2(font * 7, 0)) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape));
  ctx.record_item("browser cancel");
  ImGui::SameLine();
  if (ImGui::Checkbox("hidden files", &st.hidden)) st.listed = false;
  if (st.tokenizer >= 0) {
    ImGui::SameLine();
    ImGui::TextUnformatted("tokens:");
    ImGui::SameLine();
    ImGui::RadioButton("characters", &st.tokenizer, 0);
    ctx.record_item("browser tokens char");
    ImGui::SameLine();
    ImGui::RadioButton("words", &st.tokenizer, 1);
    ctx.record_item("browser tokens word");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Words of prose, the most frequent with <unk> for the rest.");
  }
  if (!st.problem.empty()) {
    ImGui::SameLine();
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", st.problem.c_str());
    ImGui::PopTextWrapPos();
  }
  if (cancel) ImGui::CloseCurrentPopup(), st.shown = false;
  return !cancel && ok && try_choose(st);
}

}  // namespace

void open_file_browser(FileBrowserState& st, std::string title, std::string hint, BrowseMode mode,
                       std::vector<FileFilter> filters, const std::string& start, const RecentFiles& recent,
                       const std::vector<Place>& places) {
  st.title = std::move(title);
  st.hint = std::move(hint);
  st.mode = mode;
  st.filters = filters.empty() ? std::vector<FileFilter>{{"All files", {}}} : std::move(filters);
  st.filter = 0;
  std::error_code ec;
  const bool start_is_dir = mode != BrowseMode::Folder && fs::is_directory(start, ec);
  const fs::path p(start);
  go_to(st, start_is_dir ? start : p.parent_path().string());
  set_name(st, start_is_dir ? "" : p.filename().string());
  st.places.clear();
  for (const Place& place : places)
    if (!place.dir.empty() && fs::is_directory(place.dir, ec)) st.places.push_back(place);
  st.recent.clear();
  for (const std::string& r : recent.paths()) {
    const bool dir = fs::is_directory(r, ec);
    const bool fits = mode == BrowseMode::Folder ? dir : !dir && fs::exists(r, ec) && matches(st.filters[0], r);
    if (fits) st.recent.push_back(r);
  }
  st.chosen.clear();
  st.tokenizer = -1;
  st.open_request = true;
}

bool draw_file_browser(FileBrowserState& st, UiContext& ctx) {
  if (st.open_request) {
    ImGui::OpenPopup(st.title.c_str());
    st.open_request = false;
  }
  const ImVec2 screen = ImGui::GetIO().DisplaySize;
  const float font = ImGui::GetFontSize();
  ImGui::SetNextWindowSize(ImVec2(std::min(font * 62, screen.x * 0.92f), std::min(font * 36, screen.y * 0.88f)));
  ImGui::SetNextWindowPos(ImVec2(screen.x * 0.5f, screen.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  // Opaque, in the panels' colour: nothing behind the dialog shows through its text.
  ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
  bg.w = 1;
  ImGui::PushStyleColor(ImGuiCol_PopupBg, bg);
  const bool open = ImGui::BeginPopupModal(st.title.c_str(), nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove);
  ImGui::PopStyleColor();
  st.shown = open;
  if (!open) return false;
  ImGui::TextUnformatted(st.hint.c_str());
  draw_location(st, ctx);
  const ImGuiStyle& style = ImGui::GetStyle();
  const float footer = 2 * ImGui::GetFrameHeightWithSpacing() + style.ItemSpacing.y;
  const float body_h = std::max(font * 4, ImGui::GetContentRegionAvail().y - footer);
  bool chosen = false;
  ImGui::BeginChild("places", ImVec2(font * 15, body_h), true);
  chosen = draw_places(st, ctx) || chosen;
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("folder", ImVec2(0, body_h), true);
  chosen = draw_entries(st, ctx) || chosen;
  ImGui::EndChild();
  chosen = draw_footer(st, ctx) || chosen;
  if (chosen) ImGui::CloseCurrentPopup(), st.shown = false;
  ImGui::EndPopup();
  return chosen;
}

}  // namespace ev::ui
