// table_heatmap.cpp: the GPU path queues the shader's draw between ImGui's
// own draw commands; the ImGui path computes the same map per cell.
#include "ui/table_heatmap.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <exception>

#include "core/base/hash.h"
#include "gfx/colour_map.h"
#include "ui/gpu_draw.h"

namespace ev::ui {

namespace {
ImU32 colour_u32(float t) {
  const gfx::Rgb c = gfx::diverging(std::clamp(t, -1.0f, 1.0f));
  return ImGui::GetColorU32(ImVec4(c.r, c.g, c.b, 1));
}
}  // namespace

bool TableHeatmap::init_gpu() {
  if (gpu.ready()) return true;
  if (!gl_error.empty()) return false;
  if (!gfx::gl_ready()) {
    gl_error = "OpenGL is not loaded";
    return false;
  }
  try {
    gpu.init();
  } catch (const std::exception& e) {
    gl_error = e.what();
  }
  return gpu.ready();
}

void TableHeatmap::set(const float* v, int r, int c, const std::vector<std::uint8_t>& lit, float m) {
  rows = std::max(0, r);
  cols = std::max(0, c);
  values.assign(v, v + std::size_t(rows) * std::size_t(cols));
  if (m <= 0) {
    for (float x : values)
      if (std::isfinite(x)) m = std::max(m, std::fabs(x));
  }
  max_abs = m > 0 ? m : 1.0f;
  if (gpu.ready()) gpu.upload(values.data(), rows, cols, lit);
}

void TableHeatmap::draw(ImDrawList* dl, const float rect[4], float dim, bool cpu_fallback) const {
  if (gpu.ready() && gpu.rows() == rows && rows > 0) {
    const gfx::Heatmap* hm = &gpu;
    const float m = max_abs;
    const std::array<float, 4> r4 = {rect[0], rect[1], rect[2], rect[3]};
    add_gpu_draw(dl, [hm, r4, m, dim](const gfx::ScreenSpace& ss) { hm->draw(ss, r4.data(), m, dim); },
                 [hm, r4, m, dim] { return hash_value(hash_value(hash_value(hm->version(), r4), m), dim); });
    return;
  }
  if (!cpu_fallback || rows <= 0 || cols <= 0) return;
  const float cell_w = (rect[2] - rect[0]) / float(cols), cell_h = (rect[3] - rect[1]) / float(rows);
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < cols; ++j)
      dl->AddRectFilled(ImVec2(rect[0] + j * cell_w, rect[1] + r * cell_h),
                        ImVec2(rect[0] + (j + 1) * cell_w, rect[1] + (r + 1) * cell_h),
                        colour_u32(values[std::size_t(r) * std::size_t(cols) + std::size_t(j)] / max_abs));
}

void draw_colour_scale(float indent, float width, float max_abs) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();
  const ImVec2 sp = ImGui::GetCursorScreenPos();
  constexpr int kSteps = 32;
  for (int i = 0; i < kSteps; ++i) {
    const float t = -1.0f + 2.0f * (i + 0.5f) / float(kSteps);
    dl->AddRectFilled(ImVec2(sp.x + indent + width * i / float(kSteps), sp.y),
                      ImVec2(sp.x + indent + width * (i + 1) / float(kSteps), sp.y + line * 0.6f), colour_u32(t));
  }
  ImGui::Dummy(ImVec2(indent + width, line * 0.6f));
  ImGui::SetCursorScreenPos(ImVec2(sp.x + indent, ImGui::GetCursorScreenPos().y));
  ImGui::Text("%+.2f", -double(max_abs));
  char hi[32];
  std::snprintf(hi, sizeof hi, "%+.2f", double(max_abs));
  ImGui::SameLine(indent + width - ImGui::CalcTextSize(hi).x + ImGui::GetStyle().CellPadding.x);
  ImGui::TextUnformatted(hi);
}

}  // namespace ev::ui
