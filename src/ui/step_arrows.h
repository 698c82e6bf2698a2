// step_arrows.h: the step inspector's arrows on the embedding view: one per
// row of C that the last Step moved, from where it was to where it is, in the
// view's own projection. Real moves are tiny, so arrows are drawn longer by a
// stated factor; hovering one gives its true length.
#pragma once

#include <imgui.h>

#include "core/snapshot.h"
#include "ui/embedding_panel.h"

namespace ev::ui {

// Draws the arrows inside the current plot (between BeginPlot and EndPlot).
// Returns the scale factor used (0 when nothing was drawn).
float draw_step_arrows(const Snapshot& s, const EmbeddingPanelState& st, ImDrawList* dl);

}  // namespace ev::ui
