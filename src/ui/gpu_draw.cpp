// gpu_draw.cpp: the callbacks' closures live until the next frame of the same
// ImGui context starts queueing, by which time ImGui has rendered (and
// forgotten) the last frame. Each context keeps its own: a film's frame drawn
// with a context of its own in the middle of the window's frame leaves the
// window's closures alone.
#include "ui/gpu_draw.h"

#include <deque>
#include <map>


namespace ev::ui {

namespace {

struct Pending {
  int frame = -1;
  std::deque<std::function<void(const gfx::ScreenSpace&)>> draws;  // a deque keeps addresses stable
};
std::map<const ImGuiContext*, Pending> pending;  // by context

void run_draw(const ImDrawList*, const ImDrawCmd* cmd) {
  const auto* fn = static_cast<const std::function<void(const gfx::ScreenSpace&)>*>(cmd->UserCallbackData);
  const ImDrawData* dd = ImGui::GetDrawData();
  if (!fn || !dd) return;
  gfx::ScreenSpace s;
  s.display_pos[0] = dd->DisplayPos.x;
  s.display_pos[1] = dd->DisplayPos.y;
  s.display_size[0] = dd->DisplaySize.x;
  s.display_size[1] = dd->DisplaySize.y;
  s.fb_scale[0] = dd->FramebufferScale.x;
  s.fb_scale[1] = dd->FramebufferScale.y;
  s.clip[0] = cmd->ClipRect.x;
  s.clip[1] = cmd->ClipRect.y;
  s.clip[2] = cmd->ClipRect.z;
  s.clip[3] = cmd->ClipRect.w;
  (*fn)(s);
}

}  // namespace

void add_gpu_draw(ImDrawList* dl, std::function<void(const gfx::ScreenSpace&)> draw) {
  const int frame = ImGui::GetFrameCount();
  Pending& p = pending[ImGui::GetCurrentContext()];
  if (p.frame != frame) {
    p.draws.clear();
    p.frame = frame;
  }
  p.draws.push_back(std::move(draw));
  dl->AddCallback(&run_draw, &p.draws.back());
  dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);  // ImGui's renderer sets its GL state again
}

}  // namespace ev::ui
