// facts_panel.h: the model in numbers: parameters per tensor, and how many
// entries a plain n-gram table with the same context would need instead
// (V^(block+1)), with Bengio et al.'s (2003) example of 10 words over a
// 100,000-word vocabulary, and the same over the Oxford English Dictionary.
// For word data also the vocabulary against the corpus and the trigrams it
// holds against the V^3 a full table needs.
#pragma once

#include <string>
#include <vector>

#include "core/live/snapshot.h"
#include "ui/ui_context.h"

namespace ev::ui {

void draw_facts_panel(const Snapshot& s, UiContext& ctx);

// Word data's paragraphs: the vocabulary and its coverage, then the n-gram
// blow-up counted on this corpus; none for characters.
std::vector<std::string> word_facts(const Snapshot& s);

}  // namespace ev::ui
