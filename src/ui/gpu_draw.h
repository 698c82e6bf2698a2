// gpu_draw.h: running our own GL drawing (points, heat maps) in the middle of
// an ImGui window, in draw order, through an ImDrawList callback. The callback
// gets the display and clip rectangle as a gfx::ScreenSpace; ImGui's renderer
// state is restored afterwards. Not for drawing outside ImGui's render pass.
#pragma once

#include <imgui.h>

#include <functional>

#include "gfx/shader.h"

namespace ev::ui {

// Queues `draw` into `dl` at the current position in its command list; it runs
// during ImGui's rendering of this frame, scissored to dl's current clip rect.
void add_gpu_draw(ImDrawList* dl, std::function<void(const gfx::ScreenSpace&)> draw);

}  // namespace ev::ui
