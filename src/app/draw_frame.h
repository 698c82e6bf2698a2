// draw_frame.h: drawing the frame ImGui built into the bound framebuffer,
// whole or only where it changed (ui::Redraw), the same in a window and
// headless.
#pragma once

#include "ui/redraw.h"

namespace ev::app {

// Runs the frame's GL work (ui::run_gpu_work), then clears and draws what
// changed since the last frame `redraw` saw (everything unless `kept`: the
// w x h framebuffer still holds that frame). Returns what was redrawn.
ui::Damage draw_frame(ui::Redraw& redraw, bool kept, int w, int h);

}  // namespace ev::app
