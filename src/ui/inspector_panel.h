// inspector_panel.h: the step inspector. After a Step while paused it shows
// what that update (or those N updates) did: each context -> target with its
// probability and loss, the batch loss before and after, how far each row of
// C moved, and which tokens could not move because no context used them (the
// lookup's gradient is sparse). The arrows themselves are drawn on the
// embedding view (step_arrows.h).
#pragma once

#include "core/snapshot.h"
#include "ui/ui_context.h"

namespace ev::ui {

void draw_inspector_panel(const Snapshot& s, UiContext& ctx);

// The tokens of a context as text, e.g. "e m m" ("." for the boundary).
std::string context_text(const Vocab& v, const std::vector<int>& ids);

}  // namespace ev::ui
