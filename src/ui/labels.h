// labels.h: the token labels of the embedding view. Small vocabularies label
// every point; large ones only points whose label overlaps no earlier one
// (zooming in reveals more), within a budget per frame.
#pragma once

#include <imgui.h>

#include <cstddef>
#include <string>
#include <vector>

#include "core/data/vocab.h"
#include "gfx/text_layer.h"

namespace ev::ui {

inline constexpr int kAllLabelsUpTo = 64;  // vocabularies this small label every point

struct PointLabels {
  const std::vector<float>* xy = nullptr;  // (V, 2) positions, NaN where not drawn
  const Vocab* vocab = nullptr;
  float radius = 3;                        // disc radius, pixels
  int selected = -1, hovered = -1;         // labelled first, whatever they overlap (on a box when crowded)
  const std::vector<int>* also = nullptr;  // more tokens labelled so (a searched word's neighbours)
  std::vector<int>* drawn = nullptr;       // if given: the tokens labelled, filled in
  bool points_claim = true;                // points keep their own cells free of labels
  const std::vector<int>* order = nullptr; // (V) the order labels are tried in; null: vocabulary order
  // Pixel boxes (x0, y0, x1, y1) no label may cover, whatever it is: the
  // position squares (position_path.h). A label that finds none of its four
  // places free moves out from its point until it clears them.
  const std::vector<ImVec4>* keep_off = nullptr;
  const std::vector<ImVec4>* avoid = nullptr;  // boxes labels keep off where they can (the positions' numbers)
  std::vector<ImVec4>* boxes = nullptr;        // if given: the labels' boxes, filled in
  // If given (and ready): a crowded view's labels go into it as one cached
  // image instead of a frame's glyphs (the boxed labels stay ImGui's text).
  gfx::TextLayer* layer = nullptr;
};

// What a point's label shows of its token: the token, or for a long one (a
// word of a megabyte is a token too) its first whole UTF-8 characters, at most
// kLabelBytes bytes, and "...": measuring and drawing cost grows with the text.
inline constexpr std::size_t kLabelBytes = 48;
std::string label_text(const std::string& token);

// The glyphs of a draw list that holds only text (AddText's quads: four
// vertices a glyph, top-left first, bottom-right third), for a gfx::TextLayer.
std::vector<gfx::GlyphQuad> glyph_quads(const ImDrawList& glyphs);

// Draws the labels inside the current plot (between BeginPlot and EndPlot);
// returns how many were drawn.
int draw_point_labels(ImDrawList* dl, const PointLabels& p);

}  // namespace ev::ui
