// headless_egl.h: the views' tests and benchmarks draw without a window
// through gfx::HeadlessContext (EGL surfaceless) into a gfx::RenderTarget.
// This wraps the two in the small interface those tests use, and reports
// "no headless GL" instead of throwing, so the tests can skip cleanly.
// Test support only, not part of the program.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "gfx/headless.h"
#include "gfx/render_target.h"

namespace ev::testing {

class Headless {
 public:
  // Creates the context and a w x h framebuffer, bound. False (see why()) when there is no GL 3.3.
  bool open(int w, int h) {
    try {
      ctx_ = std::make_unique<gfx::HeadlessContext>();
    } catch (const Error& e) {
      why_ = e.what();
      return false;
    }
    resize(w, h);
    return true;
  }
  void resize(int w, int h) { target_.bind(w, h); }
  // The framebuffer's pixels (RGBA8), top row first.
  std::vector<unsigned char> pixels() const { return gfx::read_pixels(target_.width(), target_.height()).rgba; }
  int w() const { return target_.width(); }
  int h() const { return target_.height(); }
  const std::string& why() const { return why_; }

 private:
  std::unique_ptr<gfx::HeadlessContext> ctx_;  // declared first: outlives the framebuffer
  gfx::RenderTarget target_;
  std::string why_;
};

inline std::unique_ptr<Headless> open_headless(int w, int h, std::string* why) {
  auto g = std::make_unique<Headless>();
  if (!g->open(w, h)) {
    *why = g->why();
    return nullptr;
  }
  return g;
}

}  // namespace ev::testing
