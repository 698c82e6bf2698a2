// text_layer.cpp: glyphs rasterised as GL's nearest sampling would, blended
// in order into a premultiplied image; the image shown as its covered tiles.
#include "gfx/text_layer.h"

#include <algorithm>
#include <cmath>

#include "gfx/gl.h"

namespace ev::gfx {

namespace {

// The pixels whose centres lie in [a, b) (one axis, framebuffer pixels).
void span(float a, float b, int limit, int* lo, int* hi) {
  *lo = std::max(0, int(std::ceil(a - 0.5f)));
  *hi = std::min(limit, int(std::ceil(b - 0.5f)));
}

}  // namespace

bool GlyphQuad::operator==(const GlyphQuad& o) const {
  return x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1 && u0 == o.u0 && v0 == o.v0 && u1 == o.u1 &&
         v1 == o.v1 && rgba == o.rgba;
}

void rasterise_glyphs(const GlyphQuad* q, std::size_t n, const GlyphAtlas& atlas, float x, float y,
                      const float scale[2], int w, int h, std::vector<std::uint32_t>& image) {
  image.assign(std::size_t(w) * std::size_t(h), 0u);
  if (atlas.w <= 0 || atlas.h <= 0) return;
  for (std::size_t i = 0; i < n; ++i) {
    const GlyphQuad& g = q[i];
    const float X0 = (g.x0 - x) * scale[0], X1 = (g.x1 - x) * scale[0];
    const float Y0 = (g.y0 - y) * scale[1], Y1 = (g.y1 - y) * scale[1];
    if (!(X1 > X0 && Y1 > Y0)) continue;
    int px0, px1, py0, py1;
    span(X0, X1, w, &px0, &px1);
    span(Y0, Y1, h, &py0, &py1);
    const std::uint32_t ca = g.rgba >> 24;
    if (ca == 0) continue;
    const float du = (g.u1 - g.u0) / (X1 - X0), dv = (g.v1 - g.v0) / (Y1 - Y0);
    for (int py = py0; py < py1; ++py) {
      const float v = g.v0 + (float(py) + 0.5f - Y0) * dv;
      const int ty = std::clamp(int(std::floor(v * float(atlas.h))), 0, atlas.h - 1);
      const std::uint8_t* row = atlas.alpha.data() + std::size_t(ty) * std::size_t(atlas.w);
      std::uint32_t* out = image.data() + std::size_t(py) * std::size_t(w);
      for (int px = px0; px < px1; ++px) {
        const float u = g.u0 + (float(px) + 0.5f - X0) * du;
        const int tx = std::clamp(int(std::floor(u * float(atlas.w))), 0, atlas.w - 1);
        const std::uint32_t a = (ca * row[tx] + 127) / 255;  // the colour's alpha times the coverage
        if (a == 0) continue;
        // Source over destination, premultiplied: s * a + d * (1 - a), per channel.
        const std::uint32_t d = out[px];
        std::uint32_t r = 0;
        for (int c = 0; c < 3; ++c) {
          const std::uint32_t s = (g.rgba >> (8 * c)) & 0xFF, dc = (d >> (8 * c)) & 0xFF;
          r |= std::min(255u, (s * a + dc * (255 - a) + 127) / 255) << (8 * c);
        }
        const std::uint32_t da = d >> 24;
        r |= std::min(255u, a + (da * (255 - a) + 127) / 255) << 24;
        out[px] = r;
      }
    }
  }
}

void TextLayer::init() { shown_.init(); }

void TextLayer::set_atlas(const void* owner, const std::uint8_t* rgba, int w, int h) {
  atlas_owner_ = owner;
  atlas_.w = rgba ? w : 0;
  atlas_.h = rgba ? h : 0;
  atlas_.alpha.resize(std::size_t(atlas_.w) * std::size_t(atlas_.h));
  for (std::size_t i = 0; i < atlas_.alpha.size(); ++i) atlas_.alpha[i] = rgba[4 * i + 3];
  shown_valid_ = false;
}

void TextLayer::set(std::vector<GlyphQuad> glyphs, std::vector<float> boxes, const float rect[4]) {
  glyphs_ = std::move(glyphs);
  boxes_ = std::move(boxes);
  std::copy(rect, rect + 4, rect_);
}

void TextLayer::draw(const ScreenSpace& s) {
  if (!ready() || glyphs_.empty()) return;
  const bool same = shown_valid_ && glyphs_ == shown_glyphs_ && std::equal(rect_, rect_ + 4, shown_rect_) &&
                    shown_scale_[0] == s.fb_scale[0] && shown_scale_[1] == s.fb_scale[1];
  if (!same && s.work) {
    const int w = std::max(1, int(std::lround((rect_[2] - rect_[0]) * s.fb_scale[0])));
    const int h = std::max(1, int(std::lround((rect_[3] - rect_[1]) * s.fb_scale[1])));
    rasterise_glyphs(glyphs_.data(), glyphs_.size(), atlas_, rect_[0], rect_[1], s.fb_scale, w, h, image_);
    glBindTexture(GL_TEXTURE_2D, shown_.texture());
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    if (w != texture_w_ || h != texture_h_)
      glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, image_.data());
    else
      glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, image_.data());
    glBindTexture(GL_TEXTURE_2D, 0);
    texture_w_ = w;
    texture_h_ = h;
    shown_.set_parts(covered_rects(boxes_, rect_));
    shown_glyphs_ = glyphs_;
    std::copy(rect_, rect_ + 4, shown_rect_);
    shown_scale_[0] = s.fb_scale[0];
    shown_scale_[1] = s.fb_scale[1];
    shown_valid_ = true;
    ++made_;
  }
  if (shown_valid_) shown_.draw(s, shown_rect_);
}

}  // namespace ev::gfx
