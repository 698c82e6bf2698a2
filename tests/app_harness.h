// app_harness.h: what the tests that drive the whole app headlessly share:
// opening it (or learning that this machine has no headless GL), waiting for
// the trainer thread to apply every command, and reading the text the fit
// check found cut off. Test support only, not part of the program.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "app/headless_ui.h"
#include "core/base/error.h"
#include "gfx/render_target.h"  // Image
#include "ui/embedding_panel.h"
#include "test_util.h"  // kIdleTimeout

namespace ev::testing {

// The app with its first run made (its data read on the trainer's thread),
// no frame drawn yet; null when no headless GL context can be made.
inline std::unique_ptr<app::HeadlessUi> ready_app(const app::AppOptions& o) {
  try {
    auto ui = std::make_unique<app::HeadlessUi>(o);
    if (!ui->wait_ready(kIdleTimeout)) ADD_FAILURE() << "the first run was not made in " << kIdleTimeout.count() << " s";
    return ui;
  } catch (const Error&) {
    return nullptr;
  }
}

// ready_app() with two frames drawn.
inline std::unique_ptr<app::HeadlessUi> open_app(const app::AppOptions& o) {
  auto ui = ready_app(o);
  if (ui) ui->frame(), ui->frame();
  return ui;
}

// Waits until the trainer has applied every command (and sent the model's
// parameters), then draws two frames; the latest snapshot (a timeout fails the test).
inline SnapshotPtr settle(app::HeadlessUi& ui, std::chrono::seconds timeout = kIdleTimeout) {
  ui.app().trainer().want_model();
  if (!ui.app().trainer().wait_idle(timeout))
    ADD_FAILURE() << "the trainer did not become idle in " << timeout.count() << " s";
  ui.frame();
  ui.frame();
  return ui.app().trainer().snapshot();
}

// Draws frames until `done` holds, then one more; false when `limit` passes first.
template <class F>
bool frames_until(app::HeadlessUi& ui, F done, std::chrono::seconds limit = kUntilTimeout) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    ui.frame();
  }
  ui.frame();
  return true;
}

// True when the pixel p (RGBA) is within `tol` of ImGui colour c on each channel.
inline bool near_colour(const unsigned char* p, ImU32 c, int tol = 40) {
  const int r = int(c & 0xFF), g = int((c >> 8) & 0xFF), b = int((c >> 16) & 0xFF);
  return std::abs(p[0] - r) <= tol && std::abs(p[1] - g) <= tol && std::abs(p[2] - b) <= tol;
}

// Checks that each point of the embedding view with no other within `apart`
// pixels (one would cover the other) is inside the picture and drawn in its
// class's colour where the view says it is; returns how many were checked.
inline int check_point_colours(app::HeadlessUi& ui, float apart) {
  const ui::EmbeddingPanelState& st = ui.app().embedding_view();
  const gfx::Image img = ui.pixels();
  const gfx::DataToPixels& m = st.last_map;
  const auto at = [&](int i, int axis) { return st.xy[2 * std::size_t(i) + std::size_t(axis)] * m.scale[axis] + m.offset[axis]; };
  const int V = int(st.xy.size() / 2);
  int checked = 0;
  for (int i = 0; i < V; ++i) {
    const float x = at(i, 0), y = at(i, 1);
    bool alone = std::isfinite(x) && std::isfinite(y);
    for (int j = 0; j < V && alone; ++j)
      if (j != i) alone = (at(j, 0) - x) * (at(j, 0) - x) + (at(j, 1) - y) * (at(j, 1) - y) > apart * apart;
    if (!alone) continue;
    const bool inside = x > 0 && x < float(ui.width()) && y > 0 && y < float(ui.height());
    EXPECT_TRUE(inside) << "point " << i << " at " << x << ", " << y;
    if (!inside) continue;
    EXPECT_TRUE(near_colour(img.at(int(std::lround(x)), int(std::lround(y))), ui::class_colour(st.classes[std::size_t(i)])))
        << "point " << i;
    ++checked;
  }
  return checked;
}

// Selects the text of the focused field (Ctrl+A), types `text` over it and
// presses Enter, then draws a frame.
inline void replace_text(app::HeadlessUi& ui, const std::string& text) {
  ImGuiIO& io = ImGui::GetIO();
  io.KeyCtrl = true;
  ui.key('A');
  io.KeyCtrl = false;
  ui.type(text);
  ui.key(ImGuiKey_Enter);
  ui.frame();
}

// Everything the last frame's fit check found cut off, a line each ("" when nothing).
inline std::string clipped_text(app::HeadlessUi& ui) {
  std::string all;
  for (const std::string& c : ui.app().context().clipped) all += c + "\n";
  return all;
}

// Scrolls the Tools column's tab with the wheel, as a user would, until the
// item recorded under `label` shows between the tab strip and the status
// line (its foot, and its head too unless it is taller than the view);
// false when it never does.
inline bool scroll_tools_to(app::HeadlessUi& ui, const std::string& label, int notches = 80) {
  const auto& rects = ui.app().context().item_rects;
  const auto strip = rects.find("tab One-hot");
  if (strip == rects.end()) return false;
  const float top = strip->second[3], bottom = float(ui.height()) - 40, x = strip->second[0] + 20;
  for (int i = 0; i <= notches; ++i) {
    const auto it = rects.find(label);
    const bool drawn = it != rects.end();
    const float head = drawn ? it->second[1] : 0, foot = drawn ? it->second[3] : 0;
    if (drawn && foot > top && foot < bottom && (head > top || foot - head > bottom - top)) return true;
    if (i == notches) break;
    ui.set_mouse(x, top + 60, false);
    ImGui::GetIO().MouseWheel = drawn && foot <= top ? 1.0f : -1.0f;
    ui.frame();
  }
  return false;
}

// What is wrong with the embedding view's room in the last frame, a line
// each ("" when nothing): its window narrower than `share` of the app's
// width, its plot narrower than the window less the padding, or a drawn
// point or position square inside the legend's box.
inline std::string embedding_view_problems(app::HeadlessUi& ui, float share = 0.45f) {
  std::string out;
  const auto& rects = ui.app().context().item_rects;
  const auto win = rects.find("window Embeddings");
  if (win == rects.end()) return "no embedding view drawn\n";
  const float w = win->second[2] - win->second[0];
  if (w < share * float(ui.width()))
    out += "the embedding view is " + std::to_string(int(w)) + " px of " + std::to_string(ui.width()) + "\n";
  const ui::EmbeddingPanelState& st = ui.app().embedding_view();
  const ui::plot::PlotState& p = st.plot;
  if (p.frame_max.x - p.frame_min.x < w - 2 * ImGui::GetStyle().WindowPadding.x - 1)
    out += "the plot is narrower than its window\n";
  const bool legend = p.legend_max.x > p.legend_min.x && p.legend_max.y > p.legend_min.y;
  if (!legend) out += "no legend drawn\n";
  const auto covered = [&](const std::vector<float>& xy, const char* what) {
    for (std::size_t i = 0; 2 * i + 1 < xy.size(); ++i) {
      const float x = xy[2 * i] * st.last_map.scale[0] + st.last_map.offset[0];
      const float y = xy[2 * i + 1] * st.last_map.scale[1] + st.last_map.offset[1];
      const bool drawn = x >= p.plot_min.x && x <= p.plot_max.x && y >= p.plot_min.y && y <= p.plot_max.y;
      if (legend && drawn && x >= p.legend_min.x && x <= p.legend_max.x && y >= p.legend_min.y && y <= p.legend_max.y)
        out += std::string("the legend covers ") + what + " " + std::to_string(i) + "\n";
    }
  };
  covered(st.xy, "token");
  if (st.show_positions) covered(st.positions_xy, "position");
  return out;
}

}  // namespace ev::testing
