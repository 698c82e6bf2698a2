// heatmap.cpp: the table lives in an R32F texture read with texelFetch, so no
// filtering blurs neighbouring entries together.
#include "gfx/heatmap.h"

#include <algorithm>
#include <utility>

#include "core/base/hash.h"
#include "gfx/colour_map.h"
#include "gfx/gl.h"

namespace ev::gfx {

void Heatmap::init() {
  if (quad_.ready()) return;
  program_ = Program::from_files("heatmap.vert", "heatmap.frag");
  u_rect_ = program_.uniform("u_rect");
  u_display_.locate(program_);
  u_max_abs_ = program_.uniform("u_max_abs");
  u_dim_ = program_.uniform("u_dim");
  u_table_ = program_.uniform("u_table");
  u_highlight_ = program_.uniform("u_highlight");
  u_negative_ = program_.uniform("u_negative");
  u_zero_ = program_.uniform("u_zero");
  u_positive_ = program_.uniform("u_positive");
  quad_.init();
  table_tex_ = make_nearest_texture(true);
  highlight_tex_ = make_nearest_texture(true);
}

int Heatmap::max_rows() {
  GLint n = 0;
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &n);
  return std::max(1, int(n));
}

void Heatmap::upload(const float* values, int rows, int cols, const std::vector<std::uint8_t>& highlight) {
  if (!quad_.ready()) return;
  rows = std::min(rows, max_rows());
  if (rows <= 0 || cols <= 0) {
    rows_ = cols_ = 0;
    content_ = 0;
    return;
  }
  std::uint64_t h = hash_bytes(values, std::size_t(rows) * std::size_t(cols) * sizeof(float), std::uint64_t(cols));
  h = hash_bytes(highlight.data(), std::min(highlight.size(), std::size_t(rows)), h);
  if (rows == rows_ && cols == cols_ && h == content_) return;  // the same table: nothing to upload
  rows_ = rows;
  cols_ = cols;
  content_ = h;
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glBindTexture(GL_TEXTURE_2D, table_tex_.id());
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, cols, rows, 0, GL_RED, GL_FLOAT, values);  // (rows, cols)
  std::vector<std::uint8_t> flags(std::size_t(rows), 0);
  for (std::size_t i = 0; i < flags.size() && i < highlight.size(); ++i) flags[i] = highlight[i] ? 255 : 0;
  glBindTexture(GL_TEXTURE_2D, highlight_tex_.id());
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, 1, rows, 0, GL_RED, GL_UNSIGNED_BYTE, flags.data());  // (rows, 1)
  glBindTexture(GL_TEXTURE_2D, 0);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
}

void Heatmap::draw(const ScreenSpace& s, const float rect[4], float max_abs, float dim) const {
  if (!quad_.ready() || rows_ == 0 || !apply_screen_space(s)) return;
  glDisable(GL_BLEND);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glUseProgram(program_.id());
  glUniform4f(u_rect_, rect[0], rect[1], rect[2], rect[3]);
  u_display_.set(s);
  glUniform1f(u_max_abs_, max_abs);
  glUniform1f(u_dim_, dim);
  glUniform1i(u_table_, 0);
  glUniform1i(u_highlight_, 1);
  for (const auto& [u, c] : {std::pair{u_negative_, kDivergingNegative}, std::pair{u_zero_, kDivergingZero},
                             std::pair{u_positive_, kDivergingPositive}})
    glUniform3f(u, c.r, c.g, c.b);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, table_tex_.id());
  glActiveTexture(GL_TEXTURE1);
  glBindTexture(GL_TEXTURE_2D, highlight_tex_.id());
  quad_.draw();
  glActiveTexture(GL_TEXTURE1);
  glBindTexture(GL_TEXTURE_2D, 0);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, 0);
  glUseProgram(0);
}

}  // namespace ev::gfx
