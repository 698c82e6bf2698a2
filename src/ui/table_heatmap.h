// table_heatmap.h: a table of numbers as a heat map through the one diverging
// colour map (gfx/colour_map.h): on the GPU through gfx::Heatmap, or cell by
// cell with ImGui when GL is not there. Used by the one-hot view (C with the
// looked-up rows highlighted) and the representations view (distance maps).
// Cells and colour scale only: labels and outlines belong to the view.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gfx/heatmap.h"

namespace ev::ui {

// Owns GL objects: create and destroy it with the GL context current.
struct TableHeatmap {
  gfx::Heatmap gpu;            // initialised by init_gpu()
  std::string gl_error;        // why the table is not on the GPU ("" when fine)
  std::vector<float> values;   // (rows, cols) as last set, for drawing without the GPU
  int rows = 0, cols = 0;
  float max_abs = 1;           // |value| drawn at full colour

  // Creates the GPU heat map on first use; false (gl_error says why) when it cannot.
  bool init_gpu();
  // Sets the (rows, cols) row-major table and one flag per row (non-zero:
  // highlighted). max_abs <= 0: the largest finite |value| (1 when there is none).
  void set(const float* v, int rows, int cols, const std::vector<std::uint8_t>& lit, float max_abs = 0);
  // Draws the cells into rect (x0, y0, x1, y1 display pixels), rows not
  // highlighted dimmed by `dim` (0..1). Without the GPU, cell by cell when
  // `cpu_fallback` (small tables only: a rectangle per cell).
  void draw(ImDrawList* dl, const float rect[4], float dim, bool cpu_fallback = true) const;
};

// The colour scale under a heat map: the map from -max_abs to +max_abs,
// `indent` pixels in from the cursor and `width` wide, with its end values.
void draw_colour_scale(float indent, float width, float max_abs);

}  // namespace ev::ui
