// loss_panel.h: the loss view. Training loss per step drawn faint, a smoothed
// curve over it, and validation loss at its intervals; linear or log scale;
// hover for the numbers; dashed landmarks at the loss of a uniform guess (ln V)
// and of a counting bigram model, as in the makemore lectures. Draws into the current ImGui window, from the
// snapshot's (already downsampled) history; the plot thins it to pixels.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/live/snapshot.h"
#include "ui/plot.h"
#include "ui/structure_plot.h"
#include "ui/ui_context.h"

namespace ev::ui {

struct LossPanelState {
  plot::PlotState plot;           // limits and auto-fit
  bool log_scale = true;          // the first steps' losses are ~10x the later ones
  float smoothing = 0.95f;        // exponential smoothing per plotted point (0 = none)

  // Derived from the last snapshot seen.
  std::uint64_t version = ~0ull;
  float smoothing_used = -1;
  std::vector<double> smooth_x, smooth_y;  // the smoothed curve
  double y_min = 1, y_max = 10, y_min_pos = 1;  // finite extents (y_min_pos: smallest > 0)
  std::int64_t x_max = 1;
  // The smoothed curves of the other runs drawn beside the main one.
  struct Other {
    std::uint64_t version = ~0ull;
    std::vector<double> x, y;
  };
  std::map<RunId, Other> others;
  std::vector<std::array<float, 4>> reference_boxes;  // the landmarks' labels drawn last frame (x0, y0, x1, y1)
  std::array<float, 4> message_box{};                 // and the "No steps yet" message (zero when none)
  RunId others_from = 0;          // other runs below this id are not drawn (from before a restart)
  RunId main_run = 0;             // the main run, and its restarts, last frame
  std::uint64_t main_restarts = 0;
  std::map<RunId, std::string> names;  // legend names of the other runs ("run N" when absent)

  StructurePlotState structure;   // the neighbour shares under the loss

  LossPanelState() {
    plot.show_legend = true;
    plot.steady_fit = true;  // the x axis grows in steps: between them only the curves' ends are drawn again
  }
};

// Exponential moving average of ys with bias correction (so the curve starts
// at the first value, not at 0). Non-finite inputs are skipped.
void smooth_series(const LossSpan& pts, float smoothing, std::vector<double>* xs, std::vector<double>* ys);

// A loss as the panels print it: 4 decimals, or "-" before there is one (never a made-up 0).
std::string loss_text(float loss);

// The colour of the i-th run beside the main one.
ImU32 run_colour(std::size_t i);

// Draws the view of one run into the current ImGui window.
void draw_loss_panel(const Snapshot& s, UiContext& ctx, LossPanelState& st);
// The same, of the first run, with the others' smoothed curves and validation
// points over it, one colour each.
void draw_loss_panel(const std::vector<SnapshotPtr>& runs, UiContext& ctx, LossPanelState& st);

}  // namespace ev::ui
