// point_layer.cpp: progressive rasterising of a large point set into an
// image, and showing the last complete image under the current map.
#include "gfx/point_layer.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/base/hash.h"
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
  std::vector<float> boxes;
  boxes.reserve(4 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const PointInstance& p = points[i];
    const float x = p.x * map.scale[0] + map.offset[0], y = p.y * map.scale[1] + map.offset[1];
    const float r = p.radius + 2;  // the disc's anti-aliased edge too
    boxes.insert(boxes.end(), {x - r, y - r, x + r, y + r});
  }
  return covered_rects(boxes, rect, tile);
}

void PointLayer::init() {
  if (ready()) return;
  shown_.init();
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
  shown_valid_ = false;
  pass_running_ = false;
}

void PointLayer::start_pass(const ScreenSpace& s) {
  if (pending_new_ || pass_points_.size() != pending_.size()) pass_points_ = pending_;
  pending_new_ = false;
  pass_.map = map_;
  std::copy(rect_, rect_ + 4, pass_.rect);
  pass_.fb_scale[0] = s.fb_scale[0];
  pass_.fb_scale[1] = s.fb_scale[1];
  const int w = pixels(rect_[0], rect_[2], s.fb_scale[0]), h = pixels(rect_[1], rect_[3], s.fb_scale[1]);
  image_.resize(w, h);
  ImagePlacement at;
  at.map = pass_.map;
  at.rect_x = pass_.rect[0];
  at.rect_y = pass_.rect[1];
  at.px_scale = pass_.fb_scale[0];
  raster_.begin(pass_points_.data(), pass_points_.size(), at, w, h);
  pass_running_ = true;
}

void PointLayer::upload() {
  const int w = image_.width, h = image_.height;
  glBindTexture(GL_TEXTURE_2D, shown_.texture());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  if (w != texture_w_ || h != texture_h_) {
    texture_w_ = w;
    texture_h_ = h;
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, image_.pixels.data());
    glBindTexture(GL_TEXTURE_2D, 0);
    return;
  }
  // Each row of tiles from its first changed tile to its last: a dozen or
  // two uploads of the part of the image that changed.
  constexpr int kTile = DiscRaster::kTile;
  const int cols = image_.tile_cols;
  glPixelStorei(GL_UNPACK_ROW_LENGTH, w);
  for (int y0 = 0, ty = 0; y0 < h; y0 += kTile, ++ty) {
    int lo = cols, hi = 0;
    for (int tx = 0; tx < cols; ++tx)
      if (image_.changed[std::size_t(ty * cols + tx)]) lo = std::min(lo, tx), hi = tx + 1;
    if (lo >= hi) continue;
    const int x0 = lo * kTile, x1 = std::min(w, hi * kTile), y1 = std::min(h, y0 + kTile);
    glTexSubImage2D(GL_TEXTURE_2D, 0, x0, y0, x1 - x0, y1 - y0, GL_RGBA, GL_UNSIGNED_BYTE,
                    image_.pixels.data() + std::size_t(y0) * std::size_t(w) + std::size_t(x0));
  }
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glBindTexture(GL_TEXTURE_2D, 0);
}

void PointLayer::finish_pass() {
  upload();
  shown_frame_ = pass_;
  shown_.set_parts(covered_tiles(pass_points_.data(), pass_points_.size(), pass_.map, pass_.rect));
  shown_valid_ = true;
  pass_running_ = false;
  ++passes_;
}

void PointLayer::work(const ScreenSpace& s) {
  // A pass under way always completes (auto-fit moves the map every frame
  // while training: restarting would never finish one); the next starts with
  // the latest points and map.
  const auto t0 = std::chrono::steady_clock::now();
  if (!pass_running_) {
    const Frame& f = shown_frame_;
    const bool scale_changed = f.fb_scale[0] != s.fb_scale[0] || f.fb_scale[1] != s.fb_scale[1];
    if (!shown_valid_ || pending_new_ || scale_changed || !same(f.map, map_) || !same_rect(f.rect, rect_))
      start_pass(s);
  }
  const bool working = pass_running_;
  if (pass_running_ && raster_.draw(image_, slice_)) finish_pass();
  work_ms_ = working ? std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() : 0;
}

bool PointLayer::shows_latest_this_frame() const {
  if (pending_new_) return false;
  if (!pass_running_) return shown_valid_;
  return raster_.pieces() - raster_.drawn() <= slice_;
}

std::uint64_t PointLayer::version() const {
  std::uint64_t h = hash_mix(std::uint64_t(passes_), std::uint64_t(shown_valid_));
  h = hash_value(h, map_);
  return hash_bytes(rect_, sizeof rect_, h);
}

void PointLayer::draw(const ScreenSpace& s) {
  if (!ready()) return;
  if (s.work) work(s);
  if (!s.show) return;
  const Frame& img = shown_frame_;
  if (!shown_valid_ || img.map.scale[0] == 0 || img.map.scale[1] == 0 || shown_.empty()) return;
  // Where the current map puts the area the image was drawn for.
  float r[4];
  for (int k = 0; k < 2; ++k) {
    const float ratio = map_.scale[k] / img.map.scale[k];
    r[k] = (img.rect[k] - img.map.offset[k]) * ratio + map_.offset[k];
    r[k + 2] = (img.rect[k + 2] - img.map.offset[k]) * ratio + map_.offset[k];
  }
  // Only the tiles the discs touch: the rest of the image is transparent.
  shown_.draw(s, r);
}

}  // namespace ev::gfx
