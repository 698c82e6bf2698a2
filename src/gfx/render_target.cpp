// render_target.cpp: FBO management, pixel read-back and PNG output.
#include "gfx/render_target.h"

#include <stb_image_write.h>

#include <algorithm>
#include <array>

#include "core/base/atomic_file.h"
#include "core/base/error.h"

namespace ev::gfx {

KeepFramebuffer::KeepFramebuffer() {
  glGetIntegerv(GL_FRAMEBUFFER_BINDING, &fbo_);
  glGetIntegerv(GL_VIEWPORT, viewport_);
}

KeepFramebuffer::~KeepFramebuffer() {
  glBindFramebuffer(GL_FRAMEBUFFER, GLuint(fbo_));
  glViewport(viewport_[0], viewport_[1], viewport_[2], viewport_[3]);
}

void RenderTarget::bind(int w, int h) {
  if (!fbo_) {
    fbo_ = GlObject::create(GlKind::Framebuffer);
    tex_ = make_nearest_texture(false);
  }
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_.id());
  if (w != w_ || h != h_) {
    w_ = w;
    h_ = h;
    glBindTexture(GL_TEXTURE_2D, tex_.id());
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex_.id(), 0);
  }
  glViewport(0, 0, w, h);
}

void clear_framebuffer(int w, int h, const float rgba[4]) {
  glViewport(0, 0, w, h);
  glClearColor(rgba[0], rgba[1], rgba[2], rgba[3]);
  glClear(GL_COLOR_BUFFER_BIT);
}

void clear_rects(const std::vector<PixelRect>& rects, int w, int h, const float rgba[4]) {
  glViewport(0, 0, w, h);
  glClearColor(rgba[0], rgba[1], rgba[2], rgba[3]);
  glEnable(GL_SCISSOR_TEST);
  for (const PixelRect& r : rects)
    if (!r.empty()) {
      glScissor(r.x0, h - r.y1, r.x1 - r.x0, r.y1 - r.y0);  // GL's rows count from the bottom
      glClear(GL_COLOR_BUFFER_BIT);
    }
  glDisable(GL_SCISSOR_TEST);
}

namespace {

constexpr std::uint32_t kMarkBits = 18;  // three bits of R, G, B in each of two pixels

// The bottom-left two pixels (RGBA8).
std::array<unsigned char, 8> mark_pixels() {
  std::array<unsigned char, 8> px{};
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, 2, 1, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  return px;
}

std::uint32_t mark_of(const std::array<unsigned char, 8>& px) {
  std::uint32_t m = 0;
  for (int p = 0; p < 2; ++p)
    for (int c = 0; c < 3; ++c) m |= std::uint32_t(px[std::size_t(4 * p + c)] & 7u) << (9 * p + 3 * c);
  return m;
}

}  // namespace

bool FrameMark::holds_last(int w, int h) const {
  if (count_ == 0 || w < 2 || h < 1) return false;
  return mark_of(mark_pixels()) == count_;
}

void FrameMark::stamp(int w, int h) {
  if (w < 2 || h < 1) return;
  count_ = count_ + 1 < (1u << kMarkBits) ? count_ + 1 : 1;  // never 0: a cleared buffer never passes
  std::array<unsigned char, 8> px = mark_pixels();
  glEnable(GL_SCISSOR_TEST);
  for (int p = 0; p < 2; ++p) {
    float rgb[3];
    for (int c = 0; c < 3; ++c) {
      const unsigned bits = (count_ >> (9 * p + 3 * c)) & 7u;
      rgb[c] = float((px[std::size_t(4 * p + c)] & ~7u) | bits) / 255.0f;
    }
    glClearColor(rgb[0], rgb[1], rgb[2], 1.0f);
    glScissor(p, 0, 1, 1);
    glClear(GL_COLOR_BUFFER_BIT);
  }
  glDisable(GL_SCISSOR_TEST);
}

void finish() { glFinish(); }

Image read_pixels(int w, int h) {
  Image img;
  img.width = w;
  img.height = h;
  std::vector<unsigned char> raw(std::size_t(w) * std::size_t(h) * 4);
  img.rgba.resize(raw.size());
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, raw.data());
  const std::size_t row = std::size_t(w) * 4;
  for (int y = 0; y < h; ++y)  // GL's first row is the bottom one
    std::copy_n(raw.data() + std::size_t(h - 1 - y) * row, row, img.rgba.data() + std::size_t(y) * row);
  for (std::size_t i = 3; i < img.rgba.size(); i += 4) img.rgba[i] = 255;  // opaque, whatever the clear alpha
  return img;
}

void write_png(const Image& img, const std::string& path) {
  // Encoded in memory, then written atomically: a failed write (a full disk)
  // is reported and leaves any file already at the path as it was.
  std::string png;
  const auto append = [](void* out, void* data, int n) {
    static_cast<std::string*>(out)->append(static_cast<const char*>(data), std::size_t(n));
  };
  if (img.width <= 0 || img.height <= 0 ||
      !stbi_write_png_to_func(append, &png, img.width, img.height, 4, img.rgba.data(), img.width * 4))
    throw Error("cannot encode the PNG file " + shown(path));
  write_file_atomic(path, png);
}

}  // namespace ev::gfx
