// fit.cpp: wrapping at spaces, framed labels and the per-frame clipping check.
#include "ui/fit.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ev::ui {

namespace {
float text_width(const std::string& s) { return ImGui::CalcTextSize(s.c_str()).x; }

void clipped(UiContext& ctx, const std::string& where, const std::string& what, float need, float got) {
  char buf[96];
  std::snprintf(buf, sizeof buf, " (needs %.0f px, got %.0f)", double(need), double(got));
  ctx.clipped.push_back(where + ": " + what + buf);
}
}  // namespace

std::vector<std::string> wrap_lines(const std::string& text, float width) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t nl = std::min(text.find('\n', start), text.size());
    const std::string para = text.substr(start, nl - start);
    std::string line;
    std::size_t i = 0;
    while (i < para.size()) {
      const std::size_t sp = std::min(para.find(' ', i), para.size());
      const std::string word = para.substr(i, sp - i);
      const std::string joined = line.empty() ? word : line + " " + word;
      if (!line.empty() && text_width(joined) > width) {
        lines.push_back(line);
        line = word;
      } else {
        line = joined;
      }
      i = sp + 1;
    }
    lines.push_back(line);
    start = nl + 1;
  }
  return lines;
}

void wrapped_text(UiContext& ctx, const std::string& text, ImVec4 colour) {
  const float min_w = ImGui::GetFontSize() * kMinWrapEm;
  if (ImGui::GetContentRegionAvail().x < min_w && ImGui::GetCursorPosX() > ImGui::GetCursorStartPos().x + 1)
    ImGui::NewLine();  // after SameLine with little room left: start the text on a line of its own
  const float width = std::max(1.0f, ImGui::GetContentRegionAvail().x);
  const bool coloured = colour.w > 0;
  if (coloured) ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::BeginGroup();
  for (const std::string& line : wrap_lines(text, width)) {
    ImGui::TextUnformatted(line.c_str());
    if (text_width(line) > width + 0.5f) clipped(ctx, ImGui::GetCurrentWindow()->Name, line, text_width(line), width);
  }
  ImGui::EndGroup();
  if (coloured) ImGui::PopStyleColor();
}

void wrapped_disabled(UiContext& ctx, const std::string& text) {
  wrapped_text(ctx, text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
}

void same_line_if_fits(float width) {
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < width) ImGui::NewLine();
}

bool button(UiContext& ctx, const char* label, const ImVec2& size) {
  const bool pressed = ImGui::Button(label, size);
  ctx.record_item(label);
  check_label_fits(ctx, label);
  return pressed;
}

void check_label_fits(UiContext& ctx, const char* label) {
  const char* end = ImGui::FindRenderedTextEnd(label);
  const float need = ImGui::CalcTextSize(label, end).x + 2 * ImGui::GetStyle().FramePadding.x;
  const float got = ImGui::GetItemRectSize().x;
  if (need > got + 0.5f) clipped(ctx, ImGui::GetCurrentWindow()->Name, std::string(label, end), need, got);
}

std::string elide(const std::string& text, float width) {
  // No glyph is narrower than a pixel, nor a character longer than 4 bytes:
  // a longer text is cut to what could fit before anything is measured.
  const std::size_t most = 4 * std::size_t(std::max(1.0f, width)) + 4;
  if (text.size() > most) {
    std::size_t cut = most;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    const auto elided = [](const std::string& t) { return t.size() >= 3 && t.compare(t.size() - 3, 3, "...") == 0; };
    std::string start = elide(text.substr(0, cut), width);
    if (!elided(start)) start = elide(start, width - ImGui::CalcTextSize("...").x);
    return elided(start) ? start : start + "...";
  }
  if (ImGui::CalcTextSize(text.c_str()).x <= width) return text;
  const float dots = ImGui::CalcTextSize("...").x;
  // Binary search over the character boundaries for the longest start that fits.
  std::vector<std::size_t> cuts;  // byte offsets where a character starts
  for (std::size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) cuts.push_back(i);
  std::size_t lo = 0, hi = cuts.size();  // cuts[lo] fits (or lo = 0); cuts[hi] does not
  while (hi - lo > 1) {
    const std::size_t mid = (lo + hi) / 2;
    const char* b = text.c_str();
    if (ImGui::CalcTextSize(b, b + cuts[mid]).x + dots <= width) lo = mid;
    else hi = mid;
  }
  return text.substr(0, lo < cuts.size() ? cuts[lo] : 0) + "...";
}

void tooltip(const char* text) {
  if (!ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

namespace {

// Table cells drawn this frame: a column cuts whatever reaches past its
// clip rectangle (a window's own check does not see it: the window is wide
// enough, the column is not). Headers count with the width their label needs.
void check_table_cells(UiContext& ctx) {
  ImGuiContext& g = *ImGui::GetCurrentContext();
  for (int i = 0; i < g.Tables.GetMapSize(); ++i) {
    const ImGuiTable* t = g.Tables.TryGetMapData(i);
    if (!t || t->LastFrameActive != g.FrameCount || !t->OuterWindow) continue;
    for (int c = 0; c < t->ColumnsCount; ++c) {
      const ImGuiTableColumn& col = t->Columns[c];
      if (!col.IsEnabled || !col.IsVisibleX) continue;
      // A table that scrolls sideways cuts columns at its view: a scroll, not a cut cell.
      const float edge = (t->Flags & ImGuiTableFlags_ScrollX) ? col.MaxX : col.ClipRect.Max.x;
      const float reach = std::max({col.ContentMaxXFrozen, col.ContentMaxXUnfrozen, col.ContentMaxXHeadersIdeal});
      if (reach > edge + 1) {
        const char* name = ImGui::TableGetColumnName(t, c);
        clipped(ctx, std::string(t->OuterWindow->Name) + " table column " + (name ? name : std::to_string(c)),
                "content past the cell's edge", reach - col.MinX, edge - col.MinX);
      }
    }
  }
}

}  // namespace

void check_windows(UiContext& ctx) {
  for (ImGuiWindow* w : ImGui::GetCurrentContext()->Windows) {
    if (!w->Active || w->Hidden || (w->Flags & ImGuiWindowFlags_Tooltip)) continue;
    // What stays visible: the inner rectangle less half the padding (ImGui's InnerClipRect,
    // before it is clipped to a parent that may be scrolled).
    const float pad_x = std::max(std::floor(w->WindowPadding.x * 0.5f), w->WindowBorderSize);
    const float pad_y = std::max(std::floor(w->WindowPadding.y * 0.5f), w->WindowBorderSize);
    const float right = w->InnerRect.Max.x - pad_x, bottom = w->InnerRect.Max.y - pad_y;
    const ImVec2 reach = w->DC.CursorMaxPos;
    if (!w->ScrollbarX && reach.x > right + 1)
      clipped(ctx, w->Name, "content past the right edge", reach.x - w->InnerRect.Min.x, right - w->InnerRect.Min.x);
    const bool scrolls_y = !(w->Flags & ImGuiWindowFlags_NoScrollbar) ||
                           (w->Flags & (ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_MenuBar));
    if (!scrolls_y && reach.y > bottom + 1)
      clipped(ctx, w->Name, "content past the bottom", reach.y - w->InnerRect.Min.y, bottom - w->InnerRect.Min.y);
  }
  check_table_cells(ctx);
}

std::string prob_text(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, p >= 0.001 || p <= 0 ? "%.3f" : "%.0e", p);
  return buf;
}

std::string numbers_text(const float* row, int d, int shown) {
  std::string out = "[";
  char buf[32];
  for (int j = 0; j < d && j < shown; ++j) {
    std::snprintf(buf, sizeof buf, "%s%+.3f", j ? " " : "", double(row[j]));
    out += buf;
  }
  if (d > shown) out += " ...";
  return out + "]";
}

std::string with_commas(long long v) {
  const std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

}  // namespace ev::ui
