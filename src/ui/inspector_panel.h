// inspector_panel.h: the step inspector. After a Step while paused it shows
// what that update (or those N updates) did: the batch (the MLP's contexts ->
// targets, a transformer's whole items and the positions they train) with
// probabilities and losses, the batch loss before and after, how far each row
// of the embedding tables moved (C; or wte and wpe), and which rows could not
// move because no batch looked them up (the lookup's gradient is sparse). The
// arrows themselves are drawn on the embedding view (step_arrows.h).
#pragma once

#include "core/live/snapshot.h"
#include "ui/ui_context.h"

namespace ev::ui {

void draw_inspector_panel(const Snapshot& s, UiContext& ctx);

// The tokens of a context as text, e.g. "e m m" ("." for the boundary).
std::string context_text(const Vocab& v, const std::vector<int>& ids);

// A transformer's item as text, boundaries included: ".emma." for characters,
// ". the cat sat ." for words.
std::string item_text(const Dataset& d, const std::vector<int>& ids);

}  // namespace ev::ui
