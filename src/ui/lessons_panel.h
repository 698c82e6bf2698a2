// lessons_panel.h: one-click lessons. Each preset sets the configuration (and
// the data, for the toy lesson), pauses at step 0 and says what to watch; and
// the toy lesson's numbers (the embedding lookup of Karpathy's makemore
// lecture 2 on five tokens), computed both ways.
#pragma once

#include "core/live/snapshot.h"
#include "ui/ui_context.h"

namespace ev::ui {

void draw_lessons_panel(const Snapshot& s, UiContext& ctx);

// The toy lesson in the live model's numbering: lookup and one-hot x C.
void draw_toy_lesson(UiContext& ctx);

}  // namespace ev::ui
