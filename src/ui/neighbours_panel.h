// neighbours_panel.h: a token's k nearest tokens in the embedding table, by
// cosine similarity and by Euclidean distance, updating as training runs.
#pragma once

#include "core/live/snapshot.h"
#include "ui/ui_context.h"

namespace ev::ui {

struct NeighboursPanelState {
  int k = 8;
};

void draw_neighbours_panel(const Snapshot& s, UiContext& ctx, NeighboursPanelState& st);

}  // namespace ev::ui
