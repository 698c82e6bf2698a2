// render_target.h: an offscreen RGBA8 framebuffer, and reading pixels back
// from whatever framebuffer is bound (for screenshots and pixel tests).
#pragma once

#include <cstdint>
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

// A rectangle of framebuffer pixels [x0, x1) x [y0, y1), y down (row 0 at the top).
struct PixelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool empty() const { return x1 <= x0 || y1 <= y0; }
  long long area() const { return empty() ? 0 : (long long)(x1 - x0) * (y1 - y0); }
  bool operator==(const PixelRect& o) const { return x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1; }
};

// Clears the bound framebuffer to rgba, its viewport set to w x h pixels.
void clear_framebuffer(int w, int h, const float rgba[4]);
// Clears only `rects` of the bound w x h framebuffer to rgba.
void clear_rects(const std::vector<PixelRect>& rects, int w, int h, const float rgba[4]);

// Whether the bound framebuffer still holds the last frame drawn into it: a
// count in the low three bits of each channel of the bottom-left two pixels
// (a change of at most 7 levels in 255, unseen). A software GL's back buffer
// keeps its pixels across a swap; a driver that swaps buffers hands back an
// older frame, or nothing, and the count tells.
class FrameMark {
 public:
  // True when the framebuffer's pixels carry the count stamped last.
  bool holds_last(int w, int h) const;
  // After a frame is drawn: stamps the next count into those pixels.
  void stamp(int w, int h);

 private:
  std::uint32_t count_ = 0;  // 0: nothing stamped yet
};
// Returns once GL has done every command given so far (so a frame's time
// includes the renderer's work, not only the queueing).
void finish();

// Reads the bound framebuffer's w x h pixels.
Image read_pixels(int w, int h);

// Writes an image as PNG; throws ev::Error naming the path when it cannot.
void write_png(const Image& img, const std::string& path);

}  // namespace ev::gfx
