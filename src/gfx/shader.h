// shader.h: GLSL programs built from the files in shaders/, which CMake embeds
// into the binary at build time (so the program runs from any directory).
// Compile and link errors become one ev::Error naming the file and the
// driver's message. Not a material system: one program per drawing job.
// This header does not include GL (GL names are plain unsigned ints here), so
// any file may include it whatever windowing header it includes first.
#pragma once

#include <string>

#include "gfx/gl_object.h"

namespace ev::gfx {

// True when GL entry points are loaded (a context exists and load_gl ran),
// so views can fall back to ImGui drawing instead of calling null pointers.
bool gl_ready();

// The text of an embedded shader by file name ("points.vert"), or nullptr.
const char* embedded_shader(const char* name);

// A linked vertex + fragment program. Move-only; deletes the GL object.
class Program {
 public:
  Program() = default;
  // Builds from embedded files; throws ev::Error with the file name and log.
  static Program from_files(const char* vert_name, const char* frag_name);
  // Builds from source text; `vert_name`/`frag_name` only label error messages.
  static Program from_source(const char* vert_src, const char* frag_src, const char* vert_name = "vertex",
                             const char* frag_name = "fragment");

  unsigned id() const { return id_.id(); }
  explicit operator bool() const { return bool(id_); }
  // Location of a uniform (-1 when the driver optimised it away).
  int uniform(const char* name) const;

 private:
  GlObject id_;
};

// Where a GPU draw lands: the display (in ImGui's display pixels, y down), its
// framebuffer scale, and the clip rectangle to scissor to.
struct ScreenSpace {
  float display_pos[2] = {0, 0};   // top-left of the display
  float display_size[2] = {1, 1};  // width, height of the display
  float fb_scale[2] = {1, 1};      // framebuffer pixels per display pixel
  float clip[4] = {0, 0, 0, 0};    // x0, y0, x1, y1 in display pixels; empty = no scissor
  // A frame's drawing may run in two goes (ui::run_gpu_work, then ImGui's
  // rendering, perhaps once for each part redrawn): `work` says this call
  // should do the frame's work (rasterising a slice, uploading), `show` that
  // it should draw into the framebuffer.
  bool work = true, show = true;
};

// The uniforms every screen-space shader here has (u_display_pos,
// u_display_size): its vertex shader turns display pixels into clip space.
struct DisplayUniforms {
  int pos = -1, size = -1;
  void locate(const Program& p);         // after linking
  void set(const ScreenSpace& s) const;  // with the program in use
};

// Sets the GL viewport to the whole framebuffer and the scissor to s.clip;
// false, doing nothing, when s.show is false (the call is for its work only).
bool apply_screen_space(const ScreenSpace& s);

}  // namespace ev::gfx
