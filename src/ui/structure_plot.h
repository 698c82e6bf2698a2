// structure_plot.h: under the loss, whether the vectors mean anything: at
// each validation, the share of tokens' nearest neighbours that share a label
// with them (parts of speech and word groups for words, vowels for
// characters; core/structure.h), each curve with its chance rate dashed.
// A loss can fall while the table stays random; this curve cannot.
#pragma once

#include "core/live/snapshot.h"
#include "ui/plot.h"

namespace ev::ui {

struct StructurePlotState {
  plot::PlotState plot;
  StructurePlotState() { plot.steady_fit = true; }  // its x axis steps with the loss plot's
};

// The height the plot takes under the loss out of `room` pixels: at most
// 38% of it and nine lines of text, 0 when the run has no probes or the
// room is too small for a readable plot (the loss keeps it all).
float structure_plot_height(const Snapshot& s, float room);
// Draws the plot, `height` pixels tall.
void draw_structure_plot(const Snapshot& s, StructurePlotState& st, float height, double x_max);

}  // namespace ev::ui
