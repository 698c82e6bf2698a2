// redraw.h: the parts of a frame that differ from the frame before, so a
// renderer whose framebuffer still holds the last frame (a software GL's back
// buffer, an offscreen target) clears and draws only those.
//
// Every command of every draw list (a window's widgets under one clip
// rectangle, a plot's curves, a GL drawing called back) is known by a
// signature of all it draws: its triangles' vertices and indices, its clip
// rectangle and texture, its place in the drawing order, and for GL drawing
// its version (gpu_draw; one without a version changes every frame). A
// command whose signature is new, and one whose signature went, mark the
// pixels they can touch (their clip rectangle, narrowed to their vertices);
// the frame is then drawn inside those pixels only, every command clipped to
// them, in the usual order, so each pixel ends as a full redraw would leave it.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gfx/render_target.h"

namespace ev::ui {

// What to redraw this frame.
struct Damage {
  bool all = true;                    // the whole framebuffer
  std::vector<gfx::PixelRect> rects;  // what to clear and draw: disjoint; none when nothing changed
  double fraction = 1;                // of the framebuffer's pixels
};

class Redraw {
 public:
  // Compares this frame's draw lists (after run_gpu_work) with the last
  // frame's. `kept`: the framebuffer still holds the last frame drawn; when
  // not (or the size or scale changed, or the display is scaled), all of it.
  Damage changed(const ImDrawData& dd, bool kept);

  // Clips dd's commands (the frame changed() saw last) to the damage: a
  // command is repeated for each rectangle its triangles reach and dropped
  // where they reach none, and every clip rectangle becomes the whole pixels
  // ImGui's renderer scissors (so parts drawn in different frames meet
  // exactly). Does nothing on a scaled display.
  void clip(ImDrawData& dd, const Damage& d) const;

 private:
  // Each command's signature and the pixels (framebuffer, clamped to it) it can touch.
  struct Seen {
    std::uint64_t signature;
    gfx::PixelRect box;
  };
  std::vector<Seen> parts(const ImDrawList& list, const ImDrawData& dd) const;

  // A draw list as drawn last frame: enough to tell which of a changed
  // command's triangles changed (text that counts steps, a curve that grows).
  struct List {
    std::string owner;  // the window's name (a copy: ImGui may forget the window)
    std::vector<ImDrawVert> vtx;
    std::vector<ImDrawIdx> idx;
    std::vector<ImDrawCmd> cmds;
    std::vector<Seen> seen;  // one a command, ResetRenderState's included (empty boxes)
  };
  void compare(const List& before, const ImDrawList& now, const std::vector<Seen>& seen, const ImDrawData& dd,
               std::vector<gfx::PixelRect>& boxes) const;

  std::vector<List> last_;
  int w_ = -1, h_ = -1;
  std::uint64_t frame_ = 0;
};

}  // namespace ev::ui
