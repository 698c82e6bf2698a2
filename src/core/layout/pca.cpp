// pca.cpp: PCA through the eigen-decomposition of the (d, d) covariance.
#include "core/layout/pca.h"

#include <Eigen/Eigenvalues>  // SelfAdjointEigenSolver
#include <algorithm>
#include <numeric>

namespace ev {

Mat<double> Pca::project(const Mat<double>& X) const {
  return (X.rowwise() - mean) * components.transpose();  // (n, k) = (n, d)(d, k)
}

Pca pca(const Mat<double>& X, int k, const Pca* previous) {
  const Eigen::Index n = X.rows(), d = X.cols();
  k = std::max(0, std::min<int>(k, int(d)));
  Pca out;
  out.mean = n > 0 ? Vec<double>(X.colwise().mean()) : Vec<double>::Zero(d);      // (d)
  const Mat<double> Xc = X.rowwise() - out.mean;                                   // (n, d)
  const Mat<double> cov = (Xc.transpose() * Xc) / double(std::max<Eigen::Index>(1, n - 1));  // (d, d)
  Eigen::SelfAdjointEigenSolver<Mat<double>> es(cov);
  // Eigen sorts eigenvalues ascending; take them from the top.
  const double total = std::max(0.0, cov.trace());
  out.components.resize(k, d);
  out.explained.resize(std::size_t(k));
  for (int i = 0; i < k; ++i) {
    const Eigen::Index src = d - 1 - i;
    out.components.row(i) = es.eigenvectors().col(src).transpose();
    out.explained[std::size_t(i)] = total > 0 ? std::max(0.0, es.eigenvalues()(src)) / total : 0.0;
  }

  if (previous && previous->components.rows() == k && previous->components.cols() == d && k > 0) {
    // Greedy matching by |cosine|, largest first: for the 2 or 3 axes drawn this
    // equals the optimal assignment unless two axes are nearly degenerate.
    const Mat<double> dots = out.components * previous->components.transpose();  // (k, k)
    std::vector<int> match(std::size_t(k), -1);
    std::vector<bool> used_new(static_cast<std::size_t>(k)), used_old(static_cast<std::size_t>(k));
    for (int round = 0; round < k; ++round) {
      double best = -1;
      int bi = 0, bj = 0;
      for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j)
          if (!used_new[std::size_t(i)] && !used_old[std::size_t(j)] && std::abs(dots(i, j)) > best) {
            best = std::abs(dots(i, j));
            bi = i;
            bj = j;
          }
      used_new[std::size_t(bi)] = used_old[std::size_t(bj)] = true;
      match[std::size_t(bj)] = bi;
    }
    Mat<double> comps(k, d);
    std::vector<double> expl(static_cast<std::size_t>(k));
    for (int j = 0; j < k; ++j) {
      const int i = match[std::size_t(j)];
      const double sign = dots(i, j) < 0 ? -1.0 : 1.0;
      comps.row(j) = sign * out.components.row(i);
      expl[std::size_t(j)] = out.explained[std::size_t(i)];
    }
    out.components = comps;
    out.explained = expl;
  }
  return out;
}

}  // namespace ev
