// tiled_image.h: a cached picture (premultiplied RGBA8) shown as the parts of
// its rectangle that hold something, two triangles each: a software renderer
// then samples only those pixels. The point layer (discs) and the text layer
// (labels) both show their images through one.
#pragma once

#include <vector>

#include "gfx/gl_object.h"
#include "gfx/shader.h"

namespace ev::gfx {

// The union of `boxes` (x0, y0, x1, y1 each, display pixels) inside `rect`,
// rounded out to `cell` pixels, as disjoint rectangles (two triangles each,
// corners in [0, 1]^2 of rect): runs of covered cells along each row, a run
// continued down the rows below while they have the same one.
std::vector<float> covered_rects(const std::vector<float>& boxes, const float rect[4], float cell = 2);

class TiledImage {
 public:
  void init();  // program, texture, buffers (needs a current GL 3.3 context); throws ev::Error
  bool ready() const { return bool(vao_); }

  // The image's texture (nearest, clamped), for uploads.
  unsigned texture() const { return texture_.id(); }

  // The parts to show: (u, v) corners in [0, 1]^2 of the image's rectangle,
  // y down, six a part (covered_tiles, covered_rects).
  void set_parts(const std::vector<float>& corners);
  bool empty() const { return vertices_ == 0; }

  // Shows the parts with the image stretched over `rect` (display pixels),
  // composited (ONE, ONE_MINUS_SRC_ALPHA), clipped to s.clip.
  void draw(const ScreenSpace& s, const float rect[4]) const;

 private:
  Program program_;
  GlObject texture_, vao_, vbo_;
  DisplayUniforms u_display_;
  int u_rect_ = -1, u_image_ = -1;
  int vertices_ = 0;
};

}  // namespace ev::gfx
