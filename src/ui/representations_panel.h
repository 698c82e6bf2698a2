// representations_panel.h: three ways to feed a token to a network, side by
// side, as in Karpathy's makemore lecture 2 and Bengio et al. (2003): a
// simple index (one integer, with a meaningless
// order), a one-hot vector (V numbers; every token exactly sqrt(2) from every
// other) and the learned embedding (d numbers; similar tokens come close).
// Both distance matrices are GPU heat maps that update as training runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/live/snapshot.h"
#include "ui/table_heatmap.h"
#include "ui/ui_context.h"

namespace ev::ui {

struct RepresentationsPanelState {
  TableHeatmap onehot_map, embed_map;  // on the GPU from the first draw
  std::uint64_t uploaded_version = ~0ull;
  int uploaded_vocab = -1;
  double last_upload = -1e9;           // seconds; large tables refresh at most 4 times a second
  int map_labels = 0;                  // tokens labelled along each map's rows in the last frame
};

void draw_representations_panel(const Snapshot& s, UiContext& ctx, RepresentationsPanelState& st);

}  // namespace ev::ui
