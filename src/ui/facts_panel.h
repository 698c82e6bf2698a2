// facts_panel.h: the model in numbers: parameters per tensor, and how many
// entries a plain n-gram table with the same context would need instead
// (V^(block+1)), with Bengio et al.'s (2003) example of 10 words over a
// 100,000-word vocabulary, and the same over the Oxford English Dictionary.
#pragma once

#include "core/snapshot.h"
#include "ui/ui_context.h"

namespace ev::ui {

void draw_facts_panel(const Snapshot& s, UiContext& ctx);

}  // namespace ev::ui
