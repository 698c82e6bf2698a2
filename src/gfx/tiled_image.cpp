// tiled_image.cpp: layer.vert places the parts, layer.frag samples the image.
#include "gfx/tiled_image.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "gfx/gl.h"

namespace ev::gfx {

std::vector<float> covered_rects(const std::vector<float>& boxes, const float rect[4], float cell) {
  std::vector<float> out;
  const float w = rect[2] - rect[0], h = rect[3] - rect[1];
  if (!(w > 0 && h > 0 && cell > 0)) return out;
  const int cols = int(std::ceil(w / cell)), rows = int(std::ceil(h / cell));
  std::vector<std::uint8_t> hit(std::size_t(cols) * std::size_t(rows), 0);
  auto at = [&](int r, int c) -> std::uint8_t& { return hit[std::size_t(r) * std::size_t(cols) + std::size_t(c)]; };
  auto cell_of = [&](float v, int n) { return std::clamp(int(std::floor(v / cell)), 0, n - 1); };
  for (std::size_t i = 0; i + 3 < boxes.size(); i += 4) {
    const float x0 = boxes[i] - rect[0], y0 = boxes[i + 1] - rect[1], x1 = boxes[i + 2] - rect[0], y1 = boxes[i + 3] - rect[1];
    if (!(x1 > 0 && x0 < w && y1 > 0 && y0 < h && x1 > x0 && y1 > y0)) continue;  // outside, empty or NaN
    for (int r = cell_of(y0, rows); r <= cell_of(y1, rows); ++r)
      for (int c = cell_of(x0, cols); c <= cell_of(x1, cols); ++c) at(r, c) = 1;
  }
  struct Run {
    int c0, c1, r0;
  };
  std::vector<Run> open, next;
  auto emit = [&](const Run& run, int r1) {
    const float u0 = float(run.c0) * cell / w, u1 = std::min(1.0f, float(run.c1) * cell / w);
    const float v0 = float(run.r0) * cell / h, v1 = std::min(1.0f, float(r1) * cell / h);
    out.insert(out.end(), {u0, v0, u1, v0, u0, v1, u1, v0, u1, v1, u0, v1});
  };
  for (int r = 0; r <= rows; ++r) {
    next.clear();
    for (int c = 0; r < rows && c < cols;) {
      if (!at(r, c)) {
        ++c;
        continue;
      }
      int e = c;
      while (e < cols && at(r, e)) ++e;
      Run run{c, e, r};
      for (const Run& o : open)
        if (o.c0 == c && o.c1 == e) run.r0 = o.r0;  // the same run as the row above: continued
      next.push_back(run);
      c = e;
    }
    for (const Run& o : open) {
      const bool continued = std::any_of(next.begin(), next.end(), [&](const Run& n) { return n.c0 == o.c0 && n.c1 == o.c1; });
      if (!continued) emit(o, r);
    }
    open.swap(next);
  }
  return out;
}


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
