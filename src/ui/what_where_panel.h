// what_where_panel.h: "what + where", how a transformer (microgpt) reads a
// token at a position: the token's row of wte plus the position's row of wpe.
// Pick a token: its own point, and its sum with every position's vector as a
// numbered path beside it, projected as the embedding view projects wte; for one
// chosen position the three vectors as numbers (wte[t], wpe[p], their sum).
// Draws into the current ImGui window.
#pragma once

#include <cstdint>
#include <vector>

#include "core/live/snapshot.h"
#include "ui/plot.h"
#include "ui/projector.h"
#include "ui/ui_context.h"

namespace ev::ui {

struct WhatWherePanelState {
  int position = 0;                 // the position whose numbers are shown
  plot::PlotState plot;
  // Derived from the last snapshot and token seen.
  std::uint64_t version = ~0ull;
  int token = -1;
  Projector projector;              // PCA of wte (or its own columns at d = 2), kept aligned
  std::vector<float> tokens_xy;     // (V, 2) every token, drawn faintly
  std::vector<float> sums_xy;       // (block, 2) wte[token] + wpe[p] for every position p

  // No legend on the plot: the numbers above it name the colours.
  WhatWherePanelState() { plot.equal_aspect = true, plot.show_legend = false; }
};

// Re-projects for s and `token` into st (no drawing); exposed for tests.
void update_what_where(const Snapshot& s, int token, WhatWherePanelState& st);

void draw_what_where_panel(const Snapshot& s, UiContext& ctx, WhatWherePanelState& st);

}  // namespace ev::ui
