// point_renderer.h: many anti-aliased discs in one draw call (point sprites), for
// the embedding view (27 characters or 100,000 words alike). Positions stay in
// data units on the GPU; zoom and pan only change two uniforms. Labels, axes
// and everything textual are not drawn here (ImGui does those).
#pragma once

#include <cstddef>
#include <cstdint>

#include "gfx/gl_object.h"
#include "gfx/shader.h"

namespace ev::gfx {

// One disc: 16 bytes per point.
struct PointInstance {
  float x, y;          // position in data units
  std::uint32_t rgba;  // colour as bytes R, G, B, A in memory order (ImGui's IM_COL32)
  float radius;        // radius in display pixels
};

// The affine map from data units to display pixels: px = data * scale + offset.
struct DataToPixels {
  float scale[2] = {1, 1};
  float offset[2] = {0, 0};
};

class PointRenderer {
 public:
  // Creates the program and buffers (needs a current GL 3.3 context). Throws ev::Error.
  void init();
  bool ready() const { return bool(vao_); }
  // Replaces the points drawn by draw(); callers skip non-finite points.
  void upload(const PointInstance* points, std::size_t n);
  std::size_t size() const { return count_; }
  // Changes whenever the points uploaded change (a hash of them).
  std::uint64_t version() const { return content_; }
  // Draws the uploaded points [first, first + count), scissored to s.clip,
  // alpha-blended (over transparent black this leaves premultiplied colour).
  void draw(const ScreenSpace& s, const DataToPixels& m, std::size_t first = 0,
            std::size_t count = static_cast<std::size_t>(-1)) const;

 private:
  Program program_;
  GlObject vao_, inst_vbo_;
  std::size_t count_ = 0, capacity_ = 0;
  std::uint64_t content_ = 0;
  DisplayUniforms u_display_;
  int u_scale_ = -1, u_offset_ = -1, u_px_scale_ = -1;
};

}  // namespace ev::gfx
