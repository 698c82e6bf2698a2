// facts_panel.h: the model in numbers: parameters per tensor, and how many
// entries a plain n-gram table with the same context would need instead
// (V^(block+1)), with seed note 001's example of a 291,500-word vocabulary.
#pragma once

#include "core/snapshot.h"
#include "ui/ui_context.h"

namespace ev::ui {

void draw_facts_panel(const Snapshot& s, UiContext& ctx);

}  // namespace ev::ui
