// headless.cpp: EGL surfaceless context creation.
#define EGL_NO_X11  // keep X11's macros (None, Bool, Status) out
#include "gfx/headless.h"

#include <EGL/egl.h>
#include <EGL/eglext.h>

#include "core/base/error.h"
#include "gfx/gl.h"

namespace ev::gfx {

struct HeadlessContext::Impl {
  EGLDisplay dpy = EGL_NO_DISPLAY;
  EGLContext ctx = EGL_NO_CONTEXT;
  ~Impl() {
    if (ctx != EGL_NO_CONTEXT) {
      eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
      eglDestroyContext(dpy, ctx);
    }
    if (dpy != EGL_NO_DISPLAY) eglTerminate(dpy);
  }
};

HeadlessContext::HeadlessContext() : impl_(std::make_unique<Impl>()) {
  auto get_display =
      reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(eglGetProcAddress("eglGetPlatformDisplayEXT"));
  if (!get_display) throw Error("headless rendering needs EGL's eglGetPlatformDisplayEXT (install libegl-mesa0)");
  impl_->dpy = get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
  if (impl_->dpy == EGL_NO_DISPLAY || !eglInitialize(impl_->dpy, nullptr, nullptr))
    throw Error("headless rendering: no surfaceless EGL display (install libegl-mesa0 and libgl1-mesa-dri)");
  const EGLint cfg_attr[] = {EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE};
  EGLConfig cfg;
  EGLint n = 0;
  if (!eglChooseConfig(impl_->dpy, cfg_attr, &cfg, 1, &n) || n < 1) throw Error("headless rendering: no EGL config");
  if (!eglBindAPI(EGL_OPENGL_API)) throw Error("headless rendering: EGL has no desktop OpenGL");
  const EGLint ctx_attr[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3,
                             EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE};
  impl_->ctx = eglCreateContext(impl_->dpy, cfg, EGL_NO_CONTEXT, ctx_attr);
  if (impl_->ctx == EGL_NO_CONTEXT) throw Error("headless rendering: no OpenGL 3.3 core context");
  if (!eglMakeCurrent(impl_->dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, impl_->ctx))
    throw Error("headless rendering: cannot make the context current");
  if (load_gl(reinterpret_cast<GlLoadFn>(&eglGetProcAddress)) < 33)
    throw Error("headless rendering: OpenGL 3.3 is not available");
}

HeadlessContext::~HeadlessContext() = default;

}  // namespace ev::gfx
