// window_input.cpp: GLFW's callbacks write the window's state into the one
// WindowInput; new_frame() hands it to ImGui without asking the window system.
#include "app/window_input.h"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cfloat>

namespace ev::app {

namespace {

WindowInput* g_input = nullptr;  // the callbacks' target

void cursor_cb(GLFWwindow*, double x, double y) {
  if (g_input) g_input->on_cursor(x, y);
}
void enter_cb(GLFWwindow*, int entered) {
  if (g_input) g_input->on_enter(entered != 0);
}
void focus_cb(GLFWwindow*, int focused) {
  if (g_input) g_input->on_focus(focused != 0);
}
void button_cb(GLFWwindow*, int button, int action, int) {
  if (g_input) g_input->on_button(button, action == GLFW_PRESS);
}
void size_cb(GLFWwindow*, int w, int h) {
  if (g_input) g_input->on_window_size(w, h);
}
void framebuffer_cb(GLFWwindow*, int w, int h) {
  if (g_input) g_input->on_framebuffer_size(w, h);
}

}  // namespace

WindowInput::WindowInput(GLFWwindow* window) : window_(window) {
  g_input = this;
  glfwGetWindowSize(window, &w_, &h_);
  glfwGetFramebufferSize(window, &fb_w_, &fb_h_);
  glfwGetCursorPos(window, &x_, &y_);
  inside_ = glfwGetWindowAttrib(window, GLFW_HOVERED) != 0;
  focused_ = glfwGetWindowAttrib(window, GLFW_FOCUSED) != 0;
  glfwSetCursorPosCallback(window, cursor_cb);
  glfwSetCursorEnterCallback(window, enter_cb);
  glfwSetWindowFocusCallback(window, focus_cb);
  glfwSetMouseButtonCallback(window, button_cb);
  glfwSetWindowSizeCallback(window, size_cb);
  glfwSetFramebufferSizeCallback(window, framebuffer_cb);
  // The shapes GLFW 3.3 has; the others show the arrow.
  cursors_[ImGuiMouseCursor_Arrow] = glfwCreateStandardCursor(GLFW_ARROW_CURSOR);
  cursors_[ImGuiMouseCursor_TextInput] = glfwCreateStandardCursor(GLFW_IBEAM_CURSOR);
  cursors_[ImGuiMouseCursor_ResizeNS] = glfwCreateStandardCursor(GLFW_VRESIZE_CURSOR);
  cursors_[ImGuiMouseCursor_ResizeEW] = glfwCreateStandardCursor(GLFW_HRESIZE_CURSOR);
  cursors_[ImGuiMouseCursor_Hand] = glfwCreateStandardCursor(GLFW_HAND_CURSOR);
}

WindowInput::~WindowInput() {
  for (GLFWcursor* c : cursors_)
    if (c) glfwDestroyCursor(c);
  if (g_input == this) g_input = nullptr;
}

void WindowInput::on_button(int button, bool pressed) {
  // A press and its release within one frame still reach ImGui as a click.
  if (pressed && button >= 0 && button < IM_ARRAYSIZE(just_pressed_)) just_pressed_[button] = true;
}

void WindowInput::new_frame() {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(float(w_), float(h_));
  if (w_ > 0 && h_ > 0) io.DisplayFramebufferScale = ImVec2(float(fb_w_) / float(w_), float(fb_h_) / float(h_));
  const double now = glfwGetTime();
  io.DeltaTime = time_ > 0 ? std::max(1e-6f, float(now - time_)) : 1.0f / 60.0f;
  time_ = now;

  bool held = false;
  for (int i = 0; i < IM_ARRAYSIZE(io.MouseDown); ++i) {
    // GLFW keeps the buttons' state from its events: no round trip.
    io.MouseDown[i] = just_pressed_[i] || glfwGetMouseButton(window_, GLFW_MOUSE_BUTTON_1 + i) == GLFW_PRESS;
    just_pressed_[i] = false;
    held = held || io.MouseDown[i];
  }
  // Over the window, or dragging out of it (the window system keeps sending
  // the cursor's moves while a button is held); elsewhere no position.
  io.MousePos = inside_ || held ? ImVec2(float(x_), float(y_)) : ImVec2(-FLT_MAX, -FLT_MAX);
  update_cursor_shape();
}

void WindowInput::update_cursor_shape() {
  ImGuiIO& io = ImGui::GetIO();
  if ((io.ConfigFlags & ImGuiConfigFlags_NoMouseCursorChange) ||
      glfwGetInputMode(window_, GLFW_CURSOR) == GLFW_CURSOR_DISABLED)
    return;
  const ImGuiMouseCursor shape = io.MouseDrawCursor ? ImGuiMouseCursor_None : ImGui::GetMouseCursor();
  if (shape == shape_) return;  // set only when it changes: each set is a request to the server
  shape_ = shape;
  if (shape == ImGuiMouseCursor_None) {
    glfwSetInputMode(window_, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);
    return;
  }
  GLFWcursor* c = shape >= 0 && shape < ImGuiMouseCursor_COUNT && cursors_[shape] ? cursors_[shape] : cursors_[ImGuiMouseCursor_Arrow];
  glfwSetCursor(window_, c);
  glfwSetInputMode(window_, GLFW_CURSOR, GLFW_CURSOR_NORMAL);
}

}  // namespace ev::app
