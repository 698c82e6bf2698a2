// fit.h: text that always fits the space it gets, and a check that finds any
// that does not. Panels lay text out through wrapped_text() (breaks only at
// spaces, so a number such as +0.624 never splits, and never narrower than a
// readable column) and label framed controls through button(); check_windows()
// runs once a frame after the panels and records every window whose content
// reaches past its visible edge. The GUI tests walk every tab at the sizes the
// app supports and assert that UiContext::clipped stays empty.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "ui/ui_context.h"

namespace ev::ui {

// An ImGui ID scope for the lifetime of the object, so two views can share
// one window without clashing widget IDs.
struct IdScope {
  explicit IdScope(const char* id) { ImGui::PushID(id); }
  ~IdScope() { ImGui::PopID(); }
  IdScope(const IdScope&) = delete;
  IdScope& operator=(const IdScope&) = delete;
};

// Narrowest column wrapped text is laid out in, in font heights: with less room
// left on the current line the text starts on a new one.
constexpr float kMinWrapEm = 12.0f;

// Splits text into lines no wider than `width` pixels, breaking only at spaces
// (and at '\n'); a word wider than `width` gets a line of its own. Pure: needs
// only a font (ImGui::CalcTextSize), no window.
std::vector<std::string> wrap_lines(const std::string& text, float width);

// Draws text wrapped to the window's right edge (see kMinWrapEm), in `colour`
// (alpha 0: the normal text colour). Records a word wider than the column in ctx.
void wrapped_text(UiContext& ctx, const std::string& text, ImVec4 colour = ImVec4(0, 0, 0, 0));

// wrapped_text() in the colour of secondary text.
void wrapped_disabled(UiContext& ctx, const std::string& text);
// Stays on the current line when `width` pixels are left on it, else starts a new one.
void same_line_if_fits(float width);

// A button recorded under its label (UiContext::item_rects) whose label must fit.
bool button(UiContext& ctx, const char* label, const ImVec2& size = ImVec2(0, 0));
// Records the last item in ctx.clipped when `label` (up to "##") is wider than
// the item's frame: for buttons and tabs, whose text ImGui cuts to the frame.
void check_label_fits(UiContext& ctx, const char* label);
// `text` when it fits `width` pixels on one line, else its longest start (in
// whole UTF-8 characters) that fits with "..." after it.
std::string elide(const std::string& text, float width);
// A vector as "[+0.267 -0.344 ...]": its first `shown` numbers, "..." after them
// when there are more; one word per number, so wrapped_text never splits one.
std::string numbers_text(const float* row, int d, int shown = 16);
// A probability in at most 5 characters: "0.125", and "6e-05" below 0.001,
// where a word model's untrained guesses live (a fixed "%.3f" shows them as 0).
std::string prob_text(double p);
// A whole number with commas between thousands: 17000 -> "17,000".
std::string with_commas(long long v);
// A tooltip for the last item, shown while it is hovered.
void tooltip(const char* text);

// Records in ctx.clipped every window drawn this frame (child windows too)
// whose content reaches past its visible right edge without a horizontal scroll
// bar, or past its bottom when it cannot scroll. Call after the last panel.
void check_windows(UiContext& ctx);

}  // namespace ev::ui
