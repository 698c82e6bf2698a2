// word_search.h: the embedding view's search box. Typing a word and pressing
// Enter selects it, centres the view on it and rings its nearest neighbours
// by cosine similarity over all d dimensions of C (core/teach.h's nearest()),
// which are listed under the box and follow the training.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/live/snapshot.h"
#include "core/teach/teach.h"
#include "ui/plot.h"
#include "ui/ui_context.h"

namespace ev::ui {

struct WordSearch {
  char text[96] = "";
  int k = 8;                       // neighbours ringed and listed
  int token = -1;                  // the word found (-1: none)
  std::vector<Neighbour> near;     // its neighbours, closest first
  std::uint64_t version = ~0ull;   // the snapshot version `near` belongs to
  std::string message;             // why nothing was found
  bool centre = false;             // centre the view on `token` before the next plot
};

// The box and, under it, the neighbours' list. Draws into the current window.
void draw_word_search(const Snapshot& s, UiContext& ctx, WordSearch& ws);

// Before BeginPlot: when a word was just found, limits centred on it wide
// enough to show its neighbours (xy: (V, 2) projected positions).
void centre_on_word(WordSearch& ws, const std::vector<float>& xy, plot::PlotState& plot);

// Inside the plot: rings around the found word's neighbours.
void draw_neighbour_rings(const WordSearch& ws, const std::vector<float>& xy, float radius, ImDrawList* dl);

}  // namespace ev::ui
