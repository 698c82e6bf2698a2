// headless_ui.h: the whole app in a GL context with no window: EGL
// surfaceless, an offscreen framebuffer, ImGui fed mouse and keys by hand.
// `embedviz --headless` runs on it, and the GUI tests drive it to click real
// buttons and read back real pixels.
#pragma once

#include <imgui.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "app/app.h"
#include "gfx/headless.h"
#include "gfx/render_target.h"
#include "ui/redraw.h"


namespace ev::app {

class HeadlessUi {
 public:
  // Throws ev::Error when no headless GL context can be made.
  explicit HeadlessUi(const AppOptions& o);
  ~HeadlessUi();

  // Waits, drawing no frame, until the main run is made or could not be
  // (Snapshot::failed): a script's frames then show it as they always did.
  // False when `timeout` passes first.
  bool wait_ready(std::chrono::milliseconds timeout);
  // Runs one frame of `dt` seconds with the current input state.
  void frame(float dt = 1.0f / 60.0f);
  // Moves the mouse, presses and releases the left button over two frames.
  void click(float x, float y);
  // Clicks the centre of a control recorded under `label` (UiContext::item_rects);
  // returns false when no such control was drawn in the last frame.
  bool click(const std::string& label);
  // Presses and releases a key (an ImGuiKey_ index, or an uppercase letter).
  void key(int key);
  // Types text into the focused field, a character a frame.
  void type(const std::string& text);
  // A press and release between two frames, as a clicker sends it: ImGui's key
  // state never sees it down, only the app's queue of presses.
  void tap(int key);
  void set_mouse(float x, float y, bool down);

  App& app() { return *app_; }
  gfx::Image pixels() const;

  // Frames are drawn only where they changed (the offscreen framebuffer keeps
  // the last one) unless AppOptions::full_redraw: what the last frame redrew.
  const ui::Damage& last_damage() const { return last_damage_; }
  // Draws the last frame's draw data again, whole, as a full redraw would
  // (its GL drawing only shows: the frame's work is done).
  void redraw_whole();
  int width() const { return w_; }
  int height() const { return h_; }

 private:
  int w_, h_;
  gfx::HeadlessContext gl_;
  gfx::RenderTarget target_;
  ImGuiContext* imgui_ = nullptr;
  std::unique_ptr<App> app_;
  float last_dt_ms_ = 16.7f;
  ui::Redraw redraw_;
  bool partial_redraw_ = false;
  ui::Damage last_damage_;
  std::vector<ImVector<ImDrawCmd>> whole_cmds_;  // the last frame's commands before clipping
};

// Maps ImGui's named keys to indices the same way the GLFW backend does, so
// shortcuts work identically with and without a window.
void map_keys_like_glfw();

}  // namespace ev::app
