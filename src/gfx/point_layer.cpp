// point_layer.cpp: progressive drawing of a large point set into an offscreen
// image, and showing the last complete image under the current map.
#include "gfx/point_layer.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "gfx/gl.h"

namespace ev::gfx {

namespace {

bool same(const DataToPixels& a, const DataToPixels& b) {
  return a.scale[0] == b.scale[0] && a.scale[1] == b.scale[1] && a.offset[0] == b.offset[0] &&
         a.offset[1] == b.offset[1];
}

bool same_rect(const float a[4], const float b[4]) {
  return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

// Framebuffer pixels an image of the rectangle needs.
int pixels(float lo, float hi, float scale) { return std::max(1, int(std::lround((hi - lo) * scale))); }

}  // namespace

std::vector<float> covered_tiles(const PointInstance* points, std::size_t n, const DataToPixels& map,
                                 const float rect[4], float tile) {
  std::vector<float> out;
  const float w = rect[2] - rect[0], h = rect[3] - rect[1];
  if (!(w > 0 && h > 0 && tile > 0)) return out;
  const int cols = std::max(1, int(std::ceil(w / tile))), rows = std::max(1, int(std::ceil(h / tile)));
  std::vector<unsigned char> hit(std::size_t(cols) * std::size_t(rows), 0);
  auto cell = [&](float v, int count) { return std::clamp(int(std::floor(v / tile)), 0, count - 1); };
  for (std::size_t i = 0; i < n; ++i) {
    const PointInstance& p = points[i];
    const float x = p.x * map.scale[0] + map.offset[0] - rect[0], y = p.y * map.scale[1] + map.offset[1] - rect[1];
    const float r = p.radius + 2;  // the disc's anti-aliased edge too
    if (!(x + r >= 0 && x - r <= w && y + r >= 0 && y - r <= h)) continue;  // outside (or NaN)
    for (int ty = cell(y - r, rows); ty <= cell(y + r, rows); ++ty)
      for (int tx = cell(x - r, cols); tx <= cell(x + r, cols); ++tx) hit[std::size_t(ty) * std::size_t(cols) + std::size_t(tx)] = 1;
  }
  for (int ty = 0; ty < rows; ++ty)
    for (int tx = 0; tx < cols;) {
      if (!hit[std::size_t(ty) * std::size_t(cols) + std::size_t(tx)]) {
        ++tx;
        continue;
      }
      int end = tx;
      while (end < cols && hit[std::size_t(ty) * std::size_t(cols) + std::size_t(end)]) ++end;
      const float u0 = tx * tile / w, u1 = std::min(1.0f, end * tile / w);
      const float v0 = ty * tile / h, v1 = std::min(1.0f, (ty + 1) * tile / h);
      out.insert(out.end(), {u0, v0, u1, v0, u0, v1, u1, v0, u1, v1, u0, v1});
      tx = end;
    }
  return out;
}

void PointLayer::init() {
  if (ready()) return;
  points_.init();
  // A GPU draws 100,000 sprites in well under a millisecond: the whole set at
  // once. Mesa's software rasterisers pay about a microsecond each: a slice.
  const auto* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  const std::string name = renderer ? renderer : "";
  const bool software = name.find("llvmpipe") != std::string::npos || name.find("softpipe") != std::string::npos ||
                        name.find("Software") != std::string::npos || name.find("SWR") != std::string::npos;
  if (slice_ == 0) slice_ = software ? kSoftwareSlice : kGpuSlice;  // unless set_slice chose
  program_ = Program::from_files("layer.vert", "layer.frag");
  u_rect_ = program_.uniform("u_rect");
  u_display_.locate(program_);
  u_image_ = program_.uniform("u_image");
  tile_vao_ = GlObject::create(GlKind::VertexArray);
  tile_vbo_ = GlObject::create(GlKind::Buffer);
  glBindVertexArray(tile_vao_.id());
  glBindBuffer(GL_ARRAY_BUFFER, tile_vbo_.id());
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
  glBindVertexArray(0);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
}

void PointLayer::set(const PointInstance* points, std::size_t n, bool changed, const DataToPixels& map,
                     const float rect[4]) {
  if (changed || pending_.size() != n) {
    pending_.assign(points, points + n);
    pending_new_ = true;
  }
  map_ = map;
  std::copy(rect, rect + 4, rect_);
}

void PointLayer::clear() {
  images_[0].valid = images_[1].valid = false;
  pass_running_ = false;
  drawn_ = 0;
}

void PointLayer::start_pass(const ScreenSpace& s) {
  Image& back = images_[1 - front_];
  points_.upload(pending_.data(), pending_.size());
  pending_new_ = false;
  back.map = map_;
  std::copy(rect_, rect_ + 4, back.rect);
  back.fb_scale[0] = s.fb_scale[0];
  back.fb_scale[1] = s.fb_scale[1];
  back.tiles = covered_tiles(pending_.data(), pending_.size(), map_, rect_);
  back.valid = false;
  back.target.bind(pixels(rect_[0], rect_[2], s.fb_scale[0]), pixels(rect_[1], rect_[3], s.fb_scale[1]));
  glDisable(GL_SCISSOR_TEST);
  glClearColor(0, 0, 0, 0);
  glClear(GL_COLOR_BUFFER_BIT);
  drawn_ = 0;
  pass_running_ = true;
}

void PointLayer::draw(const ScreenSpace& s) {
  if (!ready()) return;
  GLint prev_fb = 0;
  glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &prev_fb);
  // A pass under way always completes (auto-fit moves the map every frame
  // while training: restarting would never finish one); the next starts with
  // the latest points and map.
  const Image& shown = images_[front_];
  if (!pass_running_) {
    const bool scale_changed = shown.fb_scale[0] != s.fb_scale[0] || shown.fb_scale[1] != s.fb_scale[1];
    if (!shown.valid || pending_new_ || scale_changed || !same(shown.map, map_) || !same_rect(shown.rect, rect_))
      start_pass(s);
  }

  if (pass_running_) {
    Image& back = images_[1 - front_];
    back.target.bind(back.target.width(), back.target.height());
    ScreenSpace ls;
    ls.display_pos[0] = back.rect[0];
    ls.display_pos[1] = back.rect[1];
    ls.display_size[0] = back.rect[2] - back.rect[0];
    ls.display_size[1] = back.rect[3] - back.rect[1];
    ls.fb_scale[0] = back.fb_scale[0];
    ls.fb_scale[1] = back.fb_scale[1];
    points_.draw(ls, back.map, drawn_, slice_);
    drawn_ = std::min(points_.size(), drawn_ + slice_);
    if (drawn_ >= points_.size()) {
      back.valid = true;
      front_ = 1 - front_;
      pass_running_ = false;
      ++passes_;
    }
  }
  glBindFramebuffer(GL_FRAMEBUFFER, GLuint(prev_fb));
  apply_screen_space(s);

  const Image& img = images_[front_];
  if (!img.valid || img.map.scale[0] == 0 || img.map.scale[1] == 0) return;
  // Where the current map puts the area the image was drawn for.
  float r[4];
  for (int k = 0; k < 2; ++k) {
    const float ratio = map_.scale[k] / img.map.scale[k];
    r[k] = (img.rect[k] - img.map.offset[k]) * ratio + map_.offset[k];
    r[k + 2] = (img.rect[k + 2] - img.map.offset[k]) * ratio + map_.offset[k];
  }
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glUseProgram(program_.id());
  glUniform4f(u_rect_, r[0], r[1], r[2], r[3]);
  u_display_.set(s);
  glUniform1i(u_image_, 0);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, img.target.texture());
  // Only the tiles the discs touch: the rest of the image is transparent.
  if (tiles_of_pass_ != passes_) {
    tiles_of_pass_ = passes_;
    glBindBuffer(GL_ARRAY_BUFFER, tile_vbo_.id());
    glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(img.tiles.size() * sizeof(float)), img.tiles.data(), GL_DYNAMIC_DRAW);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
  }
  glBindVertexArray(tile_vao_.id());
  glDrawArrays(GL_TRIANGLES, 0, GLsizei(img.tiles.size() / 2));
  glBindVertexArray(0);
  glBindTexture(GL_TEXTURE_2D, 0);
  glUseProgram(0);
}

}  // namespace ev::gfx
