// headless_egl.h: a GL 3.3 core context with no window (Mesa's EGL
// surfaceless platform) and an RGBA8 framebuffer object to draw into, for the
// views' tests and benchmarks. Test support only, not part of the program.
#pragma once

#define EGL_NO_X11  // no X11 types: they define macros such as None and Bool
#include <EGL/egl.h>
#include <EGL/eglext.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gfx/gl.h"

namespace ev::testing {

// A GL 3.3 core context without a window, and an RGBA8 framebuffer to draw in.
class Headless {
 public:
  bool open(int w, int h) {
    auto get_display = reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(eglGetProcAddress("eglGetPlatformDisplayEXT"));
    if (!get_display) return fail("no eglGetPlatformDisplayEXT");
    dpy_ = get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
    if (dpy_ == EGL_NO_DISPLAY || !eglInitialize(dpy_, nullptr, nullptr)) return fail("no surfaceless EGL display");
    const EGLint cfg_attr[] = {EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE};
    EGLConfig cfg;
    EGLint n = 0;
    if (!eglChooseConfig(dpy_, cfg_attr, &cfg, 1, &n) || n < 1) return fail("no EGL config");
    if (!eglBindAPI(EGL_OPENGL_API)) return fail("no desktop GL API");
    const EGLint ctx_attr[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3,
                               EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE};
    ctx_ = eglCreateContext(dpy_, cfg, EGL_NO_CONTEXT, ctx_attr);
    if (ctx_ == EGL_NO_CONTEXT) return fail("no GL 3.3 core context");
    if (!eglMakeCurrent(dpy_, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx_)) return fail("cannot make the context current");
    if (ev::gfx::load_gl(reinterpret_cast<ev::gfx::GlLoadFn>(&eglGetProcAddress)) < 33) return fail("GL < 3.3");
    resize(w, h);
    return true;
  }
  void resize(int w, int h) {
    w_ = w, h_ = h;
    if (!fbo_) {
      glGenFramebuffers(1, &fbo_);
      glGenTextures(1, &tex_);
    }
    glBindTexture(GL_TEXTURE_2D, tex_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex_, 0);
    glViewport(0, 0, w, h);
  }
  // The framebuffer's pixels, top row first (as the screen shows them).
  std::vector<unsigned char> pixels() const {
    std::vector<unsigned char> p(std::size_t(w_) * std::size_t(h_) * 4), out(p.size());
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w_, h_, GL_RGBA, GL_UNSIGNED_BYTE, p.data());
    const std::size_t row = std::size_t(w_) * 4;
    for (int y = 0; y < h_; ++y) std::copy_n(p.data() + std::size_t(h_ - 1 - y) * row, row, out.data() + std::size_t(y) * row);
    return out;
  }
  int w() const { return w_; }
  int h() const { return h_; }
  const std::string& why() const { return why_; }
  ~Headless() {
    if (fbo_) glDeleteFramebuffers(1, &fbo_);
    if (tex_) glDeleteTextures(1, &tex_);
    if (ctx_ != EGL_NO_CONTEXT) {
      eglMakeCurrent(dpy_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
      eglDestroyContext(dpy_, ctx_);
    }
    if (dpy_ != EGL_NO_DISPLAY) eglTerminate(dpy_);
  }

 private:
  bool fail(const char* why) {
    why_ = why;
    return false;
  }
  EGLDisplay dpy_ = EGL_NO_DISPLAY;
  EGLContext ctx_ = EGL_NO_CONTEXT;
  GLuint fbo_ = 0, tex_ = 0;
  int w_ = 0, h_ = 0;
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
