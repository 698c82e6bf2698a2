// gpu_draw.cpp: the callbacks' closures live until the next frame of the same
// ImGui context starts queueing, by which time ImGui has rendered (and
// forgotten) the last frame. Each context keeps its own: a film's frame drawn
// with a context of its own in the middle of the window's frame leaves the
// window's closures alone.
#include "ui/gpu_draw.h"

#include <deque>
#include <map>
#include <utility>

namespace ev::ui {

namespace {

struct Draw {
  std::function<void(const gfx::ScreenSpace&)> fn;
  std::function<std::uint64_t()> version;
  bool worked = false;  // this frame's work done: later calls only show
};

struct Pending {
  int frame = -1;
  std::deque<Draw> draws;  // a deque keeps addresses stable
};
std::map<const ImGuiContext*, Pending> pending;  // by context

gfx::ScreenSpace screen_space(const ImDrawData& dd, const ImDrawCmd& cmd) {
  gfx::ScreenSpace s;
  s.display_pos[0] = dd.DisplayPos.x;
  s.display_pos[1] = dd.DisplayPos.y;
  s.display_size[0] = dd.DisplaySize.x;
  s.display_size[1] = dd.DisplaySize.y;
  s.fb_scale[0] = dd.FramebufferScale.x;
  s.fb_scale[1] = dd.FramebufferScale.y;
  s.clip[0] = cmd.ClipRect.x;
  s.clip[1] = cmd.ClipRect.y;
  s.clip[2] = cmd.ClipRect.z;
  s.clip[3] = cmd.ClipRect.w;
  return s;
}

// Runs the draw: its work the first time this frame, and draws unless its
// clip rectangle is empty (the command lies outside what is redrawn).
void run(Draw& d, const ImDrawData& dd, const ImDrawCmd& cmd, bool show) {
  gfx::ScreenSpace s = screen_space(dd, cmd);
  s.work = !d.worked;
  s.show = show && cmd.ClipRect.z > cmd.ClipRect.x && cmd.ClipRect.w > cmd.ClipRect.y;
  d.worked = true;
  if (s.work || s.show) d.fn(s);
}

void run_draw(const ImDrawList*, const ImDrawCmd* cmd) {
  auto* d = static_cast<Draw*>(cmd->UserCallbackData);
  const ImDrawData* dd = ImGui::GetDrawData();
  if (d && dd && d->fn) run(*d, *dd, *cmd, true);
}

}  // namespace

void add_gpu_draw(ImDrawList* dl, std::function<void(const gfx::ScreenSpace&)> draw,
                  std::function<std::uint64_t()> version) {
  const int frame = ImGui::GetFrameCount();
  Pending& p = pending[ImGui::GetCurrentContext()];
  if (p.frame != frame) {
    p.draws.clear();
    p.frame = frame;
  }
  p.draws.push_back({std::move(draw), std::move(version), false});
  dl->AddCallback(&run_draw, &p.draws.back());
  dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);  // ImGui's renderer sets its GL state again
}

void run_gpu_work(const ImDrawData& dd) {
  for (int l = 0; l < dd.CmdListsCount; ++l)
    for (const ImDrawCmd& cmd : dd.CmdLists[l]->CmdBuffer)
      if (cmd.UserCallback == &run_draw && cmd.UserCallbackData) {
        auto* d = static_cast<Draw*>(cmd.UserCallbackData);
        if (!d->worked && d->fn) run(*d, dd, cmd, false);
      }
}

std::optional<std::uint64_t> gpu_draw_version(const ImDrawCmd& cmd) {
  if (cmd.UserCallback != &run_draw || !cmd.UserCallbackData) return std::nullopt;
  const auto* d = static_cast<const Draw*>(cmd.UserCallbackData);
  if (!d->version) return std::nullopt;
  return d->version();
}

}  // namespace ev::ui
