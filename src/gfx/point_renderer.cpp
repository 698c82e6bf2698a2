// point_renderer.cpp: point sprites, one vertex per point; the disc is cut
// out and anti-aliased in points.frag.
#include "gfx/point_renderer.h"

#include <algorithm>

#include "core/base/hash.h"
#include "gfx/gl.h"

namespace ev::gfx {

void PointRenderer::init() {
  if (vao_) return;
  program_ = Program::from_files("points.vert", "points.frag");
  u_scale_ = program_.uniform("u_scale");
  u_offset_ = program_.uniform("u_offset");
  u_display_.locate(program_);
  u_px_scale_ = program_.uniform("u_px_scale");

  vao_ = GlObject::create(GlKind::VertexArray);
  inst_vbo_ = GlObject::create(GlKind::Buffer);
  glBindVertexArray(vao_.id());
  glBindBuffer(GL_ARRAY_BUFFER, inst_vbo_.id());
  const GLsizei stride = sizeof(PointInstance);
  glEnableVertexAttribArray(0);  // a_pos
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<const void*>(offsetof(PointInstance, x)));
  glEnableVertexAttribArray(1);  // a_color
  glVertexAttribPointer(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride,
                        reinterpret_cast<const void*>(offsetof(PointInstance, rgba)));
  glEnableVertexAttribArray(2);  // a_radius
  glVertexAttribPointer(2, 1, GL_FLOAT, GL_FALSE, stride,
                        reinterpret_cast<const void*>(offsetof(PointInstance, radius)));
  glBindVertexArray(0);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
}

void PointRenderer::upload(const PointInstance* points, std::size_t n) {
  if (!vao_) return;
  const std::size_t bytes = n * sizeof(PointInstance);
  const std::uint64_t h = hash_bytes(points, bytes);
  if (n == count_ && h == content_) return;  // the same points: nothing to upload
  content_ = h;
  glBindBuffer(GL_ARRAY_BUFFER, inst_vbo_.id());
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

void PointRenderer::draw(const ScreenSpace& s, const DataToPixels& m, std::size_t first, std::size_t count) const {
  if (!vao_ || first >= count_) return;
  count = std::min(count, count_ - first);
  if (!apply_screen_space(s)) return;
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glUseProgram(program_.id());
  glUniform2f(u_scale_, m.scale[0], m.scale[1]);
  glUniform2f(u_offset_, m.offset[0], m.offset[1]);
  u_display_.set(s);
  glUniform1f(u_px_scale_, s.fb_scale[0]);
  glEnable(GL_PROGRAM_POINT_SIZE);  // the vertex shader sets each sprite's size
  glBindVertexArray(vao_.id());
  glDrawArrays(GL_POINTS, GLint(first), GLsizei(count));
  glBindVertexArray(0);
  glDisable(GL_PROGRAM_POINT_SIZE);
  glUseProgram(0);
}

}  // namespace ev::gfx
