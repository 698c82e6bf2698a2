// draw_frame.cpp: the work, the damage, the clears and ImGui's renderer, in that order.
#include "app/draw_frame.h"

#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include "app/app.h"
#include "gfx/render_target.h"
#include "ui/gpu_draw.h"

namespace ev::app {

ui::Damage draw_frame(ui::Redraw& redraw, bool kept, int w, int h) {
  ImDrawData* dd = ImGui::GetDrawData();
  if (!dd) return {};
  ui::run_gpu_work(*dd);
  ui::Damage d = redraw.changed(*dd, kept);
  if (d.all) gfx::clear_framebuffer(w, h, clear_color().data());
  else gfx::clear_rects(d.rects, w, h, clear_color().data());
  redraw.clip(*dd, d);
  if (!d.rects.empty()) ImGui_ImplOpenGL3_RenderDrawData(dd);
  return d;
}

}  // namespace ev::app
