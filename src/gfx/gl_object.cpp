// gl_object.cpp: creation and deletion by kind, and the unit quad's buffers.
#include "gfx/gl_object.h"

#include <utility>

#include "gfx/gl.h"

namespace ev::gfx {

GlObject GlObject::create(GlKind kind) {
  GlObject o;
  o.kind_ = kind;
  switch (kind) {
    case GlKind::Buffer: glGenBuffers(1, &o.id_); break;
    case GlKind::VertexArray: glGenVertexArrays(1, &o.id_); break;
    case GlKind::Texture: glGenTextures(1, &o.id_); break;
    case GlKind::Framebuffer: glGenFramebuffers(1, &o.id_); break;
    case GlKind::Program: o.id_ = glCreateProgram(); break;
  }
  return o;
}

GlObject& GlObject::operator=(GlObject&& o) noexcept {
  if (this != &o) {
    reset();
    kind_ = o.kind_;
    id_ = std::exchange(o.id_, 0);
  }
  return *this;
}

void GlObject::reset() {
  if (!id_) return;
  switch (kind_) {
    case GlKind::Buffer: glDeleteBuffers(1, &id_); break;
    case GlKind::VertexArray: glDeleteVertexArrays(1, &id_); break;
    case GlKind::Texture: glDeleteTextures(1, &id_); break;
    case GlKind::Framebuffer: glDeleteFramebuffers(1, &id_); break;
    case GlKind::Program: glDeleteProgram(id_); break;
  }
  id_ = 0;
}

void use_nearest_filter(unsigned texture) {
  glBindTexture(GL_TEXTURE_2D, texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glBindTexture(GL_TEXTURE_2D, 0);
}

GlObject make_nearest_texture(bool clamp) {
  GlObject t = GlObject::create(GlKind::Texture);
  use_nearest_filter(t.id());
  if (clamp) {
    glBindTexture(GL_TEXTURE_2D, t.id());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
  }
  return t;
}

void UnitQuad::init() {
  if (vao_) return;
  vao_ = GlObject::create(GlKind::VertexArray);
  vbo_ = GlObject::create(GlKind::Buffer);
  const float corners[8] = {0, 0, 1, 0, 0, 1, 1, 1};  // a triangle strip
  glBindVertexArray(vao_.id());
  glBindBuffer(GL_ARRAY_BUFFER, vbo_.id());
  glBufferData(GL_ARRAY_BUFFER, sizeof corners, corners, GL_STATIC_DRAW);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
  glBindVertexArray(0);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
}

void UnitQuad::draw() const {
  if (!vao_) return;
  glBindVertexArray(vao_.id());
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  glBindVertexArray(0);
}

}  // namespace ev::gfx
