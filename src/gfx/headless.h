// headless.h: an OpenGL 3.3 core context with no window and no display server,
// through Mesa's EGL surfaceless platform. The app uses it for --headless runs
// (screenshots, benchmarks) and the GUI tests use it to drive the real UI.
// Not for on-screen windows (GLFW does those).
#pragma once

#include <memory>
#include <string>

namespace ev::gfx {

class HeadlessContext {
 public:
  // Creates the context, makes it current and loads GL. Throws ev::Error with
  // the reason when there is no surfaceless EGL or no GL 3.3 core.
  HeadlessContext();
  ~HeadlessContext();
  HeadlessContext(const HeadlessContext&) = delete;
  HeadlessContext& operator=(const HeadlessContext&) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ev::gfx
