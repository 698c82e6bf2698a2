// token_picker.h: the one combo box every tool uses to choose a token. It
// reads and writes UiContext::selected_token, so picking a token here, clicking
// a point in the embedding view or a row in a table all agree.
#pragma once

#include "core/live/snapshot.h"
#include "ui/ui_context.h"

namespace ev::ui {

// Draws the combo and returns the token in force: the selected one, or 'a'
// (id 1) when nothing is selected.
int token_picker(const Snapshot& s, UiContext& ctx);

}  // namespace ev::ui
