// attention_panel.h: where the trained transformer looks. Type a name; the
// model reads the boundary and its letters, and every head of every layer
// gives a (positions x positions) causal map: row i the weights position i
// puts on positions 0..i (the future is masked: 0). Heat maps through
// TableHeatmap, tokens labelled on both axes. Draws into the current ImGui window.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/live/snapshot.h"
#include "ui/table_heatmap.h"
#include "ui/ui_context.h"

namespace ev::ui {

// Owns GL objects: create and destroy it with the GL context current.
struct AttentionPanelState {
  char text[128] = "emma";            // the typed item
  std::uint64_t version = ~0ull;      // the snapshot the maps were made from
  std::string computed_text;          // the text they were made for
  std::string error;                  // why there are no maps ("" when fine)
  std::vector<std::string> labels;    // (n) the tokens the positions hold
  std::vector<TableHeatmap> maps;     // layer * heads + head, each (n, n)
};

// Recomputes the maps for s's model and st.text (no drawing); exposed for tests.
void update_attention(const Snapshot& s, AttentionPanelState& st);

void draw_attention_panel(const Snapshot& s, UiContext& ctx, AttentionPanelState& st);

}  // namespace ev::ui
