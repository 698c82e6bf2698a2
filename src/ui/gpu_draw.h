// gpu_draw.h: running our own GL drawing (points, heat maps) in the middle of
// an ImGui window, in draw order, through an ImDrawList callback. The callback
// gets the display and clip rectangle as a gfx::ScreenSpace; ImGui's renderer
// state is restored afterwards. Not for drawing outside ImGui's render pass.
//
// A frame's callbacks run first for their work (run_gpu_work: rasterising,
// uploading; nothing drawn), then during ImGui's rendering to draw, perhaps
// once for each part of the frame redrawn (ui::Redraw). A callback's version
// says when what it draws changed; one without is taken to change every frame.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <functional>
#include <optional>

#include "gfx/shader.h"

namespace ev::ui {

// Queues `draw` into `dl` at the current position in its command list; it runs
// during ImGui's rendering of this frame, scissored to dl's current clip rect.
// `version`, read after the frame's work, changes whenever what `draw` shows does.
void add_gpu_draw(ImDrawList* dl, std::function<void(const gfx::ScreenSpace&)> draw,
                  std::function<std::uint64_t()> version = {});

// Runs every queued draw of `dd` for its work, drawing nothing; afterwards the
// draws only show (ScreenSpace::work false). Before reading versions.
void run_gpu_work(const ImDrawData& dd);

// The version of a command's queued draw; nullopt for a command that is not
// one, or one without a version.
std::optional<std::uint64_t> gpu_draw_version(const ImDrawCmd& cmd);

}  // namespace ev::ui
