// preparing.h: what a view shows while its run is still being made on the
// run's own thread (its data read, its examples framed, its trigram counted)
// or could not be made: one short line, centred in the room the view has.
// Not for: the controls, which stay where they are, disabled.
#pragma once

#include <string>

#include "core/live/snapshot.h"
#include "ui/ui_context.h"

namespace ev::ui {

// The line a view shows for a run that is not ready: "Preparing: <stage>...",
// or why the run could not be made.
std::string preparing_text(const Snapshot& s);

// When the run is not ready (Snapshot::ready), draws preparing_text() centred
// in the rest of the current window, its first line recorded as "preparing
// <view>", and returns true: the view draws nothing else. False, and nothing
// drawn, once it is.
bool draw_preparing(const Snapshot& s, UiContext& ctx, const char* view);

}  // namespace ev::ui
