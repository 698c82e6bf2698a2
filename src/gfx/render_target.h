// render_target.h: an offscreen RGBA8 framebuffer, and reading pixels back
// from whatever framebuffer is bound (for screenshots and pixel tests).
#pragma once

#include <string>
#include <vector>

#include "gfx/gl.h"
#include "gfx/gl_object.h"

namespace ev::gfx {

// RGBA8 pixels, top row first (as a screen shows them).
struct Image {
  int width = 0, height = 0;
  std::vector<unsigned char> rgba;
  const unsigned char* at(int x, int y) const { return rgba.data() + (std::size_t(y) * std::size_t(width) + std::size_t(x)) * 4; }
};

class RenderTarget {
 public:
  // (Re)allocates at w x h when the size changed, binds it and sets the viewport.
  void bind(int w, int h);
  int width() const { return w_; }
  int height() const { return h_; }
  GLuint texture() const { return tex_.id(); }

 private:
  GlObject fbo_, tex_;
  int w_ = 0, h_ = 0;
};

// Keeps the bound framebuffer and viewport, and binds them again when it goes
// (drawing into another target in the middle of a frame).
class KeepFramebuffer {
 public:
  KeepFramebuffer();
  ~KeepFramebuffer();
  KeepFramebuffer(const KeepFramebuffer&) = delete;
  KeepFramebuffer& operator=(const KeepFramebuffer&) = delete;

 private:
  GLint fbo_ = 0, viewport_[4] = {};
};

// Clears the bound framebuffer to rgba, its viewport set to w x h pixels.
void clear_framebuffer(int w, int h, const float rgba[4]);
// Returns once GL has done every command given so far (so a frame's time
// includes the renderer's work, not only the queueing).
void finish();

// Reads the bound framebuffer's w x h pixels.
Image read_pixels(int w, int h);

// Writes an image as PNG; throws ev::Error naming the path when it cannot.
void write_png(const Image& img, const std::string& path);

}  // namespace ev::gfx
