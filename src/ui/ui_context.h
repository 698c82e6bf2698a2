// ui_context.h: what every panel gets besides the snapshot: a way to post
// commands to the main run, and the small amount of state panels share (which
// token is selected or hovered), so the views stay linked.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/live/commands.h"

namespace ev::ui {

struct UiContext {
  std::function<void(const Command&)> post;  // queue a command for the main run
  std::function<void()> want_model;          // this frame draws from Snapshot::model (every parameter)
  int selected_token = -1;                   // token picked in any view (-1: none)
  int hovered_token = -1;                    // token under the mouse this frame (-1: none)
  std::string notice;                        // a message for the status line
  float frame_ms = 0;                        // the work of the last frame, for the status line
  float fps = 0;                             // frames shown per second (0: unknown)

  // Screen rectangles (x0, y0, x1, y1) of labelled controls in the last frame,
  // so tests and tutorials can find a button without knowing the layout.
  std::map<std::string, std::array<float, 4>> item_rects;
  // Records the last ImGui item's rectangle under `label` (defined in controls_panel.cpp).
  void record_item(const std::string& label);
  // Text this frame drew cut off, one line each (see ui/fit.h); empty when everything fits.
  std::vector<std::string> clipped;
};

}  // namespace ev::ui
