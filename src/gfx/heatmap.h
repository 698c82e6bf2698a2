// heatmap.h: a table of floats drawn by a shader through the diverging colour
// map of gfx/colour_map.h (blue < 0 < red), with chosen rows highlighted and
// the rest dimmed. Used for the embedding table C in the one-hot vs lookup
// view and the distance maps. Drawing cells only: row labels, outlines and
// the colour scale are drawn by the caller (ImGui).
#pragma once

#include <cstdint>
#include <vector>

#include "gfx/gl_object.h"
#include "gfx/shader.h"

namespace ev::gfx {

class Heatmap {
 public:
  // Creates the program, textures and quad (needs a current GL 3.3 context). Throws ev::Error.
  void init();
  bool ready() const { return quad_.ready(); }
  // Uploads a (rows, cols) row-major table and one flag per row (non-zero = highlighted).
  // Rows are capped by the GL texture size limit; callers pass a window of a larger table.
  void upload(const float* values, int rows, int cols, const std::vector<std::uint8_t>& highlight);
  int rows() const { return rows_; }
  int cols() const { return cols_; }
  // Changes whenever what the table shows changes (a hash of its contents).
  std::uint64_t version() const { return content_; }
  static int max_rows();  // the largest table height the GPU accepts
  // Draws the table into rect (x0, y0, x1, y1 display pixels); |value| >= max_abs is full colour.
  void draw(const ScreenSpace& s, const float rect[4], float max_abs, float dim) const;

 private:
  Program program_;
  UnitQuad quad_;
  GlObject table_tex_, highlight_tex_;
  int rows_ = 0, cols_ = 0;
  std::uint64_t content_ = 0;
  DisplayUniforms u_display_;
  int u_rect_ = -1, u_max_abs_ = -1, u_dim_ = -1, u_table_ = -1, u_highlight_ = -1;
  int u_negative_ = -1, u_zero_ = -1, u_positive_ = -1;
};

}  // namespace ev::gfx
