// onehot_panel.h: the one-hot vs lookup view. For one context (typed, or a
// row of the last batch) it shows the two ways to get the embeddings side by
// side with live numbers: one-hot rows (block x V) times C (V x d), and the
// lookup C[ids]; the concatenated input vector; the largest difference
// between the paths (0); what each path costs, counted and measured; and a
// shader-drawn heat map of C with the looked-up rows highlighted.
// Draws into the current ImGui window.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/live/snapshot.h"
#include "ui/table_heatmap.h"
#include "ui/ui_context.h"

namespace ev::ui {

// What the view keeps between frames. Owns GL objects: create and destroy it
// with the GL context current.
struct OnehotPanelState {
  char text[256] = "emm";      // the typed context
  bool from_batch = false;     // use a row of the last batch instead
  int batch_row = 0;           // which row
  int focus = 0;               // which context position the heat map window centres on (large V)
  std::uint64_t data_checksum = 0;  // Dataset::checksum of the data `text` was checked against

  // Measured cost of each path, refreshed at most twice a second.
  double matmul_us = 0, lookup_us = 0;
  double last_timing = -1e9;
  float max_diff = 0;

  // The two paths' rows and the heat map, from the table as of
  // shown_version: made again when the context changes, and at most ten times
  // a second while training changes the table (numbers a person can read,
  // which a software renderer redraws no more often).
  Mat<float> E1, E2;
  std::vector<int> shown_ids;
  std::uint64_t shown_version = ~0ull;
  double shown_time = -1e9;

  TableHeatmap table;          // the rows of C shown; on the GPU from the first draw
  std::uint64_t uploaded_version = ~0ull;
  std::vector<int> uploaded_ids;
  int uploaded_first = -1;
};

// Draws the view into the current ImGui window.
void draw_onehot_panel(const Snapshot& s, UiContext& ctx, OnehotPanelState& st);

}  // namespace ev::ui
