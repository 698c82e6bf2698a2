// projector.h: how the rows of C become points of the embedding view: the
// table itself when d = 2 (or any two chosen columns), else its two principal
// axes (kept aligned from one fit to the next so they never flip); and the
// view transform from those positions to pixels of the current plot. Shared
// by the view, its trails and labels, and the step inspector's arrows.
#pragma once

#include <imgui.h>

#include <cmath>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/layout/pca.h"
#include "core/models/params.h"

namespace ev::ui {

enum class Projection {
  Auto,  // d = 2: the table itself; otherwise PCA
  Pca,   // the two principal axes of the rows of C
  Dims,  // two chosen columns of C
  Tsne,  // a t-SNE map of the rows of C (laid out off the UI thread: map_view.h)
  Umap,  // a UMAP map of the rows of C (likewise)
};

// A neighbour map: positions come from a LiveMap, not from fit().
inline bool is_map(Projection p) { return p == Projection::Tsne || p == Projection::Umap; }

struct Projector {
  Projection used = Projection::Auto;  // what the last fit did: Auto means the table's own columns
  int col_x = 0, col_y = 1;            // the columns drawn (Auto, Dims); col_y -1: d = 1, a line
  std::unique_ptr<Pca> pca;            // the last basis, passed back in to keep it aligned
  std::string x_label, y_label;

  // What `asked` means for a table of d columns: Auto is PCA above two
  // columns; one column is plotted as it is.
  static Projection resolve(Projection asked, int d);
  // Fits to the table C (V, d) and writes its positions into *xy (V, 2):
  // columns dim_x and dim_y for Dims, PCA over the finite rows for Pca. Rows
  // that are not finite (and every row when PCA has too few) stay NaN. A map
  // (Tsne, Umap) only records that it is used: its positions come from map_view.h.
  void fit(const Mat<float>& C, Projection use, int dim_x, int dim_y, std::vector<float>* xy);
  // Positions of other rows (n, d) under the last fit: (n, 2), NaN where unknown
  // (always under a map: it places only the rows it was made from).
  std::vector<float> project(const Mat<float>& rows) const;
};

// Point i of positions xy (V, 2), and where the current plot draws it.
inline bool finite_point(const std::vector<float>& xy, std::size_t i) {
  return std::isfinite(xy[2 * i]) && std::isfinite(xy[2 * i + 1]);
}
ImVec2 point_pixels(const std::vector<float>& xy, std::size_t i);  // between plot::BeginPlot and EndPlot

}  // namespace ev::ui
