// ghost.h: a pinned step of the run drawn faintly under the step shown, to
// compare two moments (the timeline bar's Pin): every token's point at the
// pinned step in the view's own projection (the shown table's PCA basis, or
// its two columns), and a line from each to where the token is in the shown
// step, as the step inspector's arrows (step_arrows.h) do for one update. A
// small vocabulary gets a line for every token; above kGhostAllLinesUpTo only
// the labelled tokens and the searched word with its neighbours do, so a frame
// stays within its budget. The points go through the GPU (a cached layer for a
// large vocabulary, as the view's own), never one ImGui call each. Under a map
// (t-SNE, UMAP) there is no ghost: a map places only the table it laid out.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>

#include "ui/embedding_panel.h"

namespace ev::ui {

inline constexpr int kGhostAllLinesUpTo = 2000;  // larger vocabularies: lines for labelled and searched words only

// "ghost: step 200 -> 5,000": which two steps the view compares.
std::string ghost_label(std::int64_t pinned, std::int64_t shown);

// Projects the pinned token table (its first V rows) into st.ghost.xy when the
// pinned tables or the view's projection changed; clears it when nothing is pinned.
void update_ghost(EmbeddingPanelState& st, int V);

// Between plot::BeginPlot and EndPlot, before the view's own points: the
// pinned step's points, faint, through the GPU.
void draw_ghost_points(EmbeddingPanelState& st, float radius, ImDrawList* dl);

// After the points, before the labels: a line from each token's pinned
// position to its shown one (the tokens the last frame labelled, when large),
// and the legend's entry naming the two steps.
void draw_ghost_lines(EmbeddingPanelState& st, const UiContext& ctx, std::int64_t shown_step, ImDrawList* dl);

}  // namespace ev::ui
