// ui_context.h: what every panel gets besides the snapshot: a way to post
// commands to the trainer, and the small amount of state panels share (which
// token is selected or hovered), so the views stay linked.
#pragma once

#include <functional>
#include <string>

#include "core/commands.h"

namespace ev::ui {

struct UiContext {
  std::function<void(const Command&)> post;  // queue a command for the trainer thread
  int selected_token = -1;                   // token picked in any view (-1: none)
  int hovered_token = -1;                    // token under the mouse this frame (-1: none)
  std::string notice;                        // a message for the status line
};

}  // namespace ev::ui
