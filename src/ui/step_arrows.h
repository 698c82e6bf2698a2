// step_arrows.h: the step inspector's arrows on the embedding view: one per
// row of the token table (C, wte) that the last Step moved, from where it was
// to where it is, in the view's own projection; for a transformer also one
// per position of wpe's path that moved. Real moves are tiny, so arrows are
// drawn longer by one stated factor for both tables; hovering one gives its
// true length.
#pragma once

#include <imgui.h>

#include "core/live/snapshot.h"
#include "ui/embedding_panel.h"

namespace ev::ui {

// Draws the arrows inside the current plot (between BeginPlot and EndPlot),
// counting them in st.token_arrows and st.position_arrows. Returns the scale
// factor used (0 when nothing was drawn).
float draw_step_arrows(const Snapshot& s, EmbeddingPanelState& st, ImDrawList* dl);

}  // namespace ev::ui
