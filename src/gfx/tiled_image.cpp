// tiled_image.cpp: layer.vert places the parts, layer.frag samples the image.
#include "gfx/tiled_image.h"

#include "gfx/gl.h"

namespace ev::gfx {

void TiledImage::init() {
  if (ready()) return;
  program_ = Program::from_files("layer.vert", "layer.frag");
  u_rect_ = program_.uniform("u_rect");
  u_display_.locate(program_);
  u_image_ = program_.uniform("u_image");
  texture_ = make_nearest_texture(true);
  vao_ = GlObject::create(GlKind::VertexArray);
  vbo_ = GlObject::create(GlKind::Buffer);
  glBindVertexArray(vao_.id());
  glBindBuffer(GL_ARRAY_BUFFER, vbo_.id());
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
  glBindVertexArray(0);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
}

void TiledImage::set_parts(const std::vector<float>& corners) {
  glBindBuffer(GL_ARRAY_BUFFER, vbo_.id());
  glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(corners.size() * sizeof(float)), corners.data(), GL_DYNAMIC_DRAW);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
  vertices_ = int(corners.size() / 2);
}

void TiledImage::draw(const ScreenSpace& s, const float rect[4]) const {
  if (!ready() || vertices_ == 0) return;
  apply_screen_space(s);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glUseProgram(program_.id());
  glUniform4f(u_rect_, rect[0], rect[1], rect[2], rect[3]);
  u_display_.set(s);
  glUniform1i(u_image_, 0);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, texture_.id());
  glBindVertexArray(vao_.id());
  glDrawArrays(GL_TRIANGLES, 0, GLsizei(vertices_));
  glBindVertexArray(0);
  glBindTexture(GL_TEXTURE_2D, 0);
  glUseProgram(0);
}

}  // namespace ev::gfx
