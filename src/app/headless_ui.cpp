// headless_ui.cpp: ImGui on an offscreen framebuffer, input fed by hand.
#include "app/headless_ui.h"

#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <thread>

#include "app/draw_frame.h"
#include "core/base/error.h"

namespace ev::app {

void map_keys_like_glfw() {
  // GLFW's key codes: printable keys are their ASCII upper case.
  ImGuiIO& io = ImGui::GetIO();
  io.KeyMap[ImGuiKey_Tab] = 258;
  io.KeyMap[ImGuiKey_LeftArrow] = 263;
  io.KeyMap[ImGuiKey_RightArrow] = 262;
  io.KeyMap[ImGuiKey_UpArrow] = 265;
  io.KeyMap[ImGuiKey_DownArrow] = 264;
  io.KeyMap[ImGuiKey_Backspace] = 259;
  io.KeyMap[ImGuiKey_Delete] = 261;
  io.KeyMap[ImGuiKey_Enter] = 257;
  io.KeyMap[ImGuiKey_Escape] = 256;
  io.KeyMap[ImGuiKey_Space] = 32;
  io.KeyMap[ImGuiKey_A] = 'A';
  io.KeyMap[ImGuiKey_C] = 'C';
  io.KeyMap[ImGuiKey_V] = 'V';
  io.KeyMap[ImGuiKey_X] = 'X';
  io.KeyMap[ImGuiKey_Y] = 'Y';
  io.KeyMap[ImGuiKey_Z] = 'Z';
}

HeadlessUi::HeadlessUi(const AppOptions& o) : w_(o.width), h_(o.height), partial_redraw_(!o.full_redraw) {
  IMGUI_CHECKVERSION();
  imgui_ = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a headless run never touches the user's layout
  io.DisplaySize = ImVec2(float(w_), float(h_));
  map_keys_like_glfw();
  setup_fonts_and_style(1.0f);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  use_pixel_exact_font_sampling();
  app_ = std::make_unique<App>(o);
}

HeadlessUi::~HeadlessUi() {
  app_.reset();  // panels own GL objects: free them while the context lives
  ImGui_ImplOpenGL3_Shutdown();
  ImGui::DestroyContext(imgui_);
}

bool HeadlessUi::wait_ready(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const SnapshotPtr s = app_->trainer().snapshot();
    if (s->ready() || s->failed) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void HeadlessUi::frame(float dt) {
  ImGuiIO& io = ImGui::GetIO();
  io.DeltaTime = dt > 0 ? dt : 1e-3f;
  io.DisplaySize = ImVec2(float(w_), float(h_));
  ImGui_ImplOpenGL3_NewFrame();
  ImGui::NewFrame();
  app_->frame(last_dt_ms_);
  ImGui::Render();
  const bool kept = partial_redraw_ && target_.width() == w_ && target_.height() == h_;
  whole_cmds_.clear();
  if (partial_redraw_ && ImGui::GetDrawData())  // redraw_whole's commands: draw_frame clips these
    for (int l = 0; l < ImGui::GetDrawData()->CmdListsCount; ++l) whole_cmds_.push_back(ImGui::GetDrawData()->CmdLists[l]->CmdBuffer);
  target_.bind(w_, h_);
  last_damage_ = draw_frame(redraw_, kept, w_, h_);
  last_dt_ms_ = dt * 1000.0f;
  if (const std::string png = app_->take_screenshot_request(); !png.empty()) {
    try {
      gfx::write_png(pixels(), png);
      app_->context().notice = "Saved a picture of the window to " + png;
    } catch (const Error& e) {
      app_->set_error(e.what());
    }
  }
}

void HeadlessUi::redraw_whole() {
  target_.bind(w_, h_);
  gfx::clear_framebuffer(w_, h_, clear_color().data());
  ImDrawData* dd = ImGui::GetDrawData();
  if (!dd) return;
  for (int l = 0; l < dd->CmdListsCount && std::size_t(l) < whole_cmds_.size(); ++l)
    dd->CmdLists[l]->CmdBuffer = whole_cmds_[std::size_t(l)];
  ImGui_ImplOpenGL3_RenderDrawData(dd);
}

void HeadlessUi::set_mouse(float x, float y, bool down) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(x, y);
  io.MouseDown[0] = down;
}

void HeadlessUi::click(float x, float y) {
  set_mouse(x, y, false);
  frame();
  set_mouse(x, y, true);
  frame();
  set_mouse(x, y, false);
  frame();
}

bool HeadlessUi::click(const std::string& label) {
  const auto& rects = app_->context().item_rects;
  auto it = rects.find(label);
  if (it == rects.end()) return false;
  const auto& r = it->second;
  click(0.5f * (r[0] + r[2]), 0.5f * (r[1] + r[3]));
  return true;
}

void HeadlessUi::key(int k) {
  ImGuiIO& io = ImGui::GetIO();
  const int index = k < ImGuiKey_COUNT ? io.KeyMap[k] : k;
  io.KeysDown[index] = true;
  app_->key_event(index, false, io.KeyCtrl, io.KeyAlt);
  frame();
  io.KeysDown[index] = false;
  frame();
}

void HeadlessUi::type(const std::string& text) {
  for (const char c : text) {
    ImGui::GetIO().AddInputCharacter(static_cast<unsigned char>(c));
    frame();
  }
}

void HeadlessUi::tap(int k) {
  const ImGuiIO& io = ImGui::GetIO();
  app_->key_event(k < ImGuiKey_COUNT ? io.KeyMap[k] : k, false, io.KeyCtrl, io.KeyAlt);
}

gfx::Image HeadlessUi::pixels() const { return gfx::read_pixels(w_, h_); }

}  // namespace ev::app
