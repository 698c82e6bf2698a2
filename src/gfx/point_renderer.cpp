// point_renderer.cpp: instanced quads, one per point; the disc is cut out and
// anti-aliased in points.frag.
#include "gfx/point_renderer.h"

#include <algorithm>

namespace ev::gfx {

void PointRenderer::init() {
  if (vao_) return;
  program_ = Program::from_files("points.vert", "points.frag");
  u_scale_ = program_.uniform("u_scale");
  u_offset_ = program_.uniform("u_offset");
  u_display_pos_ = program_.uniform("u_display_pos");
  u_display_size_ = program_.uniform("u_display_size");
  u_px_scale_ = program_.uniform("u_px_scale");

  glGenVertexArrays(1, &vao_);
  glGenBuffers(1, &quad_vbo_);
  glGenBuffers(1, &inst_vbo_);
  glBindVertexArray(vao_);

  const float quad[8] = {-1, -1, 1, -1, -1, 1, 1, 1};  // a triangle strip
  glBindBuffer(GL_ARRAY_BUFFER, quad_vbo_);
  glBufferData(GL_ARRAY_BUFFER, sizeof quad, quad, GL_STATIC_DRAW);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);

  glBindBuffer(GL_ARRAY_BUFFER, inst_vbo_);
  const GLsizei stride = sizeof(PointInstance);
  glEnableVertexAttribArray(1);  // a_pos
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, stride,
                        reinterpret_cast<const void*>(offsetof(PointInstance, x)));
  glVertexAttribDivisor(1, 1);
  glEnableVertexAttribArray(2);  // a_color
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride,
                        reinterpret_cast<const void*>(offsetof(PointInstance, rgba)));
  glVertexAttribDivisor(2, 1);
  glEnableVertexAttribArray(3);  // a_radius
  glVertexAttribPointer(3, 1, GL_FLOAT, GL_FALSE, stride,
                        reinterpret_cast<const void*>(offsetof(PointInstance, radius)));
  glVertexAttribDivisor(3, 1);
  glBindVertexArray(0);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
}

PointRenderer::~PointRenderer() {
  if (vao_) glDeleteVertexArrays(1, &vao_);
  if (quad_vbo_) glDeleteBuffers(1, &quad_vbo_);
  if (inst_vbo_) glDeleteBuffers(1, &inst_vbo_);
}

void PointRenderer::upload(const PointInstance* points, std::size_t n) {
  if (!vao_) return;
  glBindBuffer(GL_ARRAY_BUFFER, inst_vbo_);
  const std::size_t bytes = n * sizeof(PointInstance);
  if (n > capacity_) {
    // Grow geometrically so a growing vocabulary does not reallocate every frame.
    capacity_ = std::max(n, capacity_ * 2);
    glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(capacity_ * sizeof(PointInstance)), nullptr, GL_STREAM_DRAW);
  } else {
    // Orphan the old storage so the driver need not wait for last frame's draw.
    glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(capacity_ * sizeof(PointInstance)), nullptr, GL_STREAM_DRAW);
  }
  if (bytes) glBufferSubData(GL_ARRAY_BUFFER, 0, GLsizeiptr(bytes), points);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
  count_ = n;
}

void PointRenderer::draw(const ScreenSpace& s, const DataToPixels& m) const {
  if (!vao_ || count_ == 0) return;
  apply_screen_space(s);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glUseProgram(program_.id());
  glUniform2f(u_scale_, m.scale[0], m.scale[1]);
  glUniform2f(u_offset_, m.offset[0], m.offset[1]);
  glUniform2f(u_display_pos_, s.display_pos[0], s.display_pos[1]);
  glUniform2f(u_display_size_, s.display_size[0], s.display_size[1]);
  glUniform1f(u_px_scale_, s.fb_scale[0]);
  glBindVertexArray(vao_);
  glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, GLsizei(count_));
  glBindVertexArray(0);
  glUseProgram(0);
}

}  // namespace ev::gfx
