// projector.cpp: the fit runs once per table version; project() reuses its
// basis for other tables (C before a step) so both land in one picture.
#include "ui/projector.h"

#include <cstdio>
#include <limits>
#include <utility>

#include "ui/plot.h"

namespace ev::ui {

Projection Projector::resolve(Projection asked, int d) {
  if (asked == Projection::Auto && d > 2) return Projection::Pca;
  if ((asked == Projection::Dims || asked == Projection::Pca) && d < 2) return Projection::Auto;  // one column: plot it
  return asked;
}

void Projector::fit(const Mat<float>& C, Projection use, int dim_x, int dim_y, std::vector<float>* xy) {
  const int V = int(C.rows()), d = int(C.cols());
  used = use;
  if (is_map(use)) return;
  xy->assign(std::size_t(V) * 2, std::numeric_limits<float>::quiet_NaN());
  char buf[96];
  if (use == Projection::Auto || use == Projection::Dims) {
    col_x = use == Projection::Auto ? 0 : dim_x;
    col_y = use == Projection::Auto ? (d > 1 ? 1 : -1) : dim_y;
    *xy = project(C);
    std::snprintf(buf, sizeof buf, "C[:, %d]", col_x);
    x_label = buf;
    if (col_y >= 0) std::snprintf(buf, sizeof buf, "C[:, %d]", col_y);
    else std::snprintf(buf, sizeof buf, "(d = 1: one axis only)");
    y_label = buf;
    return;
  }
  // PCA over the finite rows only; rows with NaN/inf stay NaN and are not drawn.
  std::vector<int> rows;
  rows.reserve(std::size_t(V));
  for (int i = 0; i < V; ++i)
    if (C.row(i).allFinite()) rows.push_back(i);
  Mat<double> X(Eigen::Index(rows.size()), d);  // (n, d)
  for (std::size_t r = 0; r < rows.size(); ++r) X.row(Eigen::Index(r)) = C.row(rows[r]).cast<double>();
  if (rows.size() < 2) {
    x_label = "PC1";
    y_label = "PC2";
    return;
  }
  Pca p = ev::pca(X, 2, pca.get());
  const Mat<double> P = p.project(X);  // (n, 2)
  for (std::size_t r = 0; r < rows.size(); ++r) {
    (*xy)[2 * std::size_t(rows[r])] = float(P(Eigen::Index(r), 0));
    (*xy)[2 * std::size_t(rows[r]) + 1] = float(P(Eigen::Index(r), 1));
  }
  std::snprintf(buf, sizeof buf, "PC1 (%.1f%% of variance)", 100.0 * (p.explained.size() > 0 ? p.explained[0] : 0));
  x_label = buf;
  std::snprintf(buf, sizeof buf, "PC2 (%.1f%% of variance)", 100.0 * (p.explained.size() > 1 ? p.explained[1] : 0));
  y_label = buf;
  pca = std::make_unique<Pca>(std::move(p));
}

std::vector<float> Projector::project(const Mat<float>& rows) const {
  const Eigen::Index n = rows.rows(), d = rows.cols();
  std::vector<float> xy(std::size_t(n) * 2, std::numeric_limits<float>::quiet_NaN());
  if (is_map(used)) return xy;
  if (used == Projection::Pca) {
    if (!pca || pca->components.cols() != d) return xy;
    const Mat<double> P = pca->project(rows.cast<double>());  // (n, 2)
    for (Eigen::Index i = 0; i < n; ++i) {
      xy[2 * std::size_t(i)] = float(P(i, 0));
      xy[2 * std::size_t(i) + 1] = P.cols() > 1 ? float(P(i, 1)) : 0.0f;
    }
    return xy;
  }
  if (col_x < 0 || col_x >= d || col_y >= d) return xy;
  for (Eigen::Index i = 0; i < n; ++i) {
    xy[2 * std::size_t(i)] = rows(i, col_x);
    xy[2 * std::size_t(i) + 1] = col_y >= 0 ? rows(i, col_y) : 0.0f;  // d = 1: a line
  }
  return xy;
}

ImVec2 point_pixels(const std::vector<float>& xy, std::size_t i) { return plot::ToPixels(xy[2 * i], xy[2 * i + 1]); }

}  // namespace ev::ui
