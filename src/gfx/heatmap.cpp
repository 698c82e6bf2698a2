// heatmap.cpp: the table lives in an R32F texture read with texelFetch, so no
// filtering blurs neighbouring entries together.
#include "gfx/heatmap.h"

#include <algorithm>

#include "gfx/gl.h"

namespace ev::gfx {

namespace {
GLuint make_texture() {
  GLuint t = 0;
  glGenTextures(1, &t);
  glBindTexture(GL_TEXTURE_2D, t);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  return t;
}
}  // namespace

void Heatmap::init() {
  if (vao_) return;
  program_ = Program::from_files("heatmap.vert", "heatmap.frag");
  u_rect_ = program_.uniform("u_rect");
  u_display_pos_ = program_.uniform("u_display_pos");
  u_display_size_ = program_.uniform("u_display_size");
  u_max_abs_ = program_.uniform("u_max_abs");
  u_dim_ = program_.uniform("u_dim");
  u_table_ = program_.uniform("u_table");
  u_highlight_ = program_.uniform("u_highlight");
  glGenVertexArrays(1, &vao_);
  glGenBuffers(1, &vbo_);
  glBindVertexArray(vao_);
  const float quad[8] = {0, 0, 1, 0, 0, 1, 1, 1};  // a triangle strip
  glBindBuffer(GL_ARRAY_BUFFER, vbo_);
  glBufferData(GL_ARRAY_BUFFER, sizeof quad, quad, GL_STATIC_DRAW);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
  glBindVertexArray(0);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
  table_tex_ = make_texture();
  highlight_tex_ = make_texture();
  glBindTexture(GL_TEXTURE_2D, 0);
}

Heatmap::~Heatmap() {
  if (vao_) glDeleteVertexArrays(1, &vao_);
  if (vbo_) glDeleteBuffers(1, &vbo_);
  if (table_tex_) glDeleteTextures(1, &table_tex_);
  if (highlight_tex_) glDeleteTextures(1, &highlight_tex_);
}

int Heatmap::max_rows() {
  GLint n = 0;
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &n);
  return std::max(1, int(n));
}

void Heatmap::upload(const float* values, int rows, int cols, const std::vector<std::uint8_t>& highlight) {
  if (!vao_) return;
  rows = std::min(rows, max_rows());
  if (rows <= 0 || cols <= 0) {
    rows_ = cols_ = 0;
    return;
  }
  rows_ = rows;
  cols_ = cols;
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glBindTexture(GL_TEXTURE_2D, table_tex_);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, cols, rows, 0, GL_RED, GL_FLOAT, values);  // (rows, cols)
  std::vector<std::uint8_t> flags(std::size_t(rows), 0);
  for (std::size_t i = 0; i < flags.size() && i < highlight.size(); ++i) flags[i] = highlight[i] ? 255 : 0;
  glBindTexture(GL_TEXTURE_2D, highlight_tex_);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, 1, rows, 0, GL_RED, GL_UNSIGNED_BYTE, flags.data());  // (rows, 1)
  glBindTexture(GL_TEXTURE_2D, 0);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
}

void Heatmap::draw(const ScreenSpace& s, const float rect[4], float max_abs, float dim) const {
  if (!vao_ || rows_ == 0) return;
  apply_screen_space(s);
  glDisable(GL_BLEND);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glUseProgram(program_.id());
  glUniform4f(u_rect_, rect[0], rect[1], rect[2], rect[3]);
  glUniform2f(u_display_pos_, s.display_pos[0], s.display_pos[1]);
  glUniform2f(u_display_size_, s.display_size[0], s.display_size[1]);
  glUniform1f(u_max_abs_, max_abs);
  glUniform1f(u_dim_, dim);
  glUniform1i(u_table_, 0);
  glUniform1i(u_highlight_, 1);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, table_tex_);
  glActiveTexture(GL_TEXTURE1);
  glBindTexture(GL_TEXTURE_2D, highlight_tex_);
  glBindVertexArray(vao_);
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  glBindVertexArray(0);
  glActiveTexture(GL_TEXTURE1);
  glBindTexture(GL_TEXTURE_2D, 0);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, 0);
  glUseProgram(0);
}

}  // namespace ev::gfx
