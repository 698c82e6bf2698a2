// window_input.h: Dear ImGui's input for each frame from a GLFW window, kept
// from GLFW's events as they arrive instead of asked of the window system.
//
// ImGui's GLFW backend (1.86) asks at the start of every frame for the
// window's size (twice), whether it has the focus and where the cursor is: on
// X11 four round trips to the server, the first of which waits until the
// server has taken in the previous frame's picture. With a software renderer
// on a busy machine that wait was up to 4 ms of a frame. Here the same values
// come from GLFW's callbacks; the backend still installs its own (keys,
// characters, buttons, wheel, focus, clipboard) and calls these first.
// Not for: several windows (one WindowInput at a time).
#pragma once

#include <imgui.h>

struct GLFWwindow;
struct GLFWcursor;

namespace ev::app {

class WindowInput {
 public:
  // Before ImGui_ImplGlfw_InitForOpenGL, whose callbacks call these first;
  // reads the window's state once.
  explicit WindowInput(GLFWwindow* window);
  ~WindowInput();
  WindowInput(const WindowInput&) = delete;
  WindowInput& operator=(const WindowInput&) = delete;

  // In place of ImGui_ImplGlfw_NewFrame, before ImGui::NewFrame: display
  // size and scale, time step, mouse position and buttons, the cursor's shape.
  void new_frame();

  // The framebuffer's size in pixels, as the last event said.
  int framebuffer_width() const { return fb_w_; }
  int framebuffer_height() const { return fb_h_; }

  // What the callbacks record (public for the tests, which call them as GLFW would).
  void on_cursor(double x, double y) { x_ = x, y_ = y; }
  void on_enter(bool inside) { inside_ = inside; }
  void on_focus(bool focused) { focused_ = focused; }
  void on_button(int button, bool pressed);
  void on_window_size(int w, int h) { w_ = w, h_ = h; }
  void on_framebuffer_size(int w, int h) { fb_w_ = w, fb_h_ = h; }

 private:
  void update_cursor_shape();

  GLFWwindow* window_;
  int w_ = 0, h_ = 0, fb_w_ = 0, fb_h_ = 0;
  double x_ = 0, y_ = 0, time_ = 0;
  bool inside_ = false, focused_ = false;
  bool just_pressed_[sizeof(ImGuiIO::MouseDown) / sizeof(bool)] = {};
  ImGuiMouseCursor shape_ = -2;  // none set yet
  GLFWcursor* cursors_[ImGuiMouseCursor_COUNT] = {};
};

}  // namespace ev::app
