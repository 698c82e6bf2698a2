// render_target.cpp: FBO management, pixel read-back and PNG output.
#include "gfx/render_target.h"

#include <stb_image_write.h>

#include <algorithm>

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
